"""The size limits of issue 13 and the per-document budget that counts the bytes taken so far."""

from __future__ import annotations

from dataclasses import dataclass

from .refusal import ImageRefused

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Limits checked before any image is decoded; the defaults are the issue's."""

    max_image_bytes: int = 10 * MIB
    """Largest image file (10 MiB)."""
    max_document_bytes: int = 50_000_000
    """Largest total of a document's distinct image files (50 MB)."""
    max_pixels: int = 40_000_000
    """Largest image, a raster made from an SVG included (40 megapixels)."""
    svg_scale: float = 2.0
    """Raster pixels per CSS pixel of an SVG (2: sharp at about 192 dpi), lowered to keep within max_pixels."""
    max_svg_side: int = 16_384
    """Longest side of an SVG's raster, in pixels."""
    max_svg_nodes: int = 250_000
    """Most SVG elements once every ``<use>`` and ``url(#…)`` reference is counted as a copy of its target."""
    max_svg_filter_work: float = 20.0
    """Most filter passes × raster megapixels of an SVG (6 to 12 s of resvg at most); the raster shrinks to fit."""

    def __post_init__(self) -> None:
        for name in ("max_image_bytes", "max_document_bytes", "max_pixels", "max_svg_side", "max_svg_nodes"):
            value = getattr(self, name)
            if type(value) is not int or value <= 0:
                raise ValueError(f"Limits.{name} must be a positive int, not {value!r}")
        if not self.max_svg_filter_work > 0:
            raise ValueError(f"Limits.max_svg_filter_work must be positive, not {self.max_svg_filter_work!r}")
        if not 0 < self.svg_scale <= 16:
            raise ValueError(f"Limits.svg_scale must be in (0, 16], not {self.svg_scale!r}")


DEFAULT_LIMITS = Limits()
"""The issue's limits: 10 MiB per image, 50 MB per document, 40 megapixels."""


def check_pixels(width: int, height: int, limits: Limits, what: str = "it has ") -> None:
    """Refuse a width × height over the pixel limit (read from a header, before decoding)."""
    if width * height > limits.max_pixels:
        megapixels = limits.max_pixels / 1_000_000
        raise ImageRefused(
            f"{what}{width:,} × {height:,} pixels, over the limit of {megapixels:g} megapixels per image"
        )


def check_bytes(size: int, limits: Limits) -> None:
    """Refuse a file larger than the per-image limit."""
    if size > limits.max_image_bytes:
        raise ImageRefused(f"{size:,} bytes is over the limit of {amount(limits.max_image_bytes)} per image")


def amount(size: int) -> str:
    """A byte count as the limits are written: ``10 MiB``, ``50 MB``, else the exact count."""
    if size % MIB == 0:
        return f"{size // MIB} MiB"
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000} MB"
    return f"{size:,} bytes"


class Budget:
    """The bytes of distinct image files one document has taken, against ``max_document_bytes``."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limit = limits.max_document_bytes
        self.spent = 0
        self._seen: set[str] = set()

    def check(self, key: str, size: int) -> None:
        """Refuse a file of ``size`` bytes that would take the document past its limit (a repeat is free)."""
        if key not in self._seen and self.spent + size > self.limit:
            raise ImageRefused(
                f"its {size:,} bytes would take the document's images past the limit of {amount(self.limit)}"
                f" ({self.spent:,} bytes taken already)"
            )

    def charge(self, key: str, size: int) -> None:
        """Count a file taken into the document, once per distinct ``key`` (its content hash)."""
        self.check(key, size)
        if key not in self._seen:
            self._seen.add(key)
            self.spent += size
