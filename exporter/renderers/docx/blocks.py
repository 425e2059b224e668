"""Model blocks and inlines to WordprocessingML; every node type is handled or mypy fails."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import assert_never

from lxml import etree  # type: ignore[import-untyped,unused-ignore]  # lxml ships no stubs

from ...images import DOCX_TYPES, Picture, convert
from ...model import (
    Block,
    BulletList,
    Checkbox,
    Code,
    CodeBlock,
    DefinitionList,
    Emph,
    Figure,
    Inline,
    LineBreak,
    Link,
    Note,
    OrderedList,
    Paragraph,
    Quote,
    Rule,
    Strike,
    Strong,
    SubHeading,
    Table,
    Text,
)
from ...present.anchors import WORD_BOOKMARK_MAX, Anchors, heading_id_order, word_bookmark
from ...present.coverage import SYMBOLS
from ...present.figures import alt_text
from ...present.links import TEXT
from ...present.view import View, checkbox, checkbox_gap
from . import styles as S
from .notes import FIRST_NOTE_ID
from .ooxml import W_NS, Element, add_text, bookmark, footnote_reference, hyperlink, line_break, ppr, rpr, run, sub, w

Relate = Callable[[str], str]
"""Returns the relationship id of an external hyperlink target (python-docx's ``part.relate_to``)."""
RelateImage = Callable[[bytes, bool], str]
"""Returns the relationship id of an image part holding these bytes, from the footnotes part when True."""
PicInline = Callable[[int, str, str, int, int], Element]
"""Builds a ``wp:inline`` picture: shape id, relationship id, file name, width and height in EMU."""

EMU_PER_POINT = 12700
MAX_FIGURE_HEIGHT = 0.62
"""The tallest a figure may be, as a share of the page's text height (its caption needs room below it)."""


@dataclass(frozen=True)
class Context:
    """Where a block sits: the paragraph style of plain text, heading depth, list and quote nesting."""

    body_style: str = S.NORMAL
    heading_offset: int = 1
    list_depth: int = 0
    quote_depth: int = 0
    indent: int = 0
    """Twips of indent added to text paragraphs (a definition's)."""
    in_note: bool = False
    """Inside a footnote: headings are bold text there and carry no bookmark."""


DEFINITION_INDENT = 454
"""Twips a definition is indented under its term."""

_NS = {"w": W_NS}

_JC = {"left": "left", "center": "center", "right": "right"}
"""A table column's alignment as ``w:jc`` (transitional values, which Word and LibreOffice both read)."""


class BlockWriter:
    """Appends model nodes to a WordprocessingML container (the body, a table cell)."""

    def __init__(
        self,
        view: View,
        relate: Relate,
        numbering: Element,
        footnotes: Element,
        relate_note: Relate,
        relate_image: RelateImage | None = None,
        pic_inline: PicInline | None = None,
    ) -> None:
        self.view = view
        self.relate_image = relate_image
        self.pic_inline = pic_inline
        self.pictures = 0
        self.style = view.style
        self.relate = relate
        self.relate_note = relate_note
        """Returns the relationship id of a hyperlink target inside a footnote (the footnotes part's own)."""
        self.numbering = numbering
        self.text_width = round(view.content_width * 20)
        self.links = 0
        self._next_num = S.ORDERED_NUM_ID + 1
        # Word compares bookmark names without regard to case.
        ids = heading_id_order(view.document)
        self.bookmarks = Anchors(ids, word_bookmark, max_length=WORD_BOOKMARK_MAX, ignore_case=True)
        self._next_bookmark = 0
        self.footnotes = footnotes
        """The ``w:footnotes`` root; the footnotes are appended as their references are written."""
        self.notes = 0
        self._in_note = False
        self._nested: list[tuple[Block, ...]] = []

    # --- paragraphs and inlines -----------------------------------------------------------------

    def paragraph(
        self,
        parent: Element,
        style_id: str = S.NORMAL,
        *,
        num: tuple[int, int] | None = None,
        ind: dict[str, str] | None = None,
        jc: str = "",
        keep_next: bool = False,
    ) -> Element:
        """Append an empty paragraph in ``style_id`` (Normal carries no pStyle, as Word writes it)."""
        p = sub(parent, "p")
        if style_id != S.NORMAL or num or ind or jc or keep_next:
            ppr(p, style="" if style_id == S.NORMAL else style_id, num=num, ind=ind, jc=jc, keep_next=keep_next)
        return p

    def mark(self, paragraph: Element, ident: str) -> None:
        """Make ``paragraph`` the bookmark of heading id ``ident`` (internal links point at it)."""
        name = self.bookmarks.take(ident) if ident else None
        if name is not None:
            bookmark(paragraph, self._next_bookmark, name)
            self._next_bookmark += 1

    def inlines(
        self,
        parent: Element,
        nodes: Sequence[Inline],
        *,
        bold: bool = False,
        italic: bool = False,
        strike: bool = False,
        in_link: bool = False,
    ) -> None:
        """Append ``nodes`` as runs; text is always literal ``w:t`` content."""
        link_style = S.HYPERLINK if in_link else ""
        for index, node in enumerate(nodes):
            match node:
                case Text(text=text):
                    if text:
                        run(parent, text, style=link_style, bold=bold, italic=italic, strike=strike)
                case Emph(children=children):
                    self.inlines(parent, children, bold=bold, italic=not italic, strike=strike, in_link=in_link)
                case Strong(children=children):
                    self.inlines(parent, children, bold=True, italic=italic, strike=strike, in_link=in_link)
                case Strike(children=children):
                    self.inlines(parent, children, bold=bold, italic=italic, strike=True, in_link=in_link)
                case Code(text=text):
                    if text:
                        run(parent, text, style=S.INLINE_CODE, bold=bold, italic=italic, strike=strike)
                case Link(url=url, children=children):
                    self._link(parent, url, children, bold=bold, italic=italic, strike=strike, in_link=in_link)
                case LineBreak():
                    line_break(parent)
                case Note(blocks=blocks):
                    self._note(parent, blocks)
                case Checkbox(checked=checked):
                    # The symbols family draws the box; the text's own faces (Liberation, IPAex) have no ☐ or ☑.
                    run(parent, checkbox(checked), fonts=(SYMBOLS, SYMBOLS), bold=bold, strike=strike)
                    gap = checkbox_gap(nodes[index + 1] if index + 1 < len(nodes) else None)
                    if gap:
                        run(parent, gap)
                case _:
                    assert_never(node)

    def _link(
        self, parent: Element, url: str, children: Sequence[Inline], *, bold: bool, italic: bool, strike: bool,
        in_link: bool,
    ) -> None:  # fmt: skip
        # Word cannot nest hyperlinks: a link inside a link keeps its words only.
        target = TEXT if in_link else self.view.link(url)
        name = self.bookmarks.target(target.href) if target.kind == "internal" else None
        if target.kind == "external":
            container = hyperlink(parent, (self.relate_note if self._in_note else self.relate)(target.href))
        elif name is not None:
            container = hyperlink(parent, anchor=name)
        else:
            # A link without words shows its target, clickable or not, as in the PDF and the EPUB.
            shown = children or (Text(text=url),)
            self.inlines(parent, shown, bold=bold, italic=italic, strike=strike, in_link=in_link)
            return
        self.links += 1
        self.inlines(container, children or (Text(text=url),), bold=bold, italic=italic, strike=strike, in_link=True)

    def _note(self, parent: Element, blocks: tuple[Block, ...]) -> None:
        """A footnote: its reference mark here, its blocks in ``footnotes.xml``, numbered in reading order.

        Word has no footnote inside a footnote: a note within a note joins the end of the outer one.
        """
        if self._in_note:
            self._nested.append(blocks)
            return
        number = FIRST_NOTE_ID + self.notes
        self.notes += 1
        footnote_reference(parent, number, S.FOOTNOTE_REFERENCE)
        note = sub(self.footnotes, "footnote", id=str(number))
        self._in_note = True
        try:
            pending = [blocks]
            ctx = Context(body_style=S.FOOTNOTE_TEXT, heading_offset=1, in_note=True)
            while pending:
                self.blocks(note, pending.pop(0), ctx)
                pending.extend(self._nested)
                self._nested.clear()
        finally:
            self._in_note = False
        first: Element = note[0] if len(note) else None
        style = first.xpath("string(w:pPr/w:pStyle/@w:val)", namespaces=_NS) if first is not None else ""
        if style != S.FOOTNOTE_TEXT:
            first = etree.Element(w("p"))
            ppr(first, style=S.FOOTNOTE_TEXT)
            note.insert(0, first)
        # The footnote opens with its own number (w:footnoteRef), then a space.
        mark = etree.Element(w("r"))
        rpr(mark, style=S.FOOTNOTE_REFERENCE)
        sub(mark, "footnoteRef")
        space = etree.Element(w("r"))
        add_text(space, " ")
        at = first.index(first.find(w("pPr"))) + 1
        first.insert(at, mark)
        first.insert(at + 1, space)

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
            case SubHeading(inlines=inlines) if ctx.in_note:
                self.inlines(self._text_paragraph(parent, ctx, keep_next=True), inlines, bold=True)
            case SubHeading(level=level, inlines=inlines, id=ident):
                heading = S.HEADINGS[min(max(level, 1) + ctx.heading_offset, len(S.HEADINGS)) - 1]
                p = self.paragraph(parent, heading)
                self.inlines(p, inlines)
                self.mark(p, ident)
            case BulletList(items=items):
                self._list(parent, items, ctx, None)
                if not ctx.list_depth:
                    self.spacer(parent, 3)
            case OrderedList(items=items, start=start, delimiter=delimiter):
                num_id = self._next_num
                self._next_num += 1
                S.add_restarted_list(self.numbering, num_id, ctx.list_depth, start, delimiter)
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
            case Rule():
                self.paragraph(parent, S.THEMATIC_BREAK)
            case DefinitionList(items=items):
                inner = replace(ctx, indent=ctx.indent + DEFINITION_INDENT)
                for item in items:
                    self.inlines(self._text_paragraph(parent, ctx, keep_next=True), item.term, bold=True)
                    for definition in item.definitions:
                        self.blocks(parent, definition, inner)
            case Figure():
                self.figure(parent, node, ctx)
            case _:
                assert_never(node)

    def figure(self, parent: Element, node: Figure, ctx: Context) -> None:
        """An inline picture scaled to the text width, its alt text in ``wp:docPr/@descr``, then its caption."""
        picture = self.view.document.picture(node.key)
        if picture is None or self.relate_image is None or self.pic_inline is None:
            text = alt_text(node)
            if text:
                self.inlines(self._text_paragraph(parent, ctx), (Text(text=text),), italic=True)
            if node.caption:
                self.inlines(self.paragraph(parent, S.CAPTION), node.caption)
            return
        page = self.style.page
        indent = (ctx.indent + S.LIST_INDENT * min(ctx.list_depth, 3) + 454 * ctx.quote_depth) / 20
        room = max(self.view.content_width * 0.25, self.view.content_width - indent)
        tallest = (page.height - page.margins.top - page.margins.bottom) * MAX_FIGURE_HEIGHT
        width, height = picture.display_size(room, tallest)
        ind = {"left": str(round(indent * 20))} if indent else None
        p = self.paragraph(parent, S.FIGURE, keep_next=bool(node.caption), ind=ind)
        self.drawing(p, picture, width, height, node.alt)
        if node.caption:
            self.inlines(self.paragraph(parent, S.CAPTION, ind=ind), node.caption)

    def drawing(self, p: Element, picture: Picture, width: float, height: float, descr: str) -> Element:
        """Append ``picture`` to paragraph ``p`` as an inline drawing ``width`` × ``height`` points; return its run.

        ``descr`` is its alt text (``wp:docPr/@descr``). The caller checked that the writer can relate images.
        """
        assert self.relate_image is not None and self.pic_inline is not None
        embedded = convert(picture, DOCX_TYPES)  # WebP goes in as PNG: python-docx and Word 2016 lack it
        self.pictures += 1
        rel_id = self.relate_image(embedded.data, self._in_note)
        inline = self.pic_inline(
            self.pictures, rel_id, embedded.file_name, round(width * EMU_PER_POINT), round(height * EMU_PER_POINT)
        )
        doc_pr = inline.find("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")
        if doc_pr is not None:
            doc_pr.set("descr", descr)
        r = sub(p, "r")
        sub(r, "drawing").append(inline)
        return r

    def _text_paragraph(self, parent: Element, ctx: Context, *, keep_next: bool = False) -> Element:
        extra = ctx.indent
        if ctx.quote_depth > 1 or (ctx.quote_depth and extra):
            left = 454 * ctx.quote_depth + extra
            return self.paragraph(parent, S.QUOTE, ind={"left": str(left), "right": "454"}, keep_next=keep_next)
        if ctx.quote_depth:
            return self.paragraph(parent, S.QUOTE, keep_next=keep_next)
        if ctx.list_depth:
            style = S.LIST_CONTINUE[min(ctx.list_depth, 3) - 1]
            ind = {"left": str(S.LIST_INDENT * min(ctx.list_depth, 3) + extra)} if extra else None
            return self.paragraph(parent, style, ind=ind, keep_next=keep_next)
        ind = {"left": str(S.BODY_INDENTS.get(ctx.body_style, 0) + extra)} if extra else None
        return self.paragraph(parent, ctx.body_style, ind=ind, keep_next=keep_next)

    def _list(self, parent: Element, items: Sequence[Sequence[Block]], ctx: Context, num_id: int | None) -> None:
        level = ctx.list_depth
        styles = S.LIST_BULLET if num_id is None else S.LIST_NUMBER
        numbering = (S.BULLET_NUM_ID if num_id is None else num_id, level)
        inner = replace(ctx, list_depth=level + 1, quote_depth=0)
        for item in items:
            first, rest = (item[0], item[1:]) if item else (None, ())
            # Inside a definition the item stands in as far as the definition's text.
            ind = S.list_indent(level, num_id is not None, ctx.indent) if ctx.indent else None
            p = self.paragraph(parent, styles[min(level, 2)], num=numbering, ind=ind)
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
                jc = _JC.get(node.alignment(index), "")
                p = self.paragraph(tc, S.TABLE_HEADING if is_header else S.TABLE_TEXT, jc=jc)
                if index < len(cells):
                    self.inlines(p, cells[index])
        self.spacer(parent)

    def spacer(self, parent: Element, points: float = 6) -> Element:
        """A small empty paragraph: Word needs one between adjacent tables, and it spaces the next block."""
        p = sub(parent, "p")
        props = ppr(p, spacing={"before": "0", "after": "0", "line": "240", "lineRule": "auto"})
        rpr(props, size=points)
        return p
