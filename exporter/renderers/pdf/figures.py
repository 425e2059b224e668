"""Figures on the one-pager: the picture scaled to its column, never parted from its caption, shrunk to fit first.

The fit loop shrinks pictures before the text: at the largest body size it looks for the largest
``figure_scale`` (a share of the column width, down to ``MIN_FIGURE_SCALE``) at which the page fits; only
when none does is the body size lowered, the pictures staying at that minimum.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Protocol, TypeVar

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Image

from ...images import PDF_TYPES, Picture, convert
from ...model import Document, Figure, Inline, Text
from ...present.figures import alt_text
from ..search import smallest
from .paragraph import Paragraph

MIN_FIGURE_SCALE = 0.5
"""The narrowest a picture gets, as a share of its column, before the body size drops."""
MAX_FIGURE_HEIGHT = 0.55
"""The tallest a picture gets, as a share of a column's height (its caption and some text need the rest)."""
_SCALE_STEPS = 10
"""Scales tried between 1 and the minimum (a binary search over them)."""


class _Context(Protocol):
    """What a figure needs of the layout's Context (a protocol: layout imports this module)."""

    @property
    def doc(self) -> Document: ...

    @property
    def pictures(self) -> dict[str, Picture]: ...

    def face(self, role: str, *, bold: bool | None = None, italic: bool | None = None) -> str: ...

    def markup(
        self, inlines: tuple[Inline, ...], role: str, *, bold: bool | None = None, italic: bool | None = None
    ) -> str: ...


class _Builder(Protocol):
    """What a figure needs of the layout's Builder."""

    @property
    def ctx(self) -> _Context: ...

    @property
    def size(self) -> float: ...

    @property
    def leading(self) -> float: ...

    @property
    def figure_scale(self) -> float: ...

    @property
    def column_height(self) -> float: ...

    def para(self, markup: str, ps: ParagraphStyle, *, bullet: str | None = None) -> Paragraph: ...


class _Fits(Protocol):
    @property
    def fits(self) -> bool: ...


class _Loop(Protocol):
    """What the search needs of a FitLoop: its top grid index and a trial there."""

    @property
    def n(self) -> int: ...

    def trial(self, i: int) -> _Fits: ...


class _Scaled(Protocol):
    figure_scale: float


Loop = TypeVar("Loop", bound=_Loop)


class FigureBox(Flowable):  # type: ignore[misc]
    """A picture and its caption as one block: it moves to the next column whole, never splits."""

    def __init__(self, image: Image, caption: Paragraph | None, gap: float, indent: float = 0.0) -> None:
        super().__init__()
        self.image = image
        self.indent = indent
        self.caption = caption
        self.gap = gap
        self.width = self.height = 0.0
        self._caption_height = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """The picture's height plus the caption's, wrapped to the column."""
        _, image_height = self.image.wrap(availWidth, availHeight)
        self._caption_height = 0.0
        if self.caption is not None:
            _, self._caption_height = self.caption.wrap(availWidth, availHeight)
            self._caption_height += self.gap
        self.width = availWidth
        self.height = image_height + self._caption_height
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """Never split: the frame moves the figure on whole."""
        return []

    def draw(self) -> None:
        """The picture centred at the top, the caption under it."""
        # Centred in the room the text has (a quote's or a list's indent taken off on the left).
        x = self.indent + (self.width - self.indent - self.image.drawWidth) / 2
        self.image.drawOn(self.canv, x, self._caption_height)
        if self.caption is not None:
            self.caption.drawOn(self.canv, 0, 0)


def figure_flowables(builder: _Builder, node: Figure, role: str, ps: ParagraphStyle, *, width: float) -> list[Flowable]:
    """The flowables of one figure in a column ``width`` wide: a FigureBox, or the alt text without a picture."""
    ctx = builder.ctx
    size = builder.size
    cps = ParagraphStyle(
        f"xp-fig{id(node)}",
        parent=ps,
        fontName=ctx.face(role, italic=True),
        fontSize=ps.fontSize * 0.88,
        leading=ps.fontSize * 0.88 * builder.leading,
        alignment=TA_CENTER,
        spaceBefore=0,
        spaceAfter=0,
    )
    caption = builder.para(ctx.markup(node.caption, role, italic=True), cps) if node.caption else None
    picture = ctx.doc.picture(node.key)
    if picture is None:
        out: list[Flowable] = []
        text = alt_text(node)
        if text:
            out.append(Paragraph(ctx.markup((Text(text=text),), role, italic=True), ps))
        if caption is not None:
            out.append(caption)
        return out
    room = max(1.0, width - ps.leftIndent)
    embedded = ctx.pictures.get(picture.key)
    if embedded is None:
        embedded = ctx.pictures[picture.key] = convert(picture, PDF_TYPES)
    draw_width, draw_height = embedded.display_size(
        room * builder.figure_scale, builder.column_height * MAX_FIGURE_HEIGHT
    )
    image = Image(io.BytesIO(embedded.data), width=draw_width, height=draw_height)
    box = FigureBox(image, caption, 0.3 * size, ps.leftIndent)
    box.spaceBefore = 0.35 * size
    box.spaceAfter = ps.spaceAfter + 0.35 * size
    return [box]


def shrink_figures(sheet: _Scaled, make_loop: Callable[[], Loop], *, pictures: bool) -> Loop:
    """The fit loop to search, after the pictures shrank as far as the page needs at the largest body size.

    ``make_loop`` builds a fresh fit loop for the sheet's current ``figure_scale`` (trials are cached per loop);
    ``pictures`` says whether the document shows any (only then is there a scale to search).
    """
    loop = make_loop()
    if not pictures or loop.trial(loop.n).fits:
        return loop
    scales = [1 - (1 - MIN_FIGURE_SCALE) * i / _SCALE_STEPS for i in range(_SCALE_STEPS + 1)]
    loops = {0: loop}

    def fits(index: int) -> bool:
        if index not in loops:
            sheet.figure_scale = scales[index]
            loops[index] = make_loop()
        return loops[index].trial(loops[index].n).fits

    # Fitting is monotone in the scale: the least shrunk picture size that fits, if the most shrunk does.
    chosen = smallest(fits, 1, _SCALE_STEPS)
    sheet.figure_scale = scales[chosen]
    return loops[chosen]
