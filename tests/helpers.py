"""Test helpers: fixture paths, hostile strings, outside tools, and word-level text comparison."""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from collections import Counter
from pathlib import Path

import msgspec
import pytest

from exporter.model import Document

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLE_TXT = ROOT / "sources" / "japan-us-summit.txt"
SAMPLE_MD = ROOT / "sources" / "markdown" / "japan-us-summit.md"
JAPANESE_TXT = DATA / "ja-summit.txt"
RICH_MD = DATA / "rich.md"

HOSTILE_STRINGS = (
    "<b>",
    "AT&T",
    "&bogus;",
    "<script>alert(1)</script>",
    "]]>",
    '<font color="[[[getattr(pow, Word("__globals__"))]]]">',
    '<img src="/etc/hostname"/>',
    "</para>",
    "&#0;",
    "<![CDATA[",
)
"""Markup-like strings that every renderer must show literally."""

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
_WORD = re.compile(r"\w+")


def require_tool(name: str) -> str:
    """The path of an outside tool; skip locally when missing, fail under CI=true."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is required under CI=true but is not installed")
        pytest.skip(f"{name} is not installed")
    return path


def document_strings(doc: Document) -> list[str]:
    """Every text string of a document that a reader should see (not URLs, ids or languages)."""
    skip_keys = {"url", "language", "identifier", "type", "date", "schema", "level", "start"}
    out: list[str] = []

    def walk(value: object, key: str = "") -> None:
        if isinstance(value, str):
            if key not in skip_keys:
                out.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)

    walk(msgspec.to_builtins(doc))
    return out


def words(text: str) -> Counter[str]:
    """Word tokens of ``text`` (NFKC, case-folded); each CJK character counts as one token."""
    text = unicodedata.normalize("NFKC", text).casefold()
    tokens: list[str] = []
    for token in _WORD.findall(text):
        if _CJK.search(token):
            tokens.extend(ch for ch in token)
        else:
            tokens.append(token)
    return Counter(tokens)


def missing_words(expected: str | Document, actual: str) -> Counter[str]:
    """Tokens of ``expected`` that ``actual`` holds fewer times (empty when no word was lost)."""
    if isinstance(expected, Document):
        expected = "\n".join(document_strings(expected))
    return words(expected) - words(actual)
