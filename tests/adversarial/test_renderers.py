"""Renderer defects the suite found, pinned in-process where the CLI adds nothing."""

from __future__ import annotations

import datetime

import pytest

from exporter.model import Document, Meta, Paragraph, Text
from exporter.style import Style


def test_pdf_markup_cache_never_mixes_up_strings(default_style: Style) -> None:
    """A freed string's id is reused at once by CPython; the PDF's markup cache must not hand out its markup.

    (It was keyed by id(): the one-pager drew the tags, or a date, where the authors belonged.)
    """
    from exporter.renderers.pdf.layout import Context

    doc = Document(meta=Meta(title="T", date=datetime.date(2025, 2, 8)))
    ctx = Context(doc, default_style)
    for i in range(500):
        text = f"string number {i:05d} <&>"  # a new object each time; the previous one is freed
        assert f"{i:05d}" in ctx.text(text, "body")
    para = Paragraph(inlines=(Text(text="kept alive"),))
    assert "kept alive" in ctx.markup(para.inlines, "body")
    for i in range(500):
        inlines = (Text(text=f"inline number {i:05d}"),)
        assert f"{i:05d}" in ctx.markup(inlines, "body")


def test_an_unsanitised_model_is_a_clear_render_error(default_style: Style) -> None:
    """A model built in code with a NUL in it: DOCX and EPUB fail with one clear line, never a raw ValueError."""
    from exporter.errors import RenderError
    from exporter.registry import get_renderer
    from exporter.renderers.base import RenderOptions

    doc = Document(meta=Meta(title="a\x00b", date=datetime.date(2025, 2, 8)))
    for fmt in ("docx", "epub"):
        with pytest.raises(RenderError, match="XML compatible"):
            get_renderer(fmt).render(doc, default_style, RenderOptions())
