"""The Unicode blocks of each script the toolkit tells apart, in one table: detection, direction and fonts use it."""

from __future__ import annotations

BLOCKS: dict[str, tuple[tuple[int, int], ...]] = {
    "cyrillic": ((0x0400, 0x04FF), (0x0500, 0x052F)),
    "greek": ((0x0370, 0x03FF), (0x1F00, 0x1FFF)),
    "arabic": ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFC)),
    "hebrew": ((0x0590, 0x05FF), (0xFB1D, 0xFB4F)),
    "devanagari": ((0x0900, 0x097F), (0xA8E0, 0xA8FF)),
    "thai": ((0x0E00, 0x0E7F),),
    "hangul": ((0xAC00, 0xD7AF), (0x1100, 0x11FF), (0x3130, 0x318F)),
    "kana": ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F)),
    "han": ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F)),
}
"""Every script but Latin, by name: its blocks as inclusive code-point ranges (Arabic with its extensions and
presentation forms, Devanagari with Devanagari Extended)."""


def in_script(cp: int, script: str) -> bool:
    """Whether code point ``cp`` lies in one of ``script``'s blocks."""
    return any(first <= cp <= last for first, last in BLOCKS[script])
