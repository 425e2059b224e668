"""Ordered-list numbers as every output writes them: the style's format per level, then the delimiter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypeGuard, get_args

NumberFormat = Literal["decimal", "lower-alpha", "upper-alpha", "lower-roman", "upper-roman"]
"""How an ordered list counts (the CSS ``list-style-type`` names)."""

NUMBER_FORMATS: tuple[str, ...] = get_args(NumberFormat)
"""Every format a style's ``[lists] ordered`` may name."""

DEFAULT_ORDERED: tuple[NumberFormat, ...] = ("decimal", "decimal", "decimal")
"""The default ``[lists] ordered``: decimal at every level."""

_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def level_format(formats: Sequence[str], depth: int) -> NumberFormat:
    """The format of a list nested ``depth`` levels deep (0 for a top-level list); the formats repeat below."""
    name = formats[depth % len(formats)] if formats else "decimal"
    return name if _is_format(name) else "decimal"


def _is_format(name: str) -> TypeGuard[NumberFormat]:
    return name in NUMBER_FORMATS


def _alpha(number: int) -> str:
    # Bijective base 26, as CSS counts: a … z, aa, ab … zz, aaa.
    letters = []
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters.append(chr(ord("a") + rest))
    return "".join(reversed(letters))


def _roman(number: int) -> str:
    out = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def format_number(number: int, fmt: str = "decimal") -> str:
    """``number`` in ``fmt``: 4 → "4", "d", "D", "iv", "IV".

    As in CSS, a number a format cannot write (letters below 1, roman numerals outside 1-3999) is decimal.
    """
    if fmt in ("lower-alpha", "upper-alpha") and number >= 1:
        text = _alpha(number)
    elif fmt in ("lower-roman", "upper-roman") and 1 <= number <= 3999:
        text = _roman(number)
    else:
        return str(number)
    return text.upper() if fmt.startswith("upper") else text


def marker(number: int, fmt: str = "decimal", delimiter: str = ".") -> str:
    """The marker of an ordered-list item: the number in ``fmt`` and the delimiter ("iv." or "4)")."""
    return format_number(number, fmt) + delimiter
