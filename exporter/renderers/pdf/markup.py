"""Model inlines as reportlab paragraph markup in which every run of text names its own face."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import assert_never
from xml.sax.saxutils import escape

from ...model import Checkbox, Code, Emph, Inline, LineBreak, Link, Note, Strike, Strong, Text
from ...present.links import LinkTarget
from ...present.view import checkbox, checkbox_gap
from .fonts import Coverage, FontFamily, FontPair

_ATTR = {'"': "&quot;", "'": "&#39;"}

NOTE_MARK = re.compile(r'<xp-note k="([0-9]+)"/>')
"""A note's reference in cached markup; the builder numbers it (numbers follow what each build keeps)."""


def attr(value: str) -> str:
    """Escape a string for a double-quoted markup attribute."""
    return escape(value, _ATTR)


@dataclass(frozen=True)
class Look:
    """How a run is set: its weight and slant, and what asked for them."""

    bold: bool = False
    italic: bool = False
    strong: bool = False
    """Inside Strong: a family without a bold face is stroked (synthetic bold) rather than left plain."""
    emph: bool = False
    """Inside Emph: a family without an italic face is set in its stand-in family, if it has one."""
    code: bool = False


class Inliner:
    """Turns text and inline nodes into escaped markup: per-run faces, font fallback, stand-ins for missing faces."""

    def __init__(
        self,
        coverage: Coverage,
        text_pair: FontPair,
        code_pair: FontPair,
        link_color: str,
        link: Callable[[str], LinkTarget],
        *,
        internal: Callable[[str], str | None] = lambda ident: None,
        note: Callable[[Note], int] = lambda node: 0,
        base: Look = Look(),
    ) -> None:
        self.coverage = coverage
        self.link = link
        self.internal = internal
        """The PDF destination name of the heading with an id (None when there is none)."""
        self.note = note
        """The key of a note, which the placeholder mark carries to the builder."""
        self.text_pair = text_pair
        self.code_pair = code_pair
        self.link_color = link_color
        self.base = base
        # Paragraphs of the role are set in this face (Context.face): runs in it are written without a tag,
        # which saves reportlab a third of the parsing and wrapping of a plain paragraph.
        self.bare = (code_pair if base.code else text_pair).primary.face(bold=base.bold, italic=base.italic)

    def text(self, text: str, look: Look | None = None) -> str:
        """Escaped markup for plain ``text``; each run names the face of the family that has its glyphs."""
        look = look or self.base
        pair = self.code_pair if look.code else self.text_pair
        return "".join(self.run(run, family, look) for run, family in self.coverage.runs(text, pair))

    def run(self, text: str, family: FontFamily, look: Look) -> str:
        """One run of ``text`` that ``family`` draws, in the face ``look`` asks for (or its substitute)."""
        if look.emph and look.italic and not family.has_italic:
            # Kana and kanji have no italic: emphasis switches between the Mincho and Gothic families.
            stand_in = family.emphasis
            if stand_in is not None and all(ord(ch) in stand_in.cmap or ch.isspace() for ch in text):
                family = stand_in
        if look.strong and look.bold and not family.has_bold:
            # Strong text stays visibly bold: IPAex and the fallbacks are stroked (see synthetic.py).
            face = family.stroked(italic=look.italic)
        else:
            face = family.face(bold=look.bold, italic=look.italic)
        if face == self.bare:
            return escape(text)
        return f'<font face="{attr(face)}">{escape(text)}</font>'

    def inlines(self, nodes: tuple[Inline, ...], look: Look | None = None) -> str:
        """Markup for a sequence of inline nodes."""
        look = look or self.base
        out: list[str] = []
        for index, node in enumerate(nodes):
            out.append(self.inline(node, look))
            if isinstance(node, Checkbox):
                out.append(self.text(checkbox_gap(nodes[index + 1] if index + 1 < len(nodes) else None), look))
        return "".join(out)

    def inline(self, node: Inline, look: Look) -> str:
        """Markup for one inline node set in ``look``."""
        match node:
            case Text(text=text):
                return self.text(text, look)
            case Emph(children=children):
                # Emphasis inside italic text is upright, as in print.
                return self.inlines(children, dataclasses.replace(look, italic=not look.italic, emph=True))
            case Strong(children=children):
                return self.inlines(children, dataclasses.replace(look, bold=True, strong=True))
            case Code(text=text):
                return self.text(text, dataclasses.replace(look, code=True))
            case Strike(children=children):
                return f"<strike>{self.inlines(children, look)}</strike>"
            case Link(url=url, children=children):
                target = self.link(url)
                inner = self.inlines(children, look) if children else self.text(url, look)
                if target.kind == "external":
                    href = target.href
                elif target.kind == "internal" and (name := self.internal(target.href)) is not None:
                    href = "#" + name
                else:
                    return inner
                return f'<a href="{attr(href)}" color="{attr(self.link_color)}">{inner}</a>'
            case LineBreak():
                return "<br/>"
            case Checkbox(checked=checked):
                return self.text(checkbox(checked), look)
            case Note():
                return f'<xp-note k="{self.note(node)}"/>'
            case _:
                assert_never(node)
