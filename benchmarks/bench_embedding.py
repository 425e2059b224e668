"""Benchmark: fonts that travel — the font plan, each subset cold and cached, and the outputs' sizes with and without.

Run from the project root: ``python benchmarks/bench_embedding.py``. Subsets the Japanese sample's IPAex faces
(and the Chinese and Korean samples' fallbacks), then renders the Japanese briefing and memo with and without
embedded fonts.
"""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path
from unittest import mock

import msgspec

os.environ.setdefault("SOURCE_DATE_EPOCH", "1738972800")

from exporter import load_style
from exporter.api import read_source, render
from exporter.fontsubset import subset_font
from exporter.present.embedding import FontPlan, plan_fonts
from exporter.present.view import View, present

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def main() -> None:
    """Print the timings and sizes."""
    style = load_style("default")
    start = time.perf_counter()
    import fontTools.subset  # noqa: F401  (the first subset pays for this import)

    print(f"importing fontTools.subset: {(time.perf_counter() - start) * 1e3:.0f} ms")
    for name in ("ja-summit.txt", "zh-summit.md", "ko-summit.md"):
        document = read_source(DATA / name).document
        view = present(document, style)
        start = time.perf_counter()
        plan = plan_fonts(view)
        print(f"{name}: font plan {(time.perf_counter() - start) * 1e3:.1f} ms (cmaps read on first use)")
        for face in plan.faces:
            start = time.perf_counter()
            data = subset_font(face.file, face.chars)
            cold = time.perf_counter() - start
            start = time.perf_counter()
            subset_font(face.file, face.chars)
            warm = time.perf_counter() - start
            print(
                f"  {face.display}: {len(face.chars)} characters, {len(data) / 1024:.0f} KB, "
                f"subset {cold * 1e3:.0f} ms, cached {warm * 1e6:.0f} µs"
            )
    document = read_source(DATA / "ja-summit.txt").document
    plain = msgspec.structs.replace(style, docx=msgspec.structs.replace(style.docx, embed_fonts=False))
    memo, bare_memo = render(document, "docx", style).data, render(document, "docx", plain).data
    briefing = render(document, "epub", style).data

    def no_faces(view: View) -> FontPlan:
        return dataclasses.replace(plan_fonts(view), faces=())

    # The briefing has no switch (a reader without Japanese fonts needs them): the plan is emptied here.
    with mock.patch("exporter.renderers.epub.render.plan_fonts", no_faces):
        bare_briefing = render(document, "epub", style).data
    for fmt, data, bare in (("briefing (EPUB)", briefing, bare_briefing), ("memo (DOCX)", memo, bare_memo)):
        print(f"Japanese {fmt}: {len(data):,} bytes with embedded subsets, {len(bare):,} without")


if __name__ == "__main__":
    main()
