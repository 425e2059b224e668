"""Issue 12's acceptance, as a user runs it: constructs.md through the command line into all three outputs."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from helpers import DATA, docx_text, epub_text, exporter_command, find_glyphs, pdf_chars, pdf_text
from lxml import etree

FORMATS = ("docx", "pdf", "epub")
SYNTAX = ("[^", "~~", "[ ]", "[x]", "^[")
"""Markdown syntax that must never reach a reader as text."""
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_X = "{http://www.w3.org/1999/xhtml}"
_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def export(source: Path, out: Path) -> dict[str, bytes]:
    """Run ``exporter export`` on ``source`` into ``out``; the bytes of each output."""
    result = subprocess.run(
        [*exporter_command(), "export", str(source), "-o", str(out)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return {fmt: (out / f"{source.stem}.{fmt}").read_bytes() for fmt in FORMATS}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """constructs.md as a memo, a one-pager and a briefing."""
    return export(DATA / "constructs.md", tmp_path_factory.mktemp("constructs"))


def text_of(fmt: str, data: bytes) -> str:
    """What a reader of the output sees, read back by an outside parser."""
    return {"docx": docx_text, "pdf": pdf_text, "epub": epub_text}[fmt](data)


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_markdown_syntax_reaches_the_reader(outputs: dict[str, bytes], fmt: str) -> None:
    """Footnote marks, tildes and task brackets are all carried by the model, never shown as text."""
    text = text_of(fmt, outputs[fmt])
    assert [s for s in SYNTAX if s in text] == []
    for words in ("struck-through words", "The short footnote.", "Inline notes are one paragraph.", "Item zero"):
        assert words.replace(" ", "") in text.replace(" ", "").replace("\n", "")


def test_the_memo_carries_every_construct(outputs: dict[str, bytes]) -> None:
    """Word footnotes, struck runs, ballot boxes, a bookmark the internal link reaches, a rule, aligned cells."""
    with zipfile.ZipFile(io.BytesIO(outputs["docx"])) as zf:
        body = etree.fromstring(zf.read("word/document.xml"))
        notes = etree.fromstring(zf.read("word/footnotes.xml"))
        styles = etree.fromstring(zf.read("word/styles.xml"))
    assert len(body.findall(f".//{_W}footnoteReference")) == 4
    assert len([n for n in notes.findall(f"{_W}footnote") if int(n.get(f"{_W}id")) > 0]) == 4
    struck = ["".join(r.itertext()) for r in body.iter(f"{_W}r") if r.find(f"{_W}rPr/{_W}strike") is not None]
    assert "".join(struck) == "struck-through words"
    text = "".join(body.itertext())
    assert "\u2610" in text and "\u2611" in text
    anchors = {h.get(f"{_W}anchor") for h in body.iter(f"{_W}hyperlink") if h.get(f"{_W}anchor")}
    bookmarks = {b.get(f"{_W}name") for b in body.iter(f"{_W}bookmarkStart")}
    assert anchors and anchors <= bookmarks
    # The rule: a paragraph whose style draws a border.
    bordered = {st.get(f"{_W}styleId") for st in styles.iter(f"{_W}style") if st.find(f"{_W}pPr/{_W}pBdr") is not None}
    used = {ps.get(f"{_W}val") for ps in body.iter(f"{_W}pStyle")}
    assert "ThematicBreak" in bordered & used
    assert {j.get(f"{_W}val") for j in body.iter(f"{_W}jc")} >= {"center", "right"}


def test_the_briefing_carries_every_construct(outputs: dict[str, bytes]) -> None:
    """EPUB 3 notes, del, dl, hr, checkboxes and an internal link to an id that exists."""
    docs = []
    with zipfile.ZipFile(io.BytesIO(outputs["epub"])) as zf:
        for name in zf.namelist():
            if name.endswith(".xhtml"):
                docs.append((name, etree.fromstring(zf.read(name))))
    tags = {etree.QName(el).localname for _, root in docs for el in root.iter() if isinstance(el.tag, str)}
    assert {"del", "dl", "dt", "dd", "hr", "aside", "sup"} <= tags
    types = [el.get(_EPUB_TYPE) for _, root in docs for el in root.iter() if el.get(_EPUB_TYPE)]
    assert types.count("noteref") == 4 and types.count("footnote") == 4
    ids = {(name.rsplit("/", 1)[-1], el.get("id")) for name, root in docs for el in root.iter() if el.get("id")}
    internal = [a.get("href") for _, root in docs for a in root.iter(f"{_X}a") if "#" in (a.get("href") or "")]
    for href in internal:
        file, _, ident = href.partition("#")
        assert any(ident == i and (not file or file == f) for f, i in ids), href


def test_the_one_pager_carries_every_construct(outputs: dict[str, bytes]) -> None:
    """One page; notes as raised numbers and small text; struck words crossed out; boxes; an internal link."""
    data = outputs["pdf"]
    chars = pdf_chars(data)
    assert {c.page for c in chars} == {1}
    assert find_glyphs(chars, "\u2610Anopentask") and find_glyphs(chars, "\u2611Afinishedtask")
    lead = find_glyphs(chars, "Theleadparagraph")[0]
    note = find_glyphs(chars, "Theshortfootnote.")[0]
    assert note[0].bottom - note[0].top < lead[0].bottom - lead[0].top
    struck = find_glyphs(chars, "struck-throughwords")[0]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        lines = page.lines
        dests = [a for a in page.annots if a["data"].get("Dest") is not None]
    assert any(struck[0].top < line["top"] < struck[0].bottom for line in lines)
    assert len(dests) == 1  # "see" goes to the Background heading


def test_front_matter_of_unknown_keys_reaches_every_output(tmp_path: Path) -> None:
    """A `---` block whose keys are all unknown is Markdown: its line is text in all three outputs."""
    source = tmp_path / "friday.md"
    source.write_text("---\nNote: the meeting moved to Friday\n---\n\nBody.\n", encoding="utf-8")
    outputs = export(source, tmp_path / "out")
    for fmt, data in outputs.items():
        flat = " ".join(text_of(fmt, data).split())
        assert "Note: the meeting moved to Friday" in flat, fmt
        assert "Body." in flat, fmt
