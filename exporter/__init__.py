"""exporter: one article plus commentary as a DOCX memo, a PDF one-pager and an EPUB briefing."""

from __future__ import annotations

__version__ = "0.1.0"

from .api import read_source, render, resolve_style
from .batch import Report, Settings, export
from .errors import ExporterError
from .model import Document, json_schema, to_json
from .pipeline import parse
from .readers.base import ReadOptions, ReadResult
from .renderers.base import DocxRenderOptions, EpubRenderOptions, PdfRenderOptions, RenderOptions, RenderResult
from .style import Style, load_style

__all__ = [
    "Document",
    "DocxRenderOptions",
    "EpubRenderOptions",
    "ExporterError",
    "PdfRenderOptions",
    "ReadOptions",
    "ReadResult",
    "RenderOptions",
    "RenderResult",
    "Report",
    "Settings",
    "Style",
    "__version__",
    "export",
    "json_schema",
    "load_style",
    "parse",
    "read_source",
    "render",
    "resolve_style",
    "to_json",
]
