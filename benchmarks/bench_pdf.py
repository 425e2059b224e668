"""Benchmark: ms per PDF one-pager of the sample (warm process), the fit loop's cost vs one layout pass, and the
Typst engine against reportlab (ms per one-pager each; the goal is Typst at most 2x reportlab)."""

from __future__ import annotations

import functools
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from exporter import Document, Style, load_style, read_source
from exporter.present.view import present
from exporter.renderers.base import PdfRenderOptions
from exporter.renderers.pdf import PdfRenderer
from exporter.renderers.pdf.fit import Sheet
from exporter.renderers.pdf.layout import Context
from exporter.renderers.pdf.page import Decor, make_geometry
from exporter.renderers.pdf.render import _info

ROOT = Path(__file__).resolve().parent.parent


def median_ms(fn: Callable[[], object], rounds: int) -> float:
    """Median milliseconds of ``fn`` over ``rounds`` calls after a warm-up."""
    for _ in range(3):
        fn()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def one_pass(document: Document, style: Style, size: float) -> bytes:
    """What a renderer without a fit loop does: convert, lay out once at a known size, write."""
    view = present(document, style)
    ctx = Context(view)
    decor = Decor(ctx)
    info = _info(view)
    info["initialFontName"] = ctx.pairs["body"].primary.regular
    sheet = Sheet(ctx, decor, make_geometry(ctx, decor), info)
    trial = sheet.run(size, draw=True)
    assert trial.doc is not None
    trial.doc.canv.save()
    return trial.buf.getvalue()


def main() -> None:
    """Print ms per one-pager for the sample (.txt and .md) in both styles, and the fit-loop ratio."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1738972800")
    sources = (
        ("txt", ROOT / "sources" / "japan-us-summit.txt"),
        ("md", ROOT / "sources" / "markdown" / "japan-us-summit.md"),
    )
    renderer = PdfRenderer()
    options = PdfRenderOptions()
    print(f"{'source':<6} {'style':<12} {'body pt':>7} {'trials':>6} {'render ms':>9} {'1 pass ms':>9} {'ratio':>6}")
    for label, source in sources:
        document = read_source(source).document
        for style_name in ("default", "a4-ministry"):
            style = load_style(str(ROOT / "styles" / f"{style_name}.toml"))
            result = renderer.render(document, style, options)
            size = result.facts["body_size"]
            full = median_ms(functools.partial(renderer.render, document, style, options), 40)
            single = median_ms(functools.partial(one_pass, document, style, size), 40)
            print(
                f"{label:<6} {style_name:<12} {size:>7} {result.facts['trials']:>6} "
                f"{full:>9.1f} {single:>9.1f} {full / single:>6.2f}"
            )
    engines()


def engines() -> None:
    """Print ms per one-pager with each engine for the sample, the Japanese and the Arabic article."""
    try:
        import typst  # noqa: F401
    except ImportError:
        print("typst engine: not installed (pip install 'exporter[typst]')")
        return
    sources = (
        ("sample", ROOT / "sources" / "japan-us-summit.txt", True),
        ("ja", ROOT / "tests" / "data" / "ja-summit.txt", True),
        ("ar", ROOT / "tests" / "data" / "ar-summit.md", False),  # reportlab refuses right-to-left text
    )
    renderer = PdfRenderer()
    style = load_style(str(ROOT / "styles" / "default.toml"))
    print(f"\n{'source':<7} {'engine':<9} {'body pt':>7} {'trials':>6} {'ms':>7} {'x reportlab':>11}")
    for label, source, both in sources:
        document = read_source(source).document
        base = 0.0
        for engine in ("reportlab", "typst") if both else ("typst",):
            options = PdfRenderOptions(engine=engine)
            result = renderer.render(document, style, options)
            ms = median_ms(functools.partial(renderer.render, document, style, options), 20)
            base = base or ms
            ratio = f"{ms / base:>11.2f}" if both else f"{'-':>11}"
            print(
                f"{label:<7} {engine:<9} {result.facts['body_size']:>7} {result.facts['trials']:>6} {ms:>7.1f} {ratio}"
            )


if __name__ == "__main__":
    main()
