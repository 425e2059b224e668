"""Custom font files a style names: read once, checked as the PDF will embed them, named from their name table."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

from .errors import StyleError, printable
from .typefaces import CUSTOM_REPLACES, CustomFamily, FontData

FACES = {"": "regular", "_bold": "bold", "_italic": "italic", "_bold_italic": "bold_italic"}
"""The ``[fonts]`` key suffixes of a custom family's faces, with the face each names."""
FONT_SUFFIXES = (".ttf", ".otf")
"""How a ``[fonts]`` value that names a file ends (any case); anything else is a family name."""
_OTHER_SUFFIXES = (".ttc", ".otc", ".woff", ".woff2", ".pfb", ".pfa", ".dfont")
MAX_FONT_BYTES = 64 * 1024 * 1024
"""Largest font file a style may name (the largest CJK fonts are about 20 MB)."""

_TRUETYPE = (b"\x00\x01\x00\x00", b"true")
_REFUSED = {
    b"OTTO": "has PostScript (CFF) outlines, which the PDF engine (reportlab) cannot embed; use a TrueType-outline "
    "(glyf) build of the font",
    b"ttcf": "is a font collection; name one TrueType face (.ttf) instead",
    b"wOFF": "is a WOFF web font; name the TrueType (.ttf) file it was made from",
    b"wOF2": "is a WOFF2 web font; name the TrueType (.ttf) file it was made from",
}


def names_file(value: str) -> bool:
    """Whether a ``[fonts]`` value names a font file rather than a bundled family."""
    return value.lower().endswith(FONT_SUFFIXES + _OTHER_SUFFIXES) or "/" in value or "\\" in value


def _read(path: Path, where: str, style_file: Path) -> bytes:
    shown = printable(str(path))
    try:
        if not path.is_file():
            what = "is not a file" if path.exists() else "does not exist"
            raise StyleError(
                f"{style_file}: `{where}` names {shown}, which {what} (paths are relative to the style file)"
            )
        if path.stat().st_size > MAX_FONT_BYTES:
            raise StyleError(f"{style_file}: `{where}`: {shown} is larger than {MAX_FONT_BYTES // 2**20} MB")
        return path.read_bytes()
    except OSError as exc:
        raise StyleError(f"{style_file}: `{where}`: cannot read {shown}: {exc.strerror}") from None


def _family_name(data: bytes, shown: str, where: str, style_file: Path) -> str:
    # reportlab's own parser: a file it reads here is one it can embed in the PDF later, and the family
    # name it finds (name ID 1, the family Word groups regular, bold and italic under) is the one Word knows.
    from reportlab.pdfbase.ttfonts import TTFError, TTFontFile

    stream = io.BytesIO(data)
    stream.name = shown
    try:
        parsed = TTFontFile(stream)
    except TTFError as exc:
        reason = str(exc).replace(f'"{shown}"', "").replace(f"{shown}", "").strip(" :")
        raise StyleError(f"{style_file}: `{where}`: {shown} cannot be embedded in the PDF: {reason}") from None
    except Exception:  # a damaged file makes the parser fail in any way
        raise StyleError(f"{style_file}: `{where}`: {shown} is not a readable TrueType font") from None
    family = getattr(parsed.familyName, "ustr", None) or bytes(parsed.familyName).decode("latin-1")
    # The name goes into CSS strings and Word's XML: no line breaks, controls, quotes or backslashes.
    return re.sub(r'[\x00-\x1f\x7f-\x9f"\\]', "", re.sub(r"\s+", " ", family)).strip()


def read_face(path: Path, where: str, style_file: Path) -> tuple[FontData, str]:
    """Read and check one face's file; return it and its family name. Raises a one-line ``StyleError``."""
    data = _read(path, where, style_file)
    shown = printable(str(path))
    magic = data[:4]
    if magic in _REFUSED:
        raise StyleError(f"{style_file}: `{where}`: {shown} {_REFUSED[magic]}")
    if magic not in _TRUETYPE or len(data) < 12:
        raise StyleError(f"{style_file}: `{where}`: {shown} is not a font file (a TrueType .ttf or .otf is needed)")
    family = _family_name(data, shown, where, style_file)
    if not family:
        raise StyleError(f"{style_file}: `{where}`: {shown} has no family name in its name table")
    face = FontData(file=str(path), data=data, digest=hashlib.sha256(data).hexdigest())
    return face, family


def custom_family(alias: str, files: dict[str, Path], style_file: Path) -> CustomFamily:
    """The custom family of one alias from its faces' files (``regular`` required), each checked."""
    if alias not in CUSTOM_REPLACES:
        raise StyleError(f"{style_file}: `fonts.{alias}` cannot name a font file")
    faces: dict[str, FontData] = {}
    name = ""
    for suffix, face in FACES.items():
        path = files.get(face)
        if path is None:
            continue
        if not path.name.lower().endswith(FONT_SUFFIXES):
            raise StyleError(
                f"{style_file}: `fonts.{alias}{suffix}` names {printable(path.name)}; "
                "a custom font must be a TrueType .ttf (or .otf with TrueType outlines)"
            )
        data, family = read_face(path, f"fonts.{alias}{suffix}", style_file)
        faces[face] = data
        name = name or family
    return CustomFamily(alias=alias, name=name, **faces)
