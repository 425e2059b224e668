"""The TrueType families shipped with the package: the styles' (Latin, Greek, Cyrillic, Japanese) and the fallbacks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "fonts"
"""Folder of the bundled font files and their licences."""


@dataclass(frozen=True)
class Typeface:
    """One font family: a file per face (missing faces fall back to regular) and its licence."""

    family: str
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path
    license: Path
    scripts: tuple[str, ...]
    generic: str
    emphasis: str = ""
    """The family that sets emphasis in this one when it has no italic (Japanese print: Mincho and Gothic)."""

    def face(self, *, bold: bool = False, italic: bool = False) -> Path:
        """Return the file of the requested face."""
        if bold and italic:
            return self.bold_italic
        if bold:
            return self.bold
        if italic:
            return self.italic
        return self.regular


def _liberation(name: str, generic: str, faces: tuple[str, str, str, str]) -> Typeface:
    files = [FONT_DIR / f"Liberation{name}-{face}.ttf" for face in faces]
    return Typeface(
        family=f"Liberation {name}",
        regular=files[0],
        bold=files[1],
        italic=files[2],
        bold_italic=files[3],
        license=FONT_DIR / "licenses" / "Liberation-COPYRIGHT.txt",
        scripts=("latin", "greek", "cyrillic"),
        generic=generic,
    )


def _single_face(
    family: str, filename: str, licence: str, scripts: tuple[str, ...], generic: str, emphasis: str = ""
) -> Typeface:
    # A family with one face: bold and italic fall back to it (IPAex has no others; see _fallback for why
    # the fallbacks ship one).
    path = FONT_DIR / filename
    return Typeface(
        family=family,
        regular=path,
        bold=path,
        italic=path,
        bold_italic=path,
        license=FONT_DIR / "licenses" / licence,
        scripts=scripts,
        generic=generic,
        emphasis=emphasis,
    )


def _ipaex(family: str, filename: str, generic: str, emphasis: str) -> Typeface:
    return _single_face(family, filename, "IPAex-COPYRIGHT.txt", ("latin", "japanese"), generic, emphasis)


TYPEFACES: dict[str, Typeface] = {
    t.family: t
    for t in (
        _liberation("Serif", "serif", ("Regular", "Bold", "Italic", "BoldItalic")),
        _liberation("Sans", "sans-serif", ("Regular", "Bold", "Italic", "BoldItalic")),
        _liberation("Mono", "monospace", ("Regular", "Bold", "Regular", "Bold")),
        _ipaex("IPAexGothic", "ipaexg.ttf", "sans-serif", emphasis="IPAexMincho"),
        _ipaex("IPAexMincho", "ipaexm.ttf", "serif", emphasis="IPAexGothic"),
    )
}
"""Every family a style may name, by name."""


def _fallback(family: str, filename: str, licence: str, scripts: tuple[str, ...], generic: str) -> Typeface:
    # One regular face: the fallbacks draw a few characters of a run, and a heavier twin would
    # double their size for headings alone (reportlab sets the regular face for bold then).
    return _single_face(family, filename, licence, scripts, generic)


FALLBACKS: dict[str, Typeface] = {
    t.family: t
    for t in (
        _fallback(
            "DejaVu Sans",
            "DejaVuSans-Fallback.ttf",
            "DejaVu-COPYRIGHT.txt",
            ("symbols", "latin", "greek", "cyrillic", "armenian", "georgian"),
            "sans-serif",
        ),
        _fallback("Symbola", "Symbola-Fallback.ttf", "Symbola-COPYRIGHT.txt", ("symbols", "emoji"), "serif"),
        _fallback(
            "Droid Sans Fallback",
            "DroidSansFallback-Han.ttf",
            "DroidSansFallback-COPYRIGHT.txt",
            ("han", "bopomofo"),
            "sans-serif",
        ),
        _fallback(
            "Exporter Hangul Gothic", "ExporterHangulGothic.ttf", "Nanum-COPYRIGHT.txt", ("hangul",), "sans-serif"
        ),
        _fallback(
            "Exporter Hangul Myeongjo", "ExporterHangulMyeongjo.ttf", "Nanum-COPYRIGHT.txt", ("hangul",), "serif"
        ),
    )
}
"""The families that draw what a style's families lack (symbols, emoji, Chinese, Korean), by name.

Subsets made by ``scripts/subset_fonts.py``; styles cannot name them (they lack Latin or look out of place
as text), the PDF's fallback chain (``exporter.present.coverage``) sets them.
"""


def typeface(family: str) -> Typeface:
    """Return a shipped family (a style's or a fallback) by name; raises ``KeyError`` for an unknown one."""
    found = TYPEFACES.get(family) or FALLBACKS.get(family)
    if found is None:
        raise KeyError(family)
    return found
