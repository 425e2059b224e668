"""The ``epub`` renderer: an EPUB 3 briefing (EbookLib and lxml are imported on first render)."""

from __future__ import annotations

from ...model import Document
from ...style import Style
from ..base import EpubRenderOptions, RenderResult


class EpubRenderer:
    """Writes the briefing: title page, key points, article and commentary, with nav, NCX and a11y metadata."""

    name = "epub"
    extension = ".epub"
    media_type = "application/epub+zip"
    options_type = EpubRenderOptions

    def render(self, document: Document, style: Style, options: EpubRenderOptions) -> RenderResult:
        """Render ``document`` as EPUB 3; byte-identical for the same document and style."""
        # Imported here so that naming the format (planning, --help) does not pay for EbookLib.
        from .render import EpubBriefing

        return EpubBriefing().render(document, style, options)


__all__ = ["EpubRenderer"]
