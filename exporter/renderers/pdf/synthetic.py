"""Synthetic bold for families without a bold face (IPAex, the fallbacks): stroked glyph outlines.

A stroked face is an alias of the regular face under its own name (reportlab keeps one font object, so the
glyphs are embedded once). Text set in an alias is drawn in text render mode 2, fill then stroke, with the
stroke in the fill colour: the glyphs thicken as Word and browsers thicken them when a font has no bold.
"""

from __future__ import annotations

import copy
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from .drawing import LeanCanvas, LeanText
from .tuning import TUNED

_Text: type[PDFTextObject] = LeanText if TUNED else PDFTextObject
_Canvas: type[Canvas] = LeanCanvas if TUNED else Canvas

STROKE = 0.035
"""Stroke width in ems: about the weight Word and browsers add to a face they embolden."""
_SUFFIX = "~stroked"
_STROKED: set[str] = set()


def stroked(font: TTFont) -> str:
    """The name of ``font`` drawn stroked, registering the alias on first use."""
    name = f"{font.fontName}{_SUFFIX}"
    if name not in _STROKED:
        alias = copy.copy(font)
        alias.fontName = name
        # registerFont files an alias of a face it already knows under the known font object.
        pdfmetrics.registerFont(alias)
        pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
        _STROKED.add(name)
    return name


class StrokingText(_Text):  # type: ignore[misc]
    """A text object that strokes runs set in a stroked alias, in their fill colour."""

    _stroking = False

    def _stroke(self, fontname: str, size: float) -> None:
        on = fontname in _STROKED
        if on:
            self._code.append(f"{STROKE * size:.3f} w")
        if on == self._stroking:
            return
        self._stroking = on
        if on:
            fill = getattr(self, "_fillColorObj", None) or self._canvas._fillColorObj
            self.setStrokeColor(fill)
        self.setTextRenderMode(2 if on else 0)

    def _setFont(self, psfontname: str, size: float) -> None:
        self._stroke(psfontname, size)
        super()._setFont(psfontname, size)

    def setFont(self, psfontname: str, size: float, leading: float | None = None) -> None:
        """Set the font; a stroked alias turns stroking on, any other face off."""
        self._stroke(psfontname, size)
        super().setFont(psfontname, size, leading)

    def setFillColor(self, aColor: Any, alpha: float | None = None) -> None:
        """Set the fill colour (and the stroke colour while stroking, so outlines match the text)."""
        super().setFillColor(aColor, alpha)
        if self._stroking:
            self.setStrokeColor(aColor)

    def getCode(self) -> str:
        """The text object's operators, leaving render mode 0 behind it."""
        if self._stroking:
            self._stroking = False
            self.setTextRenderMode(0)
        code: str = super().getCode()
        return code


class StrokingCanvas(_Canvas):  # type: ignore[misc]
    """A canvas whose text objects draw stroked aliases as synthetic bold."""

    def beginText(self, x: float = 0, y: float = 0, direction: Any = None) -> StrokingText:
        """A fresh text object that knows stroked aliases."""
        return StrokingText(self, x, y, direction=direction)
