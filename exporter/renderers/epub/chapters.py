"""The briefing's content documents: title page, key points, article and commentary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ...model import Document
from ...style import Style
from .xhtml import NavEntry, document, inlines, safe_href, sections, serialise, sub

STYLESHEET = "style/briefing.css"
"""Where the stylesheet lives inside the package, relative to the OPF."""

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class Chapter:
    """One content document with its navigation label and entries."""

    uid: str
    file_name: str
    title: str
    content: bytes
    entries: tuple[NavEntry, ...] = ()


def long_date(document_: Document, labels: Mapping[str, str]) -> str:
    """The document date written out for the reader, in the document's language."""
    date = document_.meta.date
    return labels["date_long"].format(
        day=date.day, month=date.month, year=date.year, month_name=_MONTHS[date.month - 1]
    )


def _title_page(doc: Document, style: Style, labels: Mapping[str, str]) -> Chapter:
    meta = doc.meta
    lang = meta.language
    html, body = document(meta.title, lang, STYLESHEET, "frontmatter")
    page = sub(body, "section", {"epub:type": "titlepage", "class": "titlepage", "aria-label": labels["title_page"]})
    marking = meta.marking or style.marking
    if marking:
        sub(page, "p", {"class": "marking"}, marking)
    if meta.kicker:
        sub(page, "p", {"class": "kicker"}, meta.kicker)
    sub(page, "h1", {"class": "title"}, meta.title)
    if meta.summary:
        sub(page, "p", {"class": "summary"}, meta.summary)
    if meta.authors:
        sub(page, "p", {"class": "meta byline"}, f"{labels['by']} {', '.join(meta.authors)}")
    date_p = sub(page, "p", {"class": "meta date"})
    sub(date_p, "time", {"datetime": meta.date.isoformat()}, long_date(doc, labels))
    if meta.source.name or meta.source.url:
        source = sub(page, "p", {"class": "meta source"}, f"{labels['source']}: ")
        href = safe_href(meta.source.url) if meta.source.url else None
        shown = meta.source.name or meta.source.url
        if href is not None:
            sub(source, "a", {"href": href}, shown)
        else:
            source.text = f"{labels['source']}: {shown}"
    if meta.tags:
        sub(page, "p", {"class": "meta topics"}, f"{labels['topics']}: {', '.join(meta.tags)}")
    if style.brand.organisation:
        sub(page, "p", {"class": "meta organisation"}, style.brand.organisation)
    return Chapter("title-page", "title.xhtml", labels["title_page"], serialise(html))


def _key_points(doc: Document, labels: Mapping[str, str]) -> Chapter:
    lang = doc.meta.language
    html, body = document(labels["key_points"], lang, STYLESHEET, "bodymatter")
    box = sub(
        body,
        "section",
        {"epub:type": "abstract", "role": "doc-abstract", "class": "key-points", "aria-labelledby": "key-points"},
    )
    sub(box, "h1", {"id": "key-points"}, labels["key_points"])
    ul = sub(box, "ul")
    for point in doc.key_points:
        inlines(sub(ul, "li"), point.inlines)
    return Chapter("key-points", "key-points.xhtml", labels["key_points"], serialise(html))


def _article(doc: Document, labels: Mapping[str, str]) -> Chapter:
    meta = doc.meta
    html, body = document(meta.title, meta.language, STYLESHEET, "bodymatter")
    box = sub(
        body,
        "section",
        {"epub:type": "chapter", "role": "doc-chapter", "class": "article", "aria-labelledby": "article"},
    )
    sub(box, "h1", {"id": "article"}, meta.title)
    entries = sections(box, doc.sections, "s", 2)
    # The headline is already on the title page; a short label keeps the reader's contents list scannable.
    return Chapter("article", "article.xhtml", labels["article"], serialise(html), tuple(entries))


def _commentary(doc: Document, style: Style, labels: Mapping[str, str]) -> Chapter | None:
    part = doc.commentary
    if part is None:
        return None
    title = part.title or labels["commentary"]
    # An empty part is left out, unless its own title says something (that text must not be lost).
    if not any(s.heading or s.blocks for s in part.sections) and title.strip() in ("", labels["commentary"]):
        return None
    html, body = document(title, doc.meta.language, STYLESHEET, "bodymatter")
    box = sub(
        body,
        "section",
        {"epub:type": "part", "role": "doc-part", "class": "commentary", "aria-labelledby": "commentary"},
    )
    if title != labels["commentary"]:
        # A custom part title still tells the reader this is the in-house view, not the article.
        sub(box, "p", {"class": "part-label"}, labels["commentary"])
    sub(box, "h1", {"id": "commentary"}, title)
    entries = sections(box, part.sections, "c", 2)
    return Chapter("commentary", "commentary.xhtml", title, serialise(html), tuple(entries))


def chapters(doc: Document, style: Style, labels: Mapping[str, str]) -> list[Chapter]:
    """Every content document in reading order; empty parts are left out (EbookLib rejects empty ones)."""
    out = [_title_page(doc, style, labels)]
    if doc.key_points:
        out.append(_key_points(doc, labels))
    if any(s.heading or s.blocks for s in doc.sections):
        out.append(_article(doc, labels))
    commentary = _commentary(doc, style, labels)
    if commentary is not None:
        out.append(commentary)
    return out
