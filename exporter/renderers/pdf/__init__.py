"""The ``pdf`` one-pager renderer: reportlab (imported on first render) or, when asked, the Typst engine."""

from __future__ import annotations

from ...model import Document
from ...style import Style
from ..base import PdfRenderOptions, RenderResult


class PdfRenderer:
    """Lays the document out as a one-page handout (or more pages when asked)."""

    name = "pdf"
    extension = ".pdf"
    media_type = "application/pdf"
    options_type = PdfRenderOptions

    def render(self, document: Document, style: Style, options: PdfRenderOptions) -> RenderResult:
        """Fit the document on one page; apply ``options.overflow`` when it cannot fit."""
        # A bare RenderOptions (as some callers pass) means the defaults: the style's engine.
        if (getattr(options, "engine", None) or style.pdf.engine) == "typst":
            from ..typst import render_typst

            return render_typst(document, style, options)
        # Imported here so that naming the format (planning, --help) does not pay ~100 ms for reportlab.
        from .render import OnePager
        from .settings import shipped_settings

        with shipped_settings():
            return OnePager().render(document, style, options)


__all__ = ["PdfRenderer"]
