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
from .ooxml import bookmark
from .package import base_package, package_parts, write_zip
from .reference import FOOTER_MARK, HEADER_MARK
from .render import _emptied

_DOCUMENT_MAIN = "wordprocessingml.document.main+xml"
_TEMPLATE_MAIN = "wordprocessingml.template.main+xml"
EPOCH = datetime.date(1980, 1, 1)
"""The date every entry of the reference's zip carries (the file is the same on every run)."""


def default_reference(style: Style, *, template: bool = False) -> bytes:
    """Our styles, numbering, page setup, header and footer for ``style``, an empty body; a .dotx with ``template``.

    The header and footer paragraphs carry the hidden bookmarks ``_exporter_header`` / ``_exporter_footer``:
    given back as ``--reference-doc``, each paragraph is replaced with the memo's own marking and footer
    line, wherever the office moved it.
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
    bookmark(writer.paragraph(_emptied(section.header.part.element), S.HEADER), 1, HEADER_MARK)
    section.footer.is_linked_to_previous = False
    footer = _emptied(section.footer.part.element)
    memo.footer(footer)
    bookmark(footer[0], 2, FOOTER_MARK)
    parts = package_parts(doc.part.package)
    if template:
        types = parts["[Content_Types].xml"].decode()
        parts["[Content_Types].xml"] = types.replace(_DOCUMENT_MAIN, _TEMPLATE_MAIN).encode()
    return write_zip(parts, EPOCH)
