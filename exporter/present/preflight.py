"""Preflight: the characters each output format cannot render, found from the model before any export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..model import Document
from ..sanitize import clean_text
from ..style import Roles, Style
from ..typefaces import FontData, typeface
from .coverage import (
    BIDI_CONTROLS,
    cmap,
    describe,
    font_chain,
    hidden_warning,
    lacking_message,
    missing_message,
    refusal_message,
    typst_chain,
)
from .embedding import printed_characters
from .language import parse_language
from .view import present, role_fonts

FORMATS = ("pdf", "docx", "epub")
"""The formats a preflight reports on (the JSON output holds any character)."""


@dataclass(frozen=True)
class FormatCheck:
    """What one output format would do with a document's characters; each field lists distinct characters."""

    format: str
    missing: str = ""
    """Characters no bundled font draws, even through NFKC (the PDF)."""
    refused: str = ""
    """Characters of right-to-left or complex-shaping scripts the engine refuses (the PDF)."""
    hidden: str = ""
    """Invisible characters the output leaves out, with a warning (the PDF)."""
    illegal: str = ""
    """Characters XML cannot hold (the model removes them when it is built, so normally none)."""
    lacking: tuple[str, ...] = ()
    """One message per custom font that lacks letters the bundled family it replaces has (the PDF)."""

    @property
    def ok(self) -> bool:
        """Whether the format renders every character (left-out invisible ones only warn)."""
        return not (self.missing or self.refused or self.illegal or self.lacking)

    def messages(self) -> tuple[str, ...]:
        """One line per problem, errors first, then the warning about invisible characters."""
        lines = [
            refusal_message(self.refused) if self.refused else "",
            missing_message(self.missing) if self.missing else "",
            *self.lacking,
            f"XML cannot hold {describe(self.illegal)}" if self.illegal else "",
            hidden_warning(self.hidden),
        ]
        return tuple(line for line in lines if line)


def document_characters(document: Document, style: Style) -> str:
    """Every distinct character a document's outputs print: its strings, its labels, date and memo fields."""
    return printed_characters(present(document, style))


def preflight(document: Document, style: Style) -> dict[str, FormatCheck]:
    """The characters of ``document`` each format (pdf, docx, epub) cannot render in ``style``, by format.

    For the PDF a character counts when the fallback chain of any role lacks it (a character in a heading
    and in the body is checked against both), so the report errs on the side of listing; the chain is the
    engine's the style names (``[pdf] engine``: reportlab refuses right-to-left and shaped scripts, Typst not).
    """
    chars = document_characters(document, style)
    illegal = "".join(ch for ch in chars if clean_text(ch)[1])
    language = parse_language(document.meta.language)
    missing: dict[str, None] = {}
    refused: dict[str, None] = {}
    hidden: dict[str, None] = {}
    lacking: dict[str, None] = {}
    typst = style.pdf.engine == "typst"
    for name in Roles.__struct_fields__:
        fonts = role_fonts(style, getattr(style.roles, name).font, language)
        lacking.update(dict.fromkeys(_lacking(fonts.primary, chars)))
        chain = typst_chain if typst else font_chain
        split = chain(fonts.primary, fonts.fallback, language=language).split(chars)
        missing.update(dict.fromkeys(split.missing))
        if not typst:
            # The Typst engine sets right-to-left and shaped scripts, and keeps joiners and marks.
            refused.update(dict.fromkeys(split.refused))
            hidden.update(dict.fromkeys(split.hidden))
    if typst:
        hidden.update(dict.fromkeys(BIDI_CONTROLS.findall(chars)))
    pdf = FormatCheck("pdf", "".join(missing), "".join(refused), "".join(hidden), illegal, tuple(lacking))
    return {"pdf": pdf, "docx": FormatCheck("docx", illegal=illegal), "epub": FormatCheck("epub", illegal=illegal)}


def _lacking(family: str, chars: str) -> Iterator[str]:
    """The message for a custom ``family`` that lacks some of ``chars`` its bundled counterpart draws."""
    face = typeface(family)
    if not face.replaces:
        return
    has, expected = cmap(family), cmap(face.replaces)
    gaps = "".join(ch for ch in chars if ch in expected and ch not in has)
    if gaps:
        file = face.regular.file if isinstance(face.regular, FontData) else ""
        yield lacking_message(face.display, file, gaps, face.replaces)
