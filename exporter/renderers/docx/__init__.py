"""The ``docx`` renderer: an office memorandum in Word styles (python-docx is imported on first render)."""

from __future__ import annotations

from ...model import Document
from ...style import Style
from ..base import DocxRenderOptions, RenderResult


class DocxRenderer:
    """Writes the article and commentary as a Word memo (TO / FROM / SUBJECT, key points, sections)."""

    name = "docx"
    extension = ".docx"
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    options_type = DocxRenderOptions

    def render(self, document: Document, style: Style, options: DocxRenderOptions) -> RenderResult:
        """Render ``document`` as a memo in ``style``."""
        # Imported here so that naming the format (planning, --help) does not pay for python-docx.
        from .render import DocxMemo

        return DocxMemo().render(document, style, options)


__all__ = ["DocxRenderer"]
