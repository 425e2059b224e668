"""``exporter reference-doc``: the memo's own reference document, to restyle in Word and hand back."""

from __future__ import annotations

import datetime
import io

import docx

from ...model import Document
from ...present.view import present
from ...style import Style
from . import styles as S
from .blocks import BlockWriter
from .memo import MemoWriter
from .notes import new_footnotes
from .ooxml import Element, sub
from .package import base_package, package_parts, write_zip
from .reference import FOOTER_TAG, HEADER_TAG
from .render import _emptied

_DOCUMENT_MAIN = "wordprocessingml.document.main+xml"
_TEMPLATE_MAIN = "wordprocessingml.template.main+xml"
EPOCH = datetime.date(1980, 1, 1)
"""The date every entry of the reference's zip carries (the file is the same on every run)."""


def default_reference(style: Style, *, template: bool = False) -> bytes:
    """Our styles, numbering, page setup, header and footer for ``style``, an empty body; a .dotx with ``template``.

    The header and footer are content controls tagged ``exporter-header`` / ``exporter-footer``: given
    back as ``--reference-doc``, each is refilled with the memo's own marking and page line, wherever
    the office moved it.
    """
    view = present(Document.of(title="Reference", date=EPOCH), style)
    doc = docx.Document(io.BytesIO(base_package(style, view.language)))
    footnotes = new_footnotes()
    writer = BlockWriter(view, lambda url: "", doc.part.numbering_part.element, footnotes, lambda url: "")
    memo = MemoWriter(view, writer)
    body = doc.element.body
    sect_pr = body[-1]
    writer.paragraph(body)
    body.remove(sect_pr)
    body.append(sect_pr)
    section = doc.sections[0]
    section.header.is_linked_to_previous = False
    writer.paragraph(_control(_emptied(section.header.part.element), HEADER_TAG, "Marking"), S.HEADER)
    section.footer.is_linked_to_previous = False
    memo.footer(_control(_emptied(section.footer.part.element), FOOTER_TAG, "Memo footer"))
    parts = package_parts(doc.part.package)
    if template:
        types = parts["[Content_Types].xml"].decode()
        parts["[Content_Types].xml"] = types.replace(_DOCUMENT_MAIN, _TEMPLATE_MAIN).encode()
    return write_zip(parts, EPOCH)


def _control(parent: Element, tag: str, alias: str) -> Element:
    """A block-level content control tagged ``tag`` in ``parent``; returns its ``w:sdtContent``."""
    sdt = sub(parent, "sdt")
    props = sub(sdt, "sdtPr")
    sub(props, "alias", val=f"{alias} (filled in by exporter)")
    sub(props, "tag", val=tag)
    return sub(sdt, "sdtContent")
