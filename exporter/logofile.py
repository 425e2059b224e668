"""The logo a style names (``[brand] logo``): read once with the image rules, its picture carried by the style."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .errors import StyleError, printable
from .images import DEFAULT_LIMITS, SVG, ImageRefused, Limits, Picture, process, sniff
from .images.limits import amount

LOGO_SVG_HEIGHT = 600
"""Pixels an SVG logo is rasterised to, at least, in height: sharp on the EPUB cover, not only in a page header."""
_MAX_SVG_SCALE = 16.0
_PROCESSED: dict[str, Picture] = {}
"""Logos processed in this process, by the SHA-256 of their file: every style load would rasterise again."""
_KEPT = 16


def logo_picture(data: bytes) -> Picture:
    """The logo's bytes made safe to embed (``images.process``); an SVG rasterised tall enough for a cover."""
    digest = hashlib.sha256(data).hexdigest()
    known = _PROCESSED.get(digest)
    if known is not None:
        return known
    limits = DEFAULT_LIMITS
    if sniff(data) == SVG:
        from .images.svg import intrinsic_size, sanitise

        _, height = intrinsic_size(sanitise(data, limits))
        scale = min(_MAX_SVG_SCALE, max(limits.svg_scale, LOGO_SVG_HEIGHT / height))
        limits = Limits(svg_scale=scale)
    picture = process(data, limits)
    if len(_PROCESSED) >= _KEPT:
        _PROCESSED.clear()
    _PROCESSED[digest] = picture
    return picture


def read_logo(path: Path, style_file: Path) -> Picture:
    """Read and process the logo file a style names; anything wrong is a one-line ``StyleError``."""
    shown = printable(str(path))
    where = f"{style_file}: `brand.logo`"
    try:
        if not path.is_file():
            what = "is not a file" if path.exists() else "does not exist"
            raise StyleError(f"{where} names {shown}, which {what} (paths are relative to the style file)")
        size = path.stat().st_size
        limit = DEFAULT_LIMITS.max_image_bytes
        if size > limit:
            raise StyleError(f"{where}: {shown} is {size:,} bytes, over the limit of {amount(limit)} per image")
        data = path.read_bytes()
    except OSError as exc:
        raise StyleError(f"{where}: cannot read {shown}: {exc.strerror}") from None
    try:
        return logo_picture(data)
    except ImageRefused as exc:
        raise StyleError(f"{where}: {shown} refused: {exc.reason}") from None
    except Exception as exc:  # a bug here or in a library must give one line, not a traceback
        raise StyleError(f"{where}: {shown} could not be processed ({type(exc).__name__})") from None
