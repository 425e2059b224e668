"""reportlab's canvas and text object with leaner versions of two per-line methods, the bytes unchanged.

A drawn one-pager saves the canvas state ~90 times and formats ~110 text runs. reportlab copies the state
one attribute at a time in Python (``Canvas.push_state_stack``) and formats a run inside a general method
that also handles shaped text and Type 1 fonts (``PDFTextObject._formatText``). ``LeanCanvas`` and
``LeanText`` override these undocumented methods for the case the one-pager draws (TrueType, unshaped) and
hand every other case to reportlab; tests/test_pdf_embed.py compares their output with reportlab's.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfbase.ttfonts import ShapedStr
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

_STATE = itemgetter(*Canvas.STATE_ATTRIBUTES)


class LeanText(PDFTextObject):  # type: ignore[misc]
    """A text object that formats an unshaped TrueType run without reportlab's general path."""

    def _formatText(self, text: Any) -> str:
        font = getFont(self._fontname)
        if not font._dynamicFont or isinstance(text, ShapedStr):
            formatted: str = super()._formatText(text)
            return formatted
        canv = self._canvas
        doc = canv._doc
        out = []
        selector = None
        for subset, codes in font.splitString(text, doc):
            if subset != self._curSubset:  # type: ignore[has-type]
                if selector is None:
                    selector = f"{fp_str(self._fontsize)} Tf {fp_str(self._leading)} TL"
                out.append(f"{font.getSubsetInternalName(subset, doc)} {selector}")
                self._curSubset = subset
            out.append(f"({canv._escape(codes)}) Tj")
        return " ".join(out)


class LeanCanvas(Canvas):  # type: ignore[misc]
    """A canvas that saves its state with one C-level copy."""

    def push_state_stack(self) -> None:
        """Save the graphics state attributes (reportlab's ``STATE_ATTRIBUTES``) and the ExtGState."""
        self.state_stack.append(dict(zip(self.STATE_ATTRIBUTES, _STATE(self.__dict__), strict=True)))
        self._extgstate = self._extgstate.pushCopy()  # type: ignore[has-type]
