"""Model blocks and inlines to WordprocessingML; every node type is handled or mypy fails."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import assert_never

from ...model import (
    Block,
    BulletList,
    Code,
    CodeBlock,
    Emph,
    Inline,
    LineBreak,
    Link,
    OrderedList,
    Paragraph,
    Quote,
    Strong,
    SubHeading,
    Table,
    Text,
)
from ...present.links import TEXT
from ...present.view import View
from . import styles as S
from .ooxml import Element, hyperlink, line_break, ppr, rpr, run, sub

Relate = Callable[[str], str]
"""Returns the relationship id of an external hyperlink target (python-docx's ``part.relate_to``)."""


@dataclass(frozen=True)
class Context:
    """Where a block sits: the paragraph style of plain text, heading depth, list and quote nesting."""

    body_style: str = S.NORMAL
    heading_offset: int = 1
    list_depth: int = 0
    quote_depth: int = 0


class BlockWriter:
    """Appends model nodes to a WordprocessingML container (the body, a table cell)."""

    def __init__(self, view: View, relate: Relate, numbering: Element) -> None:
        self.view = view
        self.style = view.style
        self.relate = relate
        self.numbering = numbering
        self.text_width = round(view.content_width * 20)
        self.links = 0
        self._next_num = S.ORDERED_NUM_ID + 1

    # --- paragraphs and inlines -----------------------------------------------------------------

    def paragraph(
        self,
        parent: Element,
        style_id: str = S.NORMAL,
        *,
        num: tuple[int, int] | None = None,
        ind: dict[str, str] | None = None,
    ) -> Element:
        """Append an empty paragraph in ``style_id`` (Normal carries no pStyle, as Word writes it)."""
        p = sub(parent, "p")
        if style_id != S.NORMAL or num or ind:
            ppr(p, style="" if style_id == S.NORMAL else style_id, num=num, ind=ind)
        return p

    def inlines(
        self,
        parent: Element,
        nodes: Sequence[Inline],
        *,
        bold: bool = False,
        italic: bool = False,
        in_link: bool = False,
    ) -> None:
        """Append ``nodes`` as runs; text is always literal ``w:t`` content."""
        link_style = S.HYPERLINK if in_link else ""
        for node in nodes:
            match node:
                case Text(text=text):
                    if text:
                        run(parent, text, style=link_style, bold=bold, italic=italic)
                case Emph(children=children):
                    self.inlines(parent, children, bold=bold, italic=not italic, in_link=in_link)
                case Strong(children=children):
                    self.inlines(parent, children, bold=True, italic=italic, in_link=in_link)
                case Code(text=text):
                    if text:
                        run(parent, text, style=S.INLINE_CODE, bold=bold, italic=italic)
                case Link(url=url, children=children):
                    # Word cannot nest hyperlinks; internal targets wait for bookmarks (the model has no ids yet).
                    target = TEXT if in_link else self.view.link(url)
                    # A link without words shows its target, clickable or not, as in the PDF and the EPUB.
                    shown = children or (Text(text=url),)
                    if target.kind == "external":
                        self.links += 1
                        container = hyperlink(parent, self.relate(target.href))
                        self.inlines(container, shown, bold=bold, italic=italic, in_link=True)
                    else:
                        self.inlines(parent, shown, bold=bold, italic=italic, in_link=in_link)
                case LineBreak():
                    line_break(parent)
                case _:
                    assert_never(node)

    # --- blocks ---------------------------------------------------------------------------------

    def blocks(self, parent: Element, nodes: Sequence[Block], ctx: Context) -> None:
        """Append ``nodes`` in context ``ctx``."""
        for node in nodes:
            self.block(parent, node, ctx)

    def block(self, parent: Element, node: Block, ctx: Context) -> None:
        """Append one block."""
        match node:
            case Paragraph(inlines=inlines):
                self.inlines(self._text_paragraph(parent, ctx), inlines)
            case SubHeading(level=level, inlines=inlines):
                heading = S.HEADINGS[min(max(level, 1) + ctx.heading_offset, len(S.HEADINGS)) - 1]
                self.inlines(self.paragraph(parent, heading), inlines)
            case BulletList(items=items):
                self._list(parent, items, ctx, None)
                if not ctx.list_depth:
                    self.spacer(parent, 3)
            case OrderedList(items=items, start=start):
                num_id = self._next_num
                self._next_num += 1
                S.add_restarted_list(self.numbering, num_id, ctx.list_depth, start)
                self._list(parent, items, ctx, num_id)
                if not ctx.list_depth:
                    self.spacer(parent, 3)
            case Quote(blocks=blocks):
                self.blocks(parent, blocks, replace(ctx, quote_depth=ctx.quote_depth + 1))
            case Table():
                self.table(parent, node)
            case CodeBlock(text=text):
                p = self.paragraph(parent, S.CODE)
                if text:
                    run(p, text.rstrip("\n"))
            case _:
                assert_never(node)

    def _text_paragraph(self, parent: Element, ctx: Context) -> Element:
        if ctx.quote_depth > 1:
            return self.paragraph(parent, S.QUOTE, ind={"left": str(454 * ctx.quote_depth), "right": "454"})
        if ctx.quote_depth:
            return self.paragraph(parent, S.QUOTE)
        if ctx.list_depth:
            return self.paragraph(parent, S.LIST_CONTINUE[min(ctx.list_depth, 3) - 1])
        return self.paragraph(parent, ctx.body_style)

    def _list(self, parent: Element, items: Sequence[Sequence[Block]], ctx: Context, num_id: int | None) -> None:
        level = ctx.list_depth
        styles = S.LIST_BULLET if num_id is None else S.LIST_NUMBER
        numbering = (S.BULLET_NUM_ID if num_id is None else num_id, level)
        inner = replace(ctx, list_depth=level + 1, quote_depth=0)
        for item in items:
            first, rest = (item[0], item[1:]) if item else (None, ())
            p = self.paragraph(parent, styles[min(level, 2)], num=numbering)
            if isinstance(first, Paragraph):
                self.inlines(p, first.inlines)
            elif first is not None:
                # The item opens with a non-paragraph block: its marker stands on an empty line.
                rest = (first, *rest)
            self.blocks(parent, rest, inner)

    # --- tables ---------------------------------------------------------------------------------

    def table(self, parent: Element, node: Table) -> None:
        """Append a full-width grid table whose header row repeats on every page."""
        columns = max([len(node.header), *(len(row) for row in node.rows), 1])
        col_width = self.text_width // columns
        tbl = sub(parent, "tbl")
        props = sub(tbl, "tblPr")
        sub(props, "tblStyle", val=S.TABLE_GRID)
        sub(props, "tblW", w="5000", type="pct")
        margins = sub(props, "tblCellMar")
        for side in ("top", "left", "bottom", "right"):
            sub(margins, side, w="40" if side in ("top", "bottom") else "100", type="dxa")
        sub(props, "tblLook", val="04A0", firstRow="1", lastRow="0", firstColumn="0", lastColumn="0",
            noHBand="0", noVBand="1")  # fmt: skip
        grid = sub(tbl, "tblGrid")
        for _ in range(columns):
            sub(grid, "gridCol", w=str(col_width))
        rows: list[tuple[tuple[tuple[Inline, ...], ...], bool]] = [(node.header, True)] if node.header else []
        rows.extend((row, False) for row in node.rows)
        for cells, is_header in rows:
            tr = sub(tbl, "tr")
            if is_header:
                tr_props = sub(tr, "trPr")
                sub(tr_props, "cantSplit")
                sub(tr_props, "tblHeader")
            for index in range(columns):
                tc = sub(tr, "tc")
                tc_props = sub(tc, "tcPr")
                sub(tc_props, "tcW", w=str(col_width), type="dxa")
                if is_header:
                    fill = self.style.colors.key_points_background.lstrip("#").upper()
                    sub(tc_props, "shd", val="clear", color="auto", fill=fill)
                p = self.paragraph(tc, S.TABLE_HEADING if is_header else S.TABLE_TEXT)
                if index < len(cells):
                    self.inlines(p, cells[index])
        self.spacer(parent)

    def spacer(self, parent: Element, points: float = 6) -> None:
        """A small empty paragraph: Word needs one between adjacent tables, and it spaces the next block."""
        p = sub(parent, "p")
        props = ppr(p, spacing={"before": "0", "after": "0", "line": "240", "lineRule": "auto"})
        rpr(props, size=points)
