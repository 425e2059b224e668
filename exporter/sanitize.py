"""Removal of characters that XML cannot hold, applied once at the model boundary."""

from __future__ import annotations

import re
from typing import Any

import msgspec

# C0 controls except tab/LF/CR, the two BMP non-characters XML forbids, and lone surrogates; also DEL and
# the C1 controls, which XML allows but nothing draws: the PDF dropped them silently while the DOCX kept them.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


# In msgspec's JSON an illegal character is either raw (DEL, C1, U+FFFE, U+FFFF) or escaped (\u0000, \b, \f);
# a lone surrogate cannot be encoded at all. A literal backslash before b, f or u00 may match as well, which
# only costs the full walk.
_SUSPECT = re.compile(r"\\u00[01][0-9a-fA-F]|\\[bf]|[\x7f-\x9f\ufffe\uffff]")


def may_need_cleaning(value: Any) -> bool:
    """False when no string in ``value`` holds a character ``clean_text`` removes (one C-speed pass)."""
    try:
        encoded = msgspec.json.encode(value).decode("utf-8")
    except (UnicodeError, TypeError, ValueError):
        return True
    return _SUSPECT.search(encoded) is not None


def clean_text(text: str) -> tuple[str, int]:
    """Return ``text`` without XML-illegal characters and how many were removed; line ends become LF."""
    # Text sources are already LF-only; a JSON string can still carry "\r", which XML parsers turn into
    # a line feed anyway and the PDF's code blocks did not draw at all.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned, count = _ILLEGAL.subn("", text)
    return cleaned, count


def clean_tree(value: Any) -> tuple[Any, int]:
    """Clean every string (keys too) inside nested dicts, lists and tuples; return it and the count."""
    if isinstance(value, str):
        return clean_text(value)
    # msgspec.to_builtins keeps the model's tuples as tuples: they hold most of a document's text.
    if isinstance(value, list | tuple):
        total = 0
        items = []
        for item in value:
            cleaned, count = clean_tree(item)
            items.append(cleaned)
            total += count
        return (items if isinstance(value, list) else tuple(items)), total
    if isinstance(value, dict):
        total = 0
        out: dict[Any, Any] = {}
        for key, item in value.items():
            ckey, kcount = clean_tree(key)
            citem, icount = clean_tree(item)
            out[ckey] = citem
            total += kcount + icount
        return out, total
    return value, 0
