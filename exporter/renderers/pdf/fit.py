"""The fit loop: lay the page out at trial sizes (measuring, not drawing) and pick one."""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from reportlab.platypus import Flowable, FrameBreak
from reportlab.platypus.doctemplate import ActionFlowable, LayoutError

from ..search import largest
from .layout import Builder, Context
from .page import FIRST_COLUMN, Decor, Geometry, PageOverflow, SheetDoc, Unplaceable, fixed_canvas, stack_height

MEASURE_PAGES = 10
"""An overflow is measured up to this many continuation pages, then extrapolated."""
_CHUNK = 100
STEP = 0.25
"""Body sizes are tried on a grid of this many points."""
HEADER_IN_COLUMNS = 1.0
"""Height (pt) of the first page's header frame when the header runs in the columns instead."""
NEXT_SHARE = 0.75
"""A fitting trial is tried one step larger only when its room left over is this share of the predicted growth."""
EXPONENT = 2.2
"""How the room a text needs grows with its size: about as the square of the size for the text's area, a little
faster because lines break anew and blocks move to the next column. Chosen, with NEXT_SHARE, by replaying the
search on exhaustive scans of 600 articles (two styles; the benchmark's and the oracle's generators): 2.53
layout passes per overflowing article instead of 2.73 with the square, one size in 272 a step smaller.
"""
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
        """The (cached) one-page trial at grid index ``i``; ``draw`` for a trial likely to be the final page."""
        key = (i, keep, shorten)
        if key not in self.trials:
            self.trials[key] = self.sheet.run(self.size(i), keep=keep, shorten=shorten, draw=draw)
        return self.trials[key]

    def fit(self) -> Trial | None:
        """The fitting trial at the largest size, or None when even the minimum overflows.

        Typical articles take two layout passes: the largest size, measured, and the size predicted from its
        overflow, drawn as it is laid out. A fitting trial is only tried one step larger when its room left
        over could hold that step's growth (``_room_for_next``); otherwise it is the answer.
        """
        top = self.trial(self.n)
        if top.fits:
            return self.balance(top)
        good, bad = -1, self.n  # largest index known to fit, smallest known not to
        i, ups = self._predict(top), 0
        while bad - good > 1:
            i = max(good + 1, min(bad - 1, i))
            # Every probe is drawn as it is laid out: a fitting one is then the final page, with no pass of its own.
            t = self.trial(i, draw=True)
            if t.fits:
                good = i
                if good + 1 < bad and not self._room_for_next(t):
                    break
                # Predictions come from the nearest overflow and are rarely more than a step low.
                ups += 1
                i = good + 1 if ups <= 2 else (good + bad + 1) // 2
            else:
                bad = i
                i = self._predict(t)
        return None if good < 0 else self.trial(good)

    def _room_for_next(self, t: Trial) -> bool:
        # The next size up grows the text by the square of the ratio and shrinks the columns by the header's
        # growth; it may fit only when the room measured at this size covers (a share of) that growth.
        g = self.sheet.geometry
        ratio = self.size(self.n if t.size >= self.smax else round((t.size - self.smin) / STEP) + 1) / t.size
        need = t.capacity - t.slack
        grow = need * (ratio**EXPONENT - 1) - t.header * g.columns * (ratio - 1)
        return t.slack >= NEXT_SHARE * grow

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

        def level(j: int, draw: bool = False) -> bool:
            trial = self.trial(self.n, shorten=j * step, draw=draw)
            return trial.fits and trial.first_column_used

        # The columns shortened by their share of the room left over end level within a line: that trial is
        # drawn as it is laid out and kept when it fits; only when it does not are shorter ones searched.
        if level(guess, draw=True):
            return self.trial(self.n, shorten=guess * step)
        # Shorter ones are drawn as they are laid out too: the one that fits is the final page.
        best = largest(lambda j: level(j, draw=True), 0, guess - 1, guess - 1)
        return self.trial(self.n, shorten=(best or 0) * step)

    def pages_needed(self) -> float:
        """Pages the document needs at the minimum size (measured from the minimum-size trial)."""
        t = self.trial(0)
        return 1.0 + t.overflow / self.sheet.later_capacity()

    def truncate(self, total: int) -> Trial | None:
        """The trial at the minimum size keeping the most top-level article blocks that fit."""
        full = self.trial(0)
        guess = self._keep_guess(total, full.overflow)
        best = largest(lambda k: self.trial(0, k).fits, 0, total - 1, guess)
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
