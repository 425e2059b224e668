"""Reader for CommonMark with YAML front matter (markdown-it-py, raw HTML off, tables on)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from ..errors import ParseError
from ..model import (
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
    Part,
    Quote,
    Section,
    Strong,
    SubHeading,
    Table,
    Text,
    plain_text,
)
from ..present.labels import LABELS
from .base import Draft, ReadOptions, ReadResult, begin_text_source, finish
from .plaintext import commentary_title

KEY_POINT_HEADINGS = frozenset(
    {"key takeaways", "highlights", "ポイント", *(table["key_points"].casefold() for table in LABELS.values())}
)
"""Section headings whose single bullet list becomes the document's key points (the label in every language)."""

_MAX_NESTING = 40


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "maxNesting": _MAX_NESTING}).enable("table")


@dataclass
class _Converter:
    """Turns markdown-it's syntax tree into model blocks, collecting warnings."""

    warnings: list[str] = field(default_factory=list)
    images: int = 0

    def inlines(self, node: SyntaxTreeNode) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for child in node.children:
            kind = child.type
            if kind == "text":
                out.append(Text(text=child.content))
            elif kind == "softbreak":
                out.append(Text(text=" "))
            elif kind == "hardbreak":
                out.append(LineBreak())
            elif kind == "code_inline":
                out.append(Code(text=child.content))
            elif kind == "em":
                out.append(Emph(children=self.inlines(child)))
            elif kind == "strong":
                out.append(Strong(children=self.inlines(child)))
            elif kind == "link":
                out.append(Link(url=str(child.attrs.get("href", "")), children=self.inlines(child)))
            elif kind == "image":
                self.images += 1
                alt = self.inlines(child)
                out.extend(alt)
            else:
                # html_inline cannot occur with html off; anything else keeps its source text.
                out.append(Text(text=child.content))
        return _merge_text(tuple(out))

    def blocks(self, nodes: list[SyntaxTreeNode]) -> list[Block]:
        out: list[Block] = []
        for node in nodes:
            out.extend(self.block(node))
        return out

    def block(self, node: SyntaxTreeNode) -> list[Block]:
        kind = node.type
        if kind == "paragraph":
            return [Paragraph(inlines=self.inlines(node.children[0]))] if node.children else []
        if kind == "heading":
            level = int(node.tag[1:])
            return [SubHeading(level=max(1, level - 2), inlines=self.inlines(node.children[0]))]
        if kind == "bullet_list":
            return [BulletList(items=tuple(tuple(self.blocks(item.children)) for item in node.children))]
        if kind == "ordered_list":
            start = int(str(node.attrs.get("start", 1)))
            items = tuple(tuple(self.blocks(item.children)) for item in node.children)
            return [OrderedList(items=items, start=start)]
        if kind == "blockquote":
            return [Quote(blocks=tuple(self.blocks(node.children)))]
        if kind in ("fence", "code_block"):
            language = node.info.strip().split(" ")[0] if node.info else ""
            return [CodeBlock(text=node.content.rstrip("\n"), language=language)]
        if kind == "table":
            return [self.table(node)]
        if kind == "hr":
            return []
        if kind == "html_block":  # pragma: no cover - html is off
            return [Paragraph(inlines=(Text(text=node.content),))]
        raise ParseError(f"unsupported Markdown element {kind!r}")

    def table(self, node: SyntaxTreeNode) -> Table:
        header: tuple[tuple[Inline, ...], ...] = ()
        rows: list[tuple[tuple[Inline, ...], ...]] = []
        for part in node.children:
            for row in part.children:
                cells = tuple(self.inlines(cell.children[0]) if cell.children else () for cell in row.children)
                if part.type == "thead":
                    header = cells
                else:
                    rows.append(cells)
        return Table(header=header, rows=tuple(rows))


def _merge_text(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    out: list[Inline] = []
    # Adjacent texts are joined once per run: adding each to the last made a long paragraph quadratic.
    run: list[str] = []

    def flush() -> None:
        text = "".join(run)
        if text:
            out.append(Text(text=text))
        run.clear()

    for node in inlines:
        if isinstance(node, Text):
            run.append(node.text)
        else:
            flush()
            out.append(node)
    flush()
    return tuple(out)


def _check_nesting(tokens: list[Token]) -> None:
    # markdown-it silently stops parsing past maxNesting; refuse instead of losing text.
    deepest = max((t.level for t in tokens), default=0)
    for token in tokens:
        for child in token.children or ():
            deepest = max(deepest, token.level + child.level)
    if deepest >= _MAX_NESTING - 2:
        raise ParseError(f"Markdown is nested more than {_MAX_NESTING - 3} levels deep")


def parser() -> MarkdownIt:
    """The reader's markdown-it parser, configured once: what it enables is the Markdown the reader takes."""
    return _parser()


class MarkdownReader:
    """CommonMark with YAML front matter (``.md``)."""

    name = "md"
    extensions = (".md", ".markdown")

    def read(self, data: bytes, *, name: str, options: ReadOptions) -> ReadResult:
        """Parse a Markdown article."""
        draft, body = begin_text_source(data, options)
        try:
            tokens = parser().parse(body)
        except RecursionError:
            raise ParseError("Markdown is nested too deeply") from None
        _check_nesting(tokens)
        root = SyntaxTreeNode(tokens)
        converter = _Converter()
        self._structure(root.children, draft, converter)
        if converter.images:
            draft.warnings.append(f"{converter.images} image(s) kept as their alt text (images are not embedded)")
        draft.warnings.extend(converter.warnings)
        return finish(draft, body_text=body, name=name, options=options)

    @staticmethod
    def _structure(nodes: list[SyntaxTreeNode], draft: Draft, conv: _Converter) -> None:
        headings = [n for n in nodes if n.type == "heading"]
        title_node = next((n for n in headings if n.tag == "h1"), None)
        if title_node is None and headings:
            title_node = headings[0]
        if title_node is not None:
            title = plain_text(conv.inlines(title_node.children[0])).strip() if title_node.children else ""
            given = draft.meta.get("title")
            if given is None and title:
                draft.meta["title"] = title
            elif given is None or " ".join(given.split()).casefold() != " ".join(title.split()).casefold():
                # The front matter names another title: this heading is content, not the title.
                title_node = None

        sections: list[Section] = []
        commentary: list[Section] | None = None
        commentary_name = ""
        heading: str | None = None
        blocks: list[Block] = []

        def close() -> None:
            if heading is None and not blocks:
                return
            target = sections if commentary is None else commentary
            target.append(Section(heading=heading or "", blocks=tuple(blocks)))

        for node in nodes:
            if node is title_node:
                continue
            if node.type == "heading":
                level = int(node.tag[1:])
                text = plain_text(conv.inlines(node.children[0])).strip() if node.children else ""
                if level <= 2:
                    marker = commentary_title(text) if commentary is None and level <= 2 else None
                    close()
                    blocks = []
                    if marker is not None:
                        commentary, commentary_name, heading = [], text, None
                    else:
                        heading = text
                    continue
            blocks.extend(conv.block(node))
        close()

        # A "Key points" section holding just one simple bullet list becomes the key points.
        for index, section in enumerate(sections):
            if section.heading.strip().rstrip(":：").casefold() in KEY_POINT_HEADINGS and _simple_list(section.blocks):
                bullet = section.blocks[0]
                assert isinstance(bullet, BulletList)
                draft.key_points = [item[0] for item in bullet.items if isinstance(item[0], Paragraph)]
                del sections[index]
                break
        draft.sections = sections
        if commentary is not None:
            draft.commentary = Part(title=commentary_name, sections=tuple(commentary))


def _simple_list(blocks: tuple[Block, ...]) -> bool:
    if len(blocks) != 1 or not isinstance(blocks[0], BulletList):
        return False
    return all(len(item) == 1 and isinstance(item[0], Paragraph) for item in blocks[0].items)
