"""A JPEG encoded again only in the rows of MCUs that changed since a base image, byte for byte as a whole encode.

With a restart marker after every row of MCUs (16 pixels at 4:2:0), a row's entropy-coded bytes depend on its
own pixels alone: the DC predictions restart, the bit buffer is flushed, and colour conversion, 4:2:0
downsampling and the DCT never look outside one MCU. So a row the cover did not draw on keeps the base's bytes,
and the rows it drew on are encoded as bands and put in their places; only the markers' numbers are set anew.
The result equals encoding the whole image with the same settings (a test checks it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...images import JPEG
from ...images.raster import encode

if TYPE_CHECKING:
    from PIL import Image

ROW = 16
"""Pixel rows in one row of MCUs with 4:2:0 chroma subsampling."""
_SOS = 0xDA
_EOI = b"\xff\xd9"
_RESTART = re.compile(rb"\xff[\xd0-\xd7]")
"""A restart marker: in entropy-coded data a 0xFF byte is followed by 0x00 or by a marker."""


@dataclass(frozen=True)
class RowJpeg:
    """A baseline JPEG with a restart marker after every row of MCUs: its headers and each row's bytes."""

    head: bytes
    """Everything up to the entropy-coded data: SOI, tables, frame, restart interval, scan header."""
    rows: tuple[bytes, ...]
    """Each row's entropy-coded bytes, without the marker after it."""

    def join(self) -> bytes:
        """The JPEG file."""
        parts = [self.head]
        for index, row in enumerate(self.rows):
            if index:
                parts.append(bytes((0xFF, 0xD0 + (index - 1) % 8)))
            parts.append(row)
        parts.append(_EOI)
        return b"".join(parts)


def _split(data: bytes, rows: int) -> RowJpeg | None:
    """``data`` cut at its restart markers; None unless it has exactly ``rows`` rows (an encoder without them)."""
    at = 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
        if marker == _SOS:
            break
    else:
        return None
    if not data.endswith(_EOI):
        return None
    pieces = tuple(_RESTART.split(data[at:-2]))
    return RowJpeg(data[:at], pieces) if len(pieces) == rows else None


def encode_rows(image: Image.Image) -> RowJpeg | None:
    """``image`` (its height a multiple of ``ROW``) as a JPEG cut into rows; None if Pillow writes no restarts."""
    return _split(encode(image, JPEG, optimize=False, restart_rows=1), image.height // ROW)


def changed(base: RowJpeg, image: Image.Image, rows: Iterable[int]) -> bytes:
    """The JPEG of ``image``, which differs from the one ``base`` was encoded from only in ``rows`` of MCUs."""
    out = list(base.rows)
    wanted = sorted(set(rows))
    start = 0
    while start < len(wanted):
        end = start  # the band of consecutive rows from wanted[start] to wanted[end]
        while end + 1 < len(wanted) and wanted[end + 1] == wanted[end] + 1:
            end += 1
        first, count = wanted[start], end - start + 1
        crop = image.crop((0, first * ROW, image.width, (first + count) * ROW))
        band = _split(encode(crop, JPEG, optimize=False, restart_rows=1), count)
        if band is None:
            return encode(image, JPEG, optimize=False, restart_rows=1)
        out[first : first + count] = band.rows
        start = end + 1
    return RowJpeg(base.head, tuple(out)).join()
