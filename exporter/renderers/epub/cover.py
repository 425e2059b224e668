"""The briefing's cover image: organisation, logo, kicker, title, date and marking drawn with Pillow, reproducibly.

Text is set in the style's own families (a CJK title in the IPAex fonts) with the bundled fallbacks, each run
in the first family that draws it, as the one-pager does; the title shrinks until it fits its box, and a
title still too long at the smallest size ends in an ellipsis. Pillow's basic layout (no shaping engine) is
used whatever the build offers, so the same input gives the same bytes; text that needs shaping or that no
bundled font draws gets no cover (one warning), rather than a cover with broken letters.
"""

from __future__ import annotations

import functools
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...images import JPEG, Picture
from ...images.raster import PIL_FORMATS, encode
from ...present.coverage import Run, describe, split_runs
from ...present.view import RoleFonts, View
from ...style import Role
from ...typefaces import FontData, font_bytes, typeface
from .jpegrows import ROW, RowJpeg, changed, encode_rows

if TYPE_CHECKING:
    from PIL import Image, ImageFont

WIDTH, HEIGHT = 1600, 2560
"""The cover's size in pixels (1:1.6, what the large e-reader stores ask for)."""
COVER_FILE = "cover.jpg"
"""The cover image's path in the package, relative to the OPF."""
_MARGIN = 128
_BAR = 40
"""Height of the accent bar at the top of the cover."""
_FOOT = HEIGHT - 300
"""Top of the accent panel at the foot of the cover, which holds the date."""
_LOGO_HEIGHT = 300
_TITLE_SIZES = (150, 60)
"""The largest and the smallest title size in pixels; the largest that fits its box is taken."""
_TITLE_BOX = 1150
"""The height the kicker, title and their gaps may take."""
_LEADING = 1.18
_KICKER_GAP = 36
_ELLIPSIS = "\u2026"
_MAX_CHARS = 1000
"""Characters of a text the cover wraps at most (the title box holds about 600 at the smallest size)."""

_CJK = "\u2e80-\u2fdf\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60"
_CLOSE = "\u3001\u3002\uff0c\uff0e\u30fb\uff1a\uff1b\uff1f\uff01\u30fc\uff09\u300d\u300f\u3011\u3015\u3009\u300b"
_CLOSE += "\u201d\u2019\u2026\u3041\u3043\u3045\u3047\u3049\u3063\u3083\u3085\u3087\u30a1\u30a3\u30a5\u30a7\u30a9"
_CLOSE += "\u30c3\u30e3\u30e5\u30e7\u3005"
_OPEN = "\uff08\u300c\u300e\u3010\u3014\u3008\u300a\u201c\u2018"
_TOKENS = re.compile(rf"[{_OPEN}]*[{_CJK}][{_CLOSE}]*|[^\s{_CJK}/-]+[/-]*[{_CLOSE}]*\s*|[/-]+\s*|\s+")
"""Where a line may break: after a CJK character (not before closing or after opening punctuation), a space,
a hyphen or a slash."""


class CoverRefused(Exception):
    """The cover cannot be drawn well; the message says why (it becomes the briefing's warning)."""


@dataclass(frozen=True)
class _Voice:
    """How one kind of text is drawn: its families, face, colour and size in pixels."""

    fonts: RoleFonts
    bold: bool
    color: str
    size: int


@functools.lru_cache(maxsize=64)
def _font(family: str, bold: bool, size: int) -> tuple[ImageFont.FreeTypeFont, int]:
    """The Pillow font of a family's face at ``size`` pixels, and the stroke that makes a single-face family bold.

    Kept per process: loading a face costs about a millisecond, and every cover sets the same few.
    """
    from PIL import ImageFont

    face = typeface(family)
    file = face.face(bold=bold)
    source = io.BytesIO(font_bytes(file)) if isinstance(file, FontData) else str(file)
    font = ImageFont.truetype(source, size, layout_engine=ImageFont.Layout.BASIC)
    # IPAex and the fallbacks have one face: a bold role is stroked, as the PDF's synthetic bold is.
    stroke = round(size * 0.025) if bold and file == face.regular else 0
    return font, stroke


_WIDTHS: dict[tuple[object, ...], float] = {}
"""Advances of words and lines already measured, across covers: the title search measures each word at every
size it tries, and batches repeat words; a measure is a pure function of its key."""
_MAX_WIDTHS = 50_000
"""Entries kept before the measures are forgotten (a few MB at most)."""


@functools.lru_cache(maxsize=32)
def _blend_table(background: int, ink: int) -> tuple[int, ...]:
    """Each coverage 0-255 mapped to its value in one channel, rounded as Pillow's BLEND rounds."""
    table = []
    for coverage in range(256):
        mixed = background * (255 - coverage) + ink * coverage + 128
        table.append(((mixed >> 8) + mixed) >> 8)
    return tuple(table)


class _Painter:
    """Draws runs of text in the right family each, measuring them the same way."""

    def __init__(self, view: View, canvas: Image.Image, plain: Sequence[tuple[float, float, str]] = ()) -> None:
        from PIL import ImageDraw

        self.view = view
        self.canvas = canvas
        self.draw = ImageDraw.Draw(canvas)
        self.plain = plain
        """Bands of the canvas (top, bottom, colour) that were one colour before this painter drew on them."""
        self.painted: list[tuple[float, float, float, float]] = []
        """Boxes this painter drew on (left, top, right, bottom), with a pixel's margin."""
        self.rows: set[int] = set()
        """The rows of MCUs drawn on (see ``jpegrows``)."""

    def touch(self, top: float, bottom: float) -> None:
        """Note that pixels from ``top`` to ``bottom`` may have changed (a pixel's margin either side)."""
        first = max(0, math.floor(top) - 2) // ROW
        last = min(HEIGHT - 1, math.ceil(bottom) + 2) // ROW
        self.rows.update(range(first, last + 1))

    def rectangle(self, box: tuple[float, float, float, float], *, width: int = 0, **options: Any) -> None:
        """Draw a rectangle (``ImageDraw.rectangle``'s options): filled, or its outline ``width`` wide."""
        self.draw.rectangle(box, width=width or 1, **options)
        self.touch(box[1], box[3])
        left, top, right, bottom = box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2
        if not width:
            self.painted.append((left, top, right, bottom))
            return
        ring = width + 4
        self.painted += [
            (left, top, right, top + ring),
            (left, bottom - ring, right, bottom),
            (left, top, left + ring, bottom),
            (right - ring, top, right, bottom),
        ]

    def _background(self, box: tuple[int, int, int, int]) -> str | None:
        """The one colour under ``box`` before it is drawn on, when the painter knows it."""
        left, top, right, bottom = box
        for other in self.painted:
            if left < other[2] and other[0] < right and top < other[3] and other[1] < bottom:
                return None
        for band_top, band_bottom, color in self.plain:
            if band_top <= top and bottom <= band_bottom:
                return color
        return None

    def runs(self, text: str, voice: _Voice) -> tuple[Run, ...]:
        """``text`` cut into runs of one family; refuse text no bundled font draws or that needs shaping."""
        split = split_runs(text, voice.fonts.primary, voice.fonts.fallback, language=self.view.language)
        if split.refused or split.missing:
            chars = describe(split.refused + split.missing, limit=3)
            raise CoverRefused(f"no cover image: the bundled fonts cannot draw {chars} (the title page shows them)")
        return split.runs

    def font(self, family: str, voice: _Voice) -> tuple[ImageFont.FreeTypeFont, int]:
        """The Pillow font of ``family`` at the voice's size and the stroke that makes a single-face family bold."""
        return _font(family, voice.bold, voice.size)

    def width(self, text: str, voice: _Voice) -> float:
        """The advance of ``text`` in pixels."""
        key = (text, voice.fonts, voice.bold, voice.size, self.view.language)
        known = _WIDTHS.get(key)
        if known is not None:
            return known
        total = 0.0
        for run in self.runs(text, voice):
            font, stroke = self.font(run.family, voice)
            total += font.getlength(run.text) + 2 * stroke
        if len(_WIDTHS) >= _MAX_WIDTHS:
            _WIDTHS.clear()
        _WIDTHS[key] = total
        return total

    def text(self, x: float, baseline: float, text: str, voice: _Voice, color: str | None = None) -> None:
        """Draw ``text`` from ``x`` on ``baseline``."""
        for run in self.runs(text, voice):
            font, stroke = self.font(run.family, voice)
            fill = color or voice.color
            if not self._plain(x, baseline, run.text, font, stroke, fill):
                self.draw.text(
                    (x, baseline), run.text, font=font, fill=fill, anchor="ls", stroke_width=stroke, stroke_fill=fill
                )
                left, top, right, bottom = font.getbbox(run.text, anchor="ls", stroke_width=stroke)
                self.touch(baseline + top, baseline + bottom)
                self.painted.append((x + left - 2, baseline + top - 2, x + right + 2, baseline + bottom + 2))
            x += font.getlength(run.text) + 2 * stroke

    def _plain(
        self, x: float, baseline: float, text: str, font: ImageFont.FreeTypeFont, stroke: int, fill: str
    ) -> bool:
        """Draw ``text`` as ``ImageDraw.text`` would, if the box its glyphs cover is one known colour; say whether.

        Pillow blends the glyph mask into every pixel of that box, four channels at a time (about 1 ms for a
        line of the title); over one colour the result is a table of 256 values per channel, looked up and
        pasted in a third of the time, with the same bytes.
        """
        from PIL import Image, ImageColor

        # The glyph mask and where it goes, as ImageDraw.text computes them for a single line; a stroked
        # (synthetic bold) run is one mask of stroke and fill together where this Pillow offers it.
        start = (math.modf(x)[0], math.modf(baseline)[0])
        try:
            if stroke:
                mask, (dx, dy) = font.getmask2(
                    text, "L", stroke_width=stroke, anchor="ls", start=start, stroke_filled=True
                )
            else:
                mask, (dx, dy) = font.getmask2(text, "L", anchor="ls", start=start)
        except TypeError:
            return False
        width, height = mask.size
        left, top = int(x) + dx, int(baseline) + dy
        box = (left, top, left + width, top + height)
        background = self._background(box) if width and height and left >= 0 and box[2] <= WIDTH else None
        if background is None:
            return False
        back, ink = ImageColor.getrgb(background), ImageColor.getrgb(fill)
        coverage = Image.Image()._new(mask)
        table = [value for channel in range(3) for value in _blend_table(back[channel], ink[channel])]
        self.canvas.paste(Image.merge("RGB", (coverage, coverage, coverage)).point(table), box[:2])
        self.touch(box[1], box[3])
        self.painted.append((box[0] - 1, box[1] - 1, box[2] + 1, box[3] + 1))
        return True

    def wrap(self, text: str, voice: _Voice, width: float) -> tuple[list[str], bool]:
        """``text`` in lines at most ``width`` wide, and whether a word wider than that had to be broken.

        A line's width is the sum of its pieces' (kerning across a break opportunity is left out).
        """
        lines: list[str] = []
        line, used = "", 0.0
        broken = False
        # Past _MAX_CHARS the text could not fit the cover at any size: it ends in an ellipsis anyway.
        for token in _TOKENS.findall(" ".join(text[:_MAX_CHARS].split())):
            if line and used + self.width(token.rstrip(), voice) > width:
                lines.append(line.rstrip())
                line, used = "", 0.0
                token = token.lstrip()
            line += token
            used += self.width(token, voice)
            while len(line.rstrip()) > 1 and self.width(line.rstrip(), voice) > width:
                broken = True
                lo, hi = 1, len(line)  # the longest start of the line that fits: at least one character
                while lo < hi:
                    mid = (lo + hi + 1) // 2
                    lo, hi = (mid, hi) if self.width(line[:mid], voice) <= width else (lo, mid - 1)
                lines.append(line[:lo])
                line = line[lo:]
                used = self.width(line, voice)
        if line.strip():
            lines.append(line.rstrip())
        return lines, broken

    def at_most(self, lines: list[str], count: int, voice: _Voice, width: float) -> list[str]:
        """The first ``count`` of ``lines``, the last ending in an ellipsis when some were left out."""
        if len(lines) <= count:
            return lines
        return [*lines[: count - 1], self.clip(lines[count - 1], voice, width)]

    def clip(self, line: str, voice: _Voice, width: float) -> str:
        """``line`` shortened until it fits ``width`` with an ellipsis after it."""
        while line and self.width(line.rstrip() + _ELLIPSIS, voice) > width:
            line = line[:-1]
        return line.rstrip() + _ELLIPSIS


def _voice(view: View, role: str, size: int, *, color: str | None = None, bold: bool | None = None) -> _Voice:
    spec: Role = getattr(view.style.roles, role)
    return _Voice(view.fonts[role], spec.bold if bold is None else bold, color or spec.color, size)


def _on(color: str) -> str:
    """Black or white, whichever reads better on ``color``."""
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "#1A1A1A" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.55 else "#FFFFFF"


def _logo(picture: Picture, room: float) -> Image.Image:
    """The logo decoded, ``_LOGO_HEIGHT`` tall (less when it would be wider than ``room``), RGBA."""
    from PIL import Image

    with Image.open(io.BytesIO(picture.data), formats=[PIL_FORMATS[picture.media_type]]) as opened:
        image = opened.convert("RGBA")
    height = min(_LOGO_HEIGHT, room * image.height / image.width)
    size = (max(1, round(height * image.width / image.height)), max(1, round(height)))
    return image.resize(size, Image.Resampling.LANCZOS)


def _block(painter: _Painter, lines: Sequence[str], voice: _Voice, x: float, top: float) -> float:
    """Draw ``lines`` from ``top`` down; return the bottom of the block."""
    line_height = voice.size * _LEADING
    for index, line in enumerate(lines):
        painter.text(x, top + voice.size * 0.95 + index * line_height, line, voice)
    return top + len(lines) * line_height


@dataclass(frozen=True)
class _Heading:
    """The kicker's and the title's lines at the sizes chosen."""

    kicker: _Voice
    kicker_lines: list[str]
    title: _Voice
    title_lines: list[str]

    @property
    def height(self) -> float:
        """Pixels the kicker, the title and the gap between them take."""
        kicker = len(self.kicker_lines) * self.kicker.size * _LEADING + (_KICKER_GAP if self.kicker_lines else 0)
        return kicker + len(self.title_lines) * self.title.size * _LEADING


def _heading(painter: _Painter, view: View, width: float) -> _Heading:
    """The kicker and the title at the largest title size where both fit the box with no word broken.

    The kicker is set at about half the title's size. Only when no size keeps every word whole is a word
    broken; a title still taller than the box at the smallest size ends in an ellipsis on its last line.
    """
    meta = view.document.meta
    largest, smallest = _TITLE_SIZES
    for may_break in (False, True):
        for size in range(largest, smallest - 1, -6):
            kicker = _voice(view, "kicker", max(36, min(58, round(size * 0.45))))
            kicker_lines, kicker_broken = painter.wrap(meta.kicker, kicker, width) if meta.kicker else ([], False)
            title = _voice(view, "title", size)
            title_lines, title_broken = painter.wrap(meta.title, title, width)
            heading = _Heading(kicker, painter.at_most(kicker_lines, 2, kicker, width), title, title_lines)
            if heading.height <= _TITLE_BOX and (may_break or not (kicker_broken or title_broken)):
                return heading
    kicker_lines = heading.kicker_lines
    keep = max(1, int((_TITLE_BOX - _Heading(kicker, kicker_lines, title, []).height) // (title.size * _LEADING)))
    return _Heading(kicker, kicker_lines, title, painter.at_most(title_lines, keep, title, width))


@dataclass(frozen=True)
class _Letterhead:
    """What every cover of a style shares, drawn: the image, where its rule is, and its JPEG by rows."""

    image: Image.Image
    rule: float
    """The top of the rule under the logo and the organisation."""
    jpeg: RowJpeg | None
    """None when this Pillow writes no restart markers: each cover is then encoded whole."""


_LETTERHEADS: dict[tuple[object, ...], _Letterhead] = {}
"""Covers' shared parts already drawn, by what they depend on."""
_MAX_LETTERHEADS = 4
"""Shared parts kept per process (12 MB each): a batch has one style, a server a few."""


def _letterhead(view: View) -> _Letterhead:
    """A cover with only what every briefing of a style shares.

    The accent bar, the logo, the organisation, the rule and the foot panel depend on the style and the
    document's language alone: drawn once per process, copied for each cover. Nothing a cover draws later
    overlaps them, so the copy gets the very pixels a cover drawn from scratch would, and the rows of the
    JPEG a cover does not draw on are the letterhead's.
    """
    style = view.style
    colors, organisation = style.colors, style.brand.organisation
    logo_key = style.logo.key if style.logo is not None else None
    key = (colors.accent, colors.rule, logo_key, organisation, view.fonts["heading"], view.language)
    found = _LETTERHEADS.get(key)
    if found is not None:
        return found
    from PIL import Image

    canvas = Image.new("RGB", (WIDTH, HEIGHT), "#FFFFFF")
    painter = _Painter(view, canvas)
    draw = painter.draw
    draw.rectangle((0, 0, WIDTH, _BAR), fill=colors.accent)

    # The letterhead: the logo, the organisation beside it (or alone), an accent rule under both.
    top = _BAR + 150
    head_height = 0.0
    text_x = float(_MARGIN)
    if style.logo is not None:
        logo = _logo(style.logo, (WIDTH - 2 * _MARGIN) * 0.45)
        canvas.paste(logo, (_MARGIN, top), logo)
        head_height = logo.height
        text_x += logo.width + 56
    if organisation:
        org = _voice(view, "heading", 64, color=colors.accent, bold=True)
        room = WIDTH - _MARGIN - text_x
        lines = painter.at_most(painter.wrap(organisation, org, room)[0], 3, org, room)
        block = len(lines) * org.size * _LEADING
        _block(painter, lines, org, text_x, top + max(0.0, (head_height - block) / 2))
        head_height = max(head_height, block)
    rule = top + head_height + 90 if head_height else top
    draw.rectangle((_MARGIN, rule, WIDTH - _MARGIN, rule + 10), fill=colors.rule)
    draw.rectangle((0, _FOOT, WIDTH, HEIGHT), fill=colors.accent)
    if len(_LETTERHEADS) >= _MAX_LETTERHEADS:
        del _LETTERHEADS[next(iter(_LETTERHEADS))]
    found = _LETTERHEADS[key] = _Letterhead(canvas, rule, encode_rows(canvas))
    return found


def _draw(view: View) -> tuple[Image.Image, set[int], _Letterhead]:
    """The cover drawn, the rows of MCUs drawn on after the letterhead, and the letterhead."""
    colors = view.style.colors
    shared = _letterhead(view)
    canvas = shared.image.copy()
    # Between the letterhead's rule and the foot panel the letterhead is white; the panel is the accent colour.
    plain = ((math.ceil(shared.rule) + 12, _FOOT, "#FFFFFF"), (_FOOT, HEIGHT, colors.accent))
    painter = _Painter(view, canvas, plain)
    inner = WIDTH - 2 * _MARGIN

    # The kicker and the title, as large as they fit, a little above the middle of the room they have.
    room_top, room_bottom = shared.rule + 120, _FOOT - (240 if view.marking else 120)
    heading = _heading(painter, view, inner)
    block = heading.height + 70
    y = room_top + max(0.0, (room_bottom - room_top - block) * 0.4)
    if heading.kicker_lines:
        y = _block(painter, heading.kicker_lines, heading.kicker, _MARGIN, y) + _KICKER_GAP
    y = _block(painter, heading.title_lines, heading.title, _MARGIN, y) + 60
    painter.rectangle((_MARGIN, y, _MARGIN + 220, y + 10), fill=colors.accent)

    # The foot: the date on the accent panel, the marking above it.
    if view.marking:
        marking = _voice(view, "marking", 52, color=colors.marking, bold=True)
        width = painter.width(view.marking, marking)
        box_w = min(inner, width + 64)
        box_top = _FOOT - 150
        painter.rectangle((_MARGIN, box_top, _MARGIN + box_w, box_top + 96), outline=colors.marking, width=6)
        line = view.marking if width + 64 <= inner else painter.clip(view.marking, marking, inner - 64)
        painter.text(_MARGIN + 32, box_top + 67, line, marking)
    date = _voice(view, "footer", 56, color=_on(colors.accent), bold=False)
    line = view.date if painter.width(view.date, date) <= inner else painter.clip(view.date, date, inner)
    painter.text(_MARGIN, _FOOT + 170, line, date)
    return canvas, painter.rows, shared


def cover_image(view: View) -> Picture:
    """The cover as a JPEG ``WIDTH`` × ``HEIGHT``; raises ``CoverRefused`` when its text cannot be drawn."""
    canvas, rows, shared = _draw(view)
    # JPEG at the package's quality: a PNG of these 4 million pixels cost 65-75 ms to compress, most of a
    # briefing's render time in a batch; the JPEG takes about 8 ms, and its edges are invisible at this size.
    # Without Huffman optimisation: that pass took 17 ms instead of 8 for a file 4 % larger once zipped.
    # Only the rows drawn on after the letterhead are encoded: the title's, the date's, the marking's.
    data = encode(canvas, JPEG, optimize=False) if shared.jpeg is None else changed(shared.jpeg, canvas, rows)
    return Picture.of(data, JPEG, WIDTH, HEIGHT)
