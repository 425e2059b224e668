"""The TrueType families shipped with the package (Latin, Greek, Cyrillic, Japanese)."""

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


def _ipaex(family: str, filename: str, generic: str) -> Typeface:
    path = FONT_DIR / filename
    return Typeface(
        family=family,
        regular=path,
        bold=path,
        italic=path,
        bold_italic=path,
        license=FONT_DIR / "licenses" / "IPAex-COPYRIGHT.txt",
        scripts=("latin", "japanese"),
        generic=generic,
    )


TYPEFACES: dict[str, Typeface] = {
    t.family: t
    for t in (
        _liberation("Serif", "serif", ("Regular", "Bold", "Italic", "BoldItalic")),
        _liberation("Sans", "sans-serif", ("Regular", "Bold", "Italic", "BoldItalic")),
        _liberation("Mono", "monospace", ("Regular", "Bold", "Regular", "Bold")),
        _ipaex("IPAexGothic", "ipaexg.ttf", "sans-serif"),
        _ipaex("IPAexMincho", "ipaexm.ttf", "serif"),
    )
}
"""Every shipped family by name."""


def typeface(family: str) -> Typeface:
    """Return a shipped family by name; raises ``KeyError`` for an unknown one."""
    return TYPEFACES[family]
