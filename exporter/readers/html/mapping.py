"""trafilatura's article XML (head, p, list, quote, table, graphic, hi, ref …) mapped onto the model."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from ...errors import ParseError
from ...images import ImageCollector, Picture
from ...model import (
    Block,
    BulletList,
    Code,
    CodeBlock,
    Definition,
    DefinitionList,
    Emph,
    Figure,
    Inline,
    LineBreak,
    Link,
    OrderedList,
    Paragraph,
    Quote,
    Section,
    Strike,
    Strong,
    SubHeading,
    Table,
    Text,
    plain_text,
)
from .page import PageImage

MAX_NESTING = 64
"""Deepest nesting of lists and quotes mapped; trafilatura flattens layout, so only hostile pages go deeper."""

_SPACE = re.compile(r"\s+")
_BLOCK_TAGS = frozenset({"p", "list", "quote", "code", "table", "head", "graphic", "div", "item", "row"})
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass
class Mapper:
    """Turns the extracted article into sections, taking each figure's picture through the collector."""

    collector: ImageCollector
    images: dict[str, PageImage]
    base: str = ""
    """What relative links are resolved against ("" leaves them as written)."""
    dropped: Counter[str] = field(default_factory=Counter)

    # --- inlines ------------------------------------------------------------------------------

    def inlines(self, element: Any, depth: int = 0, *, trim: bool = True) -> tuple[Inline, ...]:
        """The inline content of ``element``: its text and every child's, blocks inside flattened."""
        out: list[Inline] = []
        self._inline_run(element, out, depth)
        return _tidy(out, trim=trim)

    def _inline_run(self, element: Any, out: list[Inline], depth: int) -> None:
        if depth > MAX_NESTING:
            raise ParseError(f"the article's markup is nested more than {MAX_NESTING} levels deep")
        if element.text:
            out.append(Text(text=element.text))
        for child in element:
            out.extend(self._inline(child, depth + 1))
            if child.tail:
                out.append(Text(text=child.tail))

    def _inline(self, child: Any, depth: int) -> list[Inline]:
        tag = child.tag
        if tag == "lb":
            return [LineBreak()]
        if tag == "graphic":
            image = self.image(child)
            self.dropped["an image inside a line of text is kept as its alt text"] += 1
            return [Text(text=image.alt)] if image.alt else []
        children = self.inlines(child, depth, trim=False)
        if not children:
            return []
        if tag == "hi":
            rend = child.get("rend", "")
            if rend == "#b":
                return [Strong(children=children)]
            if rend == "#i":
                return [Emph(children=children)]
            if rend == "#t":
                return [Code(text=plain_text(children))]
            return list(children)  # underline, sub- and superscript have no place in the model: their text stays
        if tag == "del":
            return [Strike(children=children)]
        if tag == "code":
            return [Code(text=plain_text(children))]
        if tag == "ref":
            target = (child.get("target") or "").strip()
            return [Link(url=self.url(target), children=children)] if target else list(children)
        if tag in _BLOCK_TAGS:
            # A block inside a line (a paragraph in a table cell, a list in a heading): its words, spaced.
            return [Text(text=" "), *children, Text(text=" ")]
        return list(children)

    def url(self, target: str) -> str:
        """A link target, resolved against the page's address when relative (the link policy judges it later)."""
        if self.base and not _SCHEME.match(target) and not target.startswith("#"):
            return urljoin(self.base, target)
        return target

    # --- blocks -------------------------------------------------------------------------------

    def blocks(self, element: Any, depth: int = 0) -> list[Block]:
        """The blocks of mixed content: runs of inline content become paragraphs."""
        if depth > MAX_NESTING:
            raise ParseError(f"the article's markup is nested more than {MAX_NESTING} levels deep")
        out: list[Block] = []
        run: list[Inline] = []
        if element.text and element.text.strip():
            run.append(Text(text=element.text))
        for child in element:
            if child.tag in _BLOCK_TAGS and child.tag != "row":
                self._flush(run, out)
                out.extend(self.block(child, depth + 1))
            else:
                run.extend(self._inline(child, depth + 1))
            if child.tail and child.tail.strip():
                run.append(Text(text=child.tail))
        self._flush(run, out)
        return out

    @staticmethod
    def _flush(run: list[Inline], out: list[Block]) -> None:
        inlines = _tidy(run)
        if inlines:
            out.append(Paragraph(inlines=inlines))
        run.clear()

    def block(self, element: Any, depth: int) -> list[Block]:
        """One element of the article as model blocks (none when it holds nothing)."""
        tag = element.tag
        if tag == "p":
            graphics = list(element.iter("graphic"))
            if len(graphics) == 1 and not _words_besides(element, graphics[0]):
                return self.figure(graphics[0])
            return self.blocks(element, depth)
        if tag == "head":
            inlines = self.inlines(element, depth)
            return [SubHeading(level=max(1, heading_level(element) - 2), inlines=inlines)] if inlines else []
        if tag == "list":
            return self.list_block(element, depth)
        if tag == "quote":
            inner = self.blocks(element, depth)
            return [Quote(blocks=tuple(inner))] if inner else []
        if tag == "code":
            text = "".join(element.itertext()).strip("\n")
            return [CodeBlock(text=text)] if text.strip() else []
        if tag == "table":
            return self.table(element, depth)
        if tag == "graphic":
            return self.figure(element)
        return self.blocks(element, depth)

    def list_block(self, element: Any, depth: int) -> list[Block]:
        items = [child for child in element if child.tag == "item"]
        rend = element.get("rend", "ul")
        if rend == "dl":
            return [self.definitions(items, depth)]
        blocks = [tuple(self.blocks(item, depth + 1)) for item in items]
        blocks = [b for b in blocks if b]
        if not blocks:
            return []
        if rend == "ol":
            return [OrderedList(items=tuple(blocks))]
        return [BulletList(items=tuple(blocks))]

    def definitions(self, items: list[Any], depth: int) -> DefinitionList:
        out: list[Definition] = []
        for item in items:
            if item.get("rend", "").startswith("dt") or not out:
                out.append(Definition(term=self.inlines(item, depth)))
            else:
                last = out[-1]
                out[-1] = Definition(term=last.term, definitions=(*last.definitions, tuple(self.blocks(item, depth))))
        return DefinitionList(items=tuple(out))

    def table(self, element: Any, depth: int) -> list[Block]:
        rows = [[self.inlines(cell, depth) for cell in row if cell.tag == "cell"] for row in _rows(element)]
        rows = [row for row in rows if row]
        if not rows:
            return []
        width = max(len(row) for row in rows)
        padded = [tuple(row) + ((),) * (width - len(row)) for row in rows]
        # A table without header cells still needs a header row in the model: its first row serves.
        return [Table(header=padded[0], rows=tuple(padded[1:]))]

    def image(self, graphic: Any) -> PageImage:
        """The page's image behind a ``graphic`` (its real reference, alt text and caption)."""
        src = graphic.get("src", "")
        known = self.images.get(src)
        if known is not None:
            return known
        return PageImage(src=src, alt=_SPACE.sub(" ", graphic.get("alt", "")).strip(), caption="")

    def figure(self, graphic: Any) -> list[Block]:
        """A figure: its picture when the page saved it locally, else its alt text (one warning per image)."""
        image = self.image(graphic)
        src = image.src
        if src.startswith("//"):
            src = "https:" + src  # protocol-relative: a remote image, and said so
        key = ""
        if src:
            taken = self.collector.add(src)
            key = taken.key if isinstance(taken, Picture) else ""
        if not key and not image.alt and not image.caption:
            self.dropped["an image that could not be taken and has no alt text or caption was left out"] += 1
            return []
        return [Figure.of(image.alt, key=key, caption=image.caption, src=image.src)]


def _rows(table: Any) -> list[Any]:
    """The table's own rows (a nested table's rows are in their cell's text)."""
    return [row for row in table if row.tag == "row"]


def heading_level(element: Any) -> int:
    """The HTML level (1-6) of a ``head`` element (3 when trafilatura gives none)."""
    rend = element.get("rend", "h3")
    return int(rend[1]) if len(rend) == 2 and rend[0] == "h" and rend[1] in "123456" else 3


def _words_besides(element: Any, graphic: Any) -> bool:
    text = "".join(element.itertext())
    return bool(text.strip()) or bool(graphic.tail and graphic.tail.strip())


def _tidy(nodes: list[Inline], *, trim: bool = True) -> tuple[Inline, ...]:
    """Adjacent texts joined, white space collapsed, the ends trimmed (for a whole paragraph); empty texts gone."""
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text):
            text = _SPACE.sub(" ", node.text)
            if out and isinstance(out[-1], Text):
                joined = out[-1].text + text
                out[-1] = Text(text=_SPACE.sub(" ", joined))
            elif text:
                out.append(Text(text=text))
        else:
            out.append(node)
    if trim and out and isinstance(out[0], Text):
        out[0] = Text(text=out[0].text.lstrip())
    if trim and out and isinstance(out[-1], Text):
        out[-1] = Text(text=out[-1].text.rstrip())
    return tuple(n for n in out if not (isinstance(n, Text) and not n.text))


MIN_ARTICLE_WORDS = 12
"""Fewest words (a CJK character counts as one) an extracted article must have: fewer is a menu or a notice."""

_WORD = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]|[^\W\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+"
)


def is_article(main: Any) -> bool:
    """Whether the extractor's find reads as an article: enough words, and mostly not the words of links."""
    words = len(_WORD.findall("".join(main.itertext())))
    linked = sum(len(_WORD.findall("".join(ref.itertext()))) for ref in main.iter("ref"))
    return words >= MIN_ARTICLE_WORDS and linked * 2 < words


def sections(main: Any, mapper: Mapper, title: str) -> list[Section]:
    """The article's sections: its highest remaining heading level starts one; the title's heading is skipped."""
    children = list(main)
    heads = [c for c in children if c.tag == "head"]
    skip = None
    for head in heads[:1]:
        if _same(" ".join(head.itertext()), title):
            skip = head
    levels = [heading_level(h) for h in heads if h is not skip]
    top = min(levels, default=2)
    out: list[Section] = []
    heading = ""
    blocks: list[Block] = []
    for child in children:
        if child is skip:
            continue
        if child.tag == "head" and heading_level(child) == top:
            if heading or blocks:
                out.append(Section(heading=heading, blocks=tuple(blocks)))
            heading, blocks = plain_text(mapper.inlines(child)), []
            continue
        if child.tag == "head":
            inlines = mapper.inlines(child)
            if inlines:
                blocks.append(SubHeading(level=max(1, heading_level(child) - top), inlines=inlines))
            continue
        blocks.extend(mapper.block(child, 1))
    if heading or blocks:
        out.append(Section(heading=heading, blocks=tuple(blocks)))
    return out


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
