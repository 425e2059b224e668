"""The one-pager's schema-2 nodes, read back glyph by glyph: notes, struck text, task boxes, rules, terms, links."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest
from helpers import ROOT, PdfChar, find_glyphs, lost_strings, pdf_chars, pdf_text
from hypothesis import HealthCheck, given, settings
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject
from strategies import documents_v2

from exporter.errors import GlyphError
from exporter.model import Document, Link, Paragraph, Section, SubHeading
from exporter.readers.base import sanitised
from exporter.renderers.base import PdfRenderOptions
from exporter.renderers.pdf import PdfRenderer
from exporter.style import Style, load_style


def render(doc: Document, style: Style, overflow: str = "error") -> bytes:
    """The PDF bytes of ``doc``."""
    return PdfRenderer().render(doc, style, PdfRenderOptions(overflow=overflow)).data  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def pdf(nodes_doc: Document, default_style: Style) -> bytes:
    """The one-pager of every schema-2 construct."""
    return render(nodes_doc, default_style)


@pytest.fixture(scope="module")
def chars(pdf: bytes) -> list[PdfChar]:
    """Its glyphs."""
    return pdf_chars(pdf)


def one(chars: list[PdfChar], token: str) -> list[PdfChar]:
    """The glyphs of ``token``, which the page draws exactly once."""
    found = find_glyphs(chars, token)
    assert len(found) == 1, f"{token!r} drawn {len(found)} times"
    return found[0]


def height(glyphs: list[PdfChar]) -> float:
    """The tallest glyph box: the font size the text is set at."""
    return max(c.bottom - c.top for c in glyphs)


def test_every_construct_fits_one_page_with_its_words(pdf: bytes, nodes_doc: Document) -> None:
    """Nothing is lost, nothing is drawn as Markdown syntax."""
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = pdf_text(pdf)
    assert lost_strings(nodes_doc, "pdf", text) == []
    for syntax in ("[^", "~~", "[ ]", "[x]"):
        assert syntax not in text


def test_notes_are_numbered_in_reading_order_and_set_small(chars: list[PdfChar]) -> None:
    """References are small raised numbers; the notes follow the article (and the commentary) in that order."""
    body = one(chars, "Keypointwithanote")
    tops = {}
    for number, words in enumerate(["Noteone", "Notetwo", "Notethree", "Notefour", "Notefive", "Notesix"], 1):
        glyphs = one(chars, words)
        assert height(glyphs) < 0.9 * height(body), f"note {number} is not set small"
        tops[number] = (glyphs[0].page, glyphs[0].x0 > 300, glyphs[0].top)
        # The note's number hangs before it, in the note's size.
        before = [c for c in chars if c.top == pytest.approx(glyphs[0].top, abs=2) and c.x1 <= glyphs[0].x0]
        assert before and before[-1].text == str(number)
    assert sorted(tops.values()) == [tops[n] for n in sorted(tops)]
    # The reference after "Key point with a note" is a raised, smaller 1.
    after = chars[chars.index(body[-1]) + 1]
    assert after.text == "1" and after.bottom < body[-1].bottom and height([after]) < height(body)
    # A note inside a note joins the outer one: no seventh number.
    inside = one(chars, "Noteinsidesix")
    assert height(inside) < 0.9 * height(body)
    assert not [c for c in chars if c.text == "7"]


def test_struck_text_has_a_line_through_it(pdf: bytes, chars: list[PdfChar]) -> None:
    """reportlab's <strike> draws a line across the glyphs, between their top and bottom."""
    glyphs = one(chars, "struckout")
    top, bottom = min(c.top for c in glyphs), max(c.bottom for c in glyphs)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        lines = doc.pages[0].lines
    assert any(
        top < line["top"] < bottom and line["x0"] <= glyphs[0].x0 + 1 and line["x1"] >= glyphs[-1].x1 - 1
        for line in lines
    )
    plain = one(chars, "Plain,")
    assert not any(plain[0].top < line["top"] < plain[0].bottom and line["x0"] <= plain[0].x0 for line in lines)


def test_task_boxes_are_the_ballot_glyphs(chars: list[PdfChar]) -> None:
    """☑ and ☐ come from the symbols family (DejaVu Sans), each followed by its task."""
    done, open_ = one(chars, "\u2611Donetask"), one(chars, "\u2610Opentask")
    for glyphs in (done, open_):
        assert "DejaVu" in glyphs[0].fontname
        assert "Liberation" in glyphs[1].fontname


def test_a_rule_spans_the_column(pdf: bytes, chars: list[PdfChar]) -> None:
    """The thematic break is a horizontal line between the task list and the definitions."""
    above, below = one(chars, "Opentask"), one(chars, "API")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        lines = [*page.lines, *[r for r in page.rects if r["height"] < 2]]
    rules = [
        line
        for line in lines
        if above[0].bottom < line["top"] < below[0].top and line["x1"] - line["x0"] > 200 and line["x0"] < above[0].x0
    ]
    assert rules


def test_terms_are_bold_and_definitions_indented(chars: list[PdfChar]) -> None:
    """A definition list: the term in the bold face, its definitions indented below it."""
    term, definition = one(chars, "API"), one(chars, "Acontract.")
    assert all("Bold" in c.fontname for c in term)
    assert not any("Bold" in c.fontname for c in definition)
    assert definition[0].top > term[0].bottom - 1 and definition[0].x0 > term[0].x0 + 5
    assert one(chars, "Orphanterm")


def test_table_columns_keep_their_alignment(pdf: bytes, chars: list[PdfChar]) -> None:
    """Right-aligned numbers end at their cell's right edge; centred text sits in the middle of its cell."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        table = doc.pages[0].find_tables()[0]
    row = table.rows[1].cells
    right = one(chars, "1.5")
    cell = next(c for c in row if c and c[0] <= right[0].x0 <= c[2])
    assert cell[2] - right[-1].x1 < 12, "the right-aligned number is not at the cell's right edge"
    centre = next(g for g in find_glyphs(chars, "b") if g[0].top > right[0].top - 3 and g[0].top < right[0].top + 3)
    centre_cell = next(c for c in row if c and c[0] <= centre[0].x0 <= c[2])
    middle = (centre_cell[0] + centre_cell[2]) / 2
    assert abs((centre[0].x0 + centre[0].x1) / 2 - middle) < 4


def test_list_markers_are_written_out(chars: list[PdfChar]) -> None:
    """A list may start at 0 and use the ")" delimiter: the one-pager shows those numbers."""
    for marker, word in (("0.", "zero"), ("1.", "one"), ("3)", "three"), ("4)", "four")):
        glyphs = one(chars, marker + word)
        assert glyphs[len(marker) - 1].x1 < glyphs[len(marker)].x0, "the marker hangs left of its item"


def destinations(data: bytes) -> list[tuple[int, float]]:
    """The (page number, y) each internal link of the first page goes to."""
    reader = PdfReader(io.BytesIO(data))
    pages = [page.indirect_reference for page in reader.pages]
    out = []
    for ref in reader.pages[0].get("/Annots", ArrayObject()):
        annot = ref.get_object()
        if isinstance(annot, DictionaryObject) and annot.get("/Subtype") == "/Link" and "/Dest" in annot:
            dest = annot["/Dest"]
            assert isinstance(dest, ArrayObject)
            out.append((pages.index(dest[0]) + 1, float(dest[3])))
    return out


def test_internal_links_point_at_their_headings(pdf: bytes, chars: list[PdfChar]) -> None:
    """Links to heading ids go to the heading's spot on the page; a link to a missing id is text."""
    dests = destinations(pdf)
    assert len(dests) >= 5  # next steps, our view, the long one, the clashing id, back to the background ×2
    page_height = float(PdfReader(io.BytesIO(pdf)).pages[0].mediabox.height)
    tops = [page_height - y for _, y in dests]
    for heading in ("Nextsteps", "Ourview", "Longid"):
        glyphs = one(chars, heading)
        assert any(abs(top - glyphs[0].top) < 30 for top in tops), f"no link goes to {heading}"
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        linked = [page.crop((a["x0"], a["top"], a["x1"], a["bottom"])).extract_text() for a in page.annots]
    assert not any("nothing" in (text or "") for text in linked)


def test_a_link_to_a_truncated_heading_still_has_a_destination(default_style: Style) -> None:
    """Truncation drops the target heading: the link lands at the end instead of breaking the file."""
    filler = [Paragraph.of("Filler text that takes room on the page. " * 12) for _ in range(40)]
    doc = Document.of(
        title="Truncated target",
        sections=[
            Section.of("Start", Paragraph.of("Go to ", Link.of("#late", "the late heading"), "."), *filler),
            Section.of("Late", SubHeading.of("Late heading", id="late"), Paragraph.of("Gone."), id="late-section"),
        ],
    )
    data = render(doc, default_style, overflow="truncate")
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    assert "Gone." not in pdf_text(data)
    assert [page for page, _ in destinations(data)] == [1]


def test_ordered_formats_follow_the_style(tmp_path: Path, nodes_doc: Document) -> None:
    """[lists] ordered counts upper-roman at the top level, lower-alpha below; 0 has no roman numeral."""
    path = tmp_path / "roman.toml"
    path.write_text(
        f'inherit = "{ROOT / "styles" / "default.toml"}"\n[lists]\nordered = ["upper-roman", "lower-alpha"]\n',
        encoding="utf-8",
    )
    chars = pdf_chars(render(nodes_doc, load_style(str(path))))
    for marker, word in (("0.", "zero"), ("I.", "one"), ("III)", "three"), ("IV)", "four"), ("a.", "nested")):
        assert one(chars, marker + word)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents_v2())
def test_any_schema_2_document_sets_every_string(doc: Document) -> None:
    """Generated schema-2 documents lay out on pages with every string drawn (or a clean glyph refusal)."""
    clean = sanitised(doc, []).document
    try:
        data = render(clean, load_style("default", cwd=ROOT), overflow="pages")
    except GlyphError:
        return
    assert lost_strings(clean, "pdf", pdf_text(data)) == []
