"""The memo itself: an office memorandum in Word styles, reproducible byte for byte."""

from __future__ import annotations

import datetime
import io

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.shape import CT_Inline
from docx.shared import Emu
from lxml import etree  # type: ignore[import-untyped,unused-ignore]  # lxml ships no stubs
from msgspec.structs import replace

from ...errors import RenderError, StyleError
from ...model import Document
from ...present.embedding import plan_fonts
from ...present.view import View, present
from ...style import Style
from ..base import DocxRenderOptions, RenderOptions, RenderResult
from .bidi import Bidi
from .blocks import BlockWriter
from .fonts import embed_fonts
from .letterhead import Letterhead
from .memo import MemoWriter
from .notes import attach_footnotes, footnotes_part, new_footnotes
from .ooxml import RT_HYPERLINK, Element, w
from .package import open_base, package_parts, styles_xml, write_zip
from .reference import Reference, read_reference
from .runfonts import RunFonts, style_fonts
from .styles import word_slots


class DocxMemo:
    """Writes the article and commentary as a Word memo (TO / FROM / SUBJECT, key points, sections)."""

    def render(self, document: Document, style: Style, options: RenderOptions) -> RenderResult:
        """Render ``document`` as a memo in ``style``."""
        reference = None
        if isinstance(options, DocxRenderOptions) and options.reference:
            try:
                reference = read_reference(options.reference)
            except StyleError as exc:
                raise StyleError(f"the reference document: {exc.message}") from None
        try:
            return _render(document, style, reference)
        except RenderError:
            raise
        except (ValueError, KeyError, OSError) as exc:
            raise RenderError(f"cannot write the Word memo: {exc}") from exc


def _render(document: Document, style: Style, reference: Reference | None) -> RenderResult:
    if reference is not None:
        # The letterhead's page decides every width the memo computes (tables, tabs, rules).
        style = replace(style, page=reference.page(style.page))
    view = present(document, style)
    # One decision for the memo's fonts and the briefing's: which family draws each character.
    plan = plan_fonts(view)
    meta = document.meta
    doc = open_base(style, view.language, word_slots(plan))
    part = doc.part

    def relate(url: str) -> str:
        rel_id: str = part.relate_to(url, RT_HYPERLINK, is_external=True)
        return rel_id

    footnotes = new_footnotes()
    notes_part = footnotes_part(part.package, footnotes)

    def relate_note(url: str) -> str:
        rel_id: str = notes_part.relate_to(url, RT_HYPERLINK, is_external=True)
        return rel_id

    def relate_image(data: bytes, in_note: bool) -> str:
        image_part = part.package.get_or_add_image_part(io.BytesIO(data))
        rel_id: str = (notes_part if in_note else part).relate_to(image_part, RT.IMAGE)
        return rel_id

    def pic_inline(shape_id: int, rel_id: str, name: str, cx: int, cy: int) -> Element:
        return CT_Inline.new_pic_inline(shape_id, rel_id, name, Emu(cx), Emu(cy))

    writer = BlockWriter(view, relate, part.numbering_part.element, footnotes, relate_note, relate_image, pic_inline)
    # A letterhead whose header shows anything of its own has its logo there: ours would be a second one.
    memo = MemoWriter(view, writer, logo=reference is None or not reference.has_own_header())

    body = doc.element.body
    sect_pr = body[-1]
    memo.body(body)
    body.remove(sect_pr)
    body.append(sect_pr)

    section = doc.sections[0]
    if view.marking:
        section.header.is_linked_to_previous = False
        memo.header(_emptied(section.header.part.element))
    section.footer.is_linked_to_previous = False
    memo.footer(_emptied(section.footer.part.element))
    if writer.notes:
        attach_footnotes(part, doc.settings.element, notes_part)
    bidi = Bidi(view)
    if bidi.needed:
        # Decided on the finished parts, so every paragraph (memo furniture, blocks, notes) is judged alike.
        for root in (body, section.footer.part.element, footnotes):
            bidi.part(root)
        if view.marking:
            bidi.part(section.header.part.element)
    # After Bidi, which sets its right-to-left runs in the complex-script slot whole.
    run_fonts = RunFonts(view, plan, style_fonts(styles_xml(doc)))
    header = (section.header.part.element,) if view.marking else ()
    for root in (body, section.footer.part.element, footnotes, *header):
        run_fonts.part(root)

    _core_properties(doc, view)
    parts = package_parts(part.package)
    warnings = list(view.warnings)
    if reference is not None:
        lines = etree.Element(w("ftr"))
        memo.page_line(lines)
        parts = Letterhead(parts, reference).merge(lines[0])
    elif style.docx.reference:
        warnings.append("the style's [docx] reference was not read (no reference bytes in the render options)")
    if style.docx.embed_fonts:
        # After the letterhead: its font table, when it has one, is the one that names our subsets.
        parts = embed_fonts(parts, plan.faces)
        warnings.extend(plan.warnings)
    data = write_zip(parts, meta.date)
    facts = {"language": view.language.word_tag, "hyperlinks": writer.links, "footnotes": writer.notes}
    facts["fonts"] = sorted(name for name in parts if name.startswith("word/fonts/"))
    facts.update(view.figures.facts())
    return RenderResult(data=data, warnings=tuple(dict.fromkeys(warnings)), facts=facts)


def _emptied(root: Element) -> Element:
    """``root`` (a ``w:hdr`` / ``w:ftr``) without the empty paragraph python-docx starts it with."""
    for child in list(root):
        if child.tag == w("p"):
            root.remove(child)
    return root


_MAX_PROPERTY = 255
"""python-docx (and Word's own property dialog) refuse core properties longer than this."""


def _prop(text: str) -> str:
    # The full text is in the memo itself; a property only labels the file, so a long one is shortened.
    return text if len(text) <= _MAX_PROPERTY else text[: _MAX_PROPERTY - 1].rstrip() + "…"


def _core_properties(doc: docx.document.Document, view: View) -> None:
    """Fill the properties document management systems read; nothing from a template survives."""
    meta = view.document.meta
    props = doc.core_properties
    stamp = datetime.datetime.combine(meta.date, datetime.time(0, 0))
    author = _prop("; ".join(meta.authors) or view.style.brand.organisation)
    props.title = _prop(meta.title)
    props.subject = _prop(meta.summary or meta.kicker)
    props.author = author
    props.keywords = _prop("; ".join(meta.tags))
    props.category = _prop(meta.kicker)
    # The East Asian slot holds the full tag for every language (ja-JP, en-US, de-DE ...).
    props.language = _prop(view.language.word_tag)
    props.identifier = _prop(meta.identifier)
    props.content_status = _prop(view.marking)
    props.last_modified_by = author
    props.revision = 1
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp
