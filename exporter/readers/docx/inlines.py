"""Runs to model inlines: formats nested as they were written, links, breaks and notes."""

from __future__ import annotations

from dataclasses import dataclass

from ...model import Code, Emph, Inline, LineBreak, Link, Note, Strike, Strong, Text
from .styles import RunFormat

_PLAIN = RunFormat()

LinkKey = tuple[str, int]
"""A link's target and which hyperlink element it came from (two links to one URL stay two)."""


@dataclass(frozen=True)
class Segment:
    """A stretch of text with its formats, or a break or note (``node``) standing alone."""

    text: str = ""
    fmt: RunFormat = _PLAIN
    link: LinkKey | None = None
    node: Inline | None = None

    def flags(self) -> frozenset[str]:
        """The wrappers this segment sits in (``link`` is one when it has a target)."""
        out = set()
        if self.fmt.bold:
            out.add("strong")
        if self.fmt.italic:
            out.add("emph")
        if self.fmt.strike:
            out.add("strike")
        if self.link is not None:
            out.add("link")
        return frozenset(out)


_ORDER = ("link", "strong", "emph", "strike")


def build(segments: list[Segment]) -> tuple[Inline, ...]:
    """Nest ``segments`` into inline nodes, the widest-reaching wrapper outermost (``_a **b**_`` stays so)."""
    return _merge(_build(segments, frozenset()))


def _same(a: Segment, b: Segment, flag: str) -> bool:
    return flag != "link" or a.link == b.link


def _build(segments: list[Segment], active: frozenset[str]) -> list[Inline]:
    out: list[Inline] = []
    i = 0
    while i < len(segments):
        seg = segments[i]
        pending = seg.flags() - active
        if not pending:
            if seg.node is not None:
                out.append(seg.node)
            elif seg.fmt.code:
                out.append(Code(text=seg.text))
            else:
                out.append(Text(text=seg.text))
            i += 1
            continue
        best, reach = "", 0
        for flag in _ORDER:
            if flag not in pending:
                continue
            j = i
            while j < len(segments) and flag in segments[j].flags() and _same(seg, segments[j], flag):
                j += 1
            if j - i > reach:
                best, reach = flag, j - i
        inner = _build(segments[i : i + reach], active | {best})
        out.append(_wrap(best, seg, tuple(_merge(inner))))
        i += reach
    return out


def _wrap(flag: str, seg: Segment, children: tuple[Inline, ...]) -> Inline:
    if flag == "link":
        assert seg.link is not None
        return Link(url=seg.link[0], children=children)
    if flag == "strong":
        return Strong(children=children)
    if flag == "emph":
        return Emph(children=children)
    return Strike(children=children)


def _merge(nodes: list[Inline]) -> tuple[Inline, ...]:
    """Adjacent texts (and adjacent code) joined, as one run of text was split into many runs by Word."""
    out: list[Inline] = []
    for node in nodes:
        last = out[-1] if out else None
        if isinstance(node, Text) and isinstance(last, Text):
            out[-1] = Text(text=last.text + node.text)
        elif isinstance(node, Code) and isinstance(last, Code):
            out[-1] = Code(text=last.text + node.text)
        else:
            out.append(node)
    return tuple(out)


def strip_inlines(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """``inlines`` without leading and trailing white space and breaks (Word keeps stray spaces at the ends)."""
    items = list(inlines)
    while items and (isinstance(items[0], LineBreak) or (isinstance(items[0], Text) and not items[0].text.strip())):
        items.pop(0)
    while items and (isinstance(items[-1], LineBreak) or (isinstance(items[-1], Text) and not items[-1].text.strip())):
        items.pop()
    if items and isinstance(items[0], Text):
        items[0] = Text(text=items[0].text.lstrip())
    if items and isinstance(items[-1], Text):
        items[-1] = Text(text=items[-1].text.rstrip())
    return tuple(items)


__all__ = ["LinkKey", "Note", "Segment", "build", "strip_inlines"]
