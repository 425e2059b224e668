"""WordprocessingML building blocks: elements in schema order, text runs, fields and hyperlinks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeAlias

from lxml import etree  # type: ignore[import-untyped,unused-ignore]  # lxml ships no stubs

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
RT_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"

Element: TypeAlias = Any
"""An lxml element (typed loosely: lxml ships no stubs)."""
Border = tuple[str, int, int, str]
"""One paragraph or cell border: (side, width in eighths of a point, space in pt, colour hex)."""


def w(tag: str) -> str:
    """The Clark name of a ``w:`` element or attribute."""
    return f"{{{W_NS}}}{tag}"


_TAGS: dict[str, str] = {}
_KEYS: dict[str, str] = {}
"""Clark names of ``sub``'s tags and keys, made once each (the memo writes thousands of elements)."""


def sub(parent: Element, tag: str, **attrs: str) -> Element:
    """Append ``<w:tag w:key="value" ...>`` to ``parent``; a trailing underscore in a key is dropped."""
    name = _TAGS.get(tag)
    if name is None:
        name = _TAGS[tag] = w(tag)
    el = etree.SubElement(parent, name)
    for key, value in attrs.items():
        found = _KEYS.get(key)
        if found is None:
            found = _KEYS[key] = w(key.rstrip("_"))
        el.set(found, value)
    return el


def serialize(root: Element) -> bytes:
    """A part's XML with the declaration Word writes."""
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def twips(points: float) -> str:
    """Points as twentieths of a point (the unit of most WordprocessingML lengths)."""
    return str(round(points * 20))


def hex_color(color: str) -> str:
    """``#1f3864`` as WordprocessingML wants it: ``1F3864``."""
    return color.lstrip("#").upper()


def half_points(points: float) -> str:
    """A font size in half-points."""
    return str(round(points * 2))


def mirror_borders(root: Element) -> None:
    """Swap the left and right sides of every paragraph border under ``root``, keeping schema order.

    ``w:bidi`` mirrors a paragraph's indents, alignment and tabs but not its borders (ISO/IEC 29500-1
    §17.3.1.6), so a right-to-left document's side bars (quotations, commentary) are moved here.
    """
    swap = {w("left"): w("right"), w("right"): w("left")}
    for box in root.iter(w("pBdr")):
        sides = list(box)
        for side in sides:
            side.tag = swap.get(side.tag, side.tag)
            box.remove(side)
        for side in sorted(sides, key=lambda s: _BORDER_ORDER.get(etree.QName(s).localname, 9)):
            box.append(side)


# --- properties, always emitted in schema order (Word rejects out-of-order children) -------------


def ppr(
    parent: Element,
    *,
    style: str = "",
    keep_next: bool = False,
    keep_lines: bool = False,
    num: tuple[int, int] | None = None,
    borders: Sequence[Border] = (),
    shading: str = "",
    tabs: Sequence[tuple[str, int]] = (),
    spacing: dict[str, str] | None = None,
    ind: dict[str, str] | None = None,
    contextual: bool = False,
    jc: str = "",
    outline: int | None = None,
) -> Element:
    """Append a ``w:pPr``; ``num`` is (numId, ilvl), ``tabs`` are (alignment, position in twips)."""
    p = sub(parent, "pPr")
    if style:
        sub(p, "pStyle", val=style)
    if keep_next:
        sub(p, "keepNext")
    if keep_lines:
        sub(p, "keepLines")
    if num is not None:
        numpr = sub(p, "numPr")
        sub(numpr, "ilvl", val=str(num[1]))
        sub(numpr, "numId", val=str(num[0]))
    if borders:
        border_el(p, "pBdr", borders)
    if shading:
        sub(p, "shd", val="clear", color="auto", fill=hex_color(shading))
    if tabs:
        tabs_el = sub(p, "tabs")
        for align, pos in tabs:
            sub(tabs_el, "tab", val=align, pos=str(pos))
    if spacing:
        sub(p, "spacing", **spacing)
    if ind:
        sub(p, "ind", **ind)
    if contextual:
        sub(p, "contextualSpacing")
    if jc:
        sub(p, "jc", val=jc)
    if outline is not None:
        sub(p, "outlineLvl", val=str(outline))
    return p


_BORDER_ORDER = {"top": 0, "left": 1, "bottom": 2, "right": 3, "between": 4, "insideH": 4, "insideV": 5}


def border_el(parent: Element, tag: str, borders: Iterable[Border]) -> Element:
    """Append a border container (``pBdr``, ``tcBorders``, ``tblBorders``) with sides in schema order."""
    box = sub(parent, tag)
    for side, size, space, color in sorted(borders, key=lambda b: _BORDER_ORDER[b[0]]):
        if size <= 0:
            sub(box, side, val="nil")
        else:
            sub(box, side, val="single", sz=str(size), space=str(space), color=hex_color(color))
    return box


def rpr(
    parent: Element,
    *,
    style: str = "",
    fonts: tuple[str, ...] | None = None,
    bold: bool = False,
    italic: bool = False,
    caps: bool = False,
    strike: bool = False,
    no_proof: bool = False,
    color: str = "",
    char_spacing: int = 0,
    size: float = 0.0,
    underline: bool = False,
    vert_align: str = "",
    lang: tuple[str, str, str] | None = None,
) -> Element:
    """Append a ``w:rPr``; ``fonts`` is (western, East Asian[, complex script]), ``lang`` (val, eastAsia, bidi).

    Without a complex-script family, the western one fills Word's ``w:cs`` slot.
    """
    r = sub(parent, "rPr")
    if style:
        sub(r, "rStyle", val=style)
    if fonts is not None:
        sub(r, "rFonts", ascii=fonts[0], hAnsi=fonts[0], eastAsia=fonts[1], cs=fonts[2] if len(fonts) > 2 else fonts[0])
    if bold:
        sub(r, "b")
        sub(r, "bCs")
    if italic:
        sub(r, "i")
        sub(r, "iCs")
    if caps:
        sub(r, "caps")
    if strike:
        sub(r, "strike")
    if no_proof:
        sub(r, "noProof")
    if color:
        sub(r, "color", val=hex_color(color))
    if char_spacing:
        sub(r, "spacing", val=str(char_spacing))
    if size:
        sub(r, "sz", val=half_points(size))
        sub(r, "szCs", val=half_points(size))
    if underline:
        sub(r, "u", val="single")
    if vert_align:
        sub(r, "vertAlign", val=vert_align)
    if lang is not None:
        sub(r, "lang", val=lang[0], eastAsia=lang[1], bidi=lang[2])
    return r


# --- runs ---------------------------------------------------------------------------------------


def run(
    parent: Element,
    text: str,
    *,
    style: str = "",
    bold: bool = False,
    italic: bool = False,
    strike: bool = False,
    fonts: tuple[str, str] | None = None,
) -> Element:
    """Append a run holding ``text`` literally: tabs and newlines become ``w:tab`` / ``w:br``."""
    r = etree.SubElement(parent, w("r"))
    if style or bold or italic or strike or fonts:
        rpr(r, style=style, fonts=fonts, bold=bold, italic=italic, strike=strike)
    add_text(r, text)
    return r


def add_text(r: Element, text: str) -> None:
    """Put ``text`` into run ``r`` as ``w:t`` text nodes (never markup, never field code)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for n, line in enumerate(lines):
        if n:
            etree.SubElement(r, w("br"))
        for m, chunk in enumerate(line.split("\t")):
            if m:
                etree.SubElement(r, w("tab"))
            if chunk:
                t = etree.SubElement(r, w("t"))
                t.text = chunk
                if chunk[0].isspace() or chunk[-1].isspace():
                    t.set(XML_SPACE, "preserve")


def line_break(parent: Element) -> Element:
    """Append a run holding one hard line break."""
    r = etree.SubElement(parent, w("r"))
    etree.SubElement(r, w("br"))
    return r


def field(parent: Element, instruction: str, placeholder: str, *, style: str = "") -> None:
    """Append a complex field (begin / instrText / separate / cached result / end).

    ``instruction`` is always one of our own fixed codes such as ``PAGE``; source text never gets here.
    """

    def piece(kind: str) -> Element:
        r = etree.SubElement(parent, w("r"))
        if style:
            rpr(r, style=style)
        if kind in ("begin", "separate", "end"):
            sub(r, "fldChar", fldCharType=kind)
        return r

    piece("begin")
    instr = etree.SubElement(piece("instr"), w("instrText"))
    instr.text = f" {instruction} "
    instr.set(XML_SPACE, "preserve")
    piece("separate")
    t = etree.SubElement(piece("result"), w("t"))
    t.text = placeholder
    piece("end")


def hyperlink(parent: Element, rel_id: str = "", *, anchor: str = "") -> Element:
    """Append an empty ``w:hyperlink`` to relationship ``rel_id`` or to bookmark ``anchor``; runs go inside."""
    link = etree.SubElement(parent, w("hyperlink"))
    if rel_id:
        link.set(f"{{{R_NS}}}id", rel_id)
    if anchor:
        link.set(w("anchor"), anchor)
    link.set(w("history"), "1")
    return link


def bookmark(paragraph: Element, number: int, name: str) -> None:
    """Wrap the runs of ``paragraph`` (after its ``w:pPr``) in bookmark ``name`` with id ``number``."""
    start = etree.Element(w("bookmarkStart"))
    start.set(w("id"), str(number))
    start.set(w("name"), name)
    props = paragraph.find(w("pPr"))
    paragraph.insert(0 if props is None else paragraph.index(props) + 1, start)
    sub(paragraph, "bookmarkEnd", id=str(number))


def footnote_reference(parent: Element, number: int, style: str) -> Element:
    """Append a run holding the reference mark of footnote ``number`` in character style ``style``."""
    r = etree.SubElement(parent, w("r"))
    rpr(r, style=style)
    sub(r, "footnoteReference", id=str(number))
    return r
