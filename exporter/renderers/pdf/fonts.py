"""Font registration with reportlab and cmap coverage checks (once per process)."""

from __future__ import annotations

import functools
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ...errors import GlyphError
from ...present.coverage import (
    FontChain,
    font_chain,
    hidden_warning,
    lacking_message,
    missing_message,
    read_cmap,
    refusal_message,
)
from ...present.language import Language
from ...typefaces import FontData, FontFile, font_id, typeface
from .embed import EmbeddedFont
from .synthetic import stroked
from .tuning import TUNED

_FACES = ("regular", "bold", "italic", "bold_italic")


class FontFamily:
    """A family (shipped or custom) known to reportlab: face names, and faces registered only when first used.

    Loading a face costs ~13 ms (reportlab parses the TrueType tables in Python), so a one-pager that
    never sets italic never loads the italic face. Markup names each face explicitly (``<font face>``):
    reportlab's family mapping behind ``<b>``/``<i>`` is rewritten whenever a TrueType face is registered.
    """

    def __init__(self, family: str) -> None:
        tf = typeface(family)
        self.family = family
        self._paths = {key: tf.face(bold="bold" in key, italic="italic" in key) for key in _FACES}
        self._names = {key: _font_name(path) for key, path in self._paths.items()}
        self.has_bold = self._paths["bold"] != self._paths["regular"]
        """Whether the family has a bold face of its own (IPAex, Liberation Mono's italic and the fallbacks do not)."""
        self.has_italic = self._paths["italic"] != self._paths["regular"]
        """Whether the family has an italic face of its own."""
        self._emphasis = tf.emphasis
        self.display = tf.display
        """The family's name for messages (a custom family's own name, not its key)."""
        self.custom = tf.replaces
        """For a custom family, the bundled family it replaces (whose characters it must draw); "" otherwise."""
        self.file = self._paths["regular"].file if isinstance(self._paths["regular"], FontData) else ""
        """A custom family's regular file as the style names it; "" for a shipped family."""

    @property
    def emphasis(self) -> FontFamily | None:
        """The family that sets emphasis in this one, which has no italic (None: emphasis stays upright)."""
        return font_family(self._emphasis) if self._emphasis else None

    def face(self, *, bold: bool = False, italic: bool = False) -> str:
        """The registered name of one face, registering it on first use."""
        key = ("bold_italic" if italic else "bold") if bold else ("italic" if italic else "regular")
        _ttfont(self._paths[key])
        return self._names[key]

    def stroked(self, *, italic: bool = False) -> str:
        """The registered name of the regular (or italic) face drawn stroked: bold for a family without one."""
        return stroked(_ttfont(self._paths["italic" if italic else "regular"]))

    @property
    def regular(self) -> str:
        """The regular face's name."""
        return self.face()

    @property
    def bold(self) -> str:
        """The bold face's name."""
        return self.face(bold=True)

    @property
    def italic(self) -> str:
        """The italic face's name."""
        return self.face(italic=True)

    @property
    def bold_italic(self) -> str:
        """The bold italic face's name."""
        return self.face(bold=True, italic=True)

    @functools.cached_property
    def cmap(self) -> frozenset[int]:
        """Code points the family draws: the regular face's, which every other shipped face covers too."""
        return frozenset(_ttfont(self._paths["regular"]).face.charToGlyph)

    @functools.cached_property
    def expected(self) -> frozenset[int]:
        """For a custom family, what the shipped family it replaces draws and it lacks; empty otherwise."""
        # Read from the file, not through reportlab: the shipped family itself is never drawn.
        return read_cmap(typeface(self.custom).regular) - self.cmap if self.custom else frozenset()


def _font_name(file: FontFile) -> str:
    # A custom face's name carries a digest of its bytes: two styles' different files named alike never meet.
    return "xp-" + font_id(file)


@functools.cache
def _ttfont(file: FontFile) -> TTFont:
    # One TTFont per file: IPAex uses a single file for all four faces.
    name = _font_name(file)
    kind = EmbeddedFont if TUNED else TTFont
    font = kind(name, io.BytesIO(file.data) if isinstance(file, FontData) else str(file))
    pdfmetrics.registerFont(font)
    # Every style of the name is the name itself, so <font face="NAME"> always draws exactly that face,
    # whatever <b> or <i> encloses it and whatever was registered before or after.
    pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
    return font


@functools.cache
def font_family(family: str) -> FontFamily:
    """The family (one object per process), its faces registered as they are used."""
    return FontFamily(family)


@dataclass(frozen=True)
class FontPair:
    """A role's primary family, the family that supplies what it lacks (kana, Latin), and the whole chain."""

    primary: FontFamily
    fallback_family: str
    chain: FontChain
    """The role's fallback chain (see ``present.coverage.font_chain``): the first family with a glyph draws it."""

    @property
    def fallback(self) -> FontFamily:
        """The fallback family, registered on first use (IPAex costs ~60 ms to load)."""
        return font_family(self.fallback_family)


def font_pair(primary: str, fallback: str, language: Language | None = None) -> FontPair:
    """The pair for a role set in ``primary``, with its chain for a document in ``language``."""
    return FontPair(font_family(primary), fallback, font_chain(primary, fallback, language=language))


class Coverage:
    """Splits text into runs by the family of the chain that has its glyphs; collects what the PDF cannot draw."""

    def __init__(self) -> None:
        self.missing: dict[str, None] = {}
        """Characters no bundled font has, even through NFKC."""
        self.refused: dict[str, None] = {}
        """Characters of right-to-left and complex-shaping scripts."""
        self.lacking: dict[FontFamily, dict[str, None]] = {}
        """Per custom family: characters it lacks that the shipped family it replaces would draw."""
        self._hidden: dict[str, str] = {}
        # Invisible characters left out, per converted string: code is converted again at each trial size.

    @property
    def hidden(self) -> str:
        """Every invisible character left out, one per occurrence in a distinct string (for the one warning)."""
        return "".join(self._hidden.values())

    def runs(self, text: str, pair: FontPair) -> list[tuple[str, FontFamily]]:
        """Consecutive runs of ``text`` with the family that draws each run (invisible characters left out)."""
        split = pair.chain.split(text)
        if not (split.hidden or split.missing or split.refused) and len(split.runs) <= 1:
            # Most text is drawn by the primary family alone (one set check in ``FontChain.split``).
            if not split.runs:
                return []
            run = split.runs[0]
            return [(run.text, pair.primary if run.family == pair.primary.family else font_family(run.family))]
        if split.hidden:
            self._hidden[text] = split.hidden
        self.missing.update(dict.fromkeys(split.missing))
        self.refused.update(dict.fromkeys(split.refused))
        if pair.primary.custom:
            # A custom font without the letters of the family it replaces is refused, not patched up.
            expected = pair.primary.expected
            for ch in text:
                if ord(ch) in expected:
                    self.lacking.setdefault(pair.primary, {}).setdefault(ch, None)
        return [(run.text, font_family(run.family)) for run in split.runs]

    def check(self, text: str, families: Iterable[FontFamily]) -> None:
        """Record characters of ``text`` that none of ``families`` covers (the bullets, drawn in one face)."""
        fams = tuple(families)
        for ch in text:
            if not _skip(ch) and not any(ord(ch) in f.cmap for f in fams):
                self.missing.setdefault(ch, None)

    def raise_missing(self) -> None:
        """Raise ``GlyphError`` for a custom font's gaps, refused scripts or characters no font has, if any."""
        for family, chars in self.lacking.items():
            raise GlyphError(lacking_message(family.display, family.file, "".join(chars), family.custom))
        if self.refused:
            raise GlyphError(refusal_message("".join(self.refused)))
        if self.missing:
            raise GlyphError(missing_message("".join(self.missing)))

    def warning(self) -> str:
        """The one warning about invisible characters the PDF left out ("" when there are none)."""
        return hidden_warning(self.hidden)


def _skip(ch: str) -> bool:
    # Whitespace and control characters are layout, not glyphs: reportlab never draws them.
    return ch.isspace() or unicodedata.category(ch) == "Cc"
