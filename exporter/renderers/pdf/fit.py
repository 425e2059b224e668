"""The fit loop: lay the page out at trial sizes (measuring, not drawing) and pick one."""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, FrameBreak
from reportlab.platypus.doctemplate import ActionFlowable, LayoutError

from ..search import largest
from .layout import Builder, Context
from .page import FIRST_COLUMN, Decor, Geometry, PageOverflow, SheetDoc, Unplaceable, fixed_canvas, stack_height
from .paragraph import Paragraph

MEASURE_PAGES = 10
"""An overflow is measured up to this many continuation pages, then extrapolated."""
_CHUNK = 100
STEP = 0.25
"""Body sizes are tried on a grid of this many points."""
HEADER_IN_COLUMNS = 1.0
"""Height (pt) of the first page's header frame when the header runs in the columns instead."""
EXPONENT = 2.2
"""How the room a text needs grows with its size, for the size predicted from an overflow: about as the square
of the size for the text's area, a little faster because lines break anew and blocks move to the next column
(the best fit on exhaustive scans of 600 articles, two styles, the benchmark's and the oracle's generators)."""
EXPONENT_OTHER = 2.3
"""How the estimate grows blocks other than paragraphs (lists, tables, panels) with the size."""
BALANCE_FROM = 0.5
"""Columns are balanced when the content fills at least this share of one column."""


@dataclass
class Trial:
    """One layout at one body size: whether it fits, and by how much it overflows or has room to spare."""

    size: float
    keep: int | None
    shorten: float
    fits: bool
    doc: SheetDoc | None
    buf: BytesIO
    overflow: float
    slack: float
    capacity: float
    dropped: int
    pages: int
    header: float = 0.0
    drawn: bool = False
    first_column_used: bool = True
    """Whether the first column of the first page holds any content."""
    error: str = ""
    """What could not be placed, when a block fits no column (or the layout stopped making progress)."""

    @property
    def excess(self) -> float:
        """Height (pt) beyond the page when positive, room left over when negative."""
        return self.overflow if not self.fits else -self.slack


class Sheet:
    """Lays out one document in one style at any body size."""

    def __init__(self, ctx: Context, decor: Decor, geometry: Geometry, info: dict[str, Any]) -> None:
        self.ctx = ctx
        self.decor = decor
        self.geometry = geometry
        self.info = info
        self.epoch = calendar.timegm(ctx.doc.meta.date.timetuple())
        self.figure_scale = 1.0
        """Pictures' share of their column width (see figures.shrink_figures)."""
        self._ready: dict[tuple[float, int | None], tuple[list[Flowable], list[Flowable], float, int]] = {}

    def prepare(self, size: float, keep: int | None) -> None:
        """Build the story at ``size`` now (checking every string's glyphs); the next run there uses it."""
        self._ready[(size, keep)] = self.story(size, keep)

    def prepared(self, size: float) -> tuple[list[Flowable], list[Flowable], float, int]:
        """The story at ``size`` (all blocks kept), built once and left for the next run there."""
        if (size, None) not in self._ready:
            self.prepare(size, None)
        return self._ready[(size, None)]

    def story(
        self, size: float, keep: int | None, *, header_in_columns: bool = False
    ) -> tuple[list[Flowable], list[Flowable], float, int]:
        """Header and column flowables at ``size``, the header frame height, the blocks left out.

        ``header_in_columns`` sets the header at column width at the start of the columns (a header taller
        than the page cannot have a frame of its own).
        """
        g = self.geometry
        width = g.column_width if header_in_columns else g.content_width
        b = Builder(
            self.ctx,
            size,
            width=width,
            column_width=g.column_width,
            column_height=g.column_height,
            figure_scale=self.figure_scale,
        )
        header = b.header()
        article, dropped = b.article(keep)
        flow = [*article, *b.commentary(), *b.unresolved()]
        if header_in_columns:
            return [], [*header, *flow], HEADER_IN_COLUMNS, dropped
        # The frame is a little taller than its content: the gap between key points and columns.
        header_height = stack_height(header, g.content_width) + 0.8 * size
        return header, flow, header_height, dropped

    def run(
        self,
        size: float,
        *,
        keep: int | None = None,
        one_page: bool = True,
        pages: int = 1,
        shorten: float = 0.0,
        draw: bool = False,
    ) -> Trial:
        """Lay out at ``size``; a one-page run stops at the second page and measures what is left.

        Without ``draw`` nothing is drawn (a trial); with it the canvas is ready to save.
        """
        g = self.geometry
        ready = self._ready.pop((size, keep), None)
        header, flow, header_height, dropped = ready or self.story(size, keep)
        capacity = (g.body_top - header_height - g.body_bottom - shorten) * g.columns
        if capacity <= 3 * size * g.columns and not one_page:
            # The header and key points leave no room for columns on the first page: they run in the columns.
            header, flow, header_height, dropped = self.story(size, keep, header_in_columns=True)
            capacity = (g.body_top - header_height - g.body_bottom - shorten) * g.columns
        story = [*header, FrameBreak(), *flow]
        buf = BytesIO()

        def trial(fits: bool, doc: SheetDoc | None, overflow: float, slack: float, n: int) -> Trial:
            drawn = draw and fits
            return Trial(
                size, keep, shorten, fits, doc, buf, overflow, slack, capacity, dropped, n, header_height, drawn
            )

        if capacity <= 3 * size * g.columns:
            # The header and key points alone leave no room for the columns: all of the columns' content is
            # over, and so is the header's excess (counted across the columns it spans).
            return trial(False, None, max(1.0, self.left(flow) - capacity), 0.0, 0)
        doc = SheetDoc(
            buf, g, header_height, self.decor, one_page=one_page, pages=pages, shorten=shorten, draw=draw, **self.info
        )
        doc._doSave = 0
        try:
            doc.build(story, canvasmaker=fixed_canvas(self.epoch))
        except PageOverflow:
            return trial(False, None, self.left(story), 0.0, 2)
        except (Unplaceable, LayoutError) as exc:
            failed = trial(False, None, 1e9, 0.0, 2)
            # reportlab's own messages hold object addresses: only ours are shown.
            failed.error = str(exc) if isinstance(exc, Unplaceable) else "a block cannot be placed on any page"
            return failed
        done = trial(True, doc, 0.0, doc.slack, doc.page)
        done.first_column_used = FIRST_COLUMN in doc.used
        return done

    def left(self, flowables: list[Flowable]) -> float:
        """The height of ``flowables`` stacked in one column (what did not fit).

        Past MEASURE_PAGES continuation pages the rest is extrapolated from the part measured: the story
        cannot fit one page anyway, and wrapping every paragraph of a 10 MB source took seconds per trial.
        """
        w = self.geometry.column_width
        items = [f for f in flowables if not isinstance(f, ActionFlowable)]
        cap = MEASURE_PAGES * self.later_capacity()
        total, done = 0.0, 0
        while done < len(items):
            chunk = items[done : done + _CHUNK]
            if done:
                # The spacing stack_height leaves out at the ends of a chunk, as if stacked in one go.
                total += items[done - 1].getSpaceAfter() + chunk[0].getSpaceBefore()
            total += stack_height(chunk, w)
            done += len(chunk)
            if total > cap and done < len(items):
                return total * len(items) / done
        return total

    def later_capacity(self) -> float:
        """Column height of a continuation page, all columns together."""
        g = self.geometry
        return (g.body_top - g.body_bottom) * g.columns


class FitLoop:
    """Finds the largest body size at which the document fits one page, measuring each trial."""

    def __init__(self, sheet: Sheet, smin: float, smax: float) -> None:
        self.sheet = sheet
        self.smin = smin
        self.smax = smax
        self.n = max(0, math.floor((smax - smin) / STEP + 1e-9))
        self.trials: dict[tuple[int, int | None, float], Trial] = {}

    def size(self, i: int) -> float:
        """The body size at grid index ``i``."""
        return self.smax if i >= self.n else self.smin + i * STEP

    def trial(self, i: int, keep: int | None = None, shorten: float = 0.0, *, draw: bool = False) -> Trial:
        """The (cached) one-page trial at grid index ``i``; ``draw`` to have a fitting one ready to save."""
        key = (i, keep, shorten)
        if key not in self.trials:
            self.trials[key] = self.sheet.run(self.size(i), keep=keep, shorten=shorten, draw=draw)
        return self.trials[key]

    def fit(self) -> Trial | None:
        """The fitting trial at the largest size, or None when even the minimum overflows.

        The first layout is at the size estimated from the story's text widths (``estimate``), which is the
        answer or one step above it for most articles; the second is one step up from a fitting layout, or the
        size predicted from an overflowing one. The answer is proven: it fits and the next step up does not.
        Probes below the largest size are drawn once they fit, so the answer is the final page.
        """
        good, bad = -1, self.n + 1  # largest index known to fit, smallest known not to
        i, ups = self.estimate(), 0
        while bad - good > 1:
            i = max(good + 1, min(bad - 1, i))
            # Every probe is drawn, which costs nothing unless it fits (SheetDoc holds the drawing back until
            # then): a fitting probe is then the final page, with no pass of its own.
            t = self.trial(i, draw=True)
            if t.fits:
                if i == self.n:
                    return self.balance(t)
                good = i
                ups += 1
                i = good + 1 if ups <= 2 else (good + bad + 1) // 2
            else:
                bad = i
                i = self._predict(t)
        return None if good < 0 else self.trial(good)

    def estimate(self) -> int:
        """The grid index the page is estimated to fit at, from the story at the largest size, without a layout.

        A paragraph needs as many lines as its text's width fills its column (as if no line had room left at
        its end); the other blocks, measured at the largest size, grow as the size to EXPONENT_OTHER; the
        header's height scales with the size. This errs towards larger sizes: on the 600 scanned articles the
        estimate was the answer or one step above it for 91 %.
        """
        g = self.sheet.geometry
        _, flow, header_height, _ = self.sheet.prepared(self.smax)
        lines: list[tuple[float, float, float]] = []  # (text width over available width, leading, spacing)
        other = 0.0
        for index, f in enumerate(flow):
            if isinstance(f, ActionFlowable):
                continue
            spacing = (f.getSpaceBefore() if index else 0.0) + f.getSpaceAfter()
            frags = getattr(f, "frags", None) if isinstance(f, Paragraph) else None
            if frags:
                st = f.style
                avail = max(1.0, g.column_width - st.leftIndent - st.rightIndent)
                width = sum(stringWidth(fr.text, fr.fontName, fr.fontSize) for fr in frags if hasattr(fr, "text"))
                lines.append((width / avail, st.leading, spacing))
            else:
                other += stack_height([f], g.column_width) + spacing
        for i in range(self.n, -1, -1):
            r = self.size(i) / self.smax
            need = other * r**EXPONENT_OTHER
            need += sum((max(1, math.ceil(w * r - 1e-9)) * lead + space) * r for w, lead, space in lines)
            if need <= (g.body_top - header_height * r - g.body_bottom) * g.columns:
                return i
        return 0

    def _predict(self, t: Trial) -> int:
        # Text area grows about as the square of the size (need N r^EXPONENT), while the header shrinks
        # linearly and leaves its room to the columns (C + H (1 - r)): solve for the ratio r by bisection
        # (the need side falls faster than the room side as r falls, so there is one crossing in (0, 1)).
        need, room = t.capacity + t.overflow, t.capacity
        head = t.header * self.sheet.geometry.columns
        lo, hi = 0.0, 1.0
        for _ in range(30):
            r = (lo + hi) / 2
            lo, hi = (r, hi) if need * r**EXPONENT <= room + head * (1 - r) else (lo, r)
        return math.floor((t.size * lo - self.smin) / STEP + 1e-9)

    def balance(self, t: Trial) -> Trial:
        """Shorten the columns of a page that fits at the largest size so they end level.

        Less than BALANCE_FROM of a column stays in the first column, top left; a balanced page must keep
        text in its first column (a paragraph that may not leave one line behind would otherwise move on).
        """
        columns = self.sheet.geometry.columns
        if columns < 2 or t.slack <= 0 or t.capacity - t.slack < BALANCE_FROM * t.capacity / columns:
            return t
        step = t.size * 1.2
        guess = math.floor(t.slack / columns / step)
        if guess <= 0:
            return t

        def level(j: int) -> bool:
            trial = self.trial(self.n, shorten=j * step, draw=True)
            return trial.fits and trial.first_column_used

        # The columns shortened by their share of the room left over end level within a line: that trial is
        # kept when it fits; only when it does not are shorter ones searched. Each is drawn once it fits.
        if level(guess):
            return self.trial(self.n, shorten=guess * step)
        best = largest(level, 0, guess - 1, guess - 1)
        return self.trial(self.n, shorten=(best or 0) * step)

    def pages_needed(self) -> float:
        """Pages the document needs at the minimum size (measured from the minimum-size trial)."""
        t = self.trial(0)
        return 1.0 + t.overflow / self.sheet.later_capacity()

    def truncate(self, total: int) -> Trial | None:
        """The trial at the minimum size keeping the most top-level article blocks that fit."""
        full = self.trial(0)
        guess = self._keep_guess(total, full.overflow)
        best = largest(lambda k: self.trial(0, k, draw=True).fits, 0, total - 1, guess)
        return None if best is None else self.trial(0, best)

    def _keep_guess(self, total: int, overflow: float) -> int:
        # Drop blocks from the end until their measured height covers the overflow.
        sheet = self.sheet
        g = sheet.geometry
        b = Builder(
            sheet.ctx,
            self.smin,
            width=g.content_width,
            column_width=g.column_width,
            column_height=g.column_height,
            figure_scale=sheet.figure_scale,
        )
        heights: list[float] = []
        for section in sheet.ctx.doc.sections:
            for block in section.blocks:
                flow = b.block(block, "body", b.body, width=g.column_width)
                heights.append(stack_height(flow, g.column_width) + b.body.spaceAfter)
        freed, k = 0.0, total
        while k > 0 and freed < overflow + 3 * b.body.leading:
            k -= 1
            freed += heights[k]
        return k
