"""Typographic quotes and dashes (``--smart``) in the document's language, through markdown-it's smartquotes rule."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from ..present.language import parse_language

if TYPE_CHECKING:
    # markdown-it is imported when text is first made smart: a plain-text export without --smart never needs it.
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

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
    """Core rule: ``---`` an em dash, ``--`` an en dash, ``...`` an ellipsis, in text (code is never text)."""
    for token in state.tokens:
        if token.type != "inline" or not token.children or ("--" not in token.content and "..." not in token.content):
            continue
        for child in token.children:
            if child.type == "text":
                child.content = _dashes(child.content)


def literal_autolinks(state: StateCore) -> None:
    """Core rule before the typographer: the text of a bare URL or ``<autolink>`` is the URL, so it stays as written.

    markdown-it's smartquotes rule reads only ``text`` tokens; ``text_special`` (what escapes give) is joined back
    into text by the text_join rule after it.
    """
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        depth = 0
        for child in token.children:
            if child.type in ("link_open", "link_close") and child.info == "auto":
                depth += child.nesting
            elif child.type == "text" and depth > 0:
                child.type = "text_special"


@lru_cache(maxsize=1)
def _cjk() -> re.Pattern[str]:
    # Compiled on first use (a wide class: milliseconds at import for every export otherwise).
    return re.compile(r"[\u2e80-\u2fff\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def cjk_quotes(state: StateCore) -> None:
    """Core rule after smartquotes: the straight double quotes it left beside CJK characters, paired in order.

    Smartquotes decides by word boundaries, which Japanese and Chinese do not have: in これは"引用"です both quotes
    have a letter on either side, so neither is turned. Such quotes are paired left to right within a paragraph.
    """
    opening, closing = state.md.options.quotes[0], state.md.options.quotes[1]
    cjk = _cjk()
    for token in state.tokens:
        if token.type != "inline" or not token.children or '"' not in token.content:
            continue
        texts = [child for child in token.children if child.type == "text"]
        joined = "".join(child.content for child in texts)
        found: list[tuple[int, int]] = []  # (text token, offset) of each quote beside a CJK character
        start = 0
        for number, child in enumerate(texts):
            for offset, char in enumerate(child.content):
                if char == '"':
                    at = start + offset
                    if cjk.match(joined[at - 1 : at] or " ") or cjk.match(joined[at + 1 : at + 2] or " "):
                        found.append((number, offset))
            start += len(child.content)
        pairs = found[: len(found) // 2 * 2]
        # From the end, so that a wider quote mark does not move the offsets still to be replaced.
        for index in range(len(pairs) - 1, -1, -1):
            number, offset = pairs[index]
            child = texts[number]
            mark = opening if index % 2 == 0 else closing
            child.content = child.content[:offset] + mark + child.content[offset + 1 :]


@lru_cache(maxsize=16)
def _typographer(quotes: Quotes) -> MarkdownIt:
    # Only the options the smartquotes rule reads: nothing is parsed with it.
    from markdown_it import MarkdownIt

    return MarkdownIt("zero", {"typographer": True, "quotes": list(quotes)})


def smarten(texts: Sequence[str], quotes: Quotes) -> list[str]:
    """Each text made smart on its own (a quote never pairs across two texts), as the Markdown reader does."""
    from markdown_it.rules_core import StateCore
    from markdown_it.rules_core.smartquotes import smartquotes
    from markdown_it.token import Token

    tokens: list[Token] = []
    for text in texts:
        child = Token("text", "", 0, content=text)
        tokens.append(Token("inline", "", 0, content=text, children=[child]))
    state = StateCore("", _typographer(quotes), {}, tokens)
    smart_dashes(state)
    smartquotes(state)
    cjk_quotes(state)
    return [token.children[0].content if token.children else "" for token in tokens]


def smarten_text(text: str, quotes: Quotes) -> str:
    """One text made smart; text without quotes, ``--`` or ``...`` comes back as it is."""
    if not any(mark in text for mark in ("'", '"', "--", "...")):
        return text
    return smarten([text], quotes)[0]
