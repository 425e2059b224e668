"""Flowables of our own: a shaded panel that splits across columns, outline anchors, and column keeps."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable

_FUZZ = 1e-6
_MAX_SPLITS = 1000


KEEP_SHARE = 0.5
"""A table or list kept in one column may take up to this share of a column; a taller one splits as usual."""


_MEASURE: list[Canvas] = []


def measuring_canvas() -> Canvas:
    """A canvas never saved, for flowables that need one to measure themselves (lists)."""
    if not _MEASURE:
        _MEASURE.append(Canvas(BytesIO(), invariant=1))
    return _MEASURE[0]


def _at_top(flowable: Flowable) -> bool:
    frame = getattr(flowable, "_frame", None)
    return bool(getattr(frame, "_atTop", False))


class RoomOrNextColumn(CondPageBreak):  # type: ignore[misc]
    """Go to the next column unless ``height`` fits in this one; never from the top of a column.

    At the top of a column the next one has no more room: moving would only leave this one empty
    (a short article's heading went to the right column of a balanced page, the left stayed blank).
    """

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Zero size; asks the frame for a column break when the room is short."""
        frame = self._doctemplateAttr("frame")
        if frame is not None and frame._atTop:
            return 0, 0
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        return size


class KeepInColumn(Flowable):  # type: ignore[misc]
    """A short table or list: moved whole to the next column rather than split across two.

    It splits only where no column holds it better: at the top of a column, or when taller than
    ``limit`` (a long list would leave half a column empty).
    """

    def __init__(self, content: Flowable, limit: float) -> None:
        super().__init__()
        self.content = content
        self.limit = limit
        self.width = self.height = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """The content's size."""
        self.width, self.height = self.content.wrapOn(self.canv, availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """Nothing here (the frame moves it on) unless it must split anyway."""
        if self.height <= self.limit and not _at_top(self):
            return []
        parts: list[Flowable] = self.content.splitOn(self.canv, availWidth, availHeight)
        return parts

    def draw(self) -> None:
        """Draw the content where this stands."""
        self.content.drawOn(self.canv, 0, 0)

    def getSpaceBefore(self) -> float:
        """The content's space before."""
        space: float = self.content.getSpaceBefore()
        return space

    def getSpaceAfter(self) -> float:
        """The content's space after."""
        space: float = self.content.getSpaceAfter()
        return space


class Anchor(Flowable):  # type: ignore[misc]
    """A zero-size mark that adds a bookmark and an outline entry where it is drawn."""

    _ZEROSIZE = 1

    def __init__(self, key: str, title: str, level: int) -> None:
        super().__init__()
        self.key = key
        self.title = title
        self.level = level
        self.width = self.height = 0

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        """Takes no room."""
        return 0, 0

    def draw(self) -> None:
        """Bookmark this spot and list it in the outline."""
        self.canv.bookmarkHorizontal(self.key, 0, 0)
        self.canv.addOutlineEntry(self.title, self.key, level=self.level, closed=False)


class Target(Flowable):  # type: ignore[misc]
    """A zero-size mark that a link inside the document can point at (a named destination)."""

    _ZEROSIZE = 1

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.width = self.height = 0

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        """Takes no room."""
        return 0, 0

    def draw(self) -> None:
        """Name this spot."""
        self.canv.bookmarkHorizontal(self.name, 0, 0)


class Panel(Flowable):  # type: ignore[misc]
    """A padded, shaded box around flowables; splits between its children (or inside one)."""

    def __init__(
        self,
        content: list[Flowable],
        *,
        background: Color,
        border: Color,
        padding: float,
        bar: float = 2.5,
        first: bool = True,
        last: bool = True,
    ) -> None:
        super().__init__()
        self.content = content
        self.background = background
        self.border = border
        self.padding = padding
        self.bar = bar
        self.first = first
        self.last = last
        self._placed: list[tuple[Flowable, float, float]] = []
        self.width = self.height = 0.0

    def _clone(self, content: list[Flowable], *, first: bool, last: bool) -> Panel:
        return Panel(
            content,
            background=self.background,
            border=self.border,
            padding=self.padding,
            bar=self.bar,
            first=first,
            last=last,
        )

    def _inner_width(self, aW: float) -> float:
        return aW - 2 * self.padding - self.bar

    def _pads(self) -> tuple[float, float]:
        # A continued panel keeps a thin top pad so text never touches the column top.
        top = self.padding if self.first else self.padding * 0.5
        bottom = self.padding if self.last else self.padding * 0.5
        return top, bottom

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        """Stack the children at the inner width; the height is theirs plus padding."""
        iw = self._inner_width(aW)
        top, bottom = self._pads()
        y = top
        placed: list[tuple[Flowable, float, float]] = []
        for i, f in enumerate(self.content):
            if isinstance(f, CondPageBreak):
                continue
            if i and placed:
                y += f.getSpaceBefore()
            _, h = f.wrapOn(self.canv, iw, 1e6)
            placed.append((f, y, h))
            y += h + f.getSpaceAfter()
        if placed:
            y -= placed[-1][0].getSpaceAfter()
        self._placed = placed
        self.width, self.height = aW, y + bottom
        return self.width, self.height

    def split(self, aW: float, aH: float) -> list[Flowable]:
        """Fill ``aH`` with children (splitting the one that straddles); the rest goes on."""
        iw = self._inner_width(aW)
        top, _ = self._pads()
        avail = aH - top - self.padding * 0.5
        used = 0.0
        head: list[Flowable] = []
        rest = list(self.content)
        splits = 0
        while rest:
            f = rest[0]
            if isinstance(f, CondPageBreak):
                if head and avail - used < f.height:
                    break
                rest.pop(0)
                continue
            space = f.getSpaceBefore() if head else 0.0
            room = avail - used - space
            if room <= 0:
                break
            _, h = f.wrapOn(self.canv, iw, room)
            if h <= room + _FUZZ:
                head.append(rest.pop(0))
                used += space + h + f.getSpaceAfter()
                continue
            parts = f.splitOn(self.canv, iw, room)
            if not parts and not head and isinstance(f, KeepInColumn) and _at_top(self):
                # First in a panel at the top of a column: no later column holds it better.
                parts = f.content.splitOn(self.canv, iw, room)
            # A one-item list "splits" into its one item: that piece can split further, so try it too.
            if parts and (len(parts) >= 2 or parts[0] is not f) and splits < _MAX_SPLITS:
                # Try the pieces in turn: the first may itself need splitting (a list item holding a
                # table taller than the column was dropped whole, and the page could not be laid out).
                splits += 1
                rest[0:1] = parts
                continue
            break
        if not rest and len(head) > 1:
            # Every child fits above a continued panel's thin bottom pad, but not above the full pad this
            # panel ends with (that is why it is being split): carry the last child over.
            rest.insert(0, head.pop())
        # Anchors alone must not be left behind at the bottom of a column.
        while head and isinstance(head[-1], Anchor):
            rest.insert(0, head.pop())
        if not head or not rest:
            return []
        return [self._clone(head, first=self.first, last=False), self._clone(rest, first=False, last=self.last)]

    def draw(self) -> None:
        """Paint the box, then each child at its place."""
        canv = self.canv
        w, h = self.width, self.height
        canv.saveState()
        canv.setFillColor(self.background)
        canv.rect(0, 0, w, h, stroke=0, fill=1)
        canv.setFillColor(self.border)
        canv.rect(0, 0, self.bar, h, stroke=0, fill=1)
        canv.setStrokeColor(self.border)
        canv.setLineWidth(0.6)
        if self.first:
            canv.line(0, h, w, h)
        if self.last:
            canv.line(0, 0, w, 0)
        canv.line(w, 0, w, h)
        canv.restoreState()
        x = self.bar + self.padding
        for f, y, fh in self._placed:
            f.drawOn(canv, x, h - y - fh)

    def getKeepWithNext(self) -> Any:
        """Panels never glue to what follows."""
        return 0
