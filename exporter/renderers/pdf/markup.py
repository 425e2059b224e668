"""Escaping and conversion of model inlines into reportlab paragraph markup."""

from __future__ import annotations

from collections.abc import Callable
from typing import assert_never
from xml.sax.saxutils import escape

from ...model import Code, Emph, Inline, LineBreak, Link, Strong, Text
from ...present.links import LinkTarget
from .fonts import Coverage, FontPair

_ATTR = {'"': "&quot;", "'": "&#39;"}


def attr(value: str) -> str:
    """Escape a string for a double-quoted markup attribute."""
    return escape(value, _ATTR)


class Inliner:
    """Turns text and inline nodes into escaped markup, with per-run font fallback."""

    def __init__(
        self,
        coverage: Coverage,
        text_pair: FontPair,
        code_pair: FontPair,
        link_color: str,
        link: Callable[[str], LinkTarget],
    ) -> None:
        self.coverage = coverage
        self.link = link
        self.text_pair = text_pair
        self.code_pair = code_pair
        self.link_color = link_color
        self._styled = 0

    def text(self, text: str, pair: FontPair | None = None) -> str:
        """Escape ``text``; characters the primary face lacks go into a fallback ``<font>`` run."""
        pair = pair or self.text_pair
        out = []
        for run, family in self.coverage.runs(text, pair):
            if family is pair.primary:
                out.append(escape(run))
            else:
                # Inside a bold or italic run reportlab switches the fallback to its bold or italic face.
                family.load_all()
                out.append(f'<font face="{attr(family.regular)}">{escape(run)}</font>')
        return "".join(out)

    def code(self, text: str) -> str:
        """Inline code: the monospaced face, escaped."""
        if self._styled:
            self.code_pair.primary.load_all()
        face = attr(self.code_pair.primary.regular)
        return f'<font face="{face}">{self.text(text, self.code_pair)}</font>'

    def inlines(self, nodes: tuple[Inline, ...]) -> str:
        """Markup for a sequence of inline nodes."""
        return "".join(self.inline(node) for node in nodes)

    def _styled_inlines(self, nodes: tuple[Inline, ...]) -> str:
        # <b> and <i> pick other faces of the family by name: register them before layout.
        self.text_pair.primary.load_all()
        self._styled += 1
        try:
            return self.inlines(nodes)
        finally:
            self._styled -= 1

    def inline(self, node: Inline) -> str:
        """Markup for one inline node."""
        match node:
            case Text(text=text):
                return self.text(text)
            case Emph(children=children):
                return f"<i>{self._styled_inlines(children)}</i>"
            case Strong(children=children):
                return f"<b>{self._styled_inlines(children)}</b>"
            case Code(text=text):
                return self.code(text)
            case Link(url=url, children=children):
                inner = self.inlines(children) if children else self.text(url)
                target = self.link(url)
                # Internal targets wait for the model's ids (none yet); until then they are text, as elsewhere.
                if target.kind != "external":
                    return inner
                return f'<a href="{attr(target.href)}" color="{attr(self.link_color)}">{inner}</a>'
            case LineBreak():
                return "<br/>"
            case _:
                assert_never(node)
