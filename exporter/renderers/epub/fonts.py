"""Fonts in the briefing: the style's custom files and subsets of the bundled fonts a reader probably lacks.

Manifest items under ``fonts/`` (TrueType: Kobo lists TTF, OTF and WOFF 1, not WOFF2) and the ``@font-face``
rules that name them; which bundled families travel, and with which characters, is ``present.embedding``'s
decision.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from ...fontsubset import subset_font
from ...present.embedding import FontPlan
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


def _weight(bold: bool) -> str:
    return "bold" if bold else "normal"


def embedded_faces(view: View, plan: FontPlan) -> list[FontFace]:
    """Every face the briefing embeds: each face of a custom family its text is set in, whole, once each; then
    a subset of each bundled face the plan says travels (CJK, fallbacks, scripts; Liberation with ``embed``).

    A face a family lacks is not declared, so the reading system synthesises it (bold, oblique) from the
    regular face, as it would for an installed family: IPAex has one face, so its bold is synthetic.
    """
    # The families the stylesheet names (see ``FontPlan.stacks``): the East Asian ones in a CJK document,
    # or where they draw something.
    cjk = view.language.is_cjk
    families = dict.fromkeys(
        name
        for fonts in view.fonts.values()
        for name in (fonts.family, fonts.east_asian)
        if name == fonts.family or cjk or name in plan.chars
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
    for travel in plan.faces:
        name = f"{FONT_FOLDER}/{re.sub(r'[^A-Za-z0-9._-]', '_', font_id(travel.file))}.ttf"
        data = subset_font(travel.file, travel.chars)
        style = "italic" if travel.italic else "normal"
        out.append(FontFace(travel.display, name, _MEDIA_TYPES[".ttf"], _weight(travel.bold), style, data))
    return out


def font_face_rules(faces: list[FontFace]) -> str:
    """The ``@font-face`` rules for ``embedded_faces``, with URLs relative to the stylesheet."""
    base = posixpath.dirname(STYLESHEET)
    rules = []
    for face in faces:
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
