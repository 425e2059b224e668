"""The Typst PDF engine: the same one-pager as reportlab's, tagged PDF/UA-1, every script (``--pdf-engine typst``)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from ...model import Document
from ...present.coverage import hidden_warning
from ...present.view import View, present
from ...style import Style
from ..base import PdfRenderOptions, RenderResult
from ..overflow import too_long, truncated, untruncatable
from ..search import largest, smallest
from .data import Builder, columns, font_list
from .engine import Layout, Sandbox, epoch, sandbox

STEP = 0.25
"""Body sizes are tried on a grid of this many points (as the reportlab engine)."""
BALANCE_FROM = 0.5
"""Columns are balanced when the content fills at least this share of one column (as the reportlab engine)."""
MIN_FIGURE_SCALE = 0.5
"""The narrowest a picture gets, as a share of its column, before the body size drops (as the reportlab engine)."""
SCALE_STEPS = 10
"""Picture scales tried between 1 and the minimum."""


@dataclass
class Trial:
    """One layout at one body size (and article length, and column shortening)."""

    size: float
    keep: int | None
    shorten: float
    scale: float
    layout: Layout

    @property
    def fits(self) -> bool:
        """Whether everything is on the first page."""
        return self.layout.pages <= 1


class Sheet:
    """The document laid out by Typst at any body size; every layout is one compile, cached."""

    def __init__(self, view: View, box: Sandbox, builder: Builder, first: str) -> None:
        self.view = view
        self.box = box
        self.builder = builder
        self.records: dict[int | None, str] = {None: first}
        pdf = view.style.pdf
        self.smin, self.smax = pdf.min_body_size, pdf.max_body_size
        self.n = max(0, math.floor((self.smax - self.smin) / STEP + 1e-9))
        self.trials: dict[tuple[int, int | None, float, float], Trial] = {}
        self.scale = 1.0
        """Pictures' share of their column width (see shrink_figures)."""
        page = view.style.page
        self.body_top = page.margins.top
        self.body_bottom = page.height - page.margins.bottom
        self.columns = columns(view)
        self.column_width = (view.content_width - 14.0 * (self.columns - 1)) / self.columns

    def size(self, i: int) -> float:
        """The body size at grid index ``i``."""
        return self.smax if i >= self.n else self.smin + i * STEP

    def record(self, keep: int | None) -> str:
        """The template's record with the first ``keep`` article blocks, as JSON."""
        if keep not in self.records:
            self.records[keep] = json.dumps(self.builder.build(keep), ensure_ascii=False)
        return self.records[keep]

    def trial(self, i: int, keep: int | None = None, shorten: float = 0.0, *, pdf: bool = False) -> Trial:
        """The (cached) layout at grid index ``i`` and the current picture scale; with ``pdf`` its bytes too."""
        key = (i, keep, shorten, self.scale)
        found = self.trials.get(key)
        if found is None or (pdf and not found.layout.pdf):
            layout = self.box.layout(self.record(keep), self.size(i), shorten, self.scale, pdf=pdf)
            found = self.trials[key] = Trial(self.size(i), keep, shorten, self.scale, layout)
        return found

    def shrink_figures(self) -> Trial:
        """At the largest body size, the largest picture scale at which the page fits, else the smallest scale.

        Pictures shrink before the text, down to MIN_FIGURE_SCALE of their column (as the reportlab engine).
        """
        scales = [1 - (1 - MIN_FIGURE_SCALE) * i / SCALE_STEPS for i in range(SCALE_STEPS + 1)]

        def fits(index: int) -> bool:
            self.scale = scales[index]
            return self.trial(self.n).fits

        chosen = smallest(fits, 1, SCALE_STEPS)
        self.scale = scales[chosen]
        return self.trial(self.n)

    # --- measures -----------------------------------------------------------------------------

    def _column(self, x: float) -> int:
        left = self.view.style.page.margins.left
        column = max(0, min(self.columns - 1, int((x - left + 1) // (self.column_width + 14.0))))
        # Right-to-left pages fill their columns from the right.
        return self.columns - 1 - column if self.view.language.is_rtl else column

    def first_capacity(self, t: Trial) -> float:
        """Column height of the first page below the header, all columns together."""
        return (self.body_bottom_y(t) - t.layout.start.y) * self.columns

    def body_bottom_y(self, t: Trial) -> float:
        """The bottom of the columns (pt from the page top)."""
        return self._band_bottom() + self.later_capacity(t) / self.columns

    def _band_bottom(self) -> float:
        marking = self.view.style.roles.marking.size * 1.25
        logo = self.view.style.brand.logo_height if self.view.style.logo is not None else 0.0
        return self.view.style.page.margins.top + max(marking, logo) + 11.5

    def later_capacity(self, t: Trial) -> float:
        """Column height of a continuation page, all columns together."""
        style = self.view.style
        footer = style.roles.footer.size * 1.25 + 11
        bottom = style.page.height - style.page.margins.bottom - footer
        return (bottom - self._band_bottom()) * self.columns

    def used(self, t: Trial) -> float:
        """Height of the content in one column's terms: the columns it filled and the part of the last one."""
        end = t.layout.end
        later = self.later_capacity(t)
        column_height = later / self.columns
        if end.page <= 1:
            top = t.layout.start.y
            return self._column(end.x) * (self.body_bottom_y(t) - top) + (end.y - top)
        return (
            self.first_capacity(t)
            + (end.page - 2) * later
            + self._column(end.x) * column_height
            + (end.y - self._band_bottom())
        )

    def overflow(self, t: Trial) -> float:
        """Height beyond the first page (0 when it fits)."""
        return max(0.0, self.used(t) - self.first_capacity(t)) if not t.fits else 0.0

    # --- the search ---------------------------------------------------------------------------

    def predict(self, t: Trial) -> int:
        """The grid index likely to fit, from an overflowing trial (the reportlab engine's estimate).

        Text area grows with the square of the size (need N r^2), while the header shrinks linearly and leaves
        its room to the columns (C + H (1 - r)): solve for the ratio r.
        """
        room = max(1.0, self.first_capacity(t))
        need = room + max(1.0, self.overflow(t))
        head = max(0.0, t.layout.start.y - self._band_bottom()) * self.columns
        r = (-head + math.sqrt(head * head + 4 * need * (room + head))) / (2 * need)
        return math.floor((t.size * r - self.smin) / STEP + 1e-9)

    def fit(self) -> Trial | None:
        """The trial at the largest size that fits one page (columns balanced), or None."""
        top = self.trial(self.n)
        if top.fits:
            return self.balance(top)
        if self.view.figures.embedded:
            top = self.shrink_figures()
            if top.fits:
                return top
        start = max(0, min(self.n - 1, self.predict(top)))
        # The predicted size is usually the answer: write its PDF now, so no final compile is needed.
        best = largest(lambda i: self.trial(i, pdf=i == start).fits, 0, self.n - 1, start)
        return None if best is None else self.trial(best)

    def balance(self, t: Trial) -> Trial:
        """Shorten the first page's columns of a page that fits so they end level (as the reportlab engine)."""
        if self.columns < 2:
            return t
        capacity = self.first_capacity(t)
        used = self.used(t)
        slack = capacity - used
        if slack <= 0 or used < BALANCE_FROM * capacity / self.columns:
            return t
        step = t.size * 1.2
        guess = math.floor(slack / self.columns / step)
        if guess <= 0:
            return t
        best = largest(lambda j: self.trial(self.n, shorten=j * step).fits, 0, guess + 2, guess)
        return self.trial(self.n, shorten=(best or 0) * step)

    def truncate(self, total: int) -> Trial | None:
        """The trial at the minimum size keeping the most top-level article blocks that fit."""
        full = self.trial(0)
        room = max(1.0, self.first_capacity(full))
        guess = math.floor(total * room / (room + max(1.0, self.overflow(full))))
        best = largest(lambda k: self.trial(0, k).fits, 0, total - 1, guess)
        return None if best is None else self.trial(0, best)

    def pages_needed(self) -> float:
        """Pages the document needs at the minimum size."""
        t = self.trial(0)
        return 1.0 + self.overflow(t) / self.later_capacity(t)


def render_typst(document: Document, style: Style, options: PdfRenderOptions) -> RenderResult:
    """The one-pager through Typst: fitted between the style's body sizes, ``options.overflow`` otherwise."""
    view = present(document, style)
    builder = Builder(view)
    first = json.dumps(builder.build(None), ensure_ascii=False)
    builder.raise_missing()
    hidden = hidden_warning("".join(builder.hidden))
    families = tuple(dict.fromkeys(f for role in view.fonts for f in font_list(view, role)))
    pdf = style.pdf
    warnings = list(view.warnings)
    with sandbox(builder.images, families, epoch(document.meta.date)) as box:
        sheet = Sheet(view, box, builder, first)
        facts: dict[str, Any] = {"columns": sheet.columns}
        chosen = sheet.fit()
        if chosen is None:
            policy = options.overflow
            if policy == "truncate":
                total = sum(len(s.blocks) for s in document.sections)
                chosen = sheet.truncate(total) if total else None
                if chosen is None:
                    raise untruncatable(pdf)
                dropped = total - (chosen.keep or 0)
                facts["truncated_paragraphs"] = dropped
                warnings.append(truncated(dropped))
            elif policy == "pages":
                sheet.scale = 1.0  # pages give the pictures their room back
                chosen = sheet.trial(sheet.n)
            else:
                raise too_long(sheet.pages_needed(), pdf)
        index = sheet.n if chosen.size >= sheet.smax else round((chosen.size - sheet.smin) / STEP)
        sheet.scale = chosen.scale
        final = sheet.trial(index, chosen.keep, chosen.shorten, pdf=True)
        facts.update(body_size=chosen.size, pages=final.layout.pages, trials=box.compiles, engine="typst")
        warnings.extend(final.layout.warnings)
    if hidden:
        warnings.append(hidden)
    if view.figures.embedded or view.figures.as_alt_text:
        facts.update(figure_scale=round(chosen.scale, 2), **view.figures.facts())
    return RenderResult(data=final.layout.pdf, warnings=tuple(warnings), facts=facts)


__all__ = ["render_typst"]
