"""Images for issue 13: resolve a reference safely, check its limits, and make it safe to embed.

Wiring, in short: a reader's image reference goes to ``ImageCollector(loader).add(reference)``; the
loader is a ``FileLoader(source_folder, resource_paths)`` for files or a ``MemoryLoader({name: bytes})``
for the Python API. ``add`` returns a ``Picture`` (PNG, JPEG or WebP bytes, upright, without metadata,
keyed by its SHA-256) or a ``Refusal`` whose ``message`` is the one warning (``strict=True`` raises an
``ImageError`` instead). A renderer calls ``convert(picture, DOCX_TYPES)`` (or ``PDF_TYPES``,
``EPUB_TYPES``) for bytes it can embed and ``picture.display_size(max_width_pt)`` for its size.

Pillow, resvg-py and lxml are imported only when an image is processed, never by ``import exporter``.
"""

from __future__ import annotations

from .collect import ImageCollector, process
from .convert import DOCX_TYPES, EPUB_TYPES, PDF_TYPES, convert
from .limits import DEFAULT_LIMITS, Budget, Limits
from .loaders import FileLoader, Loader, MemoryLoader
from .picture import Picture, fit
from .refusal import ImageError, ImageRefused, Refusal
from .sniff import GIF, JPEG, PNG, SVG, WEBP, sniff

__all__ = [
    "DEFAULT_LIMITS",
    "DOCX_TYPES",
    "EPUB_TYPES",
    "GIF",
    "JPEG",
    "PDF_TYPES",
    "PNG",
    "SVG",
    "WEBP",
    "Budget",
    "FileLoader",
    "ImageCollector",
    "ImageError",
    "ImageRefused",
    "Limits",
    "Loader",
    "MemoryLoader",
    "Picture",
    "Refusal",
    "convert",
    "fit",
    "process",
    "sniff",
]
