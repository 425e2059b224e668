"""The DOCX reader: our memo reads back into the same model, Word edits come through, hostile packages are refused."""

from __future__ import annotations

import datetime
import io
import subprocess
from pathlib import Path
from typing import Any, Literal

import msgspec
import pytest
from docx_build import W, hostile_packages, p, package, r
from helpers import epub_text, pdf_text, require_tool, squeeze

from exporter import parse
from exporter.api import render
from exporter.errors import ParseError
from exporter.model import (
    BulletList,
    Document,
    Emph,
    Link,
    Note,
    OrderedList,
    Paragraph,
    Strike,
    Strong,
    SubHeading,
    Table,
    Text,
    to_builtins,
)
from exporter.present.view import present
from exporter.readers.base import ReadOptions
from exporter.style import Style


def _without_ids(value: Any) -> Any:
    # Heading ids come back as Word bookmark names (at most 40 characters, underscores): a memo cannot carry them.
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list | tuple):
        return [_without_ids(v) for v in value]
    return value


def _round_trip(doc: Document, style: Style) -> Document:
    return parse(render(doc, "docx", style).data, name="memo.docx").document


@pytest.mark.parametrize("fixture", ["sample_txt_doc", "sample_md_doc", "japanese_doc"])
def test_memo_reads_back_into_the_same_model(
    fixture: str, request: pytest.FixtureRequest, default_style: Style
) -> None:
    original: Document = request.getfixturevalue(fixture)
    back = _round_trip(original, default_style)
    view = present(original, default_style)
    meta, got = original.meta, back.meta
    assert (got.title, got.kicker, got.date) == (meta.title, meta.kicker, meta.date)
    assert (got.memo.to, got.memo.from_, got.memo.cc) == (
        view.memo.to,
        view.memo.from_,
        view.memo.cc,
    )  # the memo shows the style's default TO / FROM where the source has none
    assert got.marking == view.marking
    assert got.language.split("-")[0] == meta.language.split("-")[0]
    assert (got.summary, got.authors, got.tags, got.source) == (meta.summary, meta.authors, meta.tags, meta.source)
    assert back.key_points == original.key_points
    assert _without_ids(to_builtins(back)["sections"]) == _without_ids(to_builtins(original)["sections"])
    assert _without_ids(msgspec.to_builtins(back.commentary)) == _without_ids(msgspec.to_builtins(original.commentary))


def test_rich_nodes_read_back(rich_doc: Document, default_style: Style) -> None:
    back = _round_trip(rich_doc, default_style)
    blocks = [b for s in back.sections for b in s.blocks]
    kinds = {type(b).__name__ for b in blocks}
    assert {"Paragraph", "BulletList", "OrderedList", "Table", "Quote", "CodeBlock", "SubHeading"} <= kinds
    table = next(b for b in blocks if type(b).__name__ == "Table")
    original = next(b for s in rich_doc.sections for b in s.blocks if type(b).__name__ == "Table")
    assert table == original  # header, cells with emphasis and code, column alignment
    code = next(b for b in blocks if type(b).__name__ == "CodeBlock")
    assert "\n    return" in code.text  # type: ignore[union-attr]


def test_edited_in_word_reaches_pdf_and_epub(sample_md_doc: Document, default_style: Style) -> None:
    import docx
    from docx.oxml.ns import qn
    from lxml import etree

    memo = docx.Document(io.BytesIO(render(sample_md_doc, "docx", default_style).data))
    body = next(q for q in memo.paragraphs if q.text.startswith("Trump extended his gratitude"))
    for run in body.runs[1:]:
        run._r.getparent().remove(run._r)
    body.runs[0].text = "Trump thanked Japan for the investment."
    bold = body.add_run(" Analysts called the pledge unprecedented.")
    bold.bold = True
    target = next(q for q in memo.paragraphs if q.text.startswith("This summit also marked"))
    ins = etree.SubElement(target._p, qn("w:ins"), {qn("w:id"): "901", qn("w:author"): "Editor"})
    ins_run = etree.SubElement(ins, qn("w:r"))
    etree.SubElement(
        ins_run, qn("w:t"), {"{http://www.w3.org/XML/1998/namespace}space": "preserve"}
    ).text = " Inserted with tracked changes."
    deleted = etree.SubElement(target._p, qn("w:del"), {qn("w:id"): "902", qn("w:author"): "Editor"})
    del_run = etree.SubElement(deleted, qn("w:r"))
    etree.SubElement(del_run, qn("w:delText")).text = "Zanzibar deleted sentence."
    out = io.BytesIO()
    memo.save(out)

    edited = parse(out.getvalue(), name="edited.docx").document
    paragraph = next(
        b for s in edited.sections for b in s.blocks if isinstance(b, Paragraph) and "thanked" in str(b.inlines)
    )
    assert paragraph.inlines[-1] == Strong(children=(Text(text=" Analysts called the pledge unprecedented."),))
    for fmt, text_of in (("pdf", pdf_text), ("epub", epub_text)):
        # The one-pager runs onto more pages rather than leaving paragraphs out, so every edit can be looked for.
        overflow: Literal["pages"] | None = "pages" if fmt == "pdf" else None
        text = squeeze(text_of(render(edited, fmt, default_style, overflow=overflow).data))
        for edit in ("Trump thanked Japan for the investment.", "Analysts called the pledge unprecedented.",
                     "Inserted with tracked changes."):  # fmt: skip
            assert squeeze(edit) in text, (fmt, edit)
        assert "Zanzibar" not in text and squeeze("voiced concerns") not in text, fmt


_STYLES = f"""<w:styles xmlns:w="{W}">
<w:style w:type="paragraph" w:styleId="Titel"><w:name w:val="Title"/></w:style>
<w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="Überschrift 1"/>
<w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="berschrift3"><w:name w:val="Überschrift 3"/>
<w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>
<w:style w:type="character" w:styleId="Fett"><w:name w:val="Strong"/></w:style>
</w:styles>"""

_NUMBERING = f"""<w:numbering xmlns:w="{W}">
<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="3"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
<w:lvlText w:val="%1."/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/>
<w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
</w:numbering>"""

_FOOTNOTES = f"""<w:footnotes xmlns:w="{W}">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> The note text.</w:t></w:r></w:p>
</w:footnote></w:footnotes>"""


def test_a_translated_word_draft() -> None:
    body = "".join(
        [
            p("Entwurf: Der Gipfel", "Titel"),
            p(
                "Erster Abschnitt",
                "berschrift1",
                runs='<w:bookmarkStart w:id="0" w:name="_Toc1"/>' + r("Erster Abschnitt") + '<w:bookmarkEnd w:id="0"/>',
            ),
            p(
                "",
                runs=r("Plain, ")
                + r("bold", "<w:b/>")
                + r(", ")
                + r("italic", "<w:i/>")
                + r(" and ")
                + r("gone", "<w:strike/>")
                + r(" and ")
                + r("strong by style", '<w:rStyle w:val="Fett"/>')
                + "<w:r><w:br/></w:r>"
                + r("code", '<w:rFonts w:ascii="Consolas" w:hAnsi="Consolas"/>')
                + '<w:hyperlink r:id="rIdL"><w:r><w:t>site</w:t></w:r></w:hyperlink>'
                + '<w:hyperlink w:anchor="_Toc1"><w:r><w:t>back</w:t></w:r></w:hyperlink>'
                + '<w:r><w:footnoteReference w:id="1"/></w:r>'
                + '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
                + '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>17</w:t></w:r>'
                + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
                + '<w:ins w:id="5"><w:r><w:t> kept</w:t></w:r></w:ins>'
                + '<w:del w:id="6"><w:r><w:delText> dropped</w:delText></w:r></w:del>'
                + '<w:commentRangeStart w:id="1"/><w:r><w:commentReference w:id="1"/></w:r>',
            ),
            p("Unterpunkt", "berschrift3"),
            p("one", num=(1, 0)),
            p("sub", num=(1, 1)),
            p("two", num=(1, 0)),
            p(""),
            p("five", num=(2, 0)),
            p("six", num=(2, 0)),
        ]
    )
    data = package(
        body, styles=_STYLES, numbering=_NUMBERING, footnotes=_FOOTNOTES, links={"rIdL": "https://example.org/"}
    )
    result = parse(data, name="entwurf.docx")
    doc = result.document
    assert (doc.meta.kicker, doc.meta.title) == ("Entwurf", "Der Gipfel")
    section = doc.sections[0]
    assert section.heading == "Erster Abschnitt" and section.id == "_Toc1"
    para, sub, bullets, ordered = section.blocks
    assert isinstance(para, Paragraph)
    inlines = para.inlines
    assert Strong(children=(Text(text="bold"),)) in inlines and Emph(children=(Text(text="italic"),)) in inlines
    assert Strike(children=(Text(text="gone"),)) in inlines
    assert Strong(children=(Text(text="strong by style"),)) in inlines
    assert Link(url="https://example.org/", children=(Text(text="site"),)) in inlines
    assert Link(url="#_Toc1", children=(Text(text="back"),)) in inlines
    assert Note(blocks=(Paragraph(inlines=(Text(text="The note text."),)),)) in inlines
    text = str(inlines)
    assert "17" not in text and "dropped" not in text and " kept" in text and "code" in text
    assert sub == SubHeading.of("Unterpunkt", level=1)
    assert isinstance(bullets, BulletList) and len(bullets.items) == 2
    nested = bullets.items[0][1]
    assert isinstance(nested, OrderedList) and (nested.start, nested.delimiter) == (3, ")")
    assert isinstance(ordered, OrderedList) and ordered.start == 5 and len(ordered.items) == 2
    assert any("PAGE" in w for w in result.warnings)


def test_text_box_text_is_kept_with_a_warning() -> None:
    box = (
        '<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent>'
        + p("Boxed words.")
        + "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
    )
    result = parse(package(p("Title", "Title") + p("", runs=r("Before.") + box)), name="box.docx")
    texts = [str(b) for s in result.document.sections for b in s.blocks]
    assert any("Boxed words." in t for t in texts) and any("text box" in w for w in result.warnings)


HOSTILE = hostile_packages()


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_packages_are_refused_in_one_line(name: str) -> None:
    data, message = HOSTILE[name]
    with pytest.raises(ParseError) as caught:
        parse(data, name=f"{name}.docx")
    assert message in caught.value.message and "\n" not in caught.value.message
    assert caught.value.code == "parse"


def test_expansion_is_bounded_by_max_input_bytes() -> None:
    data = package(p("Title", "Title") + p("x" * 5000))
    assert parse(data, name="ok.docx").document.meta.title == "Title"
    with pytest.raises(ParseError, match="more than 10× --max-input-bytes"):
        parse(data, name="small.docx", options=ReadOptions(max_input_bytes=200))


LIBREOFFICE = Path(__file__).parent / "data" / "docx"


def _check_libreoffice_page(doc: Document) -> None:
    assert doc.meta.title == "Summit notes"
    assert [s.heading for s in doc.sections] == ["Background", "Figures"]
    background, figures = doc.sections
    para, bullets, ordered = background.blocks
    assert isinstance(para, Paragraph)
    assert Strong(children=(Text(text="Washington"),)) in para.inlines
    assert Link(url="https://example.org/report", children=(Text(text="full report"),)) in para.inlines
    assert isinstance(bullets, BulletList) and len(bullets.items) == 2
    assert isinstance(bullets.items[1][1], BulletList)
    assert isinstance(ordered, OrderedList) and ordered.start == 3 and len(ordered.items) == 2
    table, sub, closing = figures.blocks
    assert isinstance(table, Table)
    assert table.header == ((Text(text="Country"),), (Text(text="Amount"),))
    assert table.rows == (((Text(text="Japan"),), (Text(text="783"),)),)
    assert sub == SubHeading.of("Detail", level=1)
    assert closing == Paragraph.of("Closing ", Emph.of("words"), ".")


def test_a_libreoffice_document_fixture() -> None:
    _check_libreoffice_page(parse((LIBREOFFICE / "libreoffice.docx").read_bytes(), name="lo.docx").document)


def test_a_pandoc_document_fixture() -> None:
    """pandoc's Word output: title, author and date lines, headings, a footnote, nested and started lists, a table."""
    result = parse((LIBREOFFICE / "pandoc.docx").read_bytes(), name="pandoc.docx")
    doc = result.document
    assert result.warnings == ()
    assert (doc.meta.title, doc.meta.authors, doc.meta.date) == (
        "Harbour automation doubles",
        ("J. Tanaka",),
        datetime.date(2025, 2, 8),
    )
    assert doc.meta.language == "en-GB"
    assert [s.heading for s in doc.sections] == ["Background", "Figures", "Detail"]
    para, bullets, ordered = doc.sections[0].blocks
    assert isinstance(para, Paragraph)
    assert Strong(children=(Text(text="doubled"),)) in para.inlines
    assert Link(url="https://example.org/ports", children=(Text(text="port authority"),)) in para.inlines
    assert Note(blocks=(Paragraph.of("Annual report, table 4."),)) in para.inlines
    assert isinstance(bullets, BulletList) and isinstance(bullets.items[1][1], BulletList)
    assert isinstance(ordered, OrderedList) and ordered.start == 3 and len(ordered.items) == 2
    (table,) = doc.sections[1].blocks
    assert isinstance(table, Table) and table.align == ("", "right")
    assert table.rows[1] == ((Text(text="Osaka"),), (Text(text="9"),))
    assert doc.sections[2].blocks == (Paragraph.of("Closing ", Emph.of("words"), "."),)


@pytest.mark.judge
def test_a_document_libreoffice_makes_now(tmp_path: Path) -> None:
    soffice = require_tool("soffice")
    html = tmp_path / "page.html"
    html.write_bytes((LIBREOFFICE / "libreoffice.html").read_bytes())
    subprocess.run(
        [soffice, "--headless", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path), str(html)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    made = tmp_path / "page.docx"
    assert made.is_file() and made.stat().st_size > 0  # soffice exits 0 even when it wrote nothing
    _check_libreoffice_page(parse(made.read_bytes(), name="page.docx").document)


def test_batch_and_cli_read_docx(tmp_path: Path, sample_md_doc: Document) -> None:
    from click.testing import CliRunner

    from exporter.cli import cli

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "memo.docx").write_bytes(render(sample_md_doc, "docx").data)
    (tmp_path / "in" / "old.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "in"), "-t", "json", "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert (tmp_path / "out" / "memo.json").is_file() and not (tmp_path / "out" / "old.json").exists()
    assert "Word 97 or password-protected" in result.output and "Traceback" not in result.output
