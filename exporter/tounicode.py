"""reportlab's ToUnicode CMap with UTF-16 surrogate pairs, so that emoji and other astral characters extract.

reportlab (5.1 and earlier) writes each subset glyph's Unicode value as ``<%04X>``: U+1F600 becomes the five
digits ``<1F600>``, which text extraction reads as U+1F60 and a stray nibble (pdftotext prints "ὠ" for 😀).
The PDF reference wants the destination as UTF-16BE, a surrogate pair beyond the BMP: ``<D83DDE00>``. The PDF
renderer calls ``install`` once before it embeds fonts; nothing else changes in the CMap.
"""

from __future__ import annotations

from collections.abc import Sequence


def _utf16(code: int) -> str:
    if code < 0x10000:
        return f"{code:04X}"
    return chr(code).encode("utf-16-be").hex().upper()


def to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """The ToUnicode CMap of one embedded subset (reportlab's, with UTF-16 destinations)."""
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{_utf16(code)}>" for i, code in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


def install() -> None:
    """Make reportlab write ``to_unicode_cmap`` for every TrueType subset it embeds from now on (idempotent)."""
    from reportlab.pdfbase import ttfonts

    ttfonts.makeToUnicodeCMap = to_unicode_cmap
