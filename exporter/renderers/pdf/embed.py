"""TrueType embedding for the one-pager: font subsets made once per process, and text encoded without a loop.

reportlab rebuilds every font subset for every document: it copies the glyphs into a new TrueType file
(``makeSubset``, which copies the whole glyph table first: 7 MB for IPAex), compresses it and its ToUnicode
CMap, and formats the 128 to 256 widths one number at a time. For the sample that was 9 ms of a 60 ms
one-pager, 19 ms of the Japanese one. The objects of a subset depend only on the face, the subset's name and
its characters in order, so ``EmbeddedFont`` keeps their bytes (compressed) in a bounded cache and writes the
same objects, byte for byte, from it; a subset not in the cache is made by ``make_subset``, which reads each
glyph where it lies. Text whose characters already have codes is encoded with one ``str.translate`` instead
of reportlab's loop over the characters (``splitString``).

``EmbeddedFont`` overrides methods of reportlab's ``TTFont`` that are not documented API: ``addObjects``
repeats reportlab 4/5's object layout (same objects, same order, same names) and ``make_subset`` its
``makeSubset``; tests/test_pdf_embed.py compares all three with reportlab's own on the same input.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from itertools import islice
from struct import pack, unpack, unpack_from
from typing import Any

from reportlab.pdfbase import pdfdoc, ttfonts
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    GF_ARG_1_AND_2_ARE_WORDS,
    GF_MORE_COMPONENTS,
    GF_WE_HAVE_A_SCALE,
    GF_WE_HAVE_A_TWO_BY_TWO,
    GF_WE_HAVE_AN_X_AND_Y_SCALE,
    SUBSETN,
    TTFont,
    TTFontMaker,
    _set_ushort,
)

CACHE_BYTES = 8 * 1024 * 1024
"""The most bytes of subset objects kept per process (a Latin subset is ~20 kB, a Japanese one up to ~70 kB)."""


class _Subset:
    """The bytes of one subset's objects that do not depend on the document: widths, ToUnicode, font file."""

    __slots__ = ("font_file", "length1", "size", "to_unicode", "widths")

    def __init__(self, widths: bytes, to_unicode: bytes, font_file: bytes, length1: int) -> None:
        self.widths = widths
        self.to_unicode = to_unicode
        self.font_file = font_file
        self.length1 = length1
        self.size = len(widths) + len(to_unicode) + len(font_file) + 200


_CACHE: OrderedDict[tuple[Any, ...], _Subset] = OrderedDict()
_cached_bytes = 0


def clear_cache() -> None:
    """Forget every cached subset (tests)."""
    global _cached_bytes
    _CACHE.clear()
    _cached_bytes = 0


def _remember(key: tuple[Any, ...], subset: _Subset) -> None:
    global _cached_bytes
    _CACHE[key] = subset
    _cached_bytes += subset.size
    while _cached_bytes > CACHE_BYTES and _CACHE:
        _, old = _CACHE.popitem(last=False)
        _cached_bytes -= old.size


def _component_skip(flags: int) -> int:
    # Bytes after a component's flags and glyph index: its arguments, then its scale or matrix.
    skip = 4 if flags & GF_ARG_1_AND_2_ARE_WORDS else 2
    if flags & GF_WE_HAVE_A_SCALE:
        skip += 2
    elif flags & GF_WE_HAVE_AN_X_AND_Y_SCALE:
        skip += 4
    elif flags & GF_WE_HAVE_A_TWO_BY_TWO:
        skip += 8
    return skip


def make_subset(face: Any, subset: list[int]) -> bytes:
    """reportlab's ``TTFontFile.makeSubset``, byte for byte, reading glyphs where they lie in the font file.

    reportlab copies the whole glyph table for every subset (7 MB for IPAex, most of a Japanese subset's
    cost); this reads each glyph it keeps from the file's bytes instead.
    """
    data = face._ttf_data
    glyph_pos = face.glyphPos
    char_to_glyph = face.charToGlyph
    # New glyph index -> old, old -> new, and each character's new index; 0 -> 0 is the missing glyph.
    glyph_map = [0]
    glyph_set = {0: 0}
    code_to_glyph = {}
    for code in subset:
        old = char_to_glyph.get(code, 0)
        if old not in glyph_set:
            glyph_set[old] = len(glyph_map)
            glyph_map.append(old)
        code_to_glyph[code] = glyph_set[old]

    # The glyphs that composite glyphs are made of come along.
    start = face.get_table_pos("glyf")[0]
    n = 0
    while n < len(glyph_map):
        old = glyph_map[n]
        n += 1
        at = start + glyph_pos[old]
        if glyph_pos[old + 1] == glyph_pos[old] or unpack_from(">h", data, at)[0] >= 0:
            continue
        at += 10
        flags = GF_MORE_COMPONENTS
        while flags & GF_MORE_COMPONENTS:
            flags, index = unpack_from(">HH", data, at)
            if index not in glyph_set:
                glyph_set[index] = len(glyph_map)
                glyph_map.append(index)
            at += 4 + _component_skip(flags)

    output = TTFontMaker()
    for tag in ("name", "OS/2", "cvt ", "fpgm", "prep"):
        if tag in face.table:
            output.add(tag, face.get_table(tag))
    post, post_length = face.get_table_pos("post")
    output.add("post", b"\x00\x03\x00\x00" + data[post + 4 : post + min(16, post_length)] + b"\x00" * 16)

    num_glyphs = len(glyph_map)
    hmtx: list[int] = []
    for old in glyph_map:
        aw, lsb = face.hmetrics[old]
        hmtx.append(int(aw))
        hmtx.append(int(lsb))
    # Trailing glyphs with the last advance width keep only their left side bearings.
    n = len(hmtx) - 2
    while n and hmtx[n] == hmtx[n - 2]:
        n -= 2
    n += 2
    hmtx = hmtx[:n] + hmtx[n + 1 :: 2]
    output.add("hmtx", pack(f">{len(hmtx)}H", *hmtx))
    output.add("hhea", _set_ushort(face.get_table("hhea"), 34, n >> 1))
    output.add("maxp", _set_ushort(face.get_table("maxp"), 4, num_glyphs))

    cmap = [0, 1, 1, 0, 0, 12, 6, 10 + len(subset) * 2, 0, 0, len(subset), *map(code_to_glyph.get, subset)]
    output.add("cmap", pack(f">{len(cmap)}H", *cmap))

    offsets = []
    glyf = []
    pos = 0
    for old in glyph_map:
        offsets.append(pos)
        begin = start + glyph_pos[old]
        length = glyph_pos[old + 1] - glyph_pos[old]
        glyph = data[begin : begin + length]
        if length > 2 and unpack(">h", glyph[:2])[0] < 0:
            # A composite glyph names its components by their new indices.
            at = 10
            flags = GF_MORE_COMPONENTS
            while flags & GF_MORE_COMPONENTS:
                flags, index = unpack_from(">HH", glyph, at)
                glyph = _set_ushort(glyph, at + 2, glyph_set[index])
                at += 4 + _component_skip(flags)
        glyf.append(glyph)
        pos += length
        if pos % 4:
            glyf.append(b"\0" * (4 - pos % 4))
            pos += 4 - pos % 4
    offsets.append(pos)
    output.add("glyf", b"".join(glyf))

    if (pos + 1) >> 1 > 0xFFFF:
        long_format = 1
        loca = pack(f">{len(offsets)}L", *offsets)
    else:
        long_format = 0
        loca = pack(f">{len(offsets)}H", *(offset >> 1 for offset in offsets))
    output.add("loca", loca)
    output.add("head", _set_ushort(face.get_table("head"), 50, long_format))
    stream: bytes = output.makeStream()
    return stream


class _Formatted(pdfdoc.PDFObject):  # type: ignore[misc]
    """A PDF value already formatted (a subset's widths array)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        """The bytes as they were formatted."""
        return self.data


def _flate_stream(data: bytes, **entries: Any) -> Any:
    # The dictionary reportlab writes for a stream it compressed itself: the filter, then the length.
    stream = pdfdoc.PDFStream(pdfdoc.PDFDictionary({"Filter": pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])}))
    stream.dictionary.dict.update(entries)
    stream.content = data
    return stream


class EmbeddedFont(TTFont):  # type: ignore[misc]
    """A TrueType font whose subsets' objects are made once per process and whose text encodes faster."""

    def _subset(self, doc: Any, base_font_name: str, subset: list[int]) -> _Subset:
        face = self.face
        flate = pdfdoc.PDFZCompress
        # What the objects' bytes depend on besides reportlab's settings (pinned while a PDF is made): the
        # ToUnicode writer and the compressor are looked up as reportlab looks them up (see settings.py).
        key = (face, base_font_name, tuple(subset), ttfonts.makeToUnicodeCMap, flate)
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
        widths = pdfdoc.PDFArray(list(map(face.getCharWidth, subset))).format(doc)
        to_unicode = flate.encode(ttfonts.makeToUnicodeCMap(base_font_name, subset))
        font_file = make_subset(face, subset)
        made = _Subset(widths, to_unicode, flate.encode(font_file), len(font_file))
        _remember(key, made)
        return made

    def addObjects(self, doc: Any) -> None:
        """Add the font's subsets to ``doc``: reportlab's objects, their bytes from the cache when known."""
        if not doc.compression or not isinstance(doc.encrypt, pdfdoc.NoEncryption):
            # Uncompressed or encrypted files are never written here; reportlab's own way covers them.
            super().addObjects(doc)
            return
        try:
            state = self.state[doc]
        except KeyError:
            state = self.state[doc] = TTFont.State(self._asciiReadable)
        state.frozen = 1
        face = self.face
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            base_font_name = (b"".join((SUBSETN(n), b"+", face.name, face.subfontNameX))).decode("pdfdoc")
            cached = self._subset(doc, base_font_name, subset)

            pdf_font = pdfdoc.PDFTrueTypeFont()
            pdf_font.__Comment__ = f"Font {self.fontName} subset {n}"
            pdf_font.Name = internal_name
            pdf_font.BaseFont = base_font_name
            pdf_font.FirstChar = 0
            pdf_font.LastChar = len(subset) - 1
            pdf_font.Widths = _Formatted(cached.widths)
            pdf_font.ToUnicode = doc.Reference(_flate_stream(cached.to_unicode), "toUnicodeCMap:" + base_font_name)

            font_file = _flate_stream(cached.font_file, Length1=cached.length1)
            font_file_ref = doc.Reference(font_file, f"fontFile:{face.filename}({base_font_name})")
            descriptor = pdfdoc.PDFDictionary(
                {
                    "Type": "/FontDescriptor",
                    "Ascent": face.ascent,
                    "CapHeight": face.capHeight,
                    "Descent": face.descent,
                    "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                    "FontBBox": pdfdoc.PDFArray(face.bbox),
                    "FontName": pdfdoc.PDFName(base_font_name),
                    "ItalicAngle": face.italicAngle,
                    "StemV": face.stemV,
                    "FontFile2": font_file_ref,
                    "MissingWidth": face.defaultWidth,
                }
            )
            pdf_font.FontDescriptor = doc.Reference(descriptor, "fontDescriptor:" + base_font_name)

            doc.Reference(pdf_font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = pdf_font
        del self.state[doc]

    def splitString(self, text: Any, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        """reportlab's split of ``text`` into (subset, codes) runs, without a loop when every code is known.

        A string whose characters all have codes already (most text, once its letters have been seen) is
        mapped with ``str.translate`` and cut into runs of one subset by a regular expression; any other
        string goes through reportlab, which gives its new characters codes.
        """
        state = self.state.get(doc)
        if state is not None and isinstance(text, str) and text:
            assignments = state.assignments
            table = state.__dict__.get("_xp_codes")
            if table is None:
                table = state._xp_codes = _Codes()
                state._xp_known = 0
            if state._xp_known != len(assignments):
                # reportlab only ever adds codes, so the new ones are the last in the dict.
                for code, n in islice(assignments.items(), state._xp_known, None):
                    if n < 0xD800:  # past that, UTF-16 would not give two bytes a code: reportlab splits those
                        table[code] = chr(n)
                if 32 in table:
                    table[0xA0] = table[32]  # reportlab draws a no-break space as a space
                state._xp_known = len(assignments)
            try:
                mapped = text.translate(table)
            except _Uncoded:
                pass
            else:
                try:
                    return [(0, mapped.encode("latin-1"))]  # every code in the first subset
                except UnicodeEncodeError:
                    # Two bytes a code: the subset, then the code in it.
                    pairs = mapped.encode("utf-16-be")
                    subsets, codes = pairs[0::2], pairs[1::2]
                    return [(m[0][0], codes[m.start() : m.end()]) for m in _RUNS.finditer(subsets)]
        result: list[tuple[int, bytes]] = super().splitString(text, doc, encoding)
        return result


_RUNS = re.compile(rb"(.)\1*", re.DOTALL)
"""Runs of one repeated byte (of one subset)."""


class _Uncoded(Exception):
    """A character without a code (yet)."""


class _Codes(dict[int, str]):
    """Code points to their codes (subset * 256 + code) for ``str.translate``, raising on an unknown one."""

    def __missing__(self, key: int) -> str:
        raise _Uncoded
