"""reportlab paragraphs whose split always fits: the first part is measured again, and shortened until it does.

reportlab splits a paragraph at the lines that fit, then builds the first part from those lines' fragments;
laid out again, the part can need a line more (a word broken at its own hyphen is joined with a space), the
frame refuses it and reportlab raises "Splitting error" — no PDF at all (issue 12, item 4).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from reportlab.platypus import Flowable
from reportlab.platypus import Paragraph as _Paragraph
from reportlab.platypus import XPreformatted as _XPreformatted
from reportlab.platypus import paragraph as _rl_paragraph

SPLIT_ATTEMPTS = 6
"""How many times a split is retried one line shorter before the paragraph moves on whole."""
_FUZZ = 1e-6


def fitting_split(para: _Paragraph, split: Any, width: float, height: float) -> list[Flowable]:
    """``split(width, height)``, retried with a line less room until its first part fits ``height``."""
    room = height
    leading = para.style.leading or 1.0
    for _ in range(SPLIT_ATTEMPTS):
        parts: list[Flowable] = split(width, room)
        if len(parts) < 2:
            return parts  # whole ([self]) or nothing here ([]): the frame handles both
        # Laid out twice: reportlab rejoins the words its split broke at line ends on the first wrap, so a
        # second wrap (the frame's) can differ from it.
        used = max(parts[0].wrap(width, height)[1] for _ in range(2))
        if used <= height + _FUZZ:
            return parts
        room -= max(leading, used - height)
    # Still too tall: the paragraph goes to the next column or page, where it has more room.
    return []


_Parsed = tuple[str, list[Any] | None]
_PARSED: ContextVar[dict[tuple[str, str, str], _Parsed] | None] = ContextVar("parsed", default=None)


_WIDTHS: ContextVar[dict[tuple[str, str, float], float] | None] = ContextVar("widths", default=None)
_string_width = _rl_paragraph.stringWidth


def _remembered_width(text: str, fontName: str, fontSize: float, encoding: str = "utf8") -> float:
    # reportlab measures every word of a paragraph at each wrap; words recur (the, of, and ...).
    cache = _WIDTHS.get()
    if cache is None or encoding != "utf8":
        return float(_string_width(text, fontName, fontSize, encoding))
    key = (text, fontName, fontSize)
    width = cache.get(key)
    if width is None:
        width = cache[key] = _string_width(text, fontName, fontSize)
    return width


# Only reportlab's paragraph module measures through this name; outside ``parsed_once`` it measures as before.
_rl_paragraph.stringWidth = _remembered_width


@contextmanager
def parsed_once() -> Iterator[None]:
    """Within this block each paragraph's markup is parsed once, then re-sized for every trial size.

    reportlab parses a paragraph's markup when it is made; the fit loop makes the same paragraphs at each
    trial size, and parsing was an eighth of its time. Word widths are remembered too (exactly: by word,
    face and size).
    """
    token = _PARSED.set({})
    widths = _WIDTHS.set({})
    try:
        yield
    finally:
        _WIDTHS.reset(widths)
        _PARSED.reset(token)


class Paragraph(_Paragraph):  # type: ignore[misc]
    """A paragraph whose split parts fit where reportlab says they do (and whose markup is parsed once)."""

    def __init__(self, text: str, style: Any = None, bulletText: Any = None, frags: Any = None, **kw: Any) -> None:
        # A part made by a split (from fragments) may lay out differently on its first wrap: see ``wrap``.
        self._xp_whole = frags is None
        cache = _PARSED.get()
        if cache is None or frags is not None or style is None or kw:
            super().__init__(text, style, bulletText=bulletText, frags=frags, **kw)
            return
        key = (text, style.fontName, repr(style.textColor))
        found = cache.get(key)
        if found is None:
            super().__init__(text, style, bulletText=bulletText)
            # Only runs all set in the style's own size re-size exactly (a superscript's size is not linear).
            size = style.fontSize
            plain = all(f.fontSize == size and not f.rise and not hasattr(f, "cbDefn") for f in self.frags)
            cache[key] = (self.text, [f.clone() for f in self.frags] if plain else None)
            return
        cleaned, parsed = found
        if parsed is None:
            super().__init__(text, style, bulletText=bulletText)
            return
        size = style.fontSize
        super().__init__(cleaned, style, bulletText=bulletText, frags=[f.clone(fontSize=size) for f in parsed])

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Break the lines at ``availWidth``; the same width again reuses the lines (frames and tables ask twice).

        A paragraph's lines depend on the width alone, but the first wrap of a split part may rejoin words
        (see fitting_split): a part's lines are reused only once two wraps at one width agreed.
        """
        memo = self.__dict__.get("_xp_wrap")
        if memo is not None and memo[0] == availWidth and memo[1]:
            _, _, self._wrapWidths, self.blPara, self.height = memo
            self.width = availWidth
            return availWidth, self.height
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        same = self._xp_whole or (memo is not None and memo[0] == availWidth and memo[4] == self.height)
        self._xp_wrap = (availWidth, same, self._wrapWidths, self.blPara, self.height)
        return size

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """Split at the lines that fit, checked by laying the first part out again."""
        return fitting_split(self, super().split, availWidth, availHeight)


class XPreformatted(_XPreformatted):  # type: ignore[misc]
    """Preformatted text (code) with the same checked split."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """Split at the lines that fit, checked by laying the first part out again."""
        return fitting_split(self, super().split, availWidth, availHeight)
