"""Recognise PNG, JPEG, GIF, WebP and SVG by content, and read a raster's size from its header alone."""

from __future__ import annotations

import codecs
import re

PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
SVG = "image/svg+xml"

NAMES = {PNG: "PNG", JPEG: "JPEG", GIF: "GIF", WEBP: "WebP", SVG: "SVG"}
"""The short name of each media type, for messages."""

EXTENSIONS = {PNG: ".png", JPEG: ".jpg", GIF: ".gif", WEBP: ".webp", SVG: ".svg"}
"""A file extension for each media type, for packages that name their image parts."""

_SVG_WINDOW = 64 * 1024
# What may come before an SVG's root element: white space, the XML declaration, comments, processing
# instructions and a document type declaration (whose internal subset the SVG check refuses later).
_PROLOG = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE\s+[^\[>]*(?:\[.*?\])?\s*>", re.DOTALL)
_SVG_ROOT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?svg[\s/>]")


def sniff(data: bytes) -> str | None:
    """The media type of an image recognised by its first bytes, or None; file names play no part."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if _looks_like_svg(data[:_SVG_WINDOW]):
        return SVG
    return None


def _looks_like_svg(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", "ignore")
    else:
        text = head.removeprefix(codecs.BOM_UTF8).decode("utf-8", "ignore")
    pos = 0
    while match := _PROLOG.match(text, pos):
        pos = match.end()
    return _SVG_ROOT.match(text, pos) is not None


def header_size(data: bytes, media_type: str) -> tuple[int, int] | None:
    """(width, height) in pixels from a raster's header, or None when the header is broken; nothing is decoded."""
    size: tuple[int, int] | None
    if media_type == PNG:
        size = _png(data)
    elif media_type == JPEG:
        size = _jpeg(data)
    elif media_type == GIF:
        size = (_u16le(data, 6), _u16le(data, 8)) if len(data) >= 10 else None
    elif media_type == WEBP:
        size = _webp(data)
    else:
        return None
    return size if size and size[0] > 0 and size[1] > 0 else None


def webp_is_lossless(data: bytes) -> bool:
    """Whether a WebP holds a lossless (VP8L) bitstream rather than a lossy (VP8) one."""
    return _webp_chunk(data, b"VP8L") is not None


def _u16le(data: bytes, at: int) -> int:
    return data[at] | data[at + 1] << 8


def _u16be(data: bytes, at: int) -> int:
    return data[at] << 8 | data[at + 1]


def _png(data: bytes) -> tuple[int, int] | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


# Start-of-frame markers (baseline, extended, progressive, lossless; Huffman and arithmetic); C4, C8 and CC
# sit in that range but are other tables.
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _jpeg(data: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte before a marker
            at += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            at += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image or start of scan before any frame header
            return None
        length = _u16be(data, at + 2)
        if length < 2:
            return None
        if marker in _SOF:
            if at + 9 > len(data):
                return None
            # A height of 0 means "given later by a DNL marker": too rare to read, so refused as broken.
            return _u16be(data, at + 7), _u16be(data, at + 5)
        at += 2 + length
    return None


def _webp_chunk(data: bytes, fourcc: bytes) -> int | None:
    """Offset of the payload of the first chunk ``fourcc`` among the first few chunks, or None."""
    at = 12
    for _ in range(16):  # VP8X, ICCP, ANIM, ANMF, ALPH … come first; the bitstream chunk is near the front
        if at + 8 > len(data):
            return None
        if data[at : at + 4] == fourcc:
            return at + 8
        size = int.from_bytes(data[at + 4 : at + 8], "little")
        if data[at : at + 4] == b"ANMF":  # an animation frame wraps its bitstream: look inside it
            at += 8 + 16
            continue
        at += 8 + size + (size & 1)
    return None


def _webp(data: bytes) -> tuple[int, int] | None:
    if len(data) < 30:
        return None
    kind = data[12:16]
    if kind == b"VP8X":
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    if kind == b"VP8L":
        if data[20] != 0x2F:
            return None
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, (bits >> 14 & 0x3FFF) + 1
    if kind == b"VP8 ":
        if data[23:26] != b"\x9d\x01\x2a":
            return None
        return _u16le(data, 26) & 0x3FFF, _u16le(data, 28) & 0x3FFF
    return None
