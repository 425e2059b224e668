"""Writing direction, decided once for every renderer: of a block (its first strong letter) and of runs of text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from .language import Direction
from .scripts import in_script

# Every code point of the right-to-left scripts' blocks: a quick test before the per-character bidi classes.
_RTL_BLOCKS = re.compile(
    r"[\u0590-\u08ff\u200f\u202b\u202e\u2067\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]"
)

SCRIPT_FONTS = {"arabic": "Noto Naskh Arabic", "hebrew": "Noto Sans Hebrew"}
"""The bundled family (``exporter.typefaces.SCRIPT_FAMILIES``) that sets each right-to-left script."""
SCRIPT_TAGS = {"arabic": "ar-SA", "hebrew": "he-IL", "devanagari": "hi-IN", "thai": "th-TH"}
"""Word's ``w:lang w:bidi`` for runs of each complex script when the document is in no language of that script."""


def has_rtl(text: str) -> bool:
    """Whether ``text`` holds a character of a right-to-left script (or a right-to-left mark)."""
    return not text.isascii() and _RTL_BLOCKS.search(text) is not None


def strong(ch: str) -> Direction | None:
    """The direction a character imposes (Unicode bidi classes L, R and AL), None for digits, spaces, punctuation."""
    kind = unicodedata.bidirectional(ch)
    if kind == "L":
        return "ltr"
    if kind in ("R", "AL"):
        return "rtl"
    return None


def first_strong(text: str) -> Direction | None:
    """The direction of the first strong character of ``text`` (the Unicode rule P2), None when it has none."""
    if text.isascii():
        return "ltr" if any(ch.isalpha() for ch in text) else None
    for ch in text:
        found = strong(ch)
        if found is not None:
            return found
    return None


def block_direction(text: str, default: Direction) -> Direction:
    """The direction of a paragraph, heading or cell: its first strong letter's, else the document's."""
    return first_strong(text) or default


def runs(text: str) -> Iterator[tuple[str, Direction]]:
    """``text`` cut where the strong direction changes, in logical order (nothing is reordered or reversed).

    Digits, spaces and punctuation stay with the run before them (with the one after at the start), so
    ``"مرحبا Python 3.12 عالم"`` gives ``("مرحبا ", rtl), ("Python 3.12 ", ltr), ("عالم", rtl)``.
    """
    start, current = 0, None
    for index, ch in enumerate(text):
        found = strong(ch) if not ch.isascii() or ch.isalpha() else None
        if found is None or found == current:
            continue
        if current is not None:
            yield text[start:index], current
            start = index
        current = found
    if text:
        yield text[start:], current or "ltr"


def rtl_script(text: str) -> str:
    """``arabic`` or ``hebrew``: the right-to-left script most of ``text``'s letters are in ("" for neither)."""
    arabic = sum(in_script(ord(ch), "arabic") for ch in text)
    hebrew = sum(in_script(ord(ch), "hebrew") for ch in text)
    if not arabic and not hebrew:
        return ""
    return "arabic" if arabic >= hebrew else "hebrew"
