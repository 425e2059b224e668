"""Real Word footnotes: the ``word/footnotes.xml`` part, its relationship and the settings that name the separators."""

from __future__ import annotations

from typing import Any

from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from lxml import etree  # type: ignore[import-untyped,unused-ignore]  # lxml ships no stubs

from .ooxml import R_NS, W_NS, Element, ppr, sub, w

SEPARATOR_IDS = (-1, 0)
"""The ids of the separator and continuation-separator footnotes, as Word 2010 and later write them."""
FIRST_NOTE_ID = 1
"""The id of the first real footnote; notes are numbered in reading order from here."""
PART_NAME = "/word/footnotes.xml"


def new_footnotes() -> Element:
    """An empty ``w:footnotes`` root holding only the separator and continuation-separator footnotes."""
    root = etree.Element(w("footnotes"), nsmap={"w": W_NS, "r": R_NS})
    for number, kind in zip(SEPARATOR_IDS, ("separator", "continuationSeparator"), strict=True):
        note = sub(root, "footnote", type=kind, id=str(number))
        p = sub(note, "p")
        ppr(p, spacing={"after": "0", "line": "240", "lineRule": "auto"})
        sub(sub(p, "r"), kind)
    return root


def footnotes_part(package: Any, footnotes: Element) -> Any:
    """A footnotes part around the ``w:footnotes`` root (serialised when the package is written).

    Hyperlinks inside footnotes need relationships of this part, so it exists while the memo is written;
    it joins the package only through :func:`attach_footnotes`.
    """
    return XmlPart(PackURI(PART_NAME), CONTENT_TYPE.WML_FOOTNOTES, footnotes, package)


def attach_footnotes(document_part: Any, settings: Element, part: Any) -> None:
    """Relate the footnotes ``part`` from the main document and name the separators in settings."""
    document_part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    footnote_pr = etree.Element(w("footnotePr"))
    for number in SEPARATOR_IDS:
        sub(footnote_pr, "footnote", id=str(number))
    # CT_Settings order: footnotePr sits right before compat (the base settings always have compat).
    compat = settings.find(w("compat"))
    if compat is not None:
        compat.addprevious(footnote_pr)
    else:
        settings.append(footnote_pr)
