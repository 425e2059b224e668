"""Font registration with reportlab and cmap coverage checks (once per process)."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ...errors import GlyphError
from ...style import Style
from ...typefaces import typeface


@dataclass(frozen=True)
class FontFamily:
    """A shipped family registered with reportlab: face names and the code points every face covers."""

    family: str
    regular: str
    bold: str
    italic: str
    bold_italic: str
    cmap: frozenset[int] = field(repr=False)

    def face(self, *, bold: bool = False, italic: bool = False) -> str:
        """The registered name of one face."""
        if bold and italic:
            return self.bold_italic
        if bold:
            return self.bold
        if italic:
            return self.italic
        return self.regular


@functools.cache
def _ttfont(path: Path) -> TTFont:
    # One TTFont per file: IPAex uses a single file for all four faces.
    name = "xp-" + path.stem
    font = TTFont(name, str(path))
    pdfmetrics.registerFont(font)
    return font


@functools.cache
def font_family(family: str) -> FontFamily:
    """Register a shipped family (once per process) and return its face names and coverage."""
    tf = typeface(family)
    faces = {
        "regular": tf.regular,
        "bold": tf.bold,
        "italic": tf.italic,
        "bold_italic": tf.bold_italic,
    }
    fonts = {key: _ttfont(path) for key, path in faces.items()}
    cmap: set[int] | None = None
    for font in {id(f): f for f in fonts.values()}.values():
        covered = set(font.face.charToGlyph)
        cmap = covered if cmap is None else cmap & covered
    names = {key: font.fontName for key, font in fonts.items()}
    # reportlab resolves <b>/<i> inside a paragraph through this family mapping.
    for bold in (0, 1):
        for italic in (0, 1):
            key = ("bold_" if bold else "") + ("italic" if italic else "")
            addMapping(names["regular"], bold, italic, names[key.rstrip("_") or "regular"])
    return FontFamily(
        family=family,
        regular=names["regular"],
        bold=names["bold"],
        italic=names["italic"],
        bold_italic=names["bold_italic"],
        cmap=frozenset(cmap or ()),
    )


def _skip(ch: str) -> bool:
    # Whitespace and control characters are layout, not glyphs: reportlab never draws them.
    return ch.isspace() or unicodedata.category(ch) == "Cc"


@dataclass(frozen=True)
class FontPair:
    """A primary family and the family that supplies the characters the primary lacks."""

    primary: FontFamily
    fallback_family: str

    @property
    def fallback(self) -> FontFamily:
        """The fallback family, registered on first use (IPAex costs ~60 ms to load)."""
        return font_family(self.fallback_family)


class Coverage:
    """Splits text into runs by the font that has its glyphs; collects characters no font has."""

    def __init__(self) -> None:
        self.missing: dict[str, None] = {}

    def runs(self, text: str, pair: FontPair) -> list[tuple[str, FontFamily]]:
        """Consecutive runs of ``text`` with the family that draws each run."""
        out: list[tuple[str, FontFamily]] = []
        primary = pair.primary.cmap
        start = 0
        current = pair.primary
        for i, ch in enumerate(text):
            cp = ord(ch)
            if _skip(ch) or cp in primary:
                fam = current if _skip(ch) else pair.primary
            elif cp in pair.fallback.cmap:
                fam = pair.fallback
            else:
                self.missing.setdefault(ch, None)
                fam = current
            if fam is not current:
                if i > start:
                    out.append((text[start:i], current))
                start, current = i, fam
        if len(text) > start:
            out.append((text[start:], current))
        return out

    def check(self, text: str, families: Iterable[FontFamily]) -> None:
        """Record characters of ``text`` that none of ``families`` covers."""
        fams = tuple(families)
        for ch in text:
            if not _skip(ch) and not any(ord(ch) in f.cmap for f in fams):
                self.missing.setdefault(ch, None)

    def raise_missing(self, families: Iterable[str]) -> None:
        """Raise ``GlyphError`` naming every uncovered character, if there is any."""
        if not self.missing:
            return
        chars = list(self.missing)
        named = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'UNNAMED CHARACTER')}" for c in chars[:6])
        more = f" and {len(chars) - 6} more" if len(chars) > 6 else ""
        fams = ", ".join(dict.fromkeys(families))
        raise GlyphError(
            f"the PDF fonts ({fams}) have no glyph for {named}{more}; "
            "this script is not supported in the PDF yet (use the DOCX or EPUB output)"
        )


def is_japanese(language: str) -> bool:
    """Whether a BCP 47 tag is Japanese."""
    return language.split("-")[0].split("_")[0].lower() == "ja"


def pair_for(style: Style, font: str, language: str) -> FontPair:
    """The font pair for a role font (alias or family) in a document language."""
    family = style.family(font)
    generic = typeface(family).generic
    cjk = style.fonts.cjk_serif if generic == "serif" else style.fonts.cjk
    latin = style.fonts.serif if generic == "serif" else style.fonts.sans
    if "japanese" in typeface(family).scripts:
        return FontPair(font_family(family), latin)
    if is_japanese(language) and generic != "monospace":
        return FontPair(font_family(cjk), latin)
    return FontPair(font_family(family), cjk)
