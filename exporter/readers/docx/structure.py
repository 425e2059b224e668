"""Reader items to model blocks: list paragraphs nested by level, code and quote runs joined, captions under figures."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...model import (
    Block,
    BulletList,
    CodeBlock,
    Figure,
    Inline,
    LineBreak,
    OrderedList,
    Paragraph,
    Quote,
    Rule,
    plain_text,
)
from .body import Item, Para, TableItem, table_block

_CONTINUE = ("listcontinue", "list continue")


@dataclass
class _OpenList:
    ordered: bool
    list_id: str
    level: int
    start: int
    delimiter: str
    items: list[list[Block]] = field(default_factory=list)

    def block(self) -> Block:
        items = tuple(tuple(item) for item in self.items)
        if self.ordered:
            return OrderedList(items=items, start=self.start, delimiter=")" if self.delimiter == ")" else ".")
        return BulletList(items=items)


def _continue_depth(style: str) -> int:
    """The list depth a List Continue paragraph belongs to (1 for List Continue, 2 for List Continue 2 ...)."""
    lower = style.lower().replace(" ", "")
    if not lower.startswith("listcontinue"):
        return 0
    tail = lower.removeprefix("listcontinue")
    return int(tail) if tail.isdigit() else 1


class Assembler:
    """Builds blocks from items; nested lists follow ``w:ilvl``, a new ordered list starts with each new numId."""

    def __init__(self) -> None:
        self.merged_tables = 0

    def __call__(self, items: list[Item]) -> list[Block]:
        """The blocks of ``items`` (paragraphs, tables, figures), headings excluded by the caller."""
        out: list[Block] = []
        lists: list[_OpenList] = []

        def close(depth: int = 0) -> None:
            while len(lists) > depth:
                done = lists.pop()
                block = done.block()
                if lists:
                    lists[-1].items[-1].append(block)
                else:
                    out.append(block)

        index = 0
        while index < len(items):
            item = items[index]
            index += 1
            if isinstance(item, TableItem):
                close()
                if item.merged:
                    self.merged_tables += 1
                out.append(table_block(item))
                continue
            if item.empty:
                close()
                continue
            if item.kind == "list" and item.list_level is not None:
                level = item.list_level
                while lists and (lists[-1].level > item.level):
                    close(len(lists) - 1)
                top = lists[-1] if lists else None
                fits = (
                    top is not None
                    and top.level == item.level
                    and top.ordered == level.ordered
                    and (top.list_id == item.list_id or not level.ordered)
                )
                if not fits:
                    if top is not None and top.level == item.level:
                        close(len(lists) - 1)
                    if lists and not lists[-1].items:
                        lists[-1].items.append([])
                    lists.append(_OpenList(level.ordered, item.list_id, item.level, level.start, level.delimiter))
                lists[-1].items.append([Paragraph(inlines=item.inlines)])
                continue
            depth = _continue_depth(item.style)
            if depth and lists:
                close(min(depth, len(lists)))
                lists[-1].items[-1].append(Paragraph(inlines=item.inlines))
                continue
            close()
            if item.kind == "code":
                lines = [_code_text(item.inlines)]
                while index < len(items):
                    nxt = items[index]
                    if not isinstance(nxt, Para) or nxt.kind != "code":
                        break
                    lines.append(_code_text(nxt.inlines))
                    index += 1
                out.append(CodeBlock(text="\n".join(lines)))
            elif item.kind == "quote":
                quoted: list[Block] = [Paragraph(inlines=item.inlines)]
                while index < len(items):
                    nxt = items[index]
                    if not isinstance(nxt, Para) or nxt.kind != "quote":
                        break
                    quoted.append(Paragraph(inlines=nxt.inlines))
                    index += 1
                out.append(Quote(blocks=tuple(quoted)))
            elif item.kind == "figure" and item.figure is not None:
                figure = item.figure
                after = items[index] if index < len(items) else None
                if isinstance(after, Para) and after.kind == "caption":
                    figure = Figure(alt=figure.alt, key=figure.key, caption=after.inlines, src=figure.src)
                    index += 1
                out.append(figure)
            elif item.kind == "rule":
                out.append(Rule())
            else:
                out.append(Paragraph(inlines=item.inlines))
        close()
        return out


def _code_text(inlines: tuple[Inline, ...]) -> str:
    """A code paragraph's text, its line breaks kept as new lines."""
    return "".join("\n" if isinstance(node, LineBreak) else plain_text((node,)) for node in inlines)
