"""Benchmark: microseconds per fallback-chain split (Latin fast path, mixed scripts) and the cost of a preflight."""

from __future__ import annotations

import datetime
import time

from exporter import load_style
from exporter.model import Document, Meta, Paragraph, Section, Text
from exporter.present.coverage import cmap, font_chain
from exporter.present.preflight import preflight

PARAGRAPHS = (
    "The committee published its annual review on Tuesday, noting that revenue grew by 4.2% year over year "
    "while operating costs fell. Analysts said the results were broadly in line with expectations, although "
    "the outlook for the second half remains uncertain given the currency swings and the pending decision.",
    "In a statement, the company\u2019s chief executive said: \u201cWe are confident that the measures taken "
    "this year \u2014 including the restructuring of our European operations \u2014 will pay off.\u201d",
    "Critics argue that the plan does little to address the underlying problems, and that the savings are "
    "largely one-off effects that will not recur next year (see the appendix for details).",
)
MIXED = PARAGRAPHS[0] + " ✔ done ✅ 👋 \u2014 评论备录 한국어 ₹100 ﬀ\u2060"


def per_call(label: str, texts: tuple[str, ...], calls: int = 10_000) -> None:
    """Time ``calls`` splits cycling through ``texts``, in a warm process."""
    chain = font_chain("Liberation Serif", "IPAexMincho")
    for text in texts:
        chain.split(text)
    start = time.perf_counter()
    for i in range(calls):
        chain.split(texts[i % len(texts)])
    elapsed = time.perf_counter() - start
    chars = sum(map(len, texts)) / len(texts)
    print(f"{label}: {elapsed / calls * 1e6:.2f} \u00b5s per call ({calls} calls, {chars:.0f} characters each)")


def main() -> None:
    """Print the timings."""
    start = time.perf_counter()
    for family in font_chain("Liberation Serif", "IPAexMincho").families:
        cmap(family)
    print(f"reading every cmap of the serif chain once: {(time.perf_counter() - start) * 1e3:.1f} ms")
    per_call("Latin paragraph (fast path)", PARAGRAPHS)
    per_call("mixed scripts and symbols", (MIXED,))
    style = load_style("default")
    meta = Meta(title="Benchmark", date=datetime.date(2025, 2, 8))
    body = tuple(Paragraph(inlines=(Text(text=p),)) for p in (*PARAGRAPHS, MIXED) * 20)
    document = Document(meta=meta, sections=(Section(heading="Body", blocks=body),))
    preflight(document, style)
    start = time.perf_counter()
    for _ in range(20):
        preflight(document, style)
    print(f"preflight of an 80-paragraph document: {(time.perf_counter() - start) / 20 * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
