"""The ``pdf`` renderer: a one-pager fitted to one page, or an explicit overflow policy."""

from __future__ import annotations

from typing import Any

from ...errors import RenderError
from ...model import Document
from ...present.view import View, present
from ...style import Style
from ..base import PdfRenderOptions, RenderResult
from ..overflow import too_long, truncated, untruncatable
from .figures import shrink_figures
from .fit import FitLoop, Sheet, Trial
from .layout import Context
from .page import Decor, make_geometry
from .paragraph import parsed_once


def _info(view: View) -> dict[str, Any]:
    meta = view.document.meta
    return {
        "title": meta.title,
        "author": ", ".join(meta.authors) or view.style.brand.organisation,
        "subject": meta.summary or meta.kicker,
        "keywords": ", ".join(meta.tags),
        "creator": "exporter",
        "lang": view.language.pdf_lang,
        "displayDocTitle": 1,
    }


class OnePager:
    """Lays the document out as a one-page handout (or more pages when asked)."""

    def render(self, document: Document, style: Style, options: PdfRenderOptions) -> RenderResult:
        """Fit the document on one page; apply ``options.overflow`` when it cannot fit."""
        with parsed_once():
            return self._render(document, style, options)

    def _render(self, document: Document, style: Style, options: PdfRenderOptions) -> RenderResult:
        view = present(document, style)
        ctx = Context(view)
        ctx.check_bullets()
        decor = Decor(ctx)
        geometry = make_geometry(ctx, decor)
        info = _info(view)
        # reportlab otherwise declares (unembedded) Helvetica as each page's initial font.
        info["initialFontName"] = ctx.pairs["body"].primary.regular
        sheet = Sheet(ctx, decor, geometry, info)
        # Convert every string once, so missing glyphs are reported before anything is laid out.
        sheet.prepare(style.pdf.max_body_size, None)
        ctx.coverage.raise_missing()

        pdf = style.pdf
        loop = shrink_figures(
            sheet, lambda: FitLoop(sheet, pdf.min_body_size, pdf.max_body_size), pictures=bool(view.figures.embedded)
        )
        facts: dict[str, Any] = {"columns": geometry.columns}
        warnings = list(view.warnings)
        chosen = loop.fit()
        if chosen is None:
            policy = options.overflow
            if policy == "truncate":
                total = sum(len(s.blocks) for s in document.sections)
                chosen = loop.truncate(total) if total else None
                if chosen is None:
                    raise untruncatable(pdf)
                facts["truncated_paragraphs"] = chosen.dropped
                warnings.append(truncated(chosen.dropped))
            elif policy == "pages":
                sheet.figure_scale = 1.0  # pages give the pictures their room back
                chosen = self._pages(sheet, pdf.max_body_size)
            else:
                error = loop.trial(0).error
                if error:
                    # Not a matter of length: a block fits no column, and more pages would not help.
                    raise RenderError(f"the PDF cannot be laid out: {error}")
                raise too_long(loop.pages_needed(), pdf)
        final = chosen
        if not chosen.drawn:
            final = sheet.run(
                chosen.size,
                keep=chosen.keep,
                shorten=chosen.shorten,
                one_page=chosen.pages <= 1,
                pages=chosen.pages,
                draw=True,
            )
        if final.doc is None:
            if final.error:
                # A block taller than a column that cannot be split (a table row, say).
                raise RenderError(f"the PDF cannot be laid out: {final.error}")
            raise RenderError("the PDF layout changed between measuring and drawing; please report this document")
        final.doc.canv.save()
        if hidden := ctx.coverage.warning():
            warnings.append(hidden)
        facts.update(body_size=chosen.size, pages=final.pages, trials=len(loop.trials), engine="reportlab")
        if view.figures.embedded or view.figures.as_alt_text:
            facts.update(figure_scale=round(sheet.figure_scale, 2), **view.figures.facts())
        return RenderResult(data=final.buf.getvalue(), warnings=tuple(warnings), facts=facts)

    def _pages(self, sheet: Sheet, size: float) -> Trial:
        # Count the pages by measuring; the drawing pass then knows "Page X of Y".
        return sheet.run(size, one_page=False, pages=0)
