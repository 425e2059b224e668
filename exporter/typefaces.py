"""The TrueType families shipped with the package: the styles' (Latin, Greek, Cyrillic, Japanese) and the fallbacks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import msgspec

FONT_DIR = Path(__file__).resolve().parent / "fonts"
"""Folder of the bundled font files and their licences."""


class FontData(msgspec.Struct, frozen=True):
    """A custom face: the bytes of a file a style names, read when the style is loaded."""

    file: str
    """The file as the style names it (for messages)."""
    data: bytes
    digest: str
    """The SHA-256 of ``data``, hex: names the face wherever two styles' files could meet."""

    @property
    def stem(self) -> str:
        """The file's name without folder or extension."""
        return Path(self.file).stem


FontFile = Path | FontData
"""One face's file: a bundled font's path, or a custom font's bytes."""


def font_bytes(file: FontFile) -> bytes:
    """The bytes of a face's file."""
    return file.data if isinstance(file, FontData) else file.read_bytes()


def font_id(file: FontFile) -> str:
    """A name for a face, unique per content: the bundled file's stem, a custom file's stem and digest."""
    return f"{file.stem}-{file.digest[:16]}" if isinstance(file, FontData) else file.stem


@dataclass(frozen=True)
class Typeface:
    """One font family: a file per face (missing faces fall back to regular) and its licence."""

    family: str
    regular: FontFile
    bold: FontFile
    italic: FontFile
    bold_italic: FontFile
    license: Path | None
    """The licence file of a bundled family; None for a custom one (its licence is the office's affair)."""
    scripts: tuple[str, ...]
    generic: str
    emphasis: str = ""
    """The family that sets emphasis in this one when it has no italic (Japanese print: Mincho and Gothic)."""
    name: str = ""
    """The name Word and CSS know the family by, when it is not ``family`` (a custom family's name table)."""
    replaces: str = ""
    """For a custom family: the bundled family its alias names by default, whose characters it must draw."""

    @property
    def display(self) -> str:
        """The family's name in a document: what Word's ``w:rFonts`` and a CSS ``font-family`` say."""
        return self.name or self.family

    def face(self, *, bold: bool = False, italic: bool = False) -> FontFile:
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


def _script_family(family: str, stem: str, scripts: tuple[str, ...], generic: str) -> Typeface:
    # Regular and bold only: none of these scripts has a true italic, and readers slant them synthetically.
    regular, bold = FONT_DIR / f"{stem}-Regular.ttf", FONT_DIR / f"{stem}-Bold.ttf"
    return Typeface(
        family=family,
        regular=regular,
        bold=bold,
        italic=regular,
        bold_italic=bold,
        license=FONT_DIR / "licenses" / "Noto-COPYRIGHT.txt",
        scripts=scripts,
        generic=generic,
    )


SCRIPT_FAMILIES: dict[str, Typeface] = {
    t.family: t
    for t in (
        _script_family("Noto Naskh Arabic", "NotoNaskhArabic", ("arabic",), "serif"),
        _script_family("Noto Sans Hebrew", "NotoSansHebrew", ("hebrew",), "sans-serif"),
        _script_family("Noto Sans Devanagari", "NotoSansDevanagari", ("devanagari",), "sans-serif"),
        _script_family("Noto Sans Thai", "NotoSansThai", ("thai",), "sans-serif"),
    )
}
"""The families for scripts that need shaping (Arabic, Hebrew, Devanagari, Thai), by name.

Unmodified Noto fonts (OFL 1.1). The reportlab one-pager does not set them (it cannot shape or reorder
these scripts and refuses them); the EPUB and the DOCX name and embed them, the Typst engine sets them.
"""


class CustomFamily(msgspec.Struct, frozen=True):
    """A family a style names by its files (``[fonts] serif = "fonts/Acme-Regular.ttf"``); travels with the style."""

    alias: str
    """The ``[fonts]`` alias it stands for: serif, sans, mono, cjk or cjk_serif."""
    name: str
    """The family name in the regular face's name table (name ID 1)."""
    regular: FontData
    bold: FontData | None = None
    italic: FontData | None = None
    bold_italic: FontData | None = None

    @property
    def key(self) -> str:
        """The family's name inside the toolkit: its name and a digest of every face, so files never collide."""
        faces = (self.regular, self.bold, self.italic, self.bold_italic)
        # The files' names count too: messages and the EPUB's file names come from the family registered.
        joined = "\0".join(f"{f.digest}:{f.file}" if f else "" for f in faces)
        return f"{self.name} #{hashlib.sha256(joined.encode()).hexdigest()[:12]}"

    def typeface(self) -> Typeface:
        """The family as a typeface; faces it lacks fall back as in the bundled families (bold italic to bold)."""
        bundled = TYPEFACES[CUSTOM_REPLACES[self.alias]]
        cjk = self.alias.startswith("cjk")
        return Typeface(
            family=self.key,
            regular=self.regular,
            bold=self.bold or self.regular,
            italic=self.italic or self.regular,
            bold_italic=self.bold_italic or self.bold or self.italic or self.regular,
            license=None,
            scripts=("latin", "japanese") if cjk else ("latin",),
            generic=bundled.generic,
            name=self.name,
            replaces=bundled.family,
        )


CUSTOM_REPLACES: dict[str, str] = {
    "serif": "Liberation Serif",
    "sans": "Liberation Sans",
    "mono": "Liberation Mono",
    "cjk": "IPAexGothic",
    "cjk_serif": "IPAexMincho",
}
"""The bundled family each ``[fonts]`` alias names by default: a custom file in its place sets its generic family."""

_CUSTOM: dict[str, Typeface] = {}


def register_custom(family: CustomFamily) -> str:
    """Make a style's custom family known to ``typeface`` in this process (idempotent); return its key.

    Keys hold a digest of the files, so registering is safe whatever other styles a process loads; a style
    registers its families when it is built, also when it is unpickled in a worker process.
    """
    key = family.key
    if key not in _CUSTOM:
        _CUSTOM[key] = family.typeface()
    return key


def is_family(family: str) -> bool:
    """Whether a style may set text in ``family``: a bundled style family or a registered custom one."""
    return family in TYPEFACES or family in _CUSTOM


def typeface(family: str) -> Typeface:
    """Return a family (a style's, a fallback, or a registered custom one) by name; ``KeyError`` for an unknown one."""
    found = TYPEFACES.get(family) or FALLBACKS.get(family) or SCRIPT_FAMILIES.get(family) or _CUSTOM.get(family)
    if found is None:
        raise KeyError(family)
    return found
