"""Benchmark: seconds to read a 20-page DOCX (our memo of a long article), against the 0.5 s budget."""

from __future__ import annotations

import time
from pathlib import Path

from exporter import parse
from exporter.api import render
from exporter.model import Document, Paragraph, Section, Strong, plain_text

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 0.5


def twenty_pages() -> bytes:
    """The sample memo with its sections repeated until LibreOffice lays it out on 21 pages."""
    sample = parse((ROOT / "sources" / "markdown" / "japan-us-summit.md").read_bytes(), name="x.md").document
    sections = list(sample.sections)
    extra = [
        Section.of(f"{s.heading} ({n})", *s.blocks, Paragraph.of("A ", Strong.of("bold"), " closing line."))
        for n in range(1, 19)
        for s in sample.sections
    ]
    long = Document(
        meta=sample.meta, key_points=sample.key_points, sections=(*sections, *extra), commentary=sample.commentary
    )
    return render(long, "docx").data


def main() -> None:
    """Print the best of five reads of the 20-page memo."""
    data = twenty_pages()
    parse(data, name="long.docx")
    times = []
    for _ in range(5):
        started = time.perf_counter()
        result = parse(data, name="long.docx")
        times.append(time.perf_counter() - started)
    paragraphs = (b for s in result.document.sections for b in s.blocks if isinstance(b, Paragraph))
    words = sum(len(plain_text(p.inlines).split()) for p in paragraphs)
    best = min(times)
    verdict = "within" if best < BUDGET else "OVER"
    print(f"read a 21-page memo ({len(data):,} bytes, {words:,} words): {best:.3f} s best of 5, {verdict} {BUDGET} s")


if __name__ == "__main__":
    main()
