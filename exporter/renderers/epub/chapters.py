"""The briefing's content documents: title page, key points, article and commentary."""

from __future__ import annotations

from dataclasses import dataclass

from ...present.view import View
from .xhtml import NavEntry, document, inlines, sections, serialise, sub

STYLESHEET = "style/briefing.css"
"""Where the stylesheet lives inside the package, relative to the OPF."""


@dataclass(frozen=True)
class Chapter:
    """One content document with its navigation label and entries."""

    uid: str
    file_name: str
    title: str
    content: bytes
    entries: tuple[NavEntry, ...] = ()


def _title_page(view: View) -> Chapter:
    meta, style, labels = view.document.meta, view.style, view.labels
    html, body = document(meta.title, view.language.xml_lang, STYLESHEET, "frontmatter")
    page = sub(body, "section", {"epub:type": "titlepage", "class": "titlepage", "aria-label": labels["title_page"]})
    marking = view.marking
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
        sub(page, "p", {"class": "meta organisation"}, style.brand.organisation)
    return Chapter("title-page", "title.xhtml", labels["title_page"], serialise(html))


def _key_points(view: View) -> Chapter:
    doc, labels = view.document, view.labels
    html, body = document(labels["key_points"], view.language.xml_lang, STYLESHEET, "bodymatter")
    box = sub(
        body,
        "section",
        {"epub:type": "abstract", "role": "doc-abstract", "class": "key-points", "aria-labelledby": "key-points"},
    )
    sub(box, "h1", {"id": "key-points"}, labels["key_points"])
    ul = sub(box, "ul")
    for point in doc.key_points:
        inlines(sub(ul, "li"), point.inlines, view.link)
    return Chapter("key-points", "key-points.xhtml", labels["key_points"], serialise(html))


def _article(view: View) -> Chapter:
    doc, labels = view.document, view.labels
    meta = doc.meta
    html, body = document(meta.title, view.language.xml_lang, STYLESHEET, "bodymatter")
    box = sub(
        body,
        "section",
        {"epub:type": "chapter", "role": "doc-chapter", "class": "article", "aria-labelledby": "article"},
    )
    sub(box, "h1", {"id": "article"}, meta.title)
    entries = sections(box, doc.sections, "s", 2, view.link)
    # The headline is already on the title page; a short label keeps the reader's contents list scannable.
    return Chapter("article", "article.xhtml", labels["article"], serialise(html), tuple(entries))


def _commentary(view: View) -> Chapter | None:
    labels = view.labels
    part = view.document.commentary
    if part is None:
        return None
    title = part.title or labels["commentary"]
    # An empty part is left out, unless its own title says something (that text must not be lost).
    if not any(s.heading or s.blocks for s in part.sections) and title.strip() in ("", labels["commentary"]):
        return None
    html, body = document(title, view.language.xml_lang, STYLESHEET, "bodymatter")
    box = sub(
        body,
        "section",
        {"epub:type": "part", "role": "doc-part", "class": "commentary", "aria-labelledby": "commentary"},
    )
    if title != labels["commentary"]:
        # A custom part title still tells the reader this is the in-house view, not the article.
        sub(box, "p", {"class": "part-label"}, labels["commentary"])
    sub(box, "h1", {"id": "commentary"}, title)
    entries = sections(box, part.sections, "c", 2, view.link)
    return Chapter("commentary", "commentary.xhtml", title, serialise(html), tuple(entries))


def chapters(view: View) -> list[Chapter]:
    """Every content document in reading order; empty parts are left out (EbookLib rejects empty ones)."""
    doc = view.document
    out = [_title_page(view)]
    if doc.key_points:
        out.append(_key_points(view))
    if any(s.heading or s.blocks for s in doc.sections):
        out.append(_article(view))
    commentary = _commentary(view)
    if commentary is not None:
        out.append(commentary)
    return out
