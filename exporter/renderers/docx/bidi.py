"""Right-to-left in WordprocessingML: ``w:bidi`` paragraphs, ``w:rtl`` runs, complex-script fonts, mirrored tables.

Applied to a finished part (body, header, footer, footnotes) so that every paragraph the memo writes, whoever
wrote it, is decided the same way: by ``exporter.present.direction``. Text keeps its logical order; Word and
LibreOffice reorder it for display with the Unicode bidi algorithm.
"""

from __future__ import annotations

import copy

from lxml import etree  # type: ignore[import-untyped,unused-ignore]  # lxml ships no stubs

from ...present.direction import SCRIPT_FONTS, SCRIPT_TAGS, block_direction, has_rtl, rtl_script, runs
from ...present.embedding import script_family
from ...present.language import Direction
from ...present.view import View
from ...typefaces import typeface
from . import styles as S
from .ooxml import Element, w

# Children of w:pPr, w:rPr, w:tblPr and w:sectPr in schema order (Word rejects a part whose children are out of order).
_PPR_ORDER = (
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
)
RPR_ORDER = (
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
)
_TBLPR_ORDER = (
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
)
_SECTPR_ORDER = (
    "headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc",
    "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection",
    "bidi", "rtlGutter", "docGrid", "printerSettings",
)  # fmt: skip

FURNITURE = frozenset(
    {S.TITLE, S.ORGANISATION, S.MEMO_FIELD, S.KEY_POINTS_HEADING, S.SOURCE, S.FOOTER, S.HEADER, S.MARKING_BANNER}
)
"""Paragraph styles that hold the memo's labels: they take the document's direction whatever their values say."""

_TEXT_CHILDREN = frozenset({w("t"), w("tab"), w("br"), w("rPr")})
_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
# Compiled paths: python-docx's element classes override ``xpath`` and take no ``namespaces``.
_PARAGRAPH_TEXT = etree.XPath(".//w:t/text()", namespaces=_NS)
_RUN_TEXT = etree.XPath("w:t/text()", namespaces=_NS)
_STYLE = etree.XPath("string(w:pPr/w:pStyle/@w:val)", namespaces=_NS)
_TEXT_RUNS = etree.XPath(".//w:r[w:t]", namespaces=_NS)


def child(parent: Element, tag: str, order: tuple[str, ...]) -> Element:
    """``parent``'s ``w:tag`` child, inserted at its place in ``order`` when it is missing."""
    found = parent.find(w(tag))
    if found is not None:
        return found
    rank = order.index(tag)
    new = etree.Element(w(tag))
    for index, existing in enumerate(parent):
        local = etree.QName(existing).localname
        if local in order and order.index(local) > rank:
            parent.insert(index, new)
            return new
    parent.append(new)
    return new


def _props(owner: Element, tag: str) -> Element:
    """``owner``'s properties element (``w:pPr``, ``w:rPr``, ``w:tblPr``), made as its first child when missing."""
    found = owner.find(w(tag))
    if found is None:
        found = etree.Element(w(tag))
        owner.insert(0, found)
    return found


class Bidi:
    """Marks the right-to-left parts of a memo for one view (the document's direction and language)."""

    def __init__(self, view: View) -> None:
        self.view = view
        self.direction: Direction = view.direction
        self.language = view.language

    @property
    def needed(self) -> bool:
        """Whether the memo holds anything right to left (else the parts are left as they are)."""
        return self.view.has_rtl

    def part(self, root: Element) -> None:
        """Mark every paragraph, run and table of a part (``w:body``, ``w:hdr``, ``w:ftr``, ``w:footnotes``)."""
        rtl_document = self.direction == "rtl"
        if rtl_document:
            for tbl_pr in root.iter(w("tblPr")):
                child(tbl_pr, "bidiVisual", _TBLPR_ORDER)
            for sect_pr in root.iter(w("sectPr")):
                child(sect_pr, "bidi", _SECTPR_ORDER)
        for paragraph in list(root.iter(w("p"))):
            self.paragraph(paragraph)

    def paragraph(self, p: Element) -> None:
        """Give ``p`` ``w:bidi`` when it reads right to left, and split and mark its right-to-left runs."""
        text = "".join(_PARAGRAPH_TEXT(p))
        if self.direction == "ltr" and not has_rtl(text):
            return
        style = str(_STYLE(p))
        direction = self.direction if style in FURNITURE else block_direction(text, self.direction)
        if direction == "rtl":
            child(_props(p, "pPr"), "bidi", _PPR_ORDER)
        for r in _TEXT_RUNS(p):
            self.run(r)

    def run(self, r: Element) -> None:
        """Cut a text run where the strong direction changes; mark the right-to-left pieces."""
        text = "".join(_RUN_TEXT(r))
        if not has_rtl(text):
            return
        if any(c.tag not in _TEXT_CHILDREN for c in r) or len(r.findall(w("t"))) != 1:
            # A run with tabs, breaks or several text nodes is marked whole (Word splits no such run either).
            self._mark(r, text)
            return
        pieces = list(runs(text))
        if len(pieces) == 1:
            self._mark(r, text)
            return
        parent, at = r.getparent(), r.getparent().index(r)
        props = r.find(w("rPr"))
        parent.remove(r)
        for offset, (piece, direction) in enumerate(pieces):
            new = etree.Element(w("r"))
            if props is not None:
                new.append(copy.deepcopy(props))
            t = etree.SubElement(new, w("t"))
            t.text = piece
            if piece[:1].isspace() or piece[-1:].isspace():
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            parent.insert(at + offset, new)
            if direction == "rtl":
                self._mark(new, piece)

    def _mark(self, r: Element, text: str) -> None:
        """``w:rtl``, the script's complex-script font and its ``w:lang w:bidi`` on run ``r``."""
        script = rtl_script(text)
        props = _props(r, "rPr")
        child(props, "rtl", RPR_ORDER)
        if not script:
            return
        # The family the font plan gives the run's letters (the one the memo embeds and the briefing names).
        family = next((found for ch in text if (found := script_family(ch))), SCRIPT_FONTS[script])
        child(props, "rFonts", RPR_ORDER).set(w("cs"), typeface(family).display)
        own = self.language.is_rtl and rtl_script_of_language(self.language.primary) == script
        child(props, "lang", RPR_ORDER).set(w("bidi"), self.language.word_tag if own else SCRIPT_TAGS[script])


def rtl_script_of_language(primary: str) -> str:
    """The right-to-left script a language is written in (``he`` and ``yi``: Hebrew; the others: Arabic)."""
    return "hebrew" if primary in ("he", "iw", "yi") else "arabic"
