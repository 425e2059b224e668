"""Source readers: one module per format, found through the ``exporter.readers`` entry points."""

from __future__ import annotations

from .base import DEFAULT_MAX_INPUT_BYTES, Reader, ReadOptions, ReadResult

__all__ = ["DEFAULT_MAX_INPUT_BYTES", "ReadOptions", "ReadResult", "Reader"]
