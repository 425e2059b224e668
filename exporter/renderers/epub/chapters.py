"""The briefing's content documents: title page, key points, article and commentary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from ...images import EPUB_TYPES, Picture, convert
from ...model import Section
from ...present.view import View
from .xhtml import IMAGE_FOLDER, BodyWriter, NavEntry, document, serialise, sub

STYLESHEET = "style/briefing.css"
"""Where the stylesheet lives inside the package, relative to the OPF."""
KEY_POINTS_FILE = "key-points.xhtml"
ARTICLE_FILE = "article.xhtml"
COMMENTARY_FILE = "commentary.xhtml"


@dataclass(frozen=True)
class Chapter:
    """One content document with its navigation label and entries."""

    uid: str
    file_name: str
    title: str
    content: bytes
    entries: tuple[NavEntry, ...] = ()


def _logo(view: View, page: etree._Element, pictures: dict[str, Picture]) -> None:
    """The style's logo, ``logo_height`` tall, its alt text the organisation; a manifest item in ``pictures``."""
    brand, logo = view.style.brand, view.style.logo
    if logo is None:
        return
    embedded = convert(logo, EPUB_TYPES)
    path = f"{IMAGE_FOLDER}/{embedded.file_name}"
    pictures.setdefault(path, embedded)
    height = brand.logo_height * 4 / 3  # CSS pixels; the stylesheet keeps it within the page's width
    width = height * logo.width / logo.height
    attrib = {"src": path, "alt": brand.organisation, "width": str(round(width)), "height": str(round(height))}
    sub(sub(page, "p", {"class": "logo"}), "img", attrib)


def _title_page(view: View, pictures: dict[str, Picture]) -> Chapter:
    meta, style, labels = view.document.meta, view.style, view.labels
    html, body = document(meta.title, view.language.xml_lang, STYLESHEET, "frontmatter", view.direction)
    page = sub(body, "section", {"epub:type": "titlepage", "class": "titlepage", "aria-label": labels["title_page"]})
    marking = view.marking
    if marking:
        sub(page, "p", {"class": "marking"}, marking)
    _logo(view, page, pictures)
    if meta.kicker:
        sub(page, "p", {"class": "kicker"}, meta.kicker)
    sub(page, "h1", {"class": "title"}, meta.title)
    if meta.summary:
        sub(page, "p", {"class": "summary"}, meta.summary)
    if meta.authors:
        sub(page, "p", {"class": "meta byline"}, f"{labels['by']} {', '.join(meta.authors)}")
    date_p = sub(page, "p", {"class": "meta date"})
    sub(date_p, "time", {"datetime": meta.date.isoformat()}, view.date)
    if meta.source.name or meta.source.url:
        source = sub(page, "p", {"class": "meta source"}, labels.lead("source"))
        target = view.source_link
        shown = meta.source.name or meta.source.url
        if target.kind == "external":
            sub(source, "a", {"href": target.href}, shown)
        else:
            source.text = labels.lead("source") + shown
    if meta.tags:
        sub(page, "p", {"class": "meta topics"}, labels.lead("topics") + ", ".join(meta.tags))
    if style.brand.organisation:
        # The house's name is furniture: it sits where the book's lines start, whatever its script.
        furniture = {"dir": "rtl"} if view.direction == "rtl" else {}
        sub(page, "p", {"class": "meta organisation", **furniture}, style.brand.organisation)
    return Chapter("title-page", "title.xhtml", labels["title_page"], serialise(html))


def _key_points(view: View, writer: BodyWriter) -> Chapter:
    doc, labels = view.document, view.labels
    writer.start(KEY_POINTS_FILE)
    html, body = document(labels["key_points"], view.language.xml_lang, STYLESHEET, "bodymatter", view.direction)
    box = sub(
        body,
        "section",
        {"epub:type": "abstract", "role": "doc-abstract", "class": "key-points", "aria-labelledby": "key-points"},
    )
    sub(box, "h1", {"id": "key-points"}, labels["key_points"])
    ul = sub(box, "ul")
    for point in doc.key_points:
        writer.inlines(sub(ul, "li"), point.inlines)
    writer.footnotes(body)
    return Chapter("key-points", KEY_POINTS_FILE, labels["key_points"], serialise(html))


def _article(view: View, writer: BodyWriter) -> Chapter:
    doc, labels = view.document, view.labels
    writer.start(ARTICLE_FILE)
    meta = doc.meta
    html, body = document(meta.title, view.language.xml_lang, STYLESHEET, "bodymatter", view.direction)
    box = sub(
        body,
        "section",
        {"epub:type": "chapter", "role": "doc-chapter", "class": "article", "aria-labelledby": "article"},
    )
    sub(box, "h1", {"id": "article"}, meta.title)
    entries = writer.sections(box, doc.sections, "s", 2)
    writer.footnotes(body)
    # The headline is already on the title page; a short label keeps the reader's contents list scannable.
    return Chapter("article", ARTICLE_FILE, labels["article"], serialise(html), tuple(entries))


def _has_commentary(view: View) -> bool:
    """Whether the commentary gets a content document: an empty part is left out, unless its title says something."""
    labels, part = view.labels, view.document.commentary
    if part is None:
        return False
    title = part.title or labels["commentary"]
    return _has_text(part.sections) or title.strip() not in ("", labels["commentary"])


def _has_text(sections: Sequence[Section]) -> bool:
    # A section with only an id still counts: links may point at it.
    return any(s.heading or s.blocks or s.id for s in sections)


def _commentary(view: View, writer: BodyWriter) -> Chapter:
    labels = view.labels
    part = view.document.commentary
    assert part is not None
    title = part.title or labels["commentary"]
    writer.start(COMMENTARY_FILE)
    html, body = document(title, view.language.xml_lang, STYLESHEET, "bodymatter", view.direction)
    box = sub(
        body,
        "section",
        {"epub:type": "part", "role": "doc-part", "class": "commentary", "aria-labelledby": "commentary"},
    )
    if title != labels["commentary"]:
        # A custom part title still tells the reader this is the in-house view, not the article.
        sub(box, "p", {"class": "part-label"}, labels["commentary"])
    sub(box, "h1", {"id": "commentary"}, title)
    entries = writer.sections(box, part.sections, "c", 2)
    writer.footnotes(body)
    return Chapter("commentary", COMMENTARY_FILE, title, serialise(html), tuple(entries))


def chapters(view: View) -> list[Chapter]:
    """Every content document in reading order; empty parts are left out (EbookLib rejects empty ones)."""
    return content(view)[0]


def content(view: View) -> tuple[list[Chapter], dict[str, Picture]]:
    """Every content document in reading order and the pictures they show, by their path in the package."""
    doc = view.document
    files: dict[str, Sequence[Section]] = {}
    if _has_text(doc.sections):
        files[ARTICLE_FILE] = doc.sections
    if doc.commentary is not None and _has_commentary(view):
        files[COMMENTARY_FILE] = doc.commentary.sections
    writer = BodyWriter(view, files)
    out = [_title_page(view, writer.pictures)]
    if doc.key_points:
        out.append(_key_points(view, writer))
    if ARTICLE_FILE in files:
        out.append(_article(view, writer))
    if COMMENTARY_FILE in files:
        out.append(_commentary(view, writer))
    return out, writer.pictures
