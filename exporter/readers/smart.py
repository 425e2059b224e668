"""Typographic quotes and dashes (``--smart``) in the document's language, through markdown-it's smartquotes rule."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_core.smartquotes import smartquotes
from markdown_it.token import Token

from ..present.language import parse_language

Quotes = tuple[str, str, str, str]
"""Opening and closing double quotes, then opening and closing single (inner) quotes."""

_NNBSP = "\u202f"  # French sets a narrow no-break space inside « »

QUOTES: dict[str, Quotes] = {
    "en": ("“", "”", "‘", "’"),
    "de": ("„", "“", "‚", "‘"),
    "de-CH": ("«", "»", "‹", "›"),
    "fr": (f"«{_NNBSP}", f"{_NNBSP}»", "“", "”"),
    "ja": ("「", "」", "『", "』"),
    "zh": ("“", "”", "‘", "’"),
    "zh-Hant": ("「", "」", "『", "』"),
    "ko": ("“", "”", "‘", "’"),
    "es": ("«", "»", "“", "”"),
    "it": ("«", "»", "“", "”"),
    "pt": ("«", "»", "“", "”"),
    "pt-BR": ("“", "”", "‘", "’"),
    "ru": ("«", "»", "„", "“"),
    "pl": ("„", "”", "«", "»"),
    "nl": ("“", "”", "‘", "’"),
    "sv": ("”", "”", "’", "’"),
}
"""Quotation marks per language (CLDR's, with the French spacing); a language not listed takes English quotes."""


_REGION_FORMS = {"de-LI": "de-CH", "zh-TW": "zh-Hant", "zh-HK": "zh-Hant", "zh-MO": "zh-Hant"}


def quotes_for(language: str) -> Quotes:
    """The quotation marks of ``language`` (a BCP 47 tag): its script's or region's form, else its own, else English."""
    parsed = parse_language(language)
    if parsed.script:
        keys = [f"{parsed.primary}-{parsed.script}"]
    else:
        region = f"{parsed.primary}-{parsed.region}"
        keys = [region, _REGION_FORMS.get(region, "")]
    for key in (*keys, parsed.primary):
        if key in QUOTES:
            return QUOTES[key]
    return QUOTES["en"]


# markdown-it's own dash patterns (rules_core/replacements.py); its "replacements" rule is not used because it
# also turns (c) into © and +- into ±, which would change an enumeration "(a) (b) (c)".
_EM_DASH = re.compile(r"(^|[^-])---(?=[^-]|$)", re.MULTILINE)
_EN_DASH_SPACED = re.compile(r"(^|\s)--(?=\s|$)", re.MULTILINE)
_EN_DASH = re.compile(r"(^|[^-\s])--(?=[^-\s]|$)", re.MULTILINE)
_ELLIPSIS = re.compile(r"(?<!\.)\.\.\.(?!\.)")


def _dashes(text: str) -> str:
    text = _EM_DASH.sub("\\1\u2014", text)
    text = _EN_DASH_SPACED.sub("\\1\u2013", text)
    text = _EN_DASH.sub("\\1\u2013", text)
    return _ELLIPSIS.sub("\u2026", text)


def smart_dashes(state: StateCore) -> None:
    """Core rule: ``---`` an em dash, ``--`` an en dash, ``...`` an ellipsis, in text only (not code, not autolinks)."""
    for token in state.tokens:
        if token.type != "inline" or not token.children or ("--" not in token.content and "..." not in token.content):
            continue
        in_autolink = 0
        for child in token.children:
            if child.type == "link_open" and child.info == "auto":
                in_autolink += 1
            elif child.type == "link_close" and child.info == "auto":
                in_autolink -= 1
            elif child.type == "text" and not in_autolink:
                child.content = _dashes(child.content)


@lru_cache(maxsize=16)
def _typographer(quotes: Quotes) -> MarkdownIt:
    # Only the options the smartquotes rule reads: nothing is parsed with it.
    return MarkdownIt("zero", {"typographer": True, "quotes": list(quotes)})


def smarten(texts: Sequence[str], quotes: Quotes) -> list[str]:
    """Each text made smart on its own (a quote never pairs across two texts), as the Markdown reader does."""
    tokens: list[Token] = []
    for text in texts:
        child = Token("text", "", 0, content=text)
        tokens.append(Token("inline", "", 0, content=text, children=[child]))
    state = StateCore("", _typographer(quotes), {}, tokens)
    smartquotes(state)
    smart_dashes(state)
    return [token.children[0].content if token.children else "" for token in tokens]


def smarten_text(text: str, quotes: Quotes) -> str:
    """One text made smart; text without quotes, ``--`` or ``...`` comes back as it is."""
    if not any(mark in text for mark in ("'", '"', "--", "...")):
        return text
    return smarten([text], quotes)[0]
