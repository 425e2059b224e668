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
    from exporter.present.view import present
    from exporter.renderers.pdf.layout import Context

    doc = Document(meta=Meta(title="T", date=datetime.date(2025, 2, 8)))
    ctx = Context(present(doc, default_style))
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


@pytest.mark.parametrize("shape", ["table-in-nested-list", "code-in-list"])
def test_pdf_pages_split_a_commentary_list_item_taller_than_a_column(default_style: Style, shape: str) -> None:
    """A commentary (drawn in a panel) whose one list item is longer than a column: split, every word kept.

    (The panel gave up on a one-item list, so the PDF failed with "layout changed between measuring and
    drawing".)
    """
    from helpers import missing_words, output_text

    from exporter.model import BulletList, CodeBlock, OrderedList, Part, Section, Table
    from exporter.registry import get_renderer
    from exporter.renderers.base import PdfRenderOptions

    if shape == "code-in-list":
        code = CodeBlock(text="\n".join(f"line {i}" for i in range(400)), language="")
        block: object = BulletList(items=((code,),))
    else:
        rows = tuple(((Text(text=f"row {i} name"),), (Text(text=f"value {i}"),)) for i in range(300))
        table = Table(header=((Text(text="Name"),), (Text(text="Value"),)), rows=rows)
        block = OrderedList(items=((BulletList(items=((table,),)),),), start=1)
    doc = Document(
        meta=Meta(title="Long commentary item", date=datetime.date(2025, 2, 8)),
        commentary=Part(title="Commentary", sections=(Section(heading="View", blocks=(block,)),)),  # type: ignore[arg-type]
    )
    result = get_renderer("pdf").render(doc, default_style, PdfRenderOptions(overflow="pages"))
    assert result.facts["pages"] >= 2
    assert not missing_words(doc, output_text("pdf", result.data))
