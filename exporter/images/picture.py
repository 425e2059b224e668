"""A processed image (the value documents and renderers share) and the fit of a size into a box."""

from __future__ import annotations

import hashlib

import msgspec

from .sniff import EXTENSIONS

PX_PER_INCH = 96
"""CSS pixels per inch: an image's natural size is its pixels at this density (divided by its scale)."""
POINTS_PER_PX = 72 / PX_PER_INCH


class Picture(msgspec.Struct, frozen=True, kw_only=True):
    """Image bytes ready to embed: upright, without metadata, in a format the outputs take.

    ``key`` is the SHA-256 of ``data`` in hex: equal images share one key, so a package stores them once.
    ``scale`` is raster pixels per CSS pixel: 1 for photos and charts, 2 for an SVG rasterised at twice
    its declared size, so it still shows at that size.
    """

    key: str
    media_type: str
    data: bytes
    width: int
    height: int
    scale: float = 1.0

    def __post_init__(self) -> None:
        """Refuse a picture whose size or scale is not positive."""
        if self.width <= 0 or self.height <= 0 or not self.scale > 0:
            raise ValueError(f"Picture needs a positive size and scale, not {self.width}×{self.height} at {self.scale}")

    @classmethod
    def of(cls, data: bytes, media_type: str, width: int, height: int, scale: float = 1.0) -> Picture:
        """A picture of ``data`` with its key computed."""
        return cls(
            key=hashlib.sha256(data).hexdigest(),
            media_type=media_type,
            data=data,
            width=width,
            height=height,
            scale=scale,
        )

    @property
    def extension(self) -> str:
        """The file extension for its media type (``.png``, ``.jpg`` …)."""
        return EXTENSIONS.get(self.media_type, ".bin")

    @property
    def file_name(self) -> str:
        """A stable part name inside a package: the first 16 hex digits of the key and the extension."""
        return self.key[:16] + self.extension

    @property
    def natural_size_pt(self) -> tuple[float, float]:
        """(width, height) in points at 96 CSS pixels per inch, the scale taken off."""
        return self.width / self.scale * POINTS_PER_PX, self.height / self.scale * POINTS_PER_PX

    def display_size(self, max_width_pt: float, max_height_pt: float | None = None) -> tuple[float, float]:
        """(width, height) in points: the natural size, shrunk to fit the box keeping the aspect ratio."""
        width, height = self.natural_size_pt
        return fit(width, height, max_width_pt, max_height_pt)


def fit(width: float, height: float, max_width: float, max_height: float | None = None) -> tuple[float, float]:
    """``width`` × ``height`` shrunk (never enlarged) to fit ``max_width`` × ``max_height``, aspect kept."""
    if width <= 0 or height <= 0 or max_width <= 0 or (max_height is not None and max_height <= 0):
        raise ValueError("fit() needs positive sizes")
    ratio = min(1.0, max_width / width, (max_height / height) if max_height is not None else 1.0)
    return width * ratio, height * ratio
