"""Inline styling survives every format: bold, italic, code and links read back word by word.

The PDF is read glyph by glyph (pdfminer: embedded font name, render mode, colours), the DOCX run by run
(w:b, w:i, w:rStyle, w:hyperlink) and the EPUB element by element (em, strong, code, a).
"""

from __future__ import annotations

import datetime
import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from helpers import PdfChar, find_glyphs, pdf_chars
from lxml import etree
from pypdf import PdfReader

from exporter import Document, Style, load_style
from exporter.model import BulletList, Code, Emph, Link, Paragraph, Part, Section, Strong, Table
from exporter.present.view import present
from exporter.registry import get_renderer
from exporter.renderers.base import DocxRenderOptions, EpubRenderOptions, PdfRenderOptions

STYLES = ("default", "a4-ministry")
KINDS = ("plain", "emph", "strong", "both", "code", "link")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


@dataclass(frozen=True)
class Spot:
    """Where a styled paragraph sits: a token prefix, the role that sets it, and whether its base is bold."""

    prefix: str
    role: str
    key: str
    """A Latin name for the spot (code is set in a Latin monospace)."""
    header: bool = False


def url(prefix: str) -> str:
    """The link target of one spot's link."""
    return f"https://example.org/{prefix}"


def token(spot: Spot, kind: str, japanese: bool) -> str:
    """The word that carries one kind of styling at one spot (unique in the document)."""
    if kind == "code":
        return f"{spot.key}code"
    if japanese:
        return spot.prefix + {"plain": "普通", "emph": "強調", "strong": "太字", "both": "両方", "link": "参照"}[kind]
    return spot.prefix + kind


def styled(spot: Spot, japanese: bool) -> tuple[Any, ...]:
    """Inlines holding every kind of styling, each on its own token."""

    def t(kind: str) -> str:
        return token(spot, kind, japanese)

    return (
        t("plain"),
        " ",
        Emph.of(t("emph")),
        " ",
        Strong.of(t("strong")),
        " ",
        Strong.of(Emph.of(t("both"))),
        " ",
        Code(text=t("code")),
        " ",
        Link.of(url(spot.key), t("link")),
        "。" if japanese else ".",
    )


def spots(japanese: bool) -> list[Spot]:
    """Body, key point, commentary, list item, table cell and table header."""
    keys = ("body", "kp", "comm", "item", "cell", "head")
    names = ("本文", "要点", "論評", "項目", "表", "見出") if japanese else keys
    roles = ("body", "key_point", "commentary", "body", "body", "body")
    return [Spot(n, r, k, header=k == "head") for n, r, k in zip(names, roles, keys, strict=True)]


def styled_doc(japanese: bool) -> Document:
    """A document with every kind of styling in the body, key points, commentary, a list and a table."""
    body, kp, comm, item, cell, head = spots(japanese)
    return Document.of(
        title="日米の書式" if japanese else "Styling everywhere",
        language="ja" if japanese else "en",
        date=datetime.date(2025, 2, 8),
        key_points=[Paragraph.of(*styled(kp, japanese))],
        sections=[
            Section.of(
                "背景" if japanese else "Background",
                Paragraph.of(*styled(body, japanese)),
                BulletList.of(Paragraph.of(*styled(item, japanese)), "二つ目" if japanese else "second"),
                Table.of([styled(head, japanese), "列" if japanese else "Column"], [styled(cell, japanese), "x"]),
            )
        ],
        commentary=Part.of("論評" if japanese else "Opinion", Section.of("", Paragraph.of(*styled(comm, japanese)))),
    )


def render(fmt: str, doc: Document, style: Style) -> bytes:
    """One output's bytes."""
    options = {"pdf": PdfRenderOptions(), "docx": DocxRenderOptions(), "epub": EpubRenderOptions()}[fmt]
    return get_renderer(fmt).render(doc, style, options).data


# --- reading the PDF back -----------------------------------------------------------------------


def face(fontname: str) -> tuple[str, bool, bool]:
    """(family, bold, italic) of an embedded font name such as ``ABCDEF+LiberationSerif-BoldItalic``."""
    name = fontname.split("+", 1)[-1]
    family, _, variant = name.partition("-")
    return family, "Bold" in variant, "Italic" in variant


def rgb(hex_color: str) -> tuple[float, float, float]:
    """A #RRGGBB colour as PDF components."""
    return tuple(int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def close(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Colours equal to the precision the PDF writes them."""
    return len(a) == len(b) and all(abs(x - y) < 0.005 for x, y in zip(a, b, strict=True))


def link_rects(data: bytes) -> dict[str, list[tuple[int, tuple[float, float, float, float]]]]:
    """Every /Link annotation's /URI with its page number and rectangle (pypdf)."""
    reader = PdfReader(io.BytesIO(data))
    found: dict[str, list[tuple[int, tuple[float, float, float, float]]]] = {}
    for number, page in enumerate(reader.pages, 1):
        height = float(page.mediabox.height)
        for ref in page.get("/Annots", []):
            annot: Any = ref.get_object()
            if annot.get("/Subtype") != "/Link" or "/A" not in annot:
                continue
            x0, y0, x1, y1 = (float(v) for v in annot["/Rect"])
            # Flipped to distances from the top, as pdf_chars gives them.
            found.setdefault(str(annot["/A"]["/URI"]), []).append((number, (x0, height - y1, x1, height - y0)))
    return found


def clickable(glyphs: list[PdfChar], rects: list[tuple[int, tuple[float, float, float, float]]]) -> bool:
    """Whether every glyph's centre lies inside one of the link rectangles on its page."""

    def inside(c: PdfChar) -> bool:
        cx, cy = (c.x0 + c.x1) / 2, (c.top + c.bottom) / 2
        return any(p == c.page and r[0] <= cx <= r[2] and r[1] <= cy <= r[3] for p, r in rects)

    return all(inside(c) for c in glyphs)


def one_place(chars: list[PdfChar], word: str) -> list[PdfChar]:
    """The glyphs of ``word``, which the document draws exactly once."""
    places = find_glyphs(chars, word)
    assert len(places) == 1, f"{word!r} is drawn {len(places)} times"
    return places[0]


# --- the PDF ------------------------------------------------------------------------------------


@pytest.mark.parametrize("style_name", STYLES)
def test_pdf_latin_styling_everywhere(style_name: str) -> None:
    style = load_style(style_name)
    doc = styled_doc(japanese=False)
    data = render("pdf", doc, style)
    chars = pdf_chars(data)
    links = link_rects(data)
    view = present(doc, style)
    accent = rgb(style.colors.accent)
    for spot in spots(japanese=False):
        role = getattr(style.roles, spot.role)
        family = view.fonts[spot.role].primary.replace(" ", "")
        bold, italic = role.bold or spot.header, role.italic
        expected = {
            "plain": (family, bold, italic),
            "emph": (family, bold, not italic),  # emphasis in italic text is upright, as in print
            "strong": (family, True, italic),
            "both": (family, True, not italic),
            "link": (family, bold, italic),
        }
        for kind, want in expected.items():
            glyphs = one_place(chars, token(spot, kind, False))
            assert {face(c.fontname) for c in glyphs} == {want}, (spot, kind, {c.fontname for c in glyphs})
            assert all(c.render_mode == 0 for c in glyphs), (spot, kind)
        code = one_place(chars, token(spot, "code", False))
        assert {face(c.fontname)[:2] for c in code} == {(view.fonts["code"].primary.replace(" ", ""), bold)}
        link = one_place(chars, token(spot, "link", False))
        assert all(close(c.fill, accent) for c in link), (spot, {c.fill for c in link})
        assert clickable(link, links.get(url(spot.key), [])), (spot, links.get(url(spot.key)))
        plain = one_place(chars, token(spot, "plain", False))
        assert not any(close(c.fill, accent) for c in plain)


@pytest.mark.parametrize("style_name", STYLES)
def test_pdf_japanese_styling_everywhere(style_name: str) -> None:
    """IPAex has one face: strong is stroked (synthetic bold), emphasis takes the other IPAex family."""
    style = load_style(style_name)
    doc = styled_doc(japanese=True)
    data = render("pdf", doc, style)
    chars = pdf_chars(data)
    links = link_rects(data)
    view = present(doc, style)
    mincho, gothic = style.family(style.fonts.cjk_serif), style.family(style.fonts.cjk)
    other = {mincho.replace(" ", ""): gothic.replace(" ", ""), gothic.replace(" ", ""): mincho.replace(" ", "")}
    for spot in spots(japanese=True):
        family = view.fonts[spot.role].primary.replace(" ", "")
        assert family in other  # the role's text is set in an IPAex family

        def look(kind: str, spot: Spot = spot) -> tuple[set[str], set[int]]:
            glyphs = one_place(chars, token(spot, kind, True))
            for c in glyphs:
                if c.render_mode == 2:  # the outline is drawn in the colour of the text
                    assert close(c.stroke, c.fill), (spot, kind, c)
            return {face(c.fontname)[0] for c in glyphs}, {c.render_mode for c in glyphs}

        assert look("plain") == ({family}, {0})
        assert look("emph") == ({other[family]}, {0})
        assert look("strong") == ({family}, {2})
        assert look("both") == ({other[family]}, {2})
        assert look("link")[1] == {0}
        code = one_place(chars, token(spot, "code", True))
        assert {face(c.fontname)[0] for c in code} == {view.fonts["code"].primary.replace(" ", "")}
        link = one_place(chars, token(spot, "link", True))
        assert all(close(c.fill, rgb(style.colors.accent)) for c in link)
        assert clickable(link, links.get(url(spot.key), []))


@pytest.mark.parametrize("style_name", STYLES)
def test_pdf_rich_markdown_keeps_bold_and_italic(rich_doc: Document, style_name: str) -> None:
    """The words the issue names: *emphasis*, **strong**, **bold** (a key point) and *largest* (a table cell)."""
    style = load_style(style_name)
    data = render("pdf", rich_doc, style)
    chars = pdf_chars(data)
    wanted = {"emphasis": (False, True), "strong": (True, False), "bold": (True, False), "largest": (False, True)}
    for word, (bold, italic) in wanted.items():
        places = find_glyphs(chars, word)
        assert places, word
        for glyphs in places:
            assert {face(c.fontname)[1:] for c in glyphs} == {(bold, italic)}, (word, {c.fontname for c in glyphs})
    for word in ("inlinecode", "code"):
        assert all("Mono" in face(c.fontname)[0] for c in find_glyphs(chars, word)[-1])
    links = link_rects(data)
    for target in ("https://example.org/a?b=1&c=2", "https://example.org/ca"):
        assert target in links
    link_glyphs = find_glyphs(chars, "link")
    assert link_glyphs and all(all(close(c.fill, rgb(style.colors.accent)) for c in g) for g in link_glyphs)


# --- DOCX and EPUB ------------------------------------------------------------------------------


def docx_runs(data: bytes) -> Iterator[tuple[str, set[str], str]]:
    """Every run of the document part: its text, its direct formatting (b, i, style) and its link target."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
        rels = etree.fromstring(zf.read("word/_rels/document.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    for run in root.iter(f"{_W}r"):
        text = "".join(t.text or "" for t in run.iter(f"{_W}t"))
        flags = set()
        rpr = run.find(f"{_W}rPr")
        if rpr is not None:
            flags = {etree.QName(e).localname for e in rpr if etree.QName(e).localname in ("b", "i")}
            style = rpr.find(f"{_W}rStyle")
            if style is not None:
                flags.add(style.get(f"{_W}val"))
        link = run.getparent()
        target = targets.get(link.get(f"{_R}id"), "") if etree.QName(link).localname == "hyperlink" else ""
        yield text, flags, target


def epub_elements(data: bytes) -> Iterator[tuple[str, set[str], str]]:
    """Every text node of the book's XHTML: its text, the inline elements around it and the link target."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = [n for n in zf.namelist() if n.endswith(".xhtml")]
        for name in names:
            root = etree.fromstring(zf.read(name))
            for node in root.iter():
                if not isinstance(node.tag, str):
                    continue
                chain = [node, *node.iterancestors()]
                tags = {etree.QName(e).localname for e in chain}
                href = next((e.get("href") for e in chain if etree.QName(e).localname == "a"), "")
                if node.text and node.text.strip():
                    yield node.text, tags, posixpath.normpath(href) if href.startswith(".") else href


def expected_flags(kind: str) -> set[str]:
    """The direct formatting a kind of styling gives a DOCX run (and the inline elements an EPUB uses)."""
    return {"plain": set(), "emph": {"i"}, "strong": {"b"}, "both": {"b", "i"}, "link": set(), "code": set()}[kind]


@pytest.mark.parametrize("japanese", [False, True], ids=["en", "ja"])
@pytest.mark.parametrize("style_name", STYLES)
def test_docx_runs_keep_styling(style_name: str, japanese: bool) -> None:
    doc = styled_doc(japanese)
    runs = list(docx_runs(render("docx", doc, load_style(style_name))))
    for spot in spots(japanese):
        for kind in KINDS:
            word = token(spot, kind, japanese)
            found = [(flags, target) for text, flags, target in runs if word in text]
            assert len(found) == 1, (word, found)
            flags, target = found[0]
            assert flags & {"b", "i"} == expected_flags(kind), (word, flags)
            if kind == "code":
                assert "InlineCode" in flags
            assert target == (url(spot.key) if kind == "link" else ""), (word, target)


@pytest.mark.parametrize("japanese", [False, True], ids=["en", "ja"])
@pytest.mark.parametrize("style_name", STYLES)
def test_epub_elements_keep_styling(style_name: str, japanese: bool) -> None:
    doc = styled_doc(japanese)
    nodes = list(epub_elements(render("epub", doc, load_style(style_name))))
    tag_of = {"emph": {"em"}, "strong": {"strong"}, "both": {"em", "strong"}, "code": {"code"}}
    for spot in spots(japanese):
        for kind in KINDS:
            word = token(spot, kind, japanese)
            found = [(tags, href) for text, tags, href in nodes if word in text]
            assert len(found) == 1, (word, found)
            tags, href = found[0]
            assert tags & {"em", "strong", "code"} == tag_of.get(kind, set()), (word, tags)
            assert href == (url(spot.key) if kind == "link" else ""), (word, href)


@pytest.mark.parametrize("fmt", ["docx", "epub"])
def test_rich_markdown_styling_in_docx_and_epub(rich_doc: Document, default_style: Style, fmt: str) -> None:
    data = render(fmt, rich_doc, default_style)
    items = list(docx_runs(data) if fmt == "docx" else epub_elements(data))
    bold, italic = ({"b"}, {"i"}) if fmt == "docx" else ({"strong"}, {"em"})
    for word, want in {"emphasis": italic, "strong": bold, "bold": bold, "largest": italic}.items():
        found = [flags for text, flags, _ in items if text.strip() == word]
        assert found and all(want <= flags for flags in found), (word, found)
