"""Model nodes to XHTML content documents, built with lxml so every string stays text."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import assert_never

from lxml import etree  # type: ignore[import-untyped,unused-ignore]  # lxml ships no stubs

from ...model import (
    Block,
    BulletList,
    Code,
    CodeBlock,
    Emph,
    Inline,
    LineBreak,
    Link,
    OrderedList,
    Paragraph,
    Quote,
    Section,
    Strong,
    SubHeading,
    Table,
    Text,
)
from ...present.links import LinkTarget

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_NSMAP = {None: XHTML_NS, "epub": EPUB_NS}
_EPUB_TYPE = f"{{{EPUB_NS}}}type"
_XML_LANG = f"{{{XML_NS}}}lang"

_CLASS_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


Decide = Callable[[str], LinkTarget]
"""The view's link decision for a raw target."""


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


# --- inlines ----------------------------------------------------------------------------------


def inlines(parent: etree._Element, nodes: Iterable[Inline], link: Decide) -> None:
    """Append inline nodes to ``parent``; ``link`` decides what each link target becomes."""
    for node in nodes:
        match node:
            case Text(text=text):
                append_text(parent, text)
            case Emph(children=children):
                inlines(sub(parent, "em"), children, link)
            case Strong(children=children):
                inlines(sub(parent, "strong"), children, link)
            case Code(text=text):
                sub(parent, "code", text=text)
            case LineBreak():
                sub(parent, "br")
            case Link(url=url, children=children):
                target = link(url)
                # Internal targets wait for the model's ids (none yet): like refused ones they keep only the words.
                if target.kind != "external":
                    inlines(parent, children, link) if children else append_text(parent, url)
                else:
                    anchor = sub(parent, "a", {"href": target.href})
                    inlines(anchor, children, link) if children else append_text(anchor, url)
            case _:
                assert_never(node)


# --- blocks -----------------------------------------------------------------------------------


def blocks(parent: etree._Element, nodes: Iterable[Block], heading_level: int, link: Decide) -> None:
    """Append block nodes; sub-headings start one level below ``heading_level``."""
    for node in nodes:
        match node:
            case Paragraph(inlines=children):
                inlines(sub(parent, "p"), children, link)
            case SubHeading(level=level, inlines=children):
                tag = f"h{min(6, heading_level + max(1, level))}"
                inlines(sub(parent, tag, {"class": "subheading"}), children, link)
            case BulletList(items=items):
                _list_items(sub(parent, "ul"), items, heading_level, link)
            case OrderedList(items=items, start=start):
                attrib = {"start": str(start)} if start != 1 else {}
                _list_items(sub(parent, "ol", attrib), items, heading_level, link)
            case Quote(blocks=children):
                blocks(sub(parent, "blockquote"), children, heading_level, link)
            case Table(header=header, rows=rows):
                _table(parent, header, rows, link)
            case CodeBlock(text=text, language=language):
                pre = sub(parent, "pre")
                attrib = {}
                css_class = _CLASS_SAFE.sub("", language)
                if css_class:
                    attrib["class"] = f"language-{css_class}"
                sub(pre, "code", attrib, text)
            case _:
                assert_never(node)


def _list_items(parent: etree._Element, items: Sequence[tuple[Block, ...]], heading_level: int, link: Decide) -> None:
    for item in items:
        li = sub(parent, "li")
        if len(item) == 1 and isinstance(item[0], Paragraph):
            # A one-paragraph item reads tighter without a <p> inside.
            inlines(li, item[0].inlines, link)
        else:
            blocks(li, item, heading_level, link)


def _table(
    parent: etree._Element,
    header: Sequence[tuple[Inline, ...]],
    rows: Sequence[Sequence[tuple[Inline, ...]]],
    link: Decide,
) -> None:
    if not header and not rows:
        return
    wrap = sub(parent, "div", {"class": "table-wrap"})
    table = sub(wrap, "table")
    if header:
        tr = sub(sub(table, "thead"), "tr")
        for cell in header:
            inlines(sub(tr, "th", {"scope": "col"}), cell, link)
    if rows:
        tbody = sub(table, "tbody")
        for row in rows:
            tr = sub(tbody, "tr")
            for cell in row:
                inlines(sub(tr, "td"), cell, link)


def sections(
    parent: etree._Element, items: Sequence[Section], prefix: str, heading_level: int, link: Decide
) -> list[NavEntry]:
    """Append sections (headed ones as ``<section>`` with an id); return their navigation entries."""
    entries: list[NavEntry] = []
    for index, section in enumerate(items, start=1):
        if section.heading:
            ident = f"{prefix}-{index}"
            box = sub(parent, "section", {"id": ident, "aria-labelledby": f"{ident}-h"})
            sub(box, f"h{heading_level}", {"id": f"{ident}-h"}, section.heading)
            entries.append(NavEntry(ident, section.heading))
        else:
            box = sub(parent, "div", {"class": "lead"})
        blocks(box, section.blocks, heading_level, link)
    return entries


# --- documents --------------------------------------------------------------------------------


def document(title: str, language: str, stylesheet: str, body_type: str) -> tuple[etree._Element, etree._Element]:
    """A new XHTML content document; returns (html root, body)."""
    html = el("html", {"lang": language, "xml:lang": language})
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
    )
)  # fmt: skip

_PRE = f"{{{XHTML_NS}}}pre"


def serialise(html: etree._Element) -> bytes:
    """UTF-8 bytes of a content document with the XML declaration and the HTML doctype."""
    # lxml's pretty_print would indent inside <pre>; a newline after each block keeps the source readable.
    for node in html.iter():
        if node.tag in _BREAK_AFTER and not node.tail and node.getparent() is not None:
            node.tail = "\n"
        opens_block = len(node) and node[0].tag in _BREAK_AFTER
        if node.tag in _BREAK_AFTER and node.tag != _PRE and opens_block and not node.text:
            node.text = "\n"
    return bytes(etree.tostring(html, encoding="utf-8", xml_declaration=True, doctype="<!DOCTYPE html>")) + b"\n"
