"""Benchmark: milliseconds per DOCX memo of the sample in a warm process (read once, render many)."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from exporter import load_style, read_source
from exporter.renderers.base import RenderOptions
from exporter.renderers.docx import DocxRenderer

ROOT = Path(__file__).resolve().parent.parent


def per_render_ms(source: Path, style_name: str, rounds: int = 200) -> tuple[float, float, int]:
    """Median and best milliseconds per render over ``rounds`` calls after warm-up, and the size in bytes."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1738972800")
    document = read_source(source).document
    style = load_style(str(ROOT / "styles" / f"{style_name}.toml"))
    renderer = DocxRenderer()
    options = RenderOptions()
    for _ in range(5):  # the first render builds and caches the style's base package
        size = len(renderer.render(document, style, options).data)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        renderer.render(document, style, options)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times), size


def main() -> None:
    """Print ms per memo for the sample (.txt and .md) in both shipped styles."""
    sources = (
        ("txt", ROOT / "sources" / "japan-us-summit.txt"),
        ("md", ROOT / "sources" / "markdown" / "japan-us-summit.md"),
    )
    for label, source in sources:
        for style_name in ("default", "a4-ministry"):
            median, best, size = per_render_ms(source, style_name)
            print(f"docx {label:3} {style_name:12}: {median:.2f} ms per memo (median; best {best:.2f}), {size} bytes")


if __name__ == "__main__":
    main()
