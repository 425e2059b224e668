"""A saved page's text parsed without network or DTDs, then stripped of everything that runs or fetches."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ...errors import ParseError

MAX_DEPTH = 2000
"""Deepest element nesting read (libxml2 stops at 2048 and drops the rest of the page: refused, not cut)."""

# Never content, and the ways a page runs code, fetches, or asks for input.
_DROPPED = (
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed", "applet",
    "input", "button", "select", "textarea", "datalist", "output", "canvas", "svg", "math", "audio", "video",
    "source", "track", "link", "meta", "base", "dialog", "portal",
)  # fmt: skip
# A form often wraps a whole page (ASP.NET): its controls go, its content stays.
_UNWRAPPED = ("form", "fieldset", "label")
_LAZY_SOURCES = ("data-src", "data-original", "data-lazy-src", "data-url", "src")
_SPACE = re.compile(r"\s+")

TOKEN_PREFIX = "exporter-image-"
"""Images are renamed ``exporter-image-N.png`` for the extractor, so it keeps each one whatever its real
reference (SVG, data: URIs, lazy-loading attributes) and the reader finds it again with its caption."""


@dataclass(frozen=True)
class PageImage:
    """An image of the page as the author wrote it: its reference, alt text and figure caption."""

    src: str
    alt: str
    caption: str


def parse_page(text: str) -> Any:
    """The page's element tree (lxml.html); raises ``ParseError`` for markup nothing can be read from."""
    from lxml import etree, html

    # no_network and the HTML parser (which never loads a DTD or expands an entity it declares) make the
    # billion-laughs and external-entity tricks plain text; huge_tree lets a 10 MB script be a text node.
    parser = html.HTMLParser(
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        no_network=True,
        huge_tree=True,
        collect_ids=False,
        default_doctype=False,
    )
    try:
        tree = html.document_fromstring(text.encode("utf-8", errors="replace"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ParseError(f"not readable as HTML: {exc}") from None
    if any("depth" in str(entry.message).lower() for entry in parser.error_log):
        raise ParseError(f"the HTML is nested more than {MAX_DEPTH} levels deep")
    return tree


def _text(element: Any) -> str:
    return _SPACE.sub(" ", "".join(element.itertext())).strip()


def _image_source(img: Any) -> str:
    for name in _LAZY_SOURCES:
        value = (img.get(name) or "").strip()
        # A lazy-loading page puts a tiny placeholder in src and the real image in a data- attribute.
        if value and not (name == "src" and value.startswith("data:") and len(value) < 200 and img.get("srcset")):
            return value
    srcset = (img.get("srcset") or "").strip()
    return srcset.split(",")[0].strip().split(" ")[0] if srcset else ""


def _caption(img: Any) -> tuple[str, Any]:
    """The caption of the figure ``img`` is the first image of, and its element (None when there is none)."""
    for ancestor in img.iterancestors("figure"):
        if next(ancestor.iter("img"), None) is not img:
            return "", None
        caption = next(ancestor.iter("figcaption"), None)
        return (_text(caption), caption) if caption is not None else ("", None)
    return "", None


def strip_page(tree: Any) -> dict[str, PageImage]:
    """Remove what runs, fetches or asks for input; rename the images; return them by their new name."""
    from lxml import etree

    etree.strip_elements(tree, *_DROPPED, with_tail=False)
    etree.strip_tags(tree, *_UNWRAPPED)
    for element in tree.iter(etree.Element):
        handlers = [name for name in element.attrib if name.lower().startswith("on")]
        for name in handlers:
            del element.attrib[name]
    images: dict[str, PageImage] = {}
    captions: list[Any] = []
    for index, img in enumerate(list(tree.iter("img"))):
        caption, element = _caption(img)
        token = f"{TOKEN_PREFIX}{index}.png"
        alt = _SPACE.sub(" ", img.get("alt") or "").strip()
        images[token] = PageImage(src=_image_source(img), alt=alt, caption=caption)
        for name in list(img.attrib):
            if name not in ("alt", "title"):
                del img.attrib[name]
        img.set("src", token)
        if element is not None:
            captions.append(element)
    for element in captions:
        # The caption travels with its image; left in place the extractor may also keep it as a paragraph.
        if element.getparent() is not None:
            element.drop_tree()
    return images
