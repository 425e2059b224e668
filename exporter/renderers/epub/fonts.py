"""Fonts in the briefing: subsets of the style's custom files and of the bundled fonts a reader probably lacks.

Manifest items under ``fonts/`` (TrueType: Kobo lists TTF, OTF and WOFF 1, not WOFF2) and the ``@font-face``
rules that name them; which families travel, with which characters, and whether a licence keeps a file
whole or at home, is ``present.embedding``'s decision.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from ...present.embedding import FontPlan
from ...typefaces import FontData, font_id
from .chapters import STYLESHEET

FONT_FOLDER = "fonts"
"""Where the font files go, beside the stylesheet's folder."""
_MEDIA_TYPES = {".ttf": "font/ttf", ".otf": "font/otf"}
"""EPUB 3's core media types for the two kinds of file a style may name."""


@dataclass(frozen=True)
class FontFace:
    """One embedded face: its file in the package and the CSS descriptors that select it."""

    family: str
    file_name: str
    media_type: str
    weight: str
    style: str
    data: bytes


def _weight(bold: bool) -> str:
    return "bold" if bold else "normal"


def embedded_faces(plan: FontPlan) -> list[FontFace]:
    """Every face the briefing embeds: the plan's travelling faces (custom families, CJK, fallbacks, scripts;
    Liberation with ``embed``), each a subset of its file, or the whole file where its licence forbids subsetting.

    A face a family lacks is not declared, so the reading system synthesises it (bold, oblique) from the
    regular face, as it would for an installed family: IPAex has one face, so its bold is synthetic.
    """
    out: list[FontFace] = []
    for travel in plan.faces:
        # A subset is TrueType whatever the file was called; a whole file keeps its own kind (.ttf, .otf).
        original = travel.file.file if isinstance(travel.file, FontData) else travel.file.name
        suffix = posixpath.splitext(original.lower())[1] if travel.whole else ".ttf"
        # File names in an EPUB keep to a safe set of characters (EPUBCheck warns about the others).
        name = f"{FONT_FOLDER}/{re.sub(r'[^A-Za-z0-9._-]', '_', font_id(travel.file))}{suffix}"
        style = "italic" if travel.italic else "normal"
        out.append(FontFace(travel.display, name, _MEDIA_TYPES[suffix], _weight(travel.bold), style, travel.data))
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
