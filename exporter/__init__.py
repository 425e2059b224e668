"""exporter: one article plus commentary as a DOCX memo, a PDF one-pager and an EPUB briefing."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .api import read_source, render, resolve_style
    from .batch import Report, Settings, export
    from .errors import ExporterError
    from .model import Document, json_schema, to_json
    from .pipeline import parse
    from .readers.base import ReadOptions, ReadResult
    from .renderers.base import DocxRenderOptions, EpubRenderOptions, PdfRenderOptions, RenderOptions, RenderResult
    from .style import Style, load_style

# Names are imported on first use, so starting the command line (and a Ctrl-C during it) costs little.
_HOME = {
    "read_source": ".api",
    "render": ".api",
    "resolve_style": ".api",
    "Report": ".batch",
    "Settings": ".batch",
    "export": ".batch",
    "ExporterError": ".errors",
    "Document": ".model",
    "json_schema": ".model",
    "to_json": ".model",
    "parse": ".pipeline",
    "ReadOptions": ".readers.base",
    "ReadResult": ".readers.base",
    "RenderOptions": ".renderers.base",
    "PdfRenderOptions": ".renderers.base",
    "DocxRenderOptions": ".renderers.base",
    "EpubRenderOptions": ".renderers.base",
    "RenderResult": ".renderers.base",
    "Style": ".style",
    "load_style": ".style",
}

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


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'exporter' has no attribute {name!r}")
    value = getattr(import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names, imported or not."""
    return sorted({*globals(), *_HOME})
