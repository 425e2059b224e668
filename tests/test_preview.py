"""``exporter preview``: the one-pager drawn as PNG pages by PDFium, one file per page."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from helpers import ROOT, exporter_command
from PIL import Image

from exporter.api import read_source, resolve_style
from exporter.errors import RenderError
from exporter.preview import page_pngs, preview

SAMPLE = ROOT / "sources" / "japan-us-summit.txt"


def _long_source(tmp_path: Path) -> Path:
    paragraph = "The committee went through the figures line by line and agreed on the next steps. " * 8
    body = "\n\n".join(f"## Part {n}\n\n{paragraph}" for n in range(1, 41))
    path = tmp_path / "long.md"
    path.write_text(f"# A long report\n\n{body}\n", encoding="utf-8")
    return path


def test_a_page_at_the_asked_resolution() -> None:
    """A Letter page at 72 dpi is 612 x 792 pixels; at 144 dpi twice that; mostly white with dark text."""
    document = read_source(SAMPLE).document
    shown = preview(document, resolve_style(None), dpi=72)
    assert len(shown.pages) == 1
    image = Image.open(io.BytesIO(shown.pages[0]))
    assert image.format == "PNG"
    assert image.size == (612, 792)
    histogram = image.convert("L").histogram()
    dark = sum(histogram[:100])
    assert 0.01 < dark / (612 * 792) < 0.3  # text is drawn, the page is not blank nor black
    big = Image.open(io.BytesIO(page_pngs(_pdf(document), dpi=144)[0]))
    assert big.size == (1224, 1584)


def _pdf(document: object) -> bytes:
    from exporter.api import render

    return render(document, "pdf").data  # type: ignore[arg-type]


def test_a_resolution_out_of_range_is_refused() -> None:
    """A huge resolution would ask PDFium for gigabytes: refused by name."""
    with pytest.raises(RenderError, match="dpi"):
        page_pngs(b"%PDF-1.4", dpi=5000)


@pytest.mark.slow
def test_the_command_writes_the_png(tmp_path: Path) -> None:
    """``exporter preview SOURCE -o p.png`` writes one PNG; a non-PNG name is a usage error."""
    out = tmp_path / "p.png"
    done = subprocess.run([*exporter_command(), "preview", str(SAMPLE), "-o", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert Image.open(out).size == (935, 1210)  # 110 dpi
    bad = subprocess.run([*exporter_command(), "preview", str(SAMPLE), "-o", str(tmp_path / "p.pdf")], text=True)
    assert bad.returncode == 2
    assert not (tmp_path / "p.pdf").exists()


@pytest.mark.slow
def test_pages_overflow_writes_one_png_per_page(tmp_path: Path) -> None:
    """With ``--overflow pages`` a long source gives page-1.png … page-N.png, and no page.png."""
    source = _long_source(tmp_path)
    out = tmp_path / "out" / "page.png"
    cmd = [*exporter_command(), "preview", str(source), "-o", str(out), "--overflow", "pages", "--dpi", "50"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    written = sorted(p.name for p in out.parent.iterdir())
    assert len(written) >= 2
    assert written == [f"page-{n}.png" for n in range(1, len(written) + 1)]
    refused = subprocess.run([*exporter_command(), "preview", str(source), "-o", str(tmp_path / "x.png")], text=True)
    assert refused.returncode == 1  # the default overflow policy is an error, with nothing written
    assert not (tmp_path / "x.png").exists()
