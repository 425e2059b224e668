"""Per-document font subsets (fontTools), cached in a process, and what a font's licence lets a document carry."""

from __future__ import annotations

import functools
import io
import struct
from typing import Literal

from .typefaces import FontFile, font_bytes


@functools.lru_cache(maxsize=32)
def subset_font(file: FontFile, chars: frozenset[str]) -> bytes:
    """A TrueType subset of ``file`` that draws ``chars``: layout features kept, hinting dropped, same bytes each run.

    Cached per (face, character set) for the life of the process, so a batch, or the DOCX and the EPUB of one
    document, subset a font once (IPAex takes ~150-300 ms).
    """
    # Imported here: fontTools costs ~100 ms to import, and the PDF and JSON renderers never need it.
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.hinting = False  # hinting is most of a TrueType file's bulk and screens at e-reader sizes ignore it
    options.desubroutinize = True
    options.notdef_outline = True  # a character the subset lacks shows a box, not nothing
    options.recalc_timestamp = False
    options.name_legacy = True
    options.name_languages = ["*"]  # IPAex names its families in Japanese too; Word matches either name
    # The default layout features: the OpenType substitutions and positioning that shape Arabic, Devanagari,
    # Thai and vertical Japanese; the subsetter keeps every glyph they can reach from ``chars``.
    font = TTFont(io.BytesIO(font_bytes(file)), recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(map(ord, chars)))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out, reorderTables=True)
    return out.getvalue()


RESTRICTED = 0x0002
"""OS/2 ``fsType`` bit 1: restricted licence embedding (the font must not be embedded)."""
PREVIEW_AND_PRINT, EDITABLE = 0x0004, 0x0008
"""OS/2 ``fsType`` bits 2 and 3: embedding allowed (a document opened read-only, or for editing)."""
NO_SUBSETTING = 0x0100
"""OS/2 ``fsType`` bit 8: the font may be embedded only whole."""
BITMAP_ONLY = 0x0200
"""OS/2 ``fsType`` bit 9: only the font's bitmaps may be embedded (its outlines not)."""

Embedding = Literal["subset", "whole", "refused"]


@functools.lru_cache(maxsize=64)
def fs_type(file: FontFile) -> int:
    """The OS/2 table's ``fsType`` (embedding licensing rights) of a TrueType file; 0 when it has no OS/2 table."""
    data = font_bytes(file)
    if len(data) < 12:
        return 0
    (count,) = struct.unpack_from(">H", data, 4)
    for index in range(count):
        record = 12 + 16 * index
        if record + 16 > len(data):
            break
        tag, _checksum, offset, _length = struct.unpack_from(">4sIII", data, record)
        if tag == b"OS/2" and offset + 10 <= len(data):
            return int(struct.unpack_from(">H", data, offset + 8)[0])
    return 0


def embedding(file: FontFile) -> Embedding:
    """What a face's licence lets a document carry: a subset, the whole font, or nothing.

    The usage bits follow the OpenType rule that the least restrictive one set wins: installable (none),
    editable and preview & print embed; restricted alone, or outlines refused (bitmaps only), refuse.
    """
    flags = fs_type(file)
    usage = flags & 0x000F
    if (usage & RESTRICTED and not usage & (PREVIEW_AND_PRINT | EDITABLE)) or flags & BITMAP_ONLY:
        return "refused"
    return "whole" if flags & NO_SUBSETTING else "subset"


def face_bytes(file: FontFile, chars: frozenset[str], *, whole: bool = False) -> bytes:
    """The bytes a document carries for a face: a subset drawing ``chars``, or the file itself when ``whole``."""
    return font_bytes(file) if whole else subset_font(file, chars)


def renamed(data: bytes, family: str) -> bytes:
    """A TrueType font with its family called ``family`` in its name table (family, full and PostScript names)."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    table = font["name"]
    style = str(table.getDebugName(2) or "Regular")
    full = family if style == "Regular" else f"{family} {style}"
    postscript = family.replace(" ", "") + ("" if style == "Regular" else "-" + style.replace(" ", ""))
    table.names = [record for record in table.names if record.nameID not in (16, 17, 21, 22)]
    for record in table.names:
        value = {1: family, 3: postscript, 4: full, 6: postscript}.get(record.nameID)
        if value is not None:
            record.string = value
    out = io.BytesIO()
    font.save(out, reorderTables=True)
    return out.getvalue()
