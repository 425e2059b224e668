"""Faster equivalents of two reportlab helpers every PDF object goes through, swapped in while a PDF is made.

Writing a one-pager formats ~900 values; each is encoded by ``pdfdoc.pdfdocEnc`` (reportlab's own codec, a
Python call per string, ~6 us) and each dictionary key is escaped by ``pdfdoc.PDFName`` (a loop over its
characters). ``pdfdoc_enc`` encodes ASCII strings with the ASCII codec, which gives the same bytes, and
``pdf_name`` remembers the names it has escaped. Both are module globals of ``reportlab.pdfbase.pdfdoc``,
looked up when called; ``swapped`` installs them and puts reportlab's back afterwards (see settings.py).
tests/test_pdf_embed.py compares both with reportlab's on every ASCII character and sample strings.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterator
from typing import Any

import reportlab
from reportlab.pdfbase import pdfdoc

TESTED = ("5.1",)
"""reportlab versions (major.minor) whose undocumented internals this module, embed.py and drawing.py replace,
as tests/test_pdf_embed.py checks them against reportlab's own."""
TUNED = ".".join(reportlab.Version.split(".")[:2]) in TESTED
"""Whether the replacements are used: with another reportlab its own methods run (slower, the same PDF)."""

_PDFDOC_ENC = pdfdoc.pdfdocEnc
_PDF_NAME = pdfdoc.PDFName
_NOT_PDFDOC = re.compile("[\x18-\x1f]")
"""The ASCII characters reportlab's codec refuses (it raises for them; the ASCII codec would not)."""


def pdfdoc_enc(x: Any) -> Any:
    """``pdfdoc.pdfdocEnc``: a string in PDFDocEncoding as bytes, anything else as it is."""
    if isinstance(x, str):
        if x.isascii() and not _NOT_PDFDOC.search(x):
            return x.encode("ascii")
        return x.encode("extpdfdoc")
    return x


@functools.lru_cache(maxsize=4096)
def _name(data: str) -> str:
    name: str = _PDF_NAME(data)
    return name


def pdf_name(data: Any, lo: str = chr(0x21), hi: str = chr(0x7E)) -> str:
    """``pdfdoc.PDFName``: ``data`` as a PDF name, escaped; names with reportlab's bounds are remembered."""
    if type(data) is str and lo == "\x21" and hi == "\x7e":
        return _name(data)
    name: str = _PDF_NAME(data, lo, hi)
    return name


@contextlib.contextmanager
def swapped() -> Iterator[None]:
    """Run the body with ``pdfdoc_enc`` and ``pdf_name`` in place of reportlab's helpers."""
    pdfdoc.pdfdocEnc = pdfdoc_enc
    pdfdoc.PDFName = pdf_name
    try:
        yield
    finally:
        pdfdoc.pdfdocEnc = _PDFDOC_ENC
        pdfdoc.PDFName = _PDF_NAME
