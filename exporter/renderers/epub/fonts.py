"""The style's custom font files in the briefing: manifest items and the ``@font-face`` rules that name them."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from ...present.view import View
from ...typefaces import FontData, font_id, typeface
from .chapters import STYLESHEET

FONT_FOLDER = "fonts"
"""Where the font files go, beside the stylesheet's folder."""
_MEDIA_TYPES = {".ttf": "font/ttf", ".otf": "font/otf"}
"""EPUB 3's core media types for the two kinds of file a style may name."""
_FACES: tuple[tuple[str, str, str], ...] = (
    ("regular", "normal", "normal"),
    ("bold", "bold", "normal"),
    ("italic", "normal", "italic"),
    ("bold_italic", "bold", "italic"),
)
"""Each face's attribute of ``Typeface`` and its CSS weight and style."""


@dataclass(frozen=True)
class FontFace:
    """One embedded face: its file in the package and the CSS descriptors that select it."""

    family: str
    file_name: str
    media_type: str
    weight: str
    style: str
    data: bytes


def _file_name(face: FontData) -> str:
    suffix = posixpath.splitext(face.file.lower())[1]
    # File names in an EPUB keep to a safe set of characters (EPUBCheck warns about the others).
    return f"{FONT_FOLDER}/{re.sub(r'[^A-Za-z0-9._-]', '_', font_id(face))}{suffix}"


def embedded_faces(view: View) -> list[FontFace]:
    """Every face of a custom family the briefing's text is set in: the faces the style names, once each.

    A face the family lacks is not declared, so the reading system synthesises it (bold, oblique) from the
    regular face, as it would for an installed family.
    """
    # The families the stylesheet names (see RoleFonts.stack): the East Asian ones in a CJK document only.
    cjk = view.language.is_cjk
    families = dict.fromkeys(
        name for fonts in view.fonts.values() for name in ((fonts.family, fonts.east_asian) if cjk else (fonts.family,))
    )
    out: list[FontFace] = []
    for key in families:
        tf = typeface(key)
        if not tf.replaces:
            continue
        seen: set[str] = set()
        for attr, weight, style in _FACES:
            face = getattr(tf, attr)
            if not isinstance(face, FontData) or face.digest in seen:
                continue
            seen.add(face.digest)
            suffix = posixpath.splitext(face.file.lower())[1]
            out.append(FontFace(tf.display, _file_name(face), _MEDIA_TYPES[suffix], weight, style, face.data))
    return out


def font_face_rules(view: View) -> str:
    """The ``@font-face`` rules for ``embedded_faces``, with URLs relative to the stylesheet."""
    base = posixpath.dirname(STYLESHEET)
    rules = []
    for face in embedded_faces(view):
        url = posixpath.relpath(face.file_name, base)
        rules.append(
            "@font-face {\n"
            f'  font-family: "{face.family}";\n'
            f"  font-weight: {face.weight};\n"
            f"  font-style: {face.style};\n"
            f'  src: url("{url}");\n'
            "}\n"
        )
    return "".join(rules)
