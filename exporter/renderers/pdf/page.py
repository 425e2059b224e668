"""Page geometry, the band and footer drawn on every page, and the document template."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from hashlib import md5
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader, TimeStamp
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    ListFlowable,
    ListItem,
    PageTemplate,
    Paragraph,
    Table,
    XPreformatted,
)
from reportlab.platypus.doctemplate import ActionFlowable, LayoutError

from ...images import PDF_TYPES, convert, fit
from ...style import Role, Style
from .layout import Context, color, source_markup
from .panel import measuring_canvas
from .synthetic import StrokingCanvas

MIN_COLUMN = 170.0
"""Narrowest column (pt) worth setting; narrower pages get fewer columns."""


FIRST_COLUMN = "c0"
"""The frame id of the first page's first column."""
MAX_IDLE = 100
"""Flowables handled in a row without a point of height placed before a layout is given up as stuck."""
MAX_PAGES = 5000
"""More pages than this are not laid out (a source under the size limit needs far fewer)."""


class PageOverflow(Exception):
    """Raised inside a one-page trial as soon as content reaches a second page."""


class Unplaceable(Exception):
    """A block no column can hold, or a layout that stopped making progress; the message names the block."""


def describe(flowable: Flowable) -> str:
    """A block as a reader of an error message knows it (never reportlab's repr, which holds addresses)."""
    if isinstance(flowable, XPreformatted):
        return "a code block"
    if isinstance(flowable, Paragraph):
        words = flowable.getPlainText().split()
        start = " ".join(words[:6])
        return f"the paragraph starting \u201c{start}\u201d" if start else "a paragraph"
    if isinstance(flowable, Table):
        return "a table"
    if isinstance(flowable, ListFlowable | ListItem):
        return "a list"
    content = getattr(flowable, "content", None) or getattr(flowable, "_content", None)
    if isinstance(content, list) and content:
        return describe(content[0])
    if isinstance(content, Flowable):
        return describe(content)
    return "a block"


@dataclass(frozen=True)
class Geometry:
    """Page size, margins, the column grid and the heights of the band and footer."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    columns: int
    gap: float
    band: float
    footer: float

    @property
    def content_width(self) -> float:
        """Width between the side margins."""
        return self.width - self.left - self.right

    @property
    def column_width(self) -> float:
        """Width of one column."""
        return (self.content_width - self.gap * (self.columns - 1)) / self.columns

    @property
    def column_height(self) -> float:
        """Height of a column on a continuation page (the first page's are shorter by the header)."""
        return self.body_top - self.body_bottom

    @property
    def body_top(self) -> float:
        """Top of the flowing area (below the band)."""
        return self.height - self.top - self.band

    @property
    def body_bottom(self) -> float:
        """Bottom of the flowing area (above the footer)."""
        return self.bottom + self.footer

    def columns_frames(self, top: float, prefix: str, shorten: float = 0.0, *, draw: bool = True) -> list[Frame]:
        """Column frames from ``top`` down to the footer (less ``shorten``, to balance columns)."""
        h = top - self.body_bottom - shorten
        kind = Frame if draw else MeasureFrame
        return [
            kind(
                self.left + i * (self.column_width + self.gap),
                self.body_bottom + shorten,
                self.column_width,
                h,
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
                id=f"{prefix}{i}",
            )
            for i in range(self.columns)
        ]


def _no_draw(*args: Any, **kw: Any) -> None:
    return None


Drawing = tuple[Flowable, Frame, float, float, float]
"""A placed flowable's drawing, held back: the flowable, its frame, x, y and the width it left over."""


class MeasureFrame(Frame):  # type: ignore[misc]
    """A frame that places flowables without drawing them: trials only measure (drawing costs ~2/3).

    With a ``log`` the drawings are written down in order instead, to be made once the page is known to fit.
    """

    log: list[Drawing] | None = None

    def _add(self, flowable: Flowable, canv: Canvas, trySplit: int = 0) -> int:
        log = self.log
        if log is None:
            flowable.drawOn = _no_draw
        else:

            def hold(_canv: Canvas, x: float, y: float, _sW: float = 0) -> None:
                log.append((flowable, self, x, y, _sW))

            flowable.drawOn = hold
        try:
            return int(Frame._add(self, flowable, canv, trySplit))
        finally:
            del flowable.drawOn

    add = _add


def draw_held(canv: Canvas, drawings: list[Drawing]) -> None:
    """Draw what frames held back, in order, each as its frame would have drawn it."""
    for flowable, frame, x, y, left_over in drawings:
        flowable._frame = frame
        flowable.canv = canv
        try:
            flowable.drawOn(canv, x, y, _sW=left_over)
        finally:
            for name in ("canv", "_frame"):
                if hasattr(flowable, name):
                    delattr(flowable, name)


class Decor:
    """The band (organisation and marking) and the footer (source, marking, date, page)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        style = ctx.style
        self.width = ctx.view.content_width
        roles = style.roles
        self.org = self._ps("marking", roles.marking, TA_LEFT, role_color=style.colors.accent)
        self.mark = self._ps("marking", roles.marking, TA_RIGHT, role_color=style.colors.marking)
        self.foot_l = self._ps("footer", roles.footer, TA_LEFT)
        self.foot_c = self._ps(
            "marking", roles.marking, TA_CENTER, role_color=style.colors.marking, size=roles.footer.size
        )
        self.foot_r = self._ps("footer", roles.footer, TA_RIGHT)
        meta = ctx.doc.meta
        self.org_text = ctx.text(style.brand.organisation, "marking") if style.brand.organisation else ""
        self.mark_text = ctx.text(ctx.marking, "marking") if ctx.marking else ""
        src = meta.source
        if src.name or src.url:
            link = source_markup(ctx)
            url = ctx.text(src.url, "footer") if src.url and src.name else ""
            lead = ctx.text(ctx.labels.lead("source"), "footer")
            self.source_text = f"{lead}{link}" + (f" \u00b7 {url}" if url else "")
        else:
            self.source_text = self.org_text and ctx.text(style.brand.organisation, "footer")
        self.date_text = ctx.text(ctx.view.date, "footer")
        self.pages_label = ctx.labels["page_x_of_y"]
        # Page labels are drawn late; check their glyphs now.
        ctx.text(self.pages_label.format(page=1234567890, pages=0), "footer")
        self.logo, self.logo_size = _band_logo(style, self.width)
        self.logo_room = self.logo_size[0] + 0.5 * roles.marking.size if self.logo is not None else 0.0
        """Points the logo and the gap after it take from the left of the band."""
        self.band_height = self._band_content_height() + 4.5 + 7
        self.footer_height = self._footer_text_height(pages=99) + 4 + 7

    def _ps(
        self, pair: str, role: Role, align: int, *, role_color: str | None = None, size: float | None = None
    ) -> ParagraphStyle:
        z = size or role.size
        return ParagraphStyle(
            f"xp-decor-{pair}-{align}",
            fontName=self.ctx.face(pair, bold=role.bold, italic=role.italic),
            fontSize=z,
            leading=z * 1.25,
            textColor=color(role_color or role.color),
            alignment=align,
            wordWrap="CJK" if self.ctx.cjk else None,
            uriWasteReduce=0.3,
        )

    def _band(self) -> list[tuple[Paragraph, float, float]]:
        w = self.width
        out = []
        if self.org_text:
            out.append((Paragraph(self.org_text, self.org), self.logo_room, w * 0.62 - self.logo_room))
        if self.mark_text:
            out.append((Paragraph(self.mark_text, self.mark), w * 0.64, w * 0.36))
        return out

    def _footer(self, page: int, pages: int) -> list[tuple[Paragraph, float, float]]:
        w = self.width
        right = self.date_text
        if pages > 1:
            right += " \u00b7 " + self.ctx.text(self.pages_label.format(page=page, pages=pages), "footer")
        out = [(Paragraph(right, self.foot_r), w * 0.74, w * 0.26)]
        if self.source_text:
            out.append((Paragraph(self.source_text, self.foot_l), 0.0, w * 0.6))
        if self.mark_text:
            out.append((Paragraph(self.mark_text, self.foot_c), w * 0.6, w * 0.14))
        return out

    def _band_content_height(self) -> float:
        """The band's text, or its logo when taller: the text is centred on the logo."""
        heights = [p.wrap(w, 1e6)[1] for p, _, w in self._band()] + [self.org.leading, self.logo_size[1]]
        return float(max(heights))

    def _footer_text_height(self, pages: int) -> float:
        return float(max(p.wrap(w, 1e6)[1] for p, _, w in self._footer(pages, pages)))

    def draw(self, canv: Canvas, page: int, pages: int) -> None:
        """Draw the band at the top and the footer at the bottom of the current page."""
        st = self.ctx.style
        m = st.page.margins
        top = st.page.height - m.top
        canv.saveState()
        text_h = self.band_height - 4.5 - 7
        if self.logo is not None:
            width, height = self.logo_size
            # The image object is written once and shared by every page's drawing of it.
            canv.drawImage(self.logo, m.left, top - (text_h + height) / 2, width, height, mask="auto")
        for p, x, w in self._band():
            _, h = p.wrap(w, 1e6)
            p.drawOn(canv, m.left + x, top - (text_h + h) / 2)
        canv.setStrokeColor(color(st.colors.rule))
        canv.setLineWidth(1.5)
        y = top - text_h - 3
        canv.line(m.left, y, m.left + self.width, y)
        foot = self._footer(page, pages)
        fh = max(p.wrap(w, 1e6)[1] for p, _, w in foot)
        canv.setLineWidth(0.5)
        canv.line(m.left, m.bottom + fh + 4, m.left + self.width, m.bottom + fh + 4)
        for p, x, w in foot:
            _, h = p.wrap(w, 1e6)
            p.drawOn(canv, m.left + x, m.bottom + fh - h)
        canv.restoreState()


MAX_LOGO_WIDTH = 0.3
"""The widest the band's logo gets, as a share of the text width (a wide logo is made shorter)."""


def _band_logo(style: Style, width: float) -> tuple[ImageReader | None, tuple[float, float]]:
    """The style's logo as reportlab reads it and its size in the band: ``logo_height`` tall, at most 30% wide."""
    logo = style.logo
    if logo is None:
        return None, (0.0, 0.0)
    embedded = convert(logo, PDF_TYPES)
    height = style.brand.logo_height
    size = fit(height * logo.width / logo.height, height, width * MAX_LOGO_WIDTH)
    return ImageReader(io.BytesIO(embedded.data)), size


def make_geometry(ctx: Context, decor: Decor) -> Geometry:
    """The page grid for a style: columns shrink when the page is too narrow for them."""
    page = ctx.style.page
    gap = 14.0
    width = ctx.view.content_width
    columns = ctx.style.pdf.columns
    while columns > 1 and (width - gap * (columns - 1)) / columns < MIN_COLUMN:
        columns -= 1
    return Geometry(
        width=page.width,
        height=page.height,
        left=page.margins.left,
        right=page.margins.right,
        top=page.margins.top,
        bottom=page.margins.bottom,
        columns=columns,
        gap=gap,
        band=decor.band_height,
        footer=decor.footer_height,
    )


def stack_height(flowables: list[Flowable], width: float) -> float:
    """The height a frame needs for ``flowables`` stacked at ``width`` (frame spacing rules)."""
    total = 0.0
    canv = measuring_canvas()
    for i, f in enumerate(flowables):
        if isinstance(f, ActionFlowable):
            continue
        _, h = f.wrapOn(canv, width, 1e6)
        total += h + (f.getSpaceBefore() if i else 0.0)
        if i < len(flowables) - 1:
            total += f.getSpaceAfter()
    return total


def fixed_canvas(epoch: int) -> Callable[..., Canvas]:
    """A canvas maker whose timestamps and file ID depend only on ``epoch`` (reproducible PDFs)."""

    def make(*args: Any, **kw: Any) -> Canvas:
        canv = StrokingCanvas(*args, **kw)
        doc = canv._doc
        stamp = TimeStamp(1)
        stamp.t = epoch
        stamp.lt = time.gmtime(epoch)
        stamp.YMDhms = tuple(stamp.lt)[:6]
        stamp.dhh = stamp.dmm = 0
        doc._timeStamp = stamp
        doc.signature = md5(f"exporter {epoch}".encode(), usedforsecurity=False)
        return canv

    return make


class SheetDoc(BaseDocTemplate):  # type: ignore[misc]
    """The document template: a first page with header and columns, later pages with columns."""

    def __init__(
        self,
        buf: Any,
        geometry: Geometry,
        header_height: float,
        decor: Decor,
        *,
        one_page: bool,
        pages: int,
        shorten: float = 0.0,
        draw: bool = True,
        hold: bool = True,
        **kw: Any,
    ) -> None:
        self.geometry = geometry
        self.decor = decor
        self.one_page = one_page
        self.pages_total = pages
        self.draw = draw
        # A one-page trial to draw holds its drawings back until the layout is known to fit: one that
        # overflows then costs no drawing (most probes are drawn in case they are the answer).
        self._held: list[Drawing] | None = [] if draw and one_page and hold else None
        self._ending = False
        self.slack = 0.0
        self._idle = 0
        self.used: set[str] = set()
        """The ids of the frames that received content."""
        g = geometry
        super().__init__(
            buf,
            pagesize=(g.width, g.height),
            leftMargin=g.left,
            rightMargin=g.right,
            topMargin=g.top,
            bottomMargin=g.bottom,
            invariant=1,
            **kw,
        )
        live = draw and self._held is None
        header = (Frame if live else MeasureFrame)(
            g.left,
            g.body_top - header_height,
            g.content_width,
            header_height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="header",
        )
        first = PageTemplate(
            id="first",
            frames=[header, *g.columns_frames(g.body_top - header_height, FIRST_COLUMN[:-1], shorten, draw=live)],
            onPage=self._decorate,
            autoNextPageTemplate="later",
        )
        later = PageTemplate(id="later", frames=g.columns_frames(g.body_top, "l", draw=live), onPage=self._decorate)
        self.addPageTemplates([first, later])
        if self._held is not None:
            for template in (first, later):
                for frame in template.frames:
                    frame.log = self._held

    def _decorate(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        if self.draw and self._held is None:
            self.decor.draw(canv, self.page, self.pages_total)

    def _endBuild(self) -> None:
        self._ending = True  # the page that ends now is the last: the layout fits
        super()._endBuild()

    def handle_pageEnd(self) -> None:
        """Record the room left on the page (the unused rest of the columns) before it ends."""
        if self._held is not None and self._ending:
            # The band and footer first, then the columns' content: the order drawing as laid out has.
            self.decor.draw(self.canv, self.page, self.pages_total)
            draw_held(self.canv, self._held)
        frames = self.pageTemplate.frames
        if self.frame in frames:
            i = frames.index(self.frame)
            self.slack = max(0.0, self.frame._y - self.frame._y1p) + sum(f._height for f in frames[i + 1 :])
        super().handle_pageEnd()

    def handle_pageBegin(self) -> None:
        """Stop a one-page trial as soon as a second page would begin (and any layout past MAX_PAGES)."""
        if self.one_page and self.page >= 1:
            raise PageOverflow
        if self.page >= MAX_PAGES:
            raise Unplaceable(f"the document needs more than {MAX_PAGES} pages")
        super().handle_pageBegin()

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        """Place the next flowable; a block reportlab cannot split moves on once, and a stuck layout stops.

        reportlab retries a flowable that fits nowhere for as long as each retry is a new object (the
        pieces of a split), placing nothing: the count of flowables handled without progress bounds that.
        """
        f = flowables[0]
        before = self._position()
        try:
            super().handle_flowable(flowables)
        except LayoutError:
            self._move_on(f, flowables)
        after = self._position()
        if after[1] is not None and after[:2] == before[:2] and after[2] < before[2] - 1e-6:
            self._idle = 0
            self.used.add(after[1].id)
        else:
            self._idle += 1
        if self._idle > MAX_IDLE:
            raise Unplaceable(f"{describe(f)} cannot be placed: the layout makes no progress")

    def _position(self) -> tuple[int, Frame | None, float]:
        frame = getattr(self, "frame", None)
        return self.page, frame, frame._y if frame is not None else 0.0

    def _move_on(self, f: Flowable, flowables: list[Flowable]) -> None:
        # reportlab failed to place f or the first part of its split (nothing was placed): try it once at
        # the top of the next column, where it has the most room; a second failure is final.
        frame = getattr(self, "frame", None)
        if getattr(f, "_xp_moved", False) or frame is None or frame._atTop:
            raise Unplaceable(f"{describe(f)} is taller than a column and cannot be split") from None
        f._xp_moved = True
        flowables.insert(0, f)
        self.handle_frameEnd()
