"""Shared by the per-format benchmarks: milliseconds per render of the sample in a warm process."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from exporter import load_style, read_source
from exporter.pipeline import render_options
from exporter.registry import get_renderer

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (
    ("txt", ROOT / "sources" / "japan-us-summit.txt"),
    ("md", ROOT / "sources" / "markdown" / "japan-us-summit.md"),
)


def per_render_ms(fmt: str, source: Path, style_name: str, rounds: int) -> tuple[float, float, int]:
    """Median and best milliseconds per render over ``rounds`` calls after warm-up, and the size in bytes."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1738972800")
    document = read_source(source).document
    style = load_style(str(ROOT / "styles" / f"{style_name}.toml"))
    renderer = get_renderer(fmt)
    options = render_options(fmt)
    for _ in range(5):  # the first renders load fonts and build cached templates
        size = len(renderer.render(document, style, options).data)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        renderer.render(document, style, options)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times), size


def report(fmt: str, unit: str, rounds: int) -> None:
    """Print ms per ``unit`` for the sample (.txt and .md) in both shipped styles."""
    for label, source in SOURCES:
        for style_name in ("default", "a4-ministry"):
            median, best, size = per_render_ms(fmt, source, style_name, rounds)
            print(
                f"{fmt} {label:3} {style_name:12}: {median:.2f} ms per {unit} (median; best {best:.2f}), {size} bytes"
            )
