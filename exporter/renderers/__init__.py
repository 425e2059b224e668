"""Output renderers, found through the ``exporter.renderers`` entry points."""

from __future__ import annotations

from .base import (
    DocxRenderOptions,
    EpubRenderOptions,
    Overflow,
    PdfRenderOptions,
    Renderer,
    RenderOptions,
    RenderResult,
    options_type,
)

__all__ = [
    "DocxRenderOptions",
    "EpubRenderOptions",
    "Overflow",
    "PdfRenderOptions",
    "RenderOptions",
    "RenderResult",
    "Renderer",
    "options_type",
]
