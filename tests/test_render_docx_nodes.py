"""The memo's schema-2 nodes, read back from the package: footnotes, strike, tasks, rules, definitions, bookmarks."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from helpers import ROOT, docx_text, libreoffice_to_pdf, lost_strings, pdf_font_names, pdf_text
from hypothesis import given
from lxml import etree
from strategies import documents_v2

from exporter.model import (
    BulletList,
    Document,
    Link,
    Meta,
    OrderedList,
    Paragraph,
    Section,
    SubHeading,
    Text,
)
from exporter.present.coverage import SYMBOLS, cmap
from exporter.readers.base import sanitised
from exporter.renderers.base import DocxRenderOptions
from exporter.renderers.docx import DocxRenderer
from exporter.renderers.docx.fonts import PRIVATE_NAMES
from exporter.style import Style, load_style

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W}
FOOTNOTES_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def render(doc: Document, style: Style) -> bytes:
    """The DOCX bytes of ``doc`` in ``style``."""
    return DocxRenderer().render(doc, style, DocxRenderOptions()).data


def part(data: bytes, name: str) -> etree._Element:
    """One part of the package, parsed."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read(name))


def names(data: bytes) -> list[str]:
    """The package's part names."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.namelist()


def text_of(node: etree._Element) -> str:
    """The ``w:t`` text under ``node``."""
    return "".join(node.xpath(".//w:t/text()", namespaces=NS))


def paragraph(body: etree._Element, starting: str) -> etree._Element:
    """The first paragraph whose text starts with ``starting``."""
    found = [p for p in body.iter(f"{{{W}}}p") if text_of(p).startswith(starting)]
    assert found, starting
    return found[0]


def one(title: str, *blocks: Paragraph | OrderedList | BulletList | SubHeading) -> Document:
    """A document titled ``title`` of one section holding ``blocks``."""
    return Document(meta=Meta(title=title, date=datetime.date(2025, 2, 8)), sections=(Section.of("S", *blocks),))


@pytest.fixture(scope="module")
def memo(nodes_doc: Document, default_style: Style) -> bytes:
    """The memo of every schema-2 construct."""
    return render(nodes_doc, default_style)


# --- footnotes --------------------------------------------------------------------------------


def test_footnotes_part_relationship_and_content_type(memo: bytes) -> None:
    """footnotes.xml is related from the main document and has its content type; settings name the separators."""
    assert "word/footnotes.xml" in names(memo)
    rels = part(memo, "word/_rels/document.xml.rels")
    assert [r.get("Target") for r in rels if r.get("Type") == FOOTNOTES_RT] == ["footnotes.xml"]
    types = part(memo, "[Content_Types].xml")
    overrides = {o.get("PartName"): o.get("ContentType") for o in types}
    assert overrides["/word/footnotes.xml"] == FOOTNOTES_CT
    settings = part(memo, "word/settings.xml")
    assert settings.xpath("w:footnotePr/w:footnote/@w:id", namespaces=NS) == ["-1", "0"]
    # CT_Settings order: footnotePr comes right before compat.
    tags = [etree.QName(child).localname for child in settings]
    assert tags.index("footnotePr") + 1 == tags.index("compat")


def test_separators_and_notes_in_reading_order(memo: bytes) -> None:
    """Separator -1 and continuation separator 0, then one footnote per note, numbered as the references come."""
    notes = part(memo, "word/footnotes.xml")
    special = [(n.get(f"{{{W}}}type"), n.get(f"{{{W}}}id")) for n in notes if n.get(f"{{{W}}}type")]
    assert special == [("separator", "-1"), ("continuationSeparator", "0")]
    assert notes.xpath("count(//w:separator)", namespaces=NS) == 1
    assert notes.xpath("count(//w:continuationSeparator)", namespaces=NS) == 1
    body = part(memo, "word/document.xml")
    references = [int(i) for i in body.xpath("//w:footnoteReference/@w:id", namespaces=NS)]
    assert references == [1, 2, 3, 4, 5, 6]
    texts = {int(n.get(f"{{{W}}}id")): text_of(n) for n in notes if not n.get(f"{{{W}}}type")}
    assert sorted(texts) == references
    expected = ("Note one", "Note two", "Note three", "Note four", "Note five", "Note six")
    for number, start in enumerate(expected, start=1):
        assert texts[number].strip().startswith(start), (number, texts[number])
    # A note inside a note joins the end of the outer one: Word has no footnote within a footnote.
    assert texts[6].strip().endswith("More six.Note inside six.")
    assert notes.xpath("count(//w:footnoteReference)", namespaces=NS) == 0


def test_each_footnote_opens_with_its_mark_in_footnote_styles(memo: bytes) -> None:
    """Every note's first paragraph is Footnote Text and starts with w:footnoteRef in Footnote Reference."""
    notes = part(memo, "word/footnotes.xml")
    for note in notes.xpath("w:footnote[not(@w:type)]", namespaces=NS):
        first = note.xpath("w:p", namespaces=NS)[0]
        assert first.xpath("string(w:pPr/w:pStyle/@w:val)", namespaces=NS) == "FootnoteText"
        mark = first.xpath("w:r", namespaces=NS)[0]
        assert mark.xpath("w:footnoteRef", namespaces=NS)
        assert mark.xpath("string(w:rPr/w:rStyle/@w:val)", namespaces=NS) == "FootnoteReference"
    body = part(memo, "word/document.xml")
    for ref in body.xpath("//w:r[w:footnoteReference]", namespaces=NS):
        assert ref.xpath("string(w:rPr/w:rStyle/@w:val)", namespaces=NS) == "FootnoteReference"
    styles = docx.Document(io.BytesIO(memo)).styles
    assert styles.get_by_id("FootnoteText", 1).name == "footnote text"
    reference = part(memo, "word/styles.xml").xpath("//w:style[@w:styleId='FootnoteReference']", namespaces=NS)[0]
    assert reference.xpath("string(w:name/@w:val)", namespaces=NS) == "footnote reference"
    assert reference.xpath("string(w:rPr/w:vertAlign/@w:val)", namespaces=NS) == "superscript"


def test_notes_in_a_cell_a_heading_and_a_link(memo: bytes) -> None:
    """A reference stands where its note is: in a table cell, a heading, inside the hyperlink it annotates."""
    body = part(memo, "word/document.xml")
    grid = "//w:tbl[w:tblPr/w:tblStyle/@w:val='TableGrid']"
    assert body.xpath(f"{grid}//w:footnoteReference/@w:id", namespaces=NS) == ["4"]
    heading = paragraph(body, "Heading with a note")
    assert heading.xpath(".//w:footnoteReference/@w:id", namespaces=NS) == ["5"]
    assert body.xpath("//w:hyperlink//w:footnoteReference/@w:id", namespaces=NS) == ["3"]


def _relationships(data: bytes, name: str) -> dict[str, str]:
    """The external targets of part ``name``'s relationships, by id."""
    folder, _, file_name = name.rpartition("/")
    rels_name = f"{folder}/_rels/{file_name}.rels"
    if rels_name not in names(data):
        return {}
    return {r.get("Id"): r.get("Target") for r in part(data, rels_name) if r.get("TargetMode") == "External"}


def _hyperlinks_resolve(data: bytes) -> None:
    """Every w:hyperlink r:id of the body and the footnotes is a relationship of its own part."""
    for name in ("word/document.xml", "word/footnotes.xml"):
        if name in names(data):
            ids = part(data, name).xpath("//w:hyperlink/@r:id", namespaces={**NS, "r": R})
            assert set(ids) <= set(_relationships(data, name)), name


def test_a_link_in_a_note_is_related_from_the_footnotes_part(memo: bytes) -> None:
    """A hyperlink inside a footnote points at a relationship of footnotes.xml, not of document.xml."""
    notes = part(memo, "word/footnotes.xml")
    ids = notes.xpath("//w:hyperlink/@r:id", namespaces={**NS, "r": R})
    assert [_relationships(memo, "word/footnotes.xml")[i] for i in ids] == ["https://example.org/five"]
    assert "https://example.org/five" not in _relationships(memo, "word/document.xml").values()
    _hyperlinks_resolve(memo)


def test_a_memo_without_notes_has_no_footnotes_part(default_style: Style) -> None:
    """No note, no footnotes part, relationship or settings entry."""
    data = render(one("t", Paragraph.of("plain")), default_style)
    assert "word/footnotes.xml" not in names(data)
    assert not part(data, "word/settings.xml").xpath("w:footnotePr", namespaces=NS)
    assert b"footnotes" not in zipfile.ZipFile(io.BytesIO(data)).read("word/_rels/document.xml.rels")


def test_python_docx_reads_every_string_back(memo: bytes, nodes_doc: Document) -> None:
    """Body, tables and footnotes together hold every string of the document."""
    assert lost_strings(nodes_doc, "docx", docx_text(memo)) == []


# --- inline formatting ------------------------------------------------------------------------


def test_strikethrough_is_w_strike(memo: bytes) -> None:
    """Struck text runs carry w:strike; the text around them does not."""
    body = part(memo, "word/document.xml")
    struck = body.xpath("//w:r[w:rPr/w:strike]", namespaces=NS)
    assert [text_of(r) for r in struck] == ["struck out"]
    assert not paragraph(body, "Plain").xpath("w:r[1]/w:rPr/w:strike", namespaces=NS)


def test_task_boxes_are_glyphs_the_symbols_family_draws(memo: bytes) -> None:
    """☑ and ☐ open the task items in runs set in DejaVu Sans, a bundled font that has both glyphs (embedded in
    the memo under a name of its own, so that it never takes the place of an installed DejaVu Sans)."""
    body = part(memo, "word/document.xml")
    done, open_ = paragraph(body, "\u2611"), paragraph(body, "\u2610")
    assert text_of(done) == "\u2611 Done task"
    assert text_of(open_) == "\u2610 Open task"  # the item's own leading space is kept, not doubled
    for p in (done, open_):
        box = p.xpath("w:r", namespaces=NS)[0]
        fonts = box.xpath("w:rPr/w:rFonts", namespaces=NS)[0]
        slots = ("ascii", "hAnsi", "eastAsia", "cs")
        assert {fonts.get(f"{{{W}}}{slot}") for slot in slots} == {PRIVATE_NAMES[SYMBOLS]}
    assert {"\u2610", "\u2611"} <= cmap(SYMBOLS)


# --- blocks -----------------------------------------------------------------------------------


def test_rule_is_a_bordered_paragraph(memo: bytes) -> None:
    """A thematic break is an empty Thematic Break paragraph whose style draws a bottom border."""
    body = part(memo, "word/document.xml")
    rules = body.xpath("//w:p[w:pPr/w:pStyle/@w:val='ThematicBreak']", namespaces=NS)
    assert len(rules) == 1 and text_of(rules[0]) == ""
    style = part(memo, "word/styles.xml").xpath("//w:style[@w:styleId='ThematicBreak']", namespaces=NS)[0]
    assert style.xpath("w:pPr/w:pBdr/w:bottom/@w:val", namespaces=NS) == ["single"]
    assert docx.Document(io.BytesIO(memo)).styles.get_by_id("ThematicBreak", 1).name == "Thematic Break"


def test_definition_terms_are_bold_and_definitions_indented(memo: bytes) -> None:
    """A term is a bold paragraph kept with its definition; each definition paragraph is indented under it."""
    body = part(memo, "word/document.xml")
    for term in ("API", "SDK", "Orphan term"):
        p = paragraph(body, term)
        assert text_of(p) == term
        assert p.xpath("w:pPr/w:keepNext", namespaces=NS)
        assert all(r.xpath("w:rPr/w:b", namespaces=NS) for r in p.xpath("w:r", namespaces=NS))
    for definition in ("A contract.", "A kit.", "Or a set:"):
        p = paragraph(body, definition)
        assert int(p.xpath("string(w:pPr/w:ind/@w:left)", namespaces=NS)) > 0
        assert not p.xpath("w:r/w:rPr/w:b", namespaces=NS)


def test_table_columns_align(memo: bytes) -> None:
    """w:jc per column on every cell paragraph, header row included; a column without alignment has none."""
    body = part(memo, "word/document.xml")
    table = body.xpath("//w:tbl[w:tblPr/w:tblStyle/@w:val='TableGrid']", namespaces=NS)[0]
    for row in table.xpath("w:tr", namespaces=NS):
        jcs = [c.xpath("string(w:p/w:pPr/w:jc/@w:val)", namespaces=NS) for c in row.xpath("w:tc", namespaces=NS)]
        assert jcs == ["left", "center", "right", ""]


# --- numbering --------------------------------------------------------------------------------


def _numbering_of(data: bytes, text: str) -> tuple[etree._Element, etree._Element, str]:
    """(the abstract definition, the w:num, the ilvl) behind the list paragraph starting with ``text``."""
    body, numbering = part(data, "word/document.xml"), part(data, "word/numbering.xml")
    p = paragraph(body, text)
    num_id = p.xpath("string(w:pPr/w:numPr/w:numId/@w:val)", namespaces=NS)
    level = p.xpath("string(w:pPr/w:numPr/w:ilvl/@w:val)", namespaces=NS)
    num = numbering.xpath(f"w:num[@w:numId='{num_id}']", namespaces=NS)[0]
    abstract_id = num.xpath("string(w:abstractNumId/@w:val)", namespaces=NS)
    abstract = numbering.xpath(f"w:abstractNum[@w:abstractNumId='{abstract_id}']", namespaces=NS)[0]
    return abstract, num, level


def test_ordered_lists_start_at_zero_and_take_the_parenthesis(memo: bytes) -> None:
    """start=0 is a startOverride of 0; a ")" list counts "%1)" at its level, the nested one "%2)"."""
    abstract, num, level = _numbering_of(memo, "zero")
    assert num.xpath(f"string(w:lvlOverride[@w:ilvl='{level}']/w:startOverride/@w:val)", namespaces=NS) == "0"
    assert abstract.xpath(f"string(w:lvl[@w:ilvl='{level}']/w:lvlText/@w:val)", namespaces=NS) == "%1."
    abstract, num, level = _numbering_of(memo, "three")
    assert num.xpath(f"string(w:lvlOverride[@w:ilvl='{level}']/w:startOverride/@w:val)", namespaces=NS) == "3"
    assert abstract.xpath("string(w:lvl[@w:ilvl='0']/w:lvlText/@w:val)", namespaces=NS) == "%1)"
    abstract, _, level = _numbering_of(memo, "nested")
    assert level == "1"
    assert abstract.xpath("string(w:lvl[@w:ilvl='1']/w:lvlText/@w:val)", namespaces=NS) == "%2."


def test_nested_ordered_lists_are_decimal_by_default(memo: bytes) -> None:
    """The default [lists] ordered is decimal at every level: a nested list no longer shows "a. b."."""
    numbering = part(memo, "word/numbering.xml")
    for abstract_id in ("2", "3"):
        levels = f"w:abstractNum[@w:abstractNumId='{abstract_id}']/w:lvl"
        assert numbering.xpath(f"{levels}/w:numFmt/@w:val", namespaces=NS) == ["decimal"] * 9


def test_list_formats_per_level_come_from_the_style(tmp_path: Path, nodes_doc: Document) -> None:
    """[lists] ordered sets w:numFmt per level for both delimiters; the formats repeat below the last one."""
    path = tmp_path / "roman.toml"
    path.write_text(
        f'inherit = "{ROOT / "styles" / "default.toml"}"\n'
        '[lists]\nordered = ["upper-roman", "lower-alpha", "decimal", "lower-roman", "upper-alpha"]\n',
        encoding="utf-8",
    )
    numbering = part(render(nodes_doc, load_style(str(path))), "word/numbering.xml")
    word = ["upperRoman", "lowerLetter", "decimal", "lowerRoman", "upperLetter"]
    for abstract_id, delimiter in (("2", "."), ("3", ")")):
        levels = numbering.xpath(f"w:abstractNum[@w:abstractNumId='{abstract_id}']/w:lvl", namespaces=NS)
        assert [lvl.xpath("string(w:numFmt/@w:val)", namespaces=NS) for lvl in levels] == word + word[:4]
        texts = [lvl.xpath("string(w:lvlText/@w:val)", namespaces=NS) for lvl in levels]
        assert texts == [f"%{n}{delimiter}" for n in range(1, 10)]
    bullets = numbering.xpath("w:abstractNum[@w:abstractNumId='1']/w:lvl/w:numFmt/@w:val", namespaces=NS)
    assert set(bullets) == {"bullet"}


# --- bookmarks and internal links ---------------------------------------------------------------

_BOOKMARK = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")


def test_heading_ids_are_word_bookmarks(memo: bytes) -> None:
    """Each heading with an id carries a bookmark named as Word allows: a letter first, at most 40, unique."""
    body = part(memo, "word/document.xml")
    starts = body.xpath("//w:bookmarkStart", namespaces=NS)
    named = {text_of(s.getparent()): s.get(f"{{{W}}}name") for s in starts}
    assert named == {
        "Background": "background",
        "Heading with a note": "fn_1",
        "Next steps": "next_steps",
        "Repeated id": "background_2",
        "Long id": "a_very_long_heading_identifier_that_word",
        "Our view": "view",
    }
    assert all(_BOOKMARK.match(name) for name in named.values())
    ids = [s.get(f"{{{W}}}id") for s in starts]
    ends = body.xpath("//w:bookmarkEnd/@w:id", namespaces=NS)
    assert len(set(ids)) == len(ids) and sorted(ends) == sorted(ids)


def test_internal_links_point_at_the_first_heading_with_the_id(memo: bytes) -> None:
    """``#id`` links are w:hyperlink w:anchor to the bookmark; an id no heading has stays text."""
    body = part(memo, "word/document.xml")
    anchors = {text_of(h): h.get(f"{{{W}}}anchor") for h in body.xpath("//w:hyperlink[@w:anchor]", namespaces=NS)}
    assert anchors == {
        "to next steps": "next_steps",
        "to our view": "view",
        "to the long one": "a_very_long_heading_identifier_that_word",
        "to a clashing id": "fn_1",
        "the background": "background",
    }
    bookmarks = set(body.xpath("//w:bookmarkStart/@w:name", namespaces=NS))
    assert set(anchors.values()) <= bookmarks
    assert "to nothing" in text_of(paragraph(body, "Links"))
    assert not body.xpath("//w:hyperlink[.//w:t[contains(., 'to nothing')]]", namespaces=NS)


def test_an_untitled_section_with_an_id_is_still_a_target(default_style: Style) -> None:
    """A lead section without a heading gets its bookmark on a hairline paragraph; links reach it."""
    doc = Document(
        meta=Meta(title="t", date=datetime.date(2025, 2, 8)),
        sections=(
            Section(heading="", blocks=(Paragraph.of("lead"),), id="lead"),
            Section.of("Later", Paragraph.of(Link.of("#lead", "back up"))),
        ),
    )
    body = part(render(doc, default_style), "word/document.xml")
    assert body.xpath("//w:bookmarkStart/@w:name", namespaces=NS) == ["lead"]
    assert body.xpath("//w:hyperlink/@w:anchor", namespaces=NS) == ["lead"]


def test_a_link_inside_a_link_is_not_nested(default_style: Style) -> None:
    """Word cannot nest hyperlinks: the inner link keeps its words inside the outer one."""
    inner = Link.of("#s", "inner")
    outer = Link.of("https://example.org/", "outer ", inner)
    data = render(one("t", SubHeading.of("s", id="s"), Paragraph.of(outer)), default_style)
    body = part(data, "word/document.xml")
    assert body.xpath("count(//w:hyperlink//w:hyperlink)", namespaces=NS) == 0
    assert text_of(body.xpath("//w:hyperlink", namespaces=NS)[0]) == "outer inner"


# --- generated documents ----------------------------------------------------------------------


@given(documents_v2())
def test_any_schema_2_document_keeps_every_string(doc: Document) -> None:
    """Generated schema-2 documents render; python-docx reads every string back (footnotes included)."""
    clean = sanitised(doc, []).document
    data = render(clean, load_style("default", cwd=ROOT))
    assert lost_strings(clean, "docx", docx_text(data)) == []
    body = part(data, "word/document.xml")
    marks = body.xpath("//w:bookmarkStart/@w:name", namespaces=NS)
    # Word compares bookmark names without regard to case.
    assert len({m.casefold() for m in marks}) == len(marks) and all(_BOOKMARK.match(m) for m in marks)
    assert set(body.xpath("//w:hyperlink/@w:anchor", namespaces=NS)) <= set(marks)
    references = [int(i) for i in body.xpath("//w:footnoteReference/@w:id", namespaces=NS)]
    assert references == list(range(1, len(references) + 1))
    _hyperlinks_resolve(data)


# --- outside judge ----------------------------------------------------------------------------


@pytest.mark.judge
def test_libreoffice_lays_out_every_construct(memo: bytes, tmp_path: Path) -> None:
    """LibreOffice converts the memo: footnote texts at the page foot, numbers 0. and 3), the boxes in DejaVu Sans."""
    path = tmp_path / "nodes.docx"
    path.write_bytes(memo)
    pdf = libreoffice_to_pdf([path], tmp_path)[path]
    assert pdf is not None, "LibreOffice did not convert the memo"
    text = pdf_text(pdf.read_bytes())
    notes = ("Note one, on a key point.", "Note two, in the text.", "Note four, in a cell.", "Note inside six.")
    for note in notes:
        assert note in text
    lines = [line.strip() for line in text.splitlines()]
    assert any(line.startswith("0.") and "zero" in line for line in lines), lines
    assert any(line.startswith("3)") and "three" in line for line in lines), lines
    assert "\u2611" in text and "\u2610" in text
    assert any(name.startswith("ExporterDejaVuSans") for name in pdf_font_names(pdf)), pdf_font_names(pdf)


def test_text_carries_no_checkbox_outside_the_model() -> None:
    """A control: without a Checkbox node no box glyph is written."""
    data = render(one("t", Paragraph.of(Text(text="[ ] not a task"))), load_style("default", cwd=ROOT))
    assert "\u2610" not in docx_text(data) and "\u2611" not in docx_text(data)
