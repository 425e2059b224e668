"""reportlab paragraphs whose split always fits: the first part is measured again, and shortened until it does.

reportlab splits a paragraph at the lines that fit, then builds the first part from those lines' fragments;
laid out again, the part can need a line more (a word broken at its own hyphen is joined with a space), the
frame refuses it and reportlab raises "Splitting error" — no PDF at all (issue 12, item 4).
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable
from reportlab.platypus import Paragraph as _Paragraph
from reportlab.platypus import XPreformatted as _XPreformatted

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


class Paragraph(_Paragraph):  # type: ignore[misc]
    """A paragraph whose split parts fit where reportlab says they do."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """Split at the lines that fit, checked by laying the first part out again."""
        return fitting_split(self, super().split, availWidth, availHeight)


class XPreformatted(_XPreformatted):  # type: ignore[misc]
    """Preformatted text (code) with the same checked split."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """Split at the lines that fit, checked by laying the first part out again."""
        return fitting_split(self, super().split, availWidth, availHeight)
