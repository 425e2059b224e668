"""Model nodes to XHTML content documents, built with lxml so every string stays text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import assert_never

from lxml import etree  # type: ignore[import-untyped,unused-ignore]  # lxml ships no stubs

from ...images import EPUB_TYPES, Picture, convert
from ...model import (
    Block,
    BulletList,
    Checkbox,
    Code,
    CodeBlock,
    DefinitionList,
    Emph,
    Figure,
    Inline,
    LineBreak,
    Link,
    Note,
    OrderedList,
    Paragraph,
    Quote,
    Rule,
    Section,
    Strike,
    Strong,
    SubHeading,
    Table,
    Text,
)
from ...present.anchors import Anchors, heading_id_order, section_heading_ids, xml_id
from ...present.direction import block_direction, has_rtl
from ...present.figures import alt_text
from ...present.language import Direction
from ...present.links import TEXT
from ...present.numbering import level_format, marker
from ...present.view import View, checkbox, checkbox_gap, checkbox_label

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_NSMAP = {None: XHTML_NS, "epub": EPUB_NS}
_EPUB_TYPE = f"{{{EPUB_NS}}}type"
_XML_LANG = f"{{{XML_NS}}}lang"

_CLASS_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True)
class NavEntry:
    """One navigation target inside a content document: fragment id and visible label."""

    fragment: str
    label: str


def el(tag: str, attrib: Mapping[str, str] | None = None, text: str = "") -> etree._Element:
    """A detached XHTML element with optional attributes and text."""
    node = etree.Element(f"{{{XHTML_NS}}}{tag}", nsmap=_NSMAP)
    for key, value in (attrib or {}).items():
        node.set(_attr(key), value)
    if text:
        node.text = text
    return node


def sub(parent: etree._Element, tag: str, attrib: Mapping[str, str] | None = None, text: str = "") -> etree._Element:
    """Append a new XHTML child element and return it."""
    node = el(tag, attrib, text)
    parent.append(node)
    return node


def _attr(key: str) -> str:
    if key == "epub:type":
        return _EPUB_TYPE
    if key == "xml:lang":
        return _XML_LANG
    return key


def append_text(parent: etree._Element, text: str) -> None:
    """Append text after the last child (or as the element's text); lxml keeps it as text, never markup."""
    if not text:
        return
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


# --- the body writer ------------------------------------------------------------------------

_TYPE_ATTRIBUTE = {"lower-alpha": "a", "upper-alpha": "A", "lower-roman": "i", "upper-roman": "I"}
"""HTML's ``ol type`` for each non-decimal format: readers that drop the stylesheet still count right."""
_ALIGN = {"left": "align-left", "center": "align-center", "right": "align-right"}
"""The class of a table cell in a column with an alignment (the stylesheet sets ``text-align``)."""
IMAGE_FOLDER = "images"
"""Where pictures live inside the package, relative to the OPF (and to the content documents)."""
_GENERATED_ID = re.compile(r"(?:[sc]-\d+(?:-h)?|fn(?:ref)?-\d+|key-points|article|commentary)")


def _reserved(name: str) -> bool:
    """Whether ``name`` is an id the briefing makes itself (sections, notes, chapter headings)."""
    return _GENERATED_ID.fullmatch(name) is not None


class BodyWriter:
    """Appends model nodes to content documents; notes are numbered across the book, in reading order.

    Call :meth:`start` with each content document's file name before writing it and :meth:`footnotes`
    at its end: a document's notes are asides (``epub:type="footnote"``) after its text.
    """

    def __init__(self, view: View, files: Mapping[str, Sequence[Section]]) -> None:
        self.view = view
        self.link = view.link
        self.formats = view.style.lists.ordered
        self.anchors = Anchors(heading_id_order(view.document), xml_id, separator="-", reserved=_reserved)
        self.targets: dict[str, str] = {}
        """The content document of the first heading with each id (the one links reach)."""
        for file_name, items in files.items():
            for ident in section_heading_ids(items):
                self.targets.setdefault(ident, file_name)
        self.notes = 0
        self.pictures: dict[str, Picture] = {}
        """Every picture the content documents show, by its path in the package, in order of first use."""
        self.file = ""
        self._pending: list[tuple[int, tuple[Block, ...]]] = []
        self._held: list[Note] = []
        self._in_note = False
        self._nested: list[tuple[Block, ...]] = []

    def start(self, file_name: str) -> None:
        """Begin the content document ``file_name`` (the target of this document's note links)."""
        self.file = file_name
        self._pending = []

    # --- inlines ------------------------------------------------------------------------------

    def inlines(self, parent: etree._Element, nodes: Sequence[Inline], *, in_link: bool = False) -> None:
        """Append inline nodes to ``parent``; the view decides what each link target becomes."""
        for index, node in enumerate(nodes):
            match node:
                case Text(text=text):
                    append_text(parent, text)
                case Emph(children=children):
                    self.inlines(sub(parent, "em"), children, in_link=in_link)
                case Strong(children=children):
                    self.inlines(sub(parent, "strong"), children, in_link=in_link)
                case Strike(children=children):
                    self.inlines(sub(parent, "del"), children, in_link=in_link)
                case Code(text=text):
                    sub(parent, "code", text=text)
                case LineBreak():
                    sub(parent, "br")
                case Link(url=url, children=children):
                    self._link(parent, url, children, in_link=in_link)
                case Note():
                    if in_link:
                        self._held.append(node)  # an <a> holds no other <a>: the reference follows the link
                    else:
                        self._note(parent, node)
                case Checkbox(checked=checked):
                    label = checkbox_label(self.view.labels, checked)
                    sub(parent, "span", {"class": "task", "role": "img", "aria-label": label}, checkbox(checked))
                    append_text(parent, checkbox_gap(nodes[index + 1] if index + 1 < len(nodes) else None))
                case _:
                    assert_never(node)

    def _link(self, parent: etree._Element, url: str, children: Sequence[Inline], *, in_link: bool) -> None:
        # A link inside a link keeps its words only; so do targets the policy keeps as text.
        target = TEXT if in_link else self.link(url)
        href = target.href if target.kind == "external" else self._internal(target.href, target.kind)
        if not href:
            self.inlines(parent, children, in_link=in_link) if children else append_text(parent, url)
            return
        anchor = sub(parent, "a", {"href": href})
        self.inlines(anchor, children, in_link=True) if children else append_text(anchor, url)
        held, self._held = self._held, []
        for note in held:
            self._note(parent, note)

    def _internal(self, ident: str, kind: str) -> str:
        """``file#id`` of the heading with ``ident`` ("" when there is none): chapters are separate files."""
        name = self.anchors.target(ident) if kind == "internal" else None
        file_name = self.targets.get(ident)
        return f"{file_name}#{name}" if name and file_name else ""

    def _note(self, parent: etree._Element, note: Note) -> None:
        """The note's reference here (its number, a link to the aside); its text waits for :meth:`footnotes`.

        As in the memo, a note inside a note joins the end of the outer one.
        """
        if self._in_note:
            self._nested.append(note.blocks)
            return
        self.notes += 1
        number = self.notes
        attrib = {"epub:type": "noteref", "role": "doc-noteref", "id": f"fnref-{number}", "href": f"#fn-{number}"}
        anchor = sub(parent, "a", {**attrib, "class": "noteref"})
        sub(anchor, "sup", text=str(number))
        self._pending.append((number, note.blocks))

    def footnotes(self, body: etree._Element) -> None:
        """Append the current document's notes as footnote asides, each with a link back to its reference."""
        if not self._pending:
            return
        box = sub(body, "div", {"class": "footnotes"})
        index = 0
        while index < len(self._pending):
            number, blocks = self._pending[index]
            index += 1
            aside = sub(
                box,
                "aside",
                {"epub:type": "footnote", "role": "doc-footnote", "id": f"fn-{number}", "class": "footnote"},
            )
            self._in_note = True
            try:
                parts = [blocks]
                while parts:
                    self.blocks(aside, parts.pop(0), 4, in_note=True)
                    parts.extend(self._nested)
                    self._nested.clear()
            finally:
                self._in_note = False
            first = aside[0] if len(aside) else None
            if first is None or etree.QName(first).localname != "p":
                first = el("p")
                aside.insert(0, first)
            back = el("a", {"href": f"#fnref-{number}", "role": "doc-backlink", "class": "note-back"}, str(number))
            back.tail = " " + (first.text or "")
            first.text = None
            first.insert(0, back)
        self._pending = []

    # --- blocks -------------------------------------------------------------------------------

    def blocks(
        self,
        parent: etree._Element,
        nodes: Iterable[Block],
        heading_level: int,
        *,
        depth: int = 0,
        in_note: bool = False,
    ) -> None:
        """Append block nodes; sub-headings start one level below ``heading_level``, lists are ``depth`` deep."""
        for node in nodes:
            match node:
                case Paragraph(inlines=children):
                    self.inlines(sub(parent, "p"), children)
                case SubHeading(level=level, inlines=children, id=ident):
                    tag = f"h{min(6, heading_level + max(1, level))}"
                    attrib = {"class": "subheading"}
                    name = self.anchors.take(ident) if ident and not in_note else None
                    if name:
                        attrib["id"] = name
                    self.inlines(sub(parent, tag, attrib), children)
                case BulletList(items=items):
                    self._items(sub(parent, "ul"), items, heading_level, depth, in_note)
                case OrderedList():
                    self._ordered(parent, node, heading_level, depth, in_note)
                case Quote(blocks=children):
                    self.blocks(sub(parent, "blockquote"), children, heading_level, depth=depth, in_note=in_note)
                case Table():
                    self._table(parent, node)
                case CodeBlock(text=text, language=language):
                    pre = sub(parent, "pre")
                    attrib = {}
                    css_class = _CLASS_SAFE.sub("", language)
                    if css_class:
                        attrib["class"] = f"language-{css_class}"
                    sub(pre, "code", attrib, text)
                case Rule():
                    sub(parent, "hr")
                case DefinitionList(items=items):
                    dl = sub(parent, "dl")
                    for item in items:
                        self.inlines(sub(dl, "dt"), item.term)
                        # HTML wants a dd after every group of terms: a term without definitions gets an empty one.
                        for definition in item.definitions or ((),):
                            self._item(sub(dl, "dd"), definition, heading_level, depth, in_note)
                case Figure():
                    self._figure(parent, node)
                case _:
                    assert_never(node)

    def _figure(self, parent: etree._Element, node: Figure) -> None:
        """A ``figure`` with its ``img`` (alt text on it) and ``figcaption``; the alt text alone without a picture."""
        picture = self.view.document.picture(node.key)
        if picture is None:
            text = alt_text(node)
            if text:
                sub(parent, "p", {"class": "figure-alt"}, text)
            if node.caption:
                self.inlines(sub(parent, "p", {"class": "caption"}), node.caption)
            return
        embedded = convert(picture, EPUB_TYPES)
        path = f"{IMAGE_FOLDER}/{embedded.file_name}"
        self.pictures.setdefault(path, embedded)
        width, height = embedded.display_size(10_000)
        figure = sub(parent, "figure")
        # The natural size in CSS pixels lets a reader reserve the room; the stylesheet caps it at the text width.
        attrib = {
            "src": path,
            "alt": node.alt,
            "width": str(round(width * 4 / 3)),
            "height": str(round(height * 4 / 3)),
        }
        sub(figure, "img", attrib)
        if node.caption:
            self.inlines(sub(figure, "figcaption"), node.caption)

    def _item(
        self, parent: etree._Element, item: Sequence[Block], heading_level: int, depth: int, in_note: bool
    ) -> None:
        if len(item) == 1 and isinstance(item[0], Paragraph):
            # A one-paragraph item reads tighter without a <p> inside.
            self.inlines(parent, item[0].inlines)
        else:
            self.blocks(parent, item, heading_level, depth=depth, in_note=in_note)

    def _items(
        self,
        parent: etree._Element,
        items: Sequence[tuple[Block, ...]],
        heading_level: int,
        depth: int,
        in_note: bool,
    ) -> None:
        for item in items:
            self._item(sub(parent, "li"), item, heading_level, depth + 1, in_note)

    def _ordered(
        self, parent: etree._Element, node: OrderedList, heading_level: int, depth: int, in_note: bool
    ) -> None:
        """An ``ol`` counting in the style's format for its depth; ``1)`` items carry their marker as text."""
        fmt = level_format(self.formats, depth)
        attrib: dict[str, str] = {}
        classes: list[str] = []
        if node.start != 1:
            attrib["start"] = str(node.start)
        if fmt != "decimal":
            attrib["type"] = _TYPE_ATTRIBUTE[fmt]
            classes.append(fmt)
        paren = node.delimiter == ")"
        if paren:
            # No list-style-type writes "1)", and readers vary in CSS counters: the marker is written out.
            classes.append("paren")
        if classes:
            attrib["class"] = " ".join(classes)
        ol = sub(parent, "ol", attrib)
        for number, item in enumerate(node.items, start=node.start):
            li = sub(ol, "li")
            if not paren:
                self._item(li, item, heading_level, depth + 1, in_note)
                continue
            # The marker opens the item's first line: inside its first paragraph when that gets a <p>.
            first = item[0] if item else None
            host = sub(li, "p") if isinstance(first, Paragraph) and len(item) > 1 else li
            sub(host, "span", {"class": "marker", "aria-hidden": "true"}, marker(number, fmt, ")"))
            append_text(host, " ")
            if isinstance(first, Paragraph) and host is not li:
                self.inlines(host, first.inlines)
                self.blocks(li, item[1:], heading_level, depth=depth + 1, in_note=in_note)
            else:
                self._item(li, item, heading_level, depth + 1, in_note)

    def _table(self, parent: etree._Element, node: Table) -> None:
        header, rows = node.header, node.rows
        if not header and not rows:
            return
        wrap = sub(parent, "div", {"class": "table-wrap"})
        table = sub(wrap, "table")

        def cell(row: etree._Element, tag: str, column: int, inlines: Sequence[Inline]) -> None:
            attrib = {"scope": "col"} if tag == "th" else {}
            align = _ALIGN.get(node.alignment(column))
            if align:
                attrib["class"] = align
            self.inlines(sub(row, tag, attrib), inlines)

        if header:
            tr = sub(sub(table, "thead"), "tr")
            for column, inlines in enumerate(header):
                cell(tr, "th", column, inlines)
        if rows:
            tbody = sub(table, "tbody")
            for row in rows:
                tr = sub(tbody, "tr")
                for column, inlines in enumerate(row):
                    cell(tr, "td", column, inlines)

    def sections(
        self, parent: etree._Element, items: Sequence[Section], prefix: str, heading_level: int
    ) -> list[NavEntry]:
        """Append sections (headed ones as ``<section>`` with an id); return their navigation entries."""
        entries: list[NavEntry] = []
        for index, section in enumerate(items, start=1):
            name = self.anchors.take(section.id) if section.id else None
            if section.heading:
                ident = f"{prefix}-{index}"
                heading_id = name or f"{ident}-h"
                box = sub(parent, "section", {"id": ident, "aria-labelledby": heading_id})
                sub(box, f"h{heading_level}", {"id": heading_id}, section.heading)
                entries.append(NavEntry(ident, section.heading))
            else:
                box = sub(parent, "div", {"class": "lead", **({"id": name} if name else {})})
            self.blocks(box, section.blocks, heading_level)
        return entries


# --- documents --------------------------------------------------------------------------------


def document(
    title: str, language: str, stylesheet: str, body_type: str, direction: Direction = "ltr"
) -> tuple[etree._Element, etree._Element]:
    """A new XHTML content document; returns (html root, body). A right-to-left one says ``dir="rtl"``."""
    html = el("html", {"lang": language, "xml:lang": language, **({"dir": "rtl"} if direction == "rtl" else {})})
    head = sub(html, "head")
    sub(head, "meta", {"charset": "utf-8"})
    sub(head, "meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"})
    sub(head, "title", text=title)
    sub(head, "link", {"rel": "stylesheet", "type": "text/css", "href": stylesheet})
    body = sub(html, "body", {"epub:type": body_type})
    return html, body


_BREAK_AFTER = frozenset(
    f"{{{XHTML_NS}}}{tag}"
    for tag in (
        "head", "body", "meta", "title", "link", "section", "div", "p", "h1", "h2", "h3", "h4", "h5", "h6",
        "ul", "ol", "li", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "pre", "nav",
        "hr", "dl", "dt", "dd", "aside", "figure", "figcaption", "img",
    )
)  # fmt: skip

_PRE = f"{{{XHTML_NS}}}pre"


_DIRECTED = frozenset(
    f"{{{XHTML_NS}}}{tag}"
    for tag in (
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dt", "dd", "blockquote", "pre", "figcaption",
        "caption", "aside", "section",
    )
)  # fmt: skip


def mark_directions(html: etree._Element) -> None:
    """``dir`` on each block whose first strong letter reads the other way than the block around it.

    The document's direction is the html element's; a Latin paragraph in an Arabic book gets ``dir="ltr"``,
    a Hebrew quotation in an English one ``dir="rtl"``. Text keeps its logical order: readers reorder it.
    """
    default: Direction = "rtl" if html.get("dir") == "rtl" else "ltr"
    if default == "ltr" and not has_rtl("".join(html.itertext())):
        return

    def walk(node: etree._Element, inherited: Direction) -> None:
        for item in node:
            if not isinstance(item.tag, str):
                continue
            own = inherited
            given = item.get("dir")
            if given in ("ltr", "rtl"):
                own = given  # set by the chapter on purpose (furniture that follows the book)
            elif item.tag in _DIRECTED:
                own = block_direction("".join(item.itertext()), inherited)
                if own != inherited:
                    item.set("dir", own)
            walk(item, own)

    body = html.find(f"{{{XHTML_NS}}}body")
    if body is not None:
        walk(body, default)


def serialise(html: etree._Element) -> bytes:
    """UTF-8 bytes of a content document with the XML declaration and the HTML doctype (block directions marked)."""
    mark_directions(html)
    # lxml's pretty_print would indent inside <pre>; a newline after each block keeps the source readable.
    for node in html.iter():
        if node.tag in _BREAK_AFTER and not node.tail and node.getparent() is not None:
            node.tail = "\n"
        opens_block = len(node) and node[0].tag in _BREAK_AFTER
        if node.tag in _BREAK_AFTER and node.tag != _PRE and opens_block and not node.text:
            node.text = "\n"
    return bytes(etree.tostring(html, encoding="utf-8", xml_declaration=True, doctype="<!DOCTYPE html>")) + b"\n"
