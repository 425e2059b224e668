"""The DOCX memo: LibreOffice-convertible, complete, in Word styles, literal, reproducible, style-driven."""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any, cast

import docx
import pytest
from docx.text.paragraph import Paragraph as DocxParagraph
from helpers import (
    HOSTILE_STRINGS,
    ROOT,
    SAMPLE_MD,
    document_strings,
    libreoffice_to_pdf,
    missing_words,
    pdf_font_names,
)
from hypothesis import HealthCheck, given, settings
from lxml import etree
from pypdf import PdfReader
from strategies import documents

from exporter.model import Document, Link, Meta, OrderedList, Paragraph, Section, Source, Text
from exporter.present.labels import LABELS
from exporter.registry import get_renderer
from exporter.renderers.base import DocxRenderOptions
from exporter.renderers.docx import DocxRenderer
from exporter.style import Style, load_style

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W, "r": R}
DOCS = ("sample_txt_doc", "sample_md_doc", "japanese_doc", "rich_doc")


def render(doc: Document, style: Style) -> bytes:
    """The DOCX bytes of ``doc`` in ``style``."""
    return DocxRenderer().render(doc, style, DocxRenderOptions()).data


def part_xml(data: bytes, name: str) -> etree._Element:
    """One part of the package, parsed."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read(name))


def part_names(data: bytes) -> list[str]:
    """The zip entry names, in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.namelist()


def extracted_text(data: bytes) -> str:
    """What python-docx reads back: every body paragraph (tables included), headers and footers."""
    d = docx.Document(io.BytesIO(data))
    roots = [d.element.body]
    for section in d.sections:
        for hf in (section.header, section.footer):
            if not hf.is_linked_to_previous:
                roots.append(hf._element)
    return "\n".join(DocxParagraph(p, cast(Any, None)).text for root in roots for p in root.iter(f"{{{W}}}p"))


def styled_paragraphs(data: bytes) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph, as python-docx resolves them."""
    d = docx.Document(io.BytesIO(data))
    out = []
    for p in d.element.body.iter(f"{{{W}}}p"):
        para = DocxParagraph(p, d._body)
        out.append((para.style.name if para.style is not None else "", para.text))
    return out


def style_chain(data: bytes, name: str) -> list[str]:
    """The style ``name`` and the styles it is based on."""
    d = docx.Document(io.BytesIO(data))
    chain, style = [], d.styles[name]
    while style is not None:
        chain.append(style.name)
        style = style.base_style
    return chain


@pytest.fixture(scope="module")
def memos(request: pytest.FixtureRequest, default_style: Style, a4_style: Style) -> dict[tuple[str, str], bytes]:
    """Every fixture document in both shipped styles."""
    styles = {"default": default_style, "a4": a4_style}
    return {
        (doc_name, style_name): render(request.getfixturevalue(doc_name), style)
        for doc_name in DOCS
        for style_name, style in styles.items()
    }


# --- outside judges ---------------------------------------------------------------------------


@pytest.mark.judge
def test_libreoffice_converts_every_memo(memos: dict[tuple[str, str], bytes], tmp_path: Path) -> None:
    """LibreOffice turns each memo into a non-empty PDF and evaluates the page fields (one soffice call)."""
    paths = []
    for (doc_name, style_name), data in memos.items():
        path = tmp_path / f"{doc_name}-{style_name}.docx"
        path.write_bytes(data)
        paths.append(path)
    converted = libreoffice_to_pdf(paths, tmp_path)
    for path in paths:
        pdf = converted[path]
        assert pdf is not None, f"LibreOffice did not convert {path.name}"
        reader = PdfReader(pdf)
        first = reader.pages[0].extract_text()
        pages = len(reader.pages)
        if path.name.startswith("japanese"):
            assert f"1 / {pages}" in first
            # The bundled Japanese faces, not whatever the machine has, drew the memo.
            assert {"IPAexMincho", "IPAexGothic"} & pdf_font_names(pdf), pdf_font_names(pdf)
        else:
            assert f"Page 1 of {pages}" in first, "PAGE / NUMPAGES fields were not evaluated"


@pytest.mark.parametrize("doc_name", DOCS)
def test_python_docx_reopens_with_every_word(
    doc_name: str, memos: dict[tuple[str, str], bytes], request: pytest.FixtureRequest
) -> None:
    """python-docx reads each memo back and no word of the source is lost (body, tables, header, footer)."""
    doc: Document = request.getfixturevalue(doc_name)
    for style_name in ("default", "a4"):
        text = extracted_text(memos[doc_name, style_name])
        assert not missing_words(doc, text), (style_name, missing_words(doc, text))


def _norm(text: str) -> str:
    return " ".join(text.split())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=documents())
def test_any_document_renders_every_string(doc: Document, default_style: Style) -> None:
    """Generated documents (every node type, markup-like text, Japanese) render and keep every string."""
    text = _norm(extracted_text(render(doc, default_style)))
    for s in document_strings(doc):
        assert _norm(s) in text


# --- structure ------------------------------------------------------------------------------


def test_headings_and_title_use_word_styles(memos: dict[tuple[str, str], bytes], sample_md_doc: Document) -> None:
    """Sections are Heading 1, commentary sections are based on Heading 2, MEMORANDUM is the Title."""
    data = memos["sample_md_doc", "default"]
    paras = styled_paragraphs(data)
    by_text = {text: name for name, text in paras}
    assert by_text["MEMORANDUM"] == "Title"
    for section in sample_md_doc.sections:
        assert by_text[section.heading] == "Heading 1"
    assert sample_md_doc.commentary is not None
    assert by_text[sample_md_doc.commentary.title] == "Heading 1"
    for section in sample_md_doc.commentary.sections:
        assert "Heading 2" in style_chain(data, by_text[section.heading])
    outline = part_xml(data, "word/styles.xml").xpath(
        "//w:style[@w:styleId='Heading1']//w:outlineLvl/@w:val", namespaces=NS
    )
    assert outline == ["0"]


def test_sub_headings_are_heading_2_and_3(memos: dict[tuple[str, str], bytes]) -> None:
    """Markdown ### / #### under a section become Heading 2 / Heading 3."""
    by_text = {text: name for name, text in styled_paragraphs(memos["rich_doc", "default"])}
    assert by_text["A sub-heading"] == "Heading 2"
    assert by_text["A deeper sub-heading"] == "Heading 3"


def test_key_points_are_a_bulleted_list(memos: dict[tuple[str, str], bytes], sample_md_doc: Document) -> None:
    """Each key point is a numbered-as-bullet paragraph in a style based on List Bullet."""
    data = memos["sample_md_doc", "default"]
    body = part_xml(data, "word/document.xml")
    numbering = part_xml(data, "word/numbering.xml")
    texts = {"".join(p.xpath(".//w:t/text()", namespaces=NS)): p for p in body.iter(f"{{{W}}}p")}
    for point in sample_md_doc.key_points:
        text = "".join(node.text for node in point.inlines if isinstance(node, Text))
        p = texts[text]
        style_id = p.xpath("string(w:pPr/w:pStyle/@w:val)", namespaces=NS)
        assert "List Bullet" in style_chain(data, docx.Document(io.BytesIO(data)).styles.get_by_id(style_id, 1).name)
        num_id = p.xpath("string(w:pPr/w:numPr/w:numId/@w:val)", namespaces=NS)
        abstract = numbering.xpath(f"string(w:num[@w:numId='{num_id}']/w:abstractNumId/@w:val)", namespaces=NS)
        level = f"w:abstractNum[@w:abstractNumId='{abstract}']/w:lvl[@w:ilvl='0']"
        fmt = numbering.xpath(f"string({level}/w:numFmt/@w:val)", namespaces=NS)
        assert fmt == "bullet"


def test_memo_head_fields(
    memos: dict[tuple[str, str], bytes], sample_md_doc: Document, sample_txt_doc: Document
) -> None:
    """TO / FROM / CC / DATE / SUBJECT in order; SUBJECT carries kicker and headline; empty CC is left out."""
    fields = [t for name, t in styled_paragraphs(memos["sample_md_doc", "default"]) if name == "Memo Field"]
    assert [f.split(":")[0] for f in fields] == ["TO", "FROM", "CC", "DATE", "SUBJECT"]
    assert fields[0].endswith("Policy team") and fields[2].endswith("Regional security desk")
    assert fields[3].endswith("February 8, 2025")  # Babel's long date for en
    assert sample_md_doc.meta.kicker in fields[4] and sample_md_doc.meta.title in fields[4]
    txt_fields = [t for name, t in styled_paragraphs(memos["sample_txt_doc", "default"]) if name == "Memo Field"]
    assert [f.split(":")[0] for f in txt_fields] == ["TO", "FROM", "DATE", "SUBJECT"]
    organisation = [t for name, t in styled_paragraphs(memos["sample_txt_doc", "a4"]) if name == "Organisation"]
    # Beside a4-ministry's logo, after a space.
    assert [t.strip() for t in organisation] == ["Ministry Strategy Office"]


def test_commentary_is_set_apart(memos: dict[tuple[str, str], bytes], sample_md_doc: Document) -> None:
    """Commentary text uses the Commentary style, which is shaded and ruled on the left."""
    data = memos["sample_md_doc", "default"]
    names = [name for name, _ in styled_paragraphs(data)]
    assert names.count("Commentary") >= 3
    styles = part_xml(data, "word/styles.xml")
    ppr = styles.xpath("//w:style[@w:styleId='Commentary']/w:pPr", namespaces=NS)[0]
    assert ppr.xpath("w:pBdr/w:left/@w:val", namespaces=NS) == ["single"]
    assert ppr.xpath("w:shd/@w:fill", namespaces=NS) == ["F4F4F4"]


def test_footer_has_page_fields_and_marking(memos: dict[tuple[str, str], bytes]) -> None:
    """The footer holds real PAGE and NUMPAGES fields; the marking is in header and footer."""
    data = memos["sample_md_doc", "default"]
    footers = [n for n in part_names(data) if re.fullmatch(r"word/footer\d+\.xml", n)]
    headers = [n for n in part_names(data) if re.fullmatch(r"word/header\d+\.xml", n)]
    assert len(footers) == 1 and len(headers) == 1
    footer = part_xml(data, footers[0])
    instructions = [t.strip() for t in footer.xpath("//w:instrText/text()", namespaces=NS)]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert footer.xpath("count(//w:fldChar[@w:fldCharType='begin'])", namespaces=NS) == 2
    assert "INTERNAL" in "".join(footer.xpath("//w:t/text()", namespaces=NS))
    assert "INTERNAL" in "".join(part_xml(data, headers[0]).xpath("//w:t/text()", namespaces=NS))


def test_no_marking_no_header(memos: dict[tuple[str, str], bytes]) -> None:
    """Without a marking (document or style) there is no header; the footer is still there."""
    names = part_names(memos["sample_txt_doc", "default"])
    assert not any(n.startswith("word/header") for n in names)
    assert any(n.startswith("word/footer") for n in names)


def test_tables_repeat_header_row(memos: dict[tuple[str, str], bytes]) -> None:
    """Body tables use Table Grid and mark their first row as a repeating header."""
    body = part_xml(memos["rich_doc", "default"], "word/document.xml")
    grids = body.xpath("//w:tbl[w:tblPr/w:tblStyle/@w:val='TableGrid']", namespaces=NS)
    assert len(grids) == 1
    rows = grids[0].xpath("w:tr", namespaces=NS)
    assert rows[0].xpath("w:trPr/w:tblHeader", namespaces=NS)
    assert not rows[1].xpath("w:trPr/w:tblHeader", namespaces=NS)
    assert len(rows) == 4


def test_hyperlinks_are_clickable(memos: dict[tuple[str, str], bytes]) -> None:
    """Links are w:hyperlink elements pointing at external relationships; the source URL is one of them."""
    cases = (
        (("rich_doc", "default"), "https://example.org/a?b=1&c=2"),
        (("sample_md_doc", "default"), "https://news.example.org/2025/02/08/japan-us-summit"),
    )
    for key, url in cases:
        data = memos[key]
        rels = part_xml(data, "word/_rels/document.xml.rels")
        targets = {r.get("Id"): r.get("Target") for r in rels if r.get("TargetMode") == "External"}
        body = part_xml(data, "word/document.xml")
        linked = {targets[i] for i in body.xpath("//w:hyperlink/@r:id", namespaces=NS)}
        assert url in linked


def test_ordered_lists_restart_and_honour_start() -> None:
    """Each ordered list gets its own numbering instance starting at its ``start``."""
    lists = tuple(OrderedList(items=((Paragraph(inlines=(Text(text=f"item {n}"),)),),), start=n) for n in (1, 3, 7))
    doc = Document(meta=Meta(title="t", date=datetime.date(2025, 1, 1)), sections=(Section(heading="h", blocks=lists),))
    data = render(doc, load_style("default"))
    body = part_xml(data, "word/document.xml")
    numbering = part_xml(data, "word/numbering.xml")
    num_ids = [
        p.xpath("string(w:pPr/w:numPr/w:numId/@w:val)", namespaces=NS)
        for p in body.iter(f"{{{W}}}p")
        if p.xpath("string(.)", namespaces=NS).startswith("item")
    ]
    assert len(set(num_ids)) == 3
    starts = [numbering.xpath(f"string(w:num[@w:numId='{i}']//w:startOverride/@w:val)", namespaces=NS) for i in num_ids]
    assert starts == ["1", "3", "7"]


def test_code_blocks_keep_lines_in_mono(memos: dict[tuple[str, str], bytes]) -> None:
    """A code block is one Code paragraph with hard line breaks, set in the mono family."""
    data = memos["rich_doc", "default"]
    body = part_xml(data, "word/document.xml")
    code = body.xpath("//w:p[w:pPr/w:pStyle/@w:val='Code']", namespaces=NS)
    assert len(code) == 1 and code[0].xpath("count(.//w:br)", namespaces=NS) == 1
    assert 'return f"<b>{name}</b> & co"' in "".join(code[0].xpath(".//w:t/text()", namespaces=NS))
    styles = part_xml(data, "word/styles.xml")
    assert styles.xpath("//w:style[@w:styleId='Code']//w:rFonts/@w:ascii", namespaces=NS) == ["Liberation Mono"]


# --- metadata and language --------------------------------------------------------------------


def test_core_properties(memos: dict[tuple[str, str], bytes], sample_md_doc: Document) -> None:
    """Title, subject, author, keywords, language and dates come from the document; no template leftovers."""
    data = memos["sample_md_doc", "default"]
    props = docx.Document(io.BytesIO(data)).core_properties
    meta = sample_md_doc.meta
    assert props.title == meta.title
    assert props.subject == meta.summary
    assert props.author == "Policy Analysis Unit"
    assert props.keywords == "; ".join(meta.tags)
    assert props.language == "en-US"
    assert props.category == meta.kicker
    assert props.revision == 1
    assert props.comments == ""
    for stamp in (props.created, props.modified, props.last_printed):
        assert stamp is not None and stamp.date() == meta.date
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        package_text = b"".join(zf.read(n) for n in zf.namelist()).decode("utf-8", "replace")
    for leftover in ("python-docx", "2013-12-23", "Macintosh", "Normal.dotm"):
        assert leftover not in package_text


def test_author_falls_back_to_organisation(memos: dict[tuple[str, str], bytes]) -> None:
    """With no authors the organisation is the author; with authors, they are."""
    assert docx.Document(io.BytesIO(memos["sample_txt_doc", "a4"])).core_properties.author == "Ministry Strategy Office"
    assert docx.Document(io.BytesIO(memos["rich_doc", "a4"])).core_properties.author == "A. Writer; B. Editor"


def test_japanese_language_and_fonts(memos: dict[tuple[str, str], bytes], japanese_doc: Document) -> None:
    """Japanese memos carry ja-JP in the East Asian slot, IPAex fonts there, and Japanese labels."""
    data = memos["japanese_doc", "default"]
    styles = part_xml(data, "word/styles.xml")
    lang = styles.xpath("w:docDefaults//w:lang", namespaces=NS)[0]
    assert lang.get(f"{{{W}}}eastAsia") == "ja-JP"
    east_asian_fonts = set(styles.xpath("//w:rFonts/@w:eastAsia", namespaces=NS))
    assert east_asian_fonts <= {"IPAexGothic", "IPAexMincho"} and len(east_asian_fonts) == 2
    assert docx.Document(io.BytesIO(data)).core_properties.language == "ja-JP"
    text = extracted_text(data)
    labels = LABELS["ja"]
    for key in ("memorandum", "subject", "key_points"):
        assert labels[key] in text
    assert "2025年2月8日" in text
    english = part_xml(memos["sample_md_doc", "default"], "word/styles.xml")
    assert english.xpath("w:docDefaults//w:lang/@w:val", namespaces=NS) == ["en-US"]


# --- safety and reproducibility ---------------------------------------------------------------


def test_hostile_strings_stay_literal(hostile_doc: Document, default_style: Style) -> None:
    """Markup- and field-like text appears literally; only our own fields exist; javascript: is not a link."""
    result = DocxRenderer().render(hostile_doc, default_style, DocxRenderOptions())
    text = extracted_text(result.data)
    for s in HOSTILE_STRINGS:
        assert s in text
    assert not missing_words(hostile_doc, text)
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        instructions = [
            t.strip()
            for name in zf.namelist()
            if name.endswith(".xml")
            for t in etree.fromstring(zf.read(name)).xpath("//w:instrText/text()", namespaces=NS)
        ]
        assert sorted(instructions) == ["NUMPAGES", "PAGE"]
        rels = zf.read("word/_rels/document.xml.rels").decode()
    assert "javascript" not in rels
    assert "https://example.org/%3Ca%3E&amp;b" in rels
    assert any("javascript" in w for w in result.warnings)


def test_field_words_are_text() -> None:
    """Source text that looks like a field code stays a text run."""
    doc = Document(
        meta=Meta(title="{ MERGEFIELD x } PAGE", date=datetime.date(2025, 1, 1)),
        sections=(Section(heading="PAGE", blocks=(Paragraph(inlines=(Text(text="{ NUMPAGES } \\* MERGEFORMAT"),)),)),),
    )
    data = render(doc, load_style("default"))
    body = part_xml(data, "word/document.xml")
    assert not body.xpath("//w:instrText | //w:fldSimple | //w:fldChar", namespaces=NS)
    assert "{ NUMPAGES } \\* MERGEFORMAT" in extracted_text(data)


def test_two_runs_are_byte_identical(sample_md_doc: Document, default_style: Style) -> None:
    """Same input and style, same bytes: in one process and in a fresh one; zip entries carry no clock."""
    first = render(sample_md_doc, default_style)
    assert render(sample_md_doc, default_style) == first
    script = (
        "import sys, hashlib; from exporter import read_source, load_style;"
        "from exporter.renderers.docx import DocxRenderer; from exporter.renderers.base import DocxRenderOptions;"
        f"d = read_source({str(SAMPLE_MD)!r}).document;"
        f"s = load_style({str(ROOT / 'styles' / 'default.toml')!r});"
        "sys.stdout.write(hashlib.sha256(DocxRenderer().render(d, s, DocxRenderOptions()).data).hexdigest())"
    )
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1738972800"}
    fresh = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert fresh.stdout == hashlib.sha256(first).hexdigest()
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        assert {info.date_time for info in zf.infolist()} == {(2025, 2, 8, 0, 0, 0)}
        assert zf.namelist()[0] == "[Content_Types].xml"


# --- styles drive the memo --------------------------------------------------------------------


def test_shipped_styles_change_the_memo(memos: dict[tuple[str, str], bytes]) -> None:
    """Letter/serif/navy versus A4/sans/green: page size, fonts and colours follow the style file."""
    out = {}
    for style_name in ("default", "a4"):
        data = memos["sample_txt_doc", style_name]
        section = docx.Document(io.BytesIO(data)).sections[0]
        styles = part_xml(data, "word/styles.xml")
        normal_font = styles.xpath("string(//w:style[@w:styleId='Normal']//w:rFonts/@w:ascii)", namespaces=NS)
        heading_color = styles.xpath("string(//w:style[@w:styleId='Heading1']//w:color/@w:val)", namespaces=NS)
        assert section.page_width is not None and section.page_height is not None
        out[style_name] = (round(section.page_width.pt), round(section.page_height.pt), normal_font, heading_color)
    assert out["default"] == (612, 792, "Liberation Serif", "1F3864")
    assert out["a4"] == (595, 842, "Liberation Sans", "0B5D3B")


def test_a_custom_style_file_changes_the_memo(tmp_path: Path, sample_txt_doc: Document) -> None:
    """A style inheriting the default with other heading colour, body size and page changes those in the memo."""
    custom = tmp_path / "custom.toml"
    custom.write_text(
        'inherit = "default"\nname = "custom"\n[page]\nsize = "a5"\n[roles.heading]\ncolor = "#AA0000"\n'
        '[roles.body]\nsize = 9.5\n[brand]\norganisation = "Custom Office"\n',
        encoding="utf-8",
    )
    data = render(sample_txt_doc, load_style(str(custom)))
    styles = part_xml(data, "word/styles.xml")
    assert styles.xpath("string(//w:style[@w:styleId='Heading1']//w:color/@w:val)", namespaces=NS) == "AA0000"
    assert styles.xpath("string(//w:style[@w:styleId='Normal']//w:sz/@w:val)", namespaces=NS) == "19"
    width = docx.Document(io.BytesIO(data)).sections[0].page_width
    assert width is not None and round(width.pt) == 420
    assert "Custom Office" in extracted_text(data)


# --- contract ---------------------------------------------------------------------------------


def test_registered_renderer() -> None:
    """The registry's ``docx`` is this renderer and it declares the Word media type."""
    renderer = get_renderer("docx")
    assert isinstance(renderer, DocxRenderer)
    assert renderer.extension == ".docx"
    assert renderer.media_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_non_web_source_url_stays_text(default_style: Style) -> None:
    """A source URL that is not a web address is printed, not linked."""
    link = Link(url="relative/page.html", children=(Text(text="rel"),))
    doc = Document(
        meta=Meta(title="t", date=datetime.date(2025, 1, 1), source=Source(name="Wire", url="file:///etc/passwd")),
        sections=(Section(heading="", blocks=(Paragraph(inlines=(link,)),)),),
    )
    result = DocxRenderer().render(doc, default_style, DocxRenderOptions())
    assert "file:///etc/passwd" in extracted_text(result.data)
    assert "External" not in part_xml(result.data, "word/_rels/document.xml.rels").xpath("string(//@TargetMode)")


def test_link_without_words_shows_its_target(default_style: Style) -> None:
    """A link with no text shows its target, clickable or kept as text, as the PDF and EPUB do (spec example 484)."""
    links = (Link(url="./target.md", children=()), Link(url="https://example.org/x", children=()))
    doc = Document(
        meta=Meta(title="t", date=datetime.date(2025, 1, 1)),
        sections=(Section(heading="", blocks=tuple(Paragraph(inlines=(link,)) for link in links)),),
    )
    text = extracted_text(DocxRenderer().render(doc, default_style, DocxRenderOptions()).data)
    assert "./target.md" in text and "https://example.org/x" in text
