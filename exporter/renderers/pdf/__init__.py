"""The PDF one-pager renderer (reportlab is imported only when this package is)."""

from __future__ import annotations

from .render import PdfRenderer

__all__ = ["PdfRenderer"]
