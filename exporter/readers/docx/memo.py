"""Our memo's furniture read back: TO / FROM / CC / DATE / SUBJECT in any label language, key points, source."""

from __future__ import annotations

import datetime
import re
from typing import Any

from ...model import Paragraph
from ...present.labels import LABELS, PUNCTUATION
from ..markdown import KEY_POINT_HEADINGS
from .body import Item, Para, TableItem

FIELD_KEYS = ("to", "from", "cc", "date", "subject")
_FIELDS: dict[str, str] = {}
for _table in LABELS.values():
    for _key in FIELD_KEYS:
        _FIELDS.setdefault(_table[_key].casefold(), _key)
_FIELDS.setdefault("re", "subject")
_FIELD = re.compile(
    r"^\s*(" + "|".join(re.escape(k) for k in sorted(_FIELDS, key=len, reverse=True)) + r")\s*(?:[:：]|\t)[\s\u202f]*",
    re.I,
)
MEMORANDUM = frozenset({t["memorandum"].casefold() for t in LABELS.values()} | {"memo", "memorandum"})
"""The big word at the top of a memo, in every label language."""
KICKER_SEPARATORS = tuple(dict.fromkeys(p.kicker for p in PUNCTUATION.values()))
_LEADS: dict[str, str] = {}
for _table in LABELS.values():
    for _key in ("source", "by", "keywords"):
        _LEADS.setdefault(_table[_key].casefold(), _key)
_LEAD = re.compile(
    r"^\s*(" + "|".join(re.escape(k) for k in sorted(_LEADS, key=len, reverse=True)) + r")\s*[:：][\s\u202f]*", re.I
)


def memo_field(text: str) -> tuple[str, str] | None:
    """``(key, value)`` when ``text`` is a memo field line (``TO:<tab>Policy team``, ``宛先：…``), else None."""
    match = _FIELD.match(text)
    if match is None:
        return None
    return _FIELDS[match.group(1).casefold()], text[match.end() :].strip()


def split_subject(value: str, category: str) -> tuple[str, str]:
    """The kicker and title of a SUBJECT line: the memo joins them with its kicker punctuation."""
    if category and value.startswith(category):
        rest = value[len(category) :]
        for sep in KICKER_SEPARATORS:
            if rest.startswith(sep.strip()) or rest.startswith(sep):
                return category, rest.strip().removeprefix(sep.strip()).strip()
    for sep in KICKER_SEPARATORS:
        if sep in value:
            kicker, _, title = value.partition(sep)
            if kicker.strip() and title.strip():
                return kicker.strip(), title.strip()
    return "", value.strip()


def key_points_panel(item: Item) -> list[Paragraph] | None:
    """The key points of a one-cell table headed by a key-points label (the memo's panel), else None."""
    if not isinstance(item, TableItem) or len(item.rows) != 1 or len(item.rows[0]) != 1:
        return None
    paras = [p for p in item.rows[0][0] if not p.empty]
    if not paras or not is_key_points_heading(paras[0].raw):
        return None
    return [Paragraph(inlines=p.inlines) for p in paras[1:]]


def is_key_points_heading(text: str) -> bool:
    """Whether ``text`` is a key-points heading in any label language."""
    return text.strip().rstrip(":：").strip().casefold() in KEY_POINT_HEADINGS


def source_line(para: Para) -> tuple[str, str] | None:
    """``(key, value)`` of a closing Source / By / Keywords line, else None."""
    match = _LEAD.match(para.raw)
    if match is None:
        return None
    return _LEADS[match.group(1).casefold()], para.raw[match.end() :].strip()


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_CJK = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_WORDS = re.compile(r"(\d{1,2})?\.?\s*([^\W\d_]+)\.?\s*(\d{1,2})?,?\s*(\d{4})")


def parse_memo_date(text: str, language: str) -> datetime.date | None:
    """The date a memo's DATE line shows (ISO, 2025年2月8日, February 8, 2025, 8. Februar 2025 ...), or None."""
    try:
        for pattern in (_ISO, _CJK):
            match = pattern.search(text)
            if match:
                return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        match = _WORDS.search(text)
        if match:
            month = _month(match.group(2), language)
            day = match.group(1) or match.group(3)
            if month and day:
                return datetime.date(int(match.group(4)), month, int(day))
    except ValueError:
        return None
    return None


def _month(word: str, language: str) -> int | None:
    from babel.dates import get_month_names

    wanted = word.casefold().rstrip(".")
    for locale in dict.fromkeys((language.replace("-", "_") or "en", language.split("-")[0] or "en", "en")):
        try:
            names: list[Any] = [get_month_names(width, locale=locale) for width in ("wide", "abbreviated")]
        except Exception:  # an unknown locale: try the next
            continue
        for table in names:
            for number, name in table.items():
                if str(name).casefold().rstrip(".") == wanted:
                    return int(number)
    return None
