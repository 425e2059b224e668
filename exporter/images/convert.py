"""A processed picture in a format an output takes: WebP becomes PNG for DOCX and PDF, for instance."""

from __future__ import annotations

import io
from collections.abc import Collection

from .picture import Picture
from .raster import PIL_FORMATS, encode
from .sniff import GIF, JPEG, PNG, WEBP

DOCX_TYPES = frozenset({PNG, JPEG, GIF})
"""What python-docx embeds among our formats (it also takes BMP and TIFF, which this package never makes)."""
PDF_TYPES = frozenset({PNG, JPEG})
"""What the one-pager embeds: reportlab passes JPEG through and decodes PNG itself."""
EPUB_TYPES = frozenset({PNG, JPEG, GIF, WEBP})
"""EPUB 3.3 core media types among our formats (WebP became one in 3.3)."""


def convert(picture: Picture, accept: Collection[str]) -> Picture:
    """``picture`` itself when its type is accepted, else re-encoded as PNG (or JPEG when PNG is not accepted)."""
    if picture.media_type in accept:
        return picture
    if PNG in accept:
        target = PNG
    elif JPEG in accept:
        target = JPEG
    else:
        raise ValueError(f"convert() can make PNG or JPEG, and {sorted(accept)} has neither")
    from PIL import Image

    with Image.open(io.BytesIO(picture.data), formats=[PIL_FORMATS[picture.media_type]]) as image:
        image.load()
        data = encode(image, target)
    return Picture.of(data, target, picture.width, picture.height, picture.scale)
