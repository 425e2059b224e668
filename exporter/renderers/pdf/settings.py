"""reportlab pinned while a PDF is made: its shipped settings, a ToUnicode fix for characters past U+FFFF, and
a faster compression level.

reportlab reads ``~/.reportlab_settings``, a ``reportlab_settings`` module and ``RL_*`` environment variables
at import; any of them (``pageCompression=0``, say) would change the bytes of every PDF, so two users would
not get identical files. The defaults are restored for the duration of a render and the user's values put
back afterwards.

reportlab 4/5 writes the ToUnicode entry of a character beyond the BMP (𠀋, 𩸽, many names in Japanese) as
an odd-length hex string (``<2000B>``): the glyph is drawn, but its text cannot be extracted, searched or
copied, and poppler drops the rest of the line. The entry is rewritten as the UTF-16 surrogate pair PDF wants.

reportlab compresses every stream (page contents, font files, ToUnicode CMaps) with zlib's default level 6
through one filter object, ``pdfdoc.PDFZCompress``, looked up when a stream is written. While a PDF is made
that object is ``FLATE``, the same filter at ``FLATE_LEVEL``: a font file compresses in about half the time
for a file ~2% larger (measured on the samples: see the commit that set it). Pictures are compressed by
reportlab's image code, not through the filter, and stay as they were.
"""

from __future__ import annotations

import contextlib
import re
import zlib
from collections.abc import Iterator, Sequence
from typing import Any

from reportlab import rl_config, rl_settings
from reportlab.pdfbase import pdfdoc, ttfonts

from .tuning import TUNED, swapped

_SHIPPED: dict[str, Any] = {name: getattr(rl_settings, name) for name in rl_settings.__all__}
_ASTRAL = re.compile(r"^(<[0-9A-F]{2}>) <([0-9A-F]{5,6})>$", re.MULTILINE)
_make_to_unicode = ttfonts.makeToUnicodeCMap
_FLATE_DEFAULT = pdfdoc.PDFZCompress

FLATE_LEVEL = 3
"""zlib level of every stream reportlab compresses (zlib's fast match search; reportlab's default is 6)."""


class Flate(pdfdoc.PDFStreamFilterZCompress):  # type: ignore[misc]
    """reportlab's FlateDecode filter at ``FLATE_LEVEL``."""

    def encode(self, text: str | bytes) -> bytes:
        """The stream compressed (text as UTF-8, as reportlab's filter does)."""
        return zlib.compress(text.encode("utf8") if isinstance(text, str) else text, FLATE_LEVEL)


FLATE = Flate()
"""The filter reportlab compresses with while a PDF is made."""


def _utf16(match: re.Match[str]) -> str:
    cp = int(match.group(2), 16) - 0x10000
    return f"{match.group(1)} <{0xD800 + (cp >> 10):04X}{0xDC00 + (cp & 0x3FF):04X}>"


def to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """reportlab's ToUnicode CMap with every character past U+FFFF as a UTF-16 surrogate pair."""
    cmap: str = _make_to_unicode(fontname, subset)
    return _ASTRAL.sub(_utf16, cmap)


@contextlib.contextmanager
def shipped_settings() -> Iterator[None]:
    """Run the body with reportlab's shipped settings, the ToUnicode fix, ``FLATE`` and tuning.py's helpers."""
    missing = object()
    saved = {name: getattr(rl_config, name, missing) for name in _SHIPPED}
    changed = [name for name, value in _SHIPPED.items() if saved[name] is missing or saved[name] != value]
    for name in changed:
        setattr(rl_config, name, _SHIPPED[name])
    ttfonts.makeToUnicodeCMap = to_unicode_cmap
    pdfdoc.PDFZCompress = FLATE
    try:
        with swapped() if TUNED else contextlib.nullcontext():
            yield
    finally:
        ttfonts.makeToUnicodeCMap = _make_to_unicode
        pdfdoc.PDFZCompress = _FLATE_DEFAULT
        for name in changed:
            if saved[name] is missing:
                delattr(rl_config, name)
            else:
                setattr(rl_config, name, saved[name])
