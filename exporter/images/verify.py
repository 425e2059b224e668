"""A picture that arrives ready-made (a JSON model's resource) checked before anything embeds it.

Such bytes never went through ``process``: they are taken only when they are what ``process`` makes (a
PNG, JPEG, GIF or WebP whose content, key and size agree, within the limits, decoding whole, carrying no
metadata). They are not re-encoded, so a model that ``exporter inspect`` printed renders to the same bytes.
"""

from __future__ import annotations

import hashlib
import io

from .limits import Limits, check_bytes, check_pixels
from .picture import Picture
from .raster import PIL_FORMATS
from .refusal import ImageRefused
from .sniff import GIF, JPEG, NAMES, PNG, WEBP, header_size, sniff

_TAKEN = frozenset({PNG, JPEG, GIF, WEBP})
_METADATA = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop", "iptc")


def verify(picture: Picture, limits: Limits) -> None:
    """Refuse a ready-made picture that is not one ``process`` could have made (``ImageRefused`` says why)."""
    data = picture.data
    check_bytes(len(data), limits)
    if hashlib.sha256(data).hexdigest() != picture.key:
        raise ImageRefused("its key is not the SHA-256 of its bytes")
    kind = sniff(data)
    if kind not in _TAKEN:
        raise ImageRefused("its bytes are not a PNG, JPEG, GIF or WebP image")
    if kind != picture.media_type:
        raise ImageRefused(f"its bytes are a {NAMES[kind]}, not the {picture.media_type} it declares")
    size = header_size(data, kind)
    if size is None:
        raise ImageRefused(f"it is a corrupt {NAMES[kind]}: its header has no image size")
    check_pixels(*size, limits)
    if size != (picture.width, picture.height):
        raise ImageRefused(f"its bytes are {size[0]} × {size[1]} pixels, not the {picture.width} × {picture.height}")
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data), formats=[PIL_FORMATS[kind]]) as image:
            image.load()
            carried = [key for key in _METADATA if image.info.get(key)]
            if image.getexif() or getattr(image, "text", None):
                carried.append("EXIF or text")
    except Exception as exc:  # Pillow signals a broken file with many exception types
        raise ImageRefused(f"it is a corrupt or unreadable {NAMES[kind]} ({type(exc).__name__})") from None
    if carried:
        raise ImageRefused(f"it carries metadata ({', '.join(carried)}); export from the image file, which strips it")
