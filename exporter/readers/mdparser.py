"""The Markdown reader's markdown-it parser: CommonMark, raw HTML off, and the extensions the model carries."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.attrs.parse import ParseError as AttrsError
from mdit_py_plugins.attrs.parse import parse as parse_attrs
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from .smart import Quotes, cjk_quotes, literal_autolinks, smart_dashes

MAX_NESTING = 40
"""markdown-it's nesting limit; the reader refuses deeper sources instead of letting it stop parsing."""


def parser(quotes: Quotes | None = None) -> MarkdownIt:
    """The configured parser (shared: do not change it); with ``quotes``, also typographic quotes and dashes.

    CommonMark with raw HTML off (it stays literal text), the core table and strikethrough rules, linkify for
    bare URLs with a scheme, and mdit-py-plugins' footnotes (``[^1]`` and ``^[inline]``), task lists and
    definition lists; every heading gets a GitHub-style id (``{#id}`` after a heading sets it).
    """
    return _parser(quotes)


@lru_cache(maxsize=16)
def _parser(quotes: Quotes | None) -> MarkdownIt:
    options: dict[str, Any] = {"html": False, "linkify": True, "maxNesting": MAX_NESTING}
    if quotes is not None:
        options.update(typographer=True, quotes=list(quotes))
    md = MarkdownIt("commonmark", options).enable(["table", "strikethrough", "linkify"])
    # Only URLs with a scheme (and e-mail addresses): "README.md" or "Node.js" must not become links.
    assert md.linkify is not None, "linkify-it-py is a dependency"
    md.linkify.set({"fuzzy_link": False})
    md.linkify.pretest = _pretest(md.linkify.pretest)
    md.use(footnote_plugin).use(tasklists_plugin).use(deflist_plugin)
    # Ids come before linkify and the typographer: --smart must not change a heading's id.
    md.core.ruler.before("linkify", "heading_attributes", heading_attributes)
    md.core.ruler.before("linkify", "heading_ids", heading_ids)
    if quotes is not None:
        md.enable("smartquotes")
        # Before text_join, as markdown-it's own replacements: an escaped \- or \" stays as written.
        md.core.ruler.before("smartquotes", "literal_autolinks", literal_autolinks)
        md.core.ruler.before("smartquotes", "smart_dashes", smart_dashes)
        md.core.ruler.after("smartquotes", "cjk_quotes", cjk_quotes)
    return md


def _pretest(pretest: Callable[[str], bool]) -> Callable[[str], bool]:
    """linkify-it's pretest, skipped for text that cannot hold a link without ``fuzzy_link``.

    Its regular expression costs a fraction of a millisecond per paragraph, and it also looks for bare domain
    names; without them a link needs a scheme (a ``:`` or ``//``) or an e-mail's ``@``, which the text carries
    as it is or as an entity (``&#64;``).
    """

    def quick(text: str) -> bool:
        return (":" in text or "@" in text or "/" in text or "&" in text) and pretest(text)

    return quick


def heading_attributes(state: StateCore) -> None:
    """Core rule: pandoc's ``## Heading {#id .class}``, read with mdit-py-plugins' attribute parser.

    The id becomes the heading's; when there are other attributes, the whole ``{...}`` is kept in
    ``meta["dropped_attributes"]`` (the model has no place for them, so the reader names them in a warning).
    """
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or index + 1 >= len(tokens):
            continue
        children = tokens[index + 1].children
        if not children or children[-1].type != "text":
            continue
        last = children[-1]
        # rfind, not a regular expression: a heading of many spaces must not make the search quadratic.
        content = last.content.rstrip(" \t")
        start = content.rfind("{")
        if not content.endswith("}") or start < 1 or content[start - 1] not in " \t":
            continue
        raw = content[start:]
        try:
            end, attrs = parse_attrs(raw)
        except AttrsError:
            continue
        if end != len(raw) - 1:  # the parser stopped at an earlier "}": not one attribute block
            continue
        last.content = content[:start].rstrip(" \t")
        tokens[index + 1].content = tokens[index + 1].content.rstrip(" \t").removesuffix(raw).rstrip(" \t")
        if attrs.get("id"):
            token.attrSet("id", attrs.pop("id"))
        attrs.pop("id", None)
        if attrs:
            token.meta["dropped_attributes"] = raw


def github_slug(title: str) -> str:
    """GitHub's heading slug: lower case; letters, marks, digits, ``_`` and ``-`` kept; each space a ``-``."""
    kept = (c for c in title.lower() if c in "- " or unicodedata.category(c) in _SLUG_CATEGORIES)
    return "".join(kept).replace(" ", "-")


_SLUG_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Pc"})


def heading_ids(state: StateCore) -> None:
    """Core rule: every heading's id, GitHub-style; a repeated slug is suffixed -1, -2 ...; ``{#id}`` ids stay.

    It does what mdit-py-plugins' anchors plugin does, but runs before the typographer and reads escaped
    characters (``\\_``) too, so ids do not depend on ``--smart`` and ``my\\_name`` is ``my_name``.
    """
    tokens = state.tokens
    # Explicit ids are reserved first, so a generated slug never takes one, whatever the order.
    taken = {str(t.attrs["id"]) for t in tokens if t.type == "heading_open" and t.attrs.get("id")}
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.attrs.get("id") or index + 1 >= len(tokens):
            continue
        children = tokens[index + 1].children or []
        title = "".join(c.content for c in children if c.type in ("text", "text_special", "code_inline"))
        slug = base = github_slug(title)
        suffix = 0
        while slug in taken:
            suffix += 1
            slug = f"{base}-{suffix}"
        taken.add(slug)
        token.attrSet("id", slug)
