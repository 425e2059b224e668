"""A saved page's metadata: Open Graph and article meta tags, JSON-LD, ``<time>``, breadcrumbs, ``<html lang>``."""

from __future__ import annotations

import datetime
import email.utils
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ...present.language import is_language_tag, parse_language

_SPACE = re.compile(r"\s+")
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_ARTICLE_TYPES = re.compile(r"Article$|BlogPosting$|^Report$|^WebPage$", re.IGNORECASE)
_TITLE_SEPARATORS = re.compile(r"\s+[|–—-]\s+|\s+::\s+")
_BY = re.compile(r"^\s*(?:(?:by|von|par|por)\s*:?\s+|(?:記者|文)\s*[:：]?\s*)", re.IGNORECASE)
_AUTHOR_CLASSES = frozenset({"author", "author-name", "byline__name", "byline-name"})
_HOME = frozenset({"home", "start", "startseite", "accueil", "inicio", "top", "トップ", "ホーム", "首页"})
_MAX_NAME_WORDS = 8
_MAX_JSON_LD = 2_000_000
"""Largest JSON-LD block read (in characters); a bigger one is not metadata."""


@dataclass
class PageMeta:
    """What the page says about its article, as model metadata fields, and what could not be used."""

    fields: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _clean(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def _text(element: Any) -> str:
    return _clean("".join(element.itertext()))


def _meta_tags(tree: Any) -> dict[str, str]:
    """``<meta name|property|itemprop=... content=...>`` by lower-cased key; the first of each wins."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = _clean(meta.get("content"))
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (meta.get(attr) or "").strip().lower()
            if key:
                found.setdefault(key, content)
    return found


def _json_ld(tree: Any) -> list[dict[str, Any]]:
    """Every object in the page's JSON-LD blocks, ``@graph`` members and nested objects included."""
    objects: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        if len(script.text) > _MAX_JSON_LD:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):
            continue
        objects.extend(_objects(data, 0))
    return objects


def _objects(value: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 6:
        return
    if isinstance(value, list):
        for item in value:
            yield from _objects(item, depth + 1)
    elif isinstance(value, dict):
        yield value
        if "@graph" in value:
            yield from _objects(value["@graph"], depth + 1)


def _types(obj: dict[str, Any]) -> list[str]:
    kind = obj.get("@type", [])
    if isinstance(kind, str):
        return [kind]
    return [k for k in kind if isinstance(k, str)] if isinstance(kind, list) else []


def _string(value: Any) -> str:
    """A JSON-LD value as text: a string, the first of a list, or an object's ``name`` or ``@id``."""
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, list) and value:
        return _string(value[0])
    if isinstance(value, dict):
        return _string(value.get("name") or value.get("@id") or "")
    return ""


def _names(value: Any) -> list[str]:
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    name = _string(value)
    return [name] if name and not _is_url(name) else []


def _is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://", "//"))


def _http(url: str) -> str:
    return url if url.lower().startswith(("http://", "https://")) else ""


def parse_day(text: str) -> datetime.date | None:
    """The calendar day a date text names, as written (the page's local day), or None."""
    match = _ISO_DAY.match(text)
    try:
        if match:
            return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        return email.utils.parsedate_to_datetime(text).date()
    except (ValueError, TypeError, IndexError, OverflowError):
        return None


def _article(objects: list[dict[str, Any]]) -> dict[str, Any]:
    articles = [o for o in objects if any(_ARTICLE_TYPES.search(t) for t in _types(o))]
    # A page's own WebPage object is a fallback: the article itself says more.
    articles.sort(key=lambda o: any(t.lower() == "webpage" for t in _types(o)))
    return articles[0] if articles else {}


def _breadcrumbs(tree: Any, objects: list[dict[str, Any]]) -> list[str]:
    for obj in objects:
        if "BreadcrumbList" in _types(obj) and isinstance(obj.get("itemListElement"), list):
            items = [i for i in obj["itemListElement"] if isinstance(i, dict)]
            items.sort(key=_position)
            return [n for n in (_string(i.get("name") or i.get("item")) for i in items) if n and not _is_url(n)]
    for element in tree.iter("nav", "ol", "ul", "div", "p"):
        marks = " ".join((element.get(a) or "") for a in ("class", "id", "aria-label")).lower()
        if "breadcrumb" in marks:
            crumbs = [_text(e) for e in element.iter("a", "li", "span")]
            return list(dict.fromkeys(c for c in crumbs if c and len(c) < 80))
    return []


def _position(item: dict[str, Any]) -> int:
    position = item.get("position")
    return position if isinstance(position, int) else 0


def _kicker(crumbs: list[str], title: str) -> str:
    for crumb in reversed(crumbs):
        if crumb.casefold() != title.casefold() and crumb.casefold() not in _HOME and crumb not in (">", "›", "/"):
            return crumb
    return ""


def _title_text(tree: Any, site: str) -> str:
    """The ``<title>`` without the site's name around it."""
    element = next(tree.iter("title"), None)
    title = _text(element) if element is not None else ""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1:
        kept = [p for p in parts if p.casefold() != site.casefold()] if site else parts[:-1]
        title = " - ".join(kept) if kept else title
    return title


def _first_h1(tree: Any) -> str:
    for scope in (next(tree.iter("article"), None), tree):
        if scope is not None:
            heading = next(scope.iter("h1"), None)
            if heading is not None and _text(heading):
                return _text(heading)
    return ""


def _time_element(tree: Any) -> str:
    scopes = [next(tree.iter("article"), None), next(tree.iter("main"), None), tree]
    for scope in scopes:
        if scope is None:
            continue
        for element in scope.iter("time"):
            value = element.get("datetime") or ""
            if parse_day(value):
                return value
    return ""


def _authors(tree: Any, tags: dict[str, str], article: dict[str, Any]) -> list[str]:
    names = _names(article.get("author"))
    if not names:
        for key in ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author"):
            if key in tags and not _is_url(tags[key]):
                names = [tags[key]]
                break
    if not names:
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            if element.get("rel") == "author" or element.get("itemprop") == "author":
                names.append(_BY.sub("", _text(element)))
    if not names:
        for element in tree.iter():
            if isinstance(element.tag, str) and _AUTHOR_CLASSES & set((element.get("class") or "").split()):
                names.append(_BY.sub("", _text(element)))
    names = [n for n in names if n and len(n.split()) <= _MAX_NAME_WORDS]
    return list(dict.fromkeys(names))


def _language(tree: Any, tags: dict[str, str], article: dict[str, Any], warnings: list[str]) -> str:
    candidates = [
        tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or tree.get("xml:lang") or "",
        tags.get("content-language", "").split(",")[0],
        tags.get("og:locale", ""),
        _string(article.get("inLanguage")),
    ]
    for raw in candidates:
        tag = raw.strip().replace("_", "-")
        if not tag:
            continue
        if is_language_tag(tag):
            return parse_language(tag).tag
        warnings.append(f"the page's language {raw.strip()!r} is not a language tag (ignored)")
    return ""


def read_metadata(tree: Any) -> PageMeta:
    """The article's metadata from the page's head, JSON-LD and markup, before anything is stripped."""
    page = PageMeta()
    tags = _meta_tags(tree)
    objects = _json_ld(tree)
    article = _article(objects)
    publisher = article.get("publisher")
    site = tags.get("og:site_name") or _string(publisher) or tags.get("application-name", "")
    title = (
        _string(article.get("headline"))
        or tags.get("og:title")
        or tags.get("twitter:title")
        or _first_h1(tree)
        or _title_text(tree, site)
    )
    if title:
        page.fields["title"] = title
    kicker = tags.get("article:section") or _string(article.get("articleSection"))
    kicker = kicker or _kicker(_breadcrumbs(tree, objects), title)
    if kicker:
        page.fields["kicker"] = kicker
    date_keys = ("article:published_time", "datepublished", "og:published_time", "date", "pubdate", "dc.date")
    dates = [tags.get(k, "") for k in date_keys] + [_string(article.get("datePublished")), _time_element(tree)]
    written = next((d for d in dates if d), "")
    if written:
        day = parse_day(written)
        if day is None:
            page.warnings.append(f"the page's date {written[:60]!r} is not understood (ignored)")
        else:
            page.fields["date"] = day
    authors = _authors(tree, tags, article)
    if authors:
        page.fields["authors"] = tuple(authors)
    links = (e.get("href") or "" for e in tree.iter("link") if (e.get("rel") or "").lower() == "canonical")
    canonical = next(links, "")
    page_url = _http(canonical.strip()) or _http(tags.get("og:url", "")) or _http(_string(article.get("url")))
    source = {k: v for k, v in (("name", site), ("url", page_url)) if v}
    if source:
        page.fields["source"] = source
    summary = tags.get("description") or tags.get("og:description") or _string(article.get("description"))
    summary = summary or tags.get("twitter:description", "")
    if summary:
        page.fields["summary"] = summary
    language = _language(tree, tags, article, page.warnings)
    if language:
        page.fields["language"] = language
    return page


def base_url(tree: Any, page: PageMeta) -> str:
    """What relative links are resolved against: an http(s) ``<base href>``, else the page's own URL."""
    base = next((e.get("href") or "" for e in tree.iter("base")), "").strip()
    source = page.fields.get("source", {})
    return _http(base) or str(source.get("url", ""))
