"""Output renderers, found through the ``exporter.renderers`` entry points."""

from __future__ import annotations

from .base import Overflow, Renderer, RenderOptions, RenderResult

__all__ = ["Overflow", "RenderOptions", "RenderResult", "Renderer"]
