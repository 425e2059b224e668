"""PNG pictures of the PDF one-pager, drawn by PDFium (pypdfium2): no system tools."""

from __future__ import annotations

import io
from dataclasses import dataclass

from .errors import RenderError
from .model import Document
from .renderers.base import Overflow, PdfRenderOptions
from .style import Style

DEFAULT_DPI = 110
"""Pixels per inch of a preview: a US Letter page is 935 pixels wide, legible on a laptop screen."""
MIN_DPI = 30
MAX_DPI = 600
"""Largest resolution asked of PDFium; a Letter page at 600 dpi is already 34 million pixels."""


@dataclass(frozen=True)
class Preview:
    """The PNG of every page of the one-pager and the warnings met while rendering it."""

    pages: tuple[bytes, ...]
    warnings: tuple[str, ...] = ()


def page_pngs(pdf: bytes, *, dpi: int = DEFAULT_DPI) -> tuple[bytes, ...]:
    """Every page of ``pdf`` as a PNG at ``dpi`` pixels per inch."""
    import pypdfium2  # imported when a preview is asked for: PDFium is a large native library

    if not MIN_DPI <= dpi <= MAX_DPI:
        raise RenderError(f"a preview's resolution is {MIN_DPI} to {MAX_DPI} dpi, not {dpi}")
    try:
        pdf_document = pypdfium2.PdfDocument(pdf)
    except pypdfium2.PdfiumError as exc:
        raise RenderError(f"the PDF cannot be drawn: {exc}") from exc
    pages = []
    try:
        for index in range(len(pdf_document)):
            page = pdf_document[index]
            try:
                bitmap = page.render(scale=dpi / 72)
                image = bitmap.to_pil()
                out = io.BytesIO()
                image.save(out, format="PNG", dpi=(dpi, dpi))
                pages.append(out.getvalue())
            finally:
                page.close()
    finally:
        pdf_document.close()
    return tuple(pages)


def preview(document: Document, style: Style, *, overflow: Overflow = "error", dpi: int = DEFAULT_DPI) -> Preview:
    """Render ``document``'s one-pager with ``overflow`` and draw each of its pages as a PNG."""
    from .api import render

    rendered = render(document, "pdf", style, options=PdfRenderOptions(overflow=overflow))
    return Preview(page_pngs(rendered.data, dpi=dpi), tuple(rendered.warnings))
