"""Reader for CommonMark with YAML front matter and the extensions the model carries (footnotes, task lists ...)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from ..errors import ParseError
from ..images import ImageCollector, MemoryLoader, Picture
from ..images.refusal import shown
from ..model import (
    Alignment,
    Block,
    BulletList,
    Checkbox,
    Code,
    CodeBlock,
    Definition,
    DefinitionList,
    Emph,
    Figure,
    Inline,
    LineBreak,
    Link,
    Note,
    OrderedList,
    Paragraph,
    Part,
    Quote,
    Rule,
    Section,
    Strike,
    Strong,
    SubHeading,
    Table,
    Text,
    plain_text,
    walk_inlines,
)
from ..present.labels import LABELS
from .base import Draft, ReadOptions, ReadResult, begin_text_source, document_language, finish
from .mdparser import MAX_NESTING, parser
from .plaintext import commentary_title
from .smart import quotes_for

__all__ = ["KEY_POINT_HEADINGS", "MarkdownReader", "parser"]

KEY_POINT_HEADINGS = frozenset(
    {"key takeaways", "highlights", "ポイント", *(table["key_points"].casefold() for table in LABELS.values())}
)
"""Section headings whose single bullet list becomes the document's key points (the label in every language)."""

_MAX_NOTE_DEPTH = 8

_NOT_CARRIED = "not carried (the model has no place for it)"


@dataclass
class _Converter:
    """Turns markdown-it's syntax tree into model blocks, counting what the model cannot carry."""

    collector: ImageCollector = field(default_factory=lambda: ImageCollector(MemoryLoader()))
    """Loads and checks the images of figures (one warning per refused reference)."""
    notes: dict[int, SyntaxTreeNode] = field(default_factory=dict)
    """Footnote content by footnote id (markdown-it's footnote plugin moves it to the end of the tree)."""
    inline_images: list[str] = field(default_factory=list)
    """References of images inside text (kept as their alt text), in order."""
    dropped: Counter[str] = field(default_factory=Counter)
    """What was left out, by description; one warning each."""
    _open_notes: list[int] = field(default_factory=list)
    _placed: dict[int, Note] = field(default_factory=dict)

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
            elif kind == "s":
                out.append(Strike(children=self.inlines(child)))
            elif kind == "link":
                out.append(Link(url=str(child.attrs.get("href", "")), children=self.inlines(child)))
            elif kind == "footnote_ref":
                out.append(self.note(child))
            elif kind == "html_inline" and _CHECKBOX in child.content:
                # html is off: the only inline HTML is the task-list plugin's checkbox.
                out.append(Checkbox(checked=_CHECKED in child.content))
            elif kind == "image":
                self.inline_images.append(str(child.attrs.get("src", "")))
                out.extend(self.inlines(child))
            else:
                self.dropped[f"Markdown element {kind!r} kept as its text"] += 1
                out.append(Text(text=child.content))
        if out and isinstance(out[0], Checkbox) and len(out) > 1 and isinstance(out[1], Text):
            # "[ ] task": the space after the box is the renderer's to draw.
            out[1] = Text(text=out[1].text.lstrip())
        return _merge_text(tuple(out))

    def note(self, ref: SyntaxTreeNode) -> Inline:
        """The footnote ``ref`` points at, its blocks placed here (each reference gets them)."""
        number = int(ref.meta["id"])
        label = str(ref.meta.get("label") or number + 1)
        if number in self._placed:
            return self._placed[number]
        source = self.notes.get(number)
        if source is None or number in self._open_notes:
            self.dropped[f"footnote [^{label}] is cited inside its own text, kept as text"] += 1
            return Text(text=f"[^{label}]")
        if len(self._open_notes) >= _MAX_NOTE_DEPTH:
            raise ParseError(f"footnotes are nested more than {_MAX_NOTE_DEPTH} deep (inside footnote [^{label}])")
        self._open_notes.append(number)
        try:
            note = Note(blocks=tuple(self.blocks(source.children)))
        finally:
            self._open_notes.pop()
        # Converted once: a second citation must not count the note's images or warnings twice.
        self._placed[number] = note
        return note

    def blocks(self, nodes: list[SyntaxTreeNode]) -> list[Block]:
        out: list[Block] = []
        for node in nodes:
            out.extend(self.block(node))
        return out

    def block(self, node: SyntaxTreeNode) -> list[Block]:
        kind = node.type
        if kind == "paragraph":
            if not node.children:
                return []
            image = _lone_image(node.children[0])
            if image is not None:
                return [self.figure(image)]
            return [Paragraph(inlines=self.inlines(node.children[0]))]
        if kind == "heading":
            level = int(node.tag[1:])
            self.heading_attributes(node)
            inlines = self.inlines(node.children[0]) if node.children else ()
            return [SubHeading(level=max(1, level - 2), inlines=inlines, id=heading_id(node))]
        if kind == "bullet_list":
            return [BulletList(items=tuple(tuple(self.blocks(item.children)) for item in node.children))]
        if kind == "ordered_list":
            start = int(str(node.attrs.get("start", 1)))
            items = tuple(tuple(self.blocks(item.children)) for item in node.children)
            return [OrderedList(items=items, start=start, delimiter=")" if node.markup == ")" else ".")]
        if kind == "blockquote":
            return [Quote(blocks=tuple(self.blocks(node.children)))]
        if kind in ("fence", "code_block"):
            language = node.info.strip().split(" ")[0] if node.info else ""
            return [CodeBlock(text=node.content.rstrip("\n"), language=language)]
        if kind == "table":
            return [self.table(node)]
        if kind == "hr":
            return [Rule()]
        if kind == "dl":
            return [self.definitions(node)]
        if kind == "footnote_anchor":  # the plugin's back-link; a Note needs none
            return []
        if kind == "html_block":  # pragma: no cover - html is off
            return [Paragraph(inlines=(Text(text=node.content),))]
        self.dropped[f"Markdown block {kind!r}"] += 1
        return []

    def figure(self, image: SyntaxTreeNode) -> Figure:
        """An image alone in its paragraph: its picture loaded, or the alt text kept when it is refused."""
        src = str(image.attrs.get("src", ""))
        title = str(image.attrs.get("title") or "").strip()
        alt = " ".join(plain_text(self.inlines(image)).split())
        taken = self.collector.add(src)  # a refusal is one warning (or, when strict, the error)
        key = taken.key if isinstance(taken, Picture) else ""
        return Figure.of(alt, key=key, caption=title, src=src)

    def definitions(self, node: SyntaxTreeNode) -> DefinitionList:
        items: list[Definition] = []
        for child in node.children:
            if child.type == "dt":
                items.append(Definition(term=self.inlines(child.children[0]) if child.children else ()))
            elif child.type == "dd" and items:
                last = items[-1]
                definition = tuple(self.blocks(child.children))
                items[-1] = Definition(term=last.term, definitions=(*last.definitions, definition))
        return DefinitionList(items=tuple(items))

    def table(self, node: SyntaxTreeNode) -> Table:
        header: tuple[tuple[Inline, ...], ...] = ()
        align: tuple[Alignment, ...] = ()
        rows: list[tuple[tuple[Inline, ...], ...]] = []
        for part in node.children:
            for row in part.children:
                cells = tuple(self.inlines(cell.children[0]) if cell.children else () for cell in row.children)
                if part.type == "thead":
                    header = cells
                    align = tuple(_alignment(cell) for cell in row.children)
                else:
                    rows.append(cells)
        return Table(header=header, rows=tuple(rows), align=align if any(align) else ())

    def heading_attributes(self, node: SyntaxTreeNode) -> None:
        """Count the attributes of a ``{#id .class}`` that the model cannot carry."""
        dropped = node.meta.get("dropped_attributes") if node.meta else None
        if dropped:
            self.dropped[f"heading attributes {dropped}: only the #id is carried, the rest {_NOT_CARRIED}"] += 1

    def heading_text(self, node: SyntaxTreeNode) -> str:
        """The plain text of a title or section heading; footnotes and links in it are counted as dropped."""
        self.heading_attributes(node)
        inlines = self.inlines(node.children[0]) if node.children else ()
        text = plain_text(inlines).strip()
        for inline in walk_inlines((Paragraph(inlines=inlines),)):
            # Emphasis in a heading only loses its look; these lose content or meaning.
            if isinstance(inline, Note | Link | Strike):
                what = {Note: "footnote", Link: "link", Strike: "strikethrough"}[type(inline)]
                self.dropped[
                    f"{what} in the heading {text!r} {_NOT_CARRIED}: the title and sections' headings are text"
                ] += 1
        return text


_CHECKBOX = "task-list-item-checkbox"
_CHECKED = 'checked="checked"'


_ALIGNMENTS: dict[str, Alignment] = {
    "text-align:left": "left",
    "text-align:center": "center",
    "text-align:right": "right",
}


def _alignment(cell: SyntaxTreeNode) -> Alignment:
    # The table rule writes a column's alignment as a style attribute on each of its cells.
    return _ALIGNMENTS.get(str(cell.attrs.get("style", "")).replace(" ", ""), "")


def _lone_image(inline: SyntaxTreeNode) -> SyntaxTreeNode | None:
    """The image a paragraph holds and nothing else (blank text and line breaks aside), else None."""
    found = None
    for child in inline.children:
        if child.type == "image" and found is None:
            found = child
        elif not (child.type in ("softbreak", "hardbreak") or (child.type == "text" and not child.content.strip())):
            return None
    return found


def heading_id(node: SyntaxTreeNode) -> str:
    """The id the parser gave a heading ("" when none)."""
    return str(node.attrs.get("id", ""))


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
    if deepest >= MAX_NESTING - 2:
        raise ParseError(f"Markdown is nested more than {MAX_NESTING - 3} levels deep")


def _unreferenced_notes(env: dict[str, Any]) -> list[str]:
    """Labels of footnotes defined but never referenced (the plugin leaves them out)."""
    refs: dict[str, int] = env.get("footnotes", {}).get("refs", {})
    return [label[1:] for label, number in refs.items() if number < 0]


class MarkdownReader:
    """CommonMark with YAML front matter and the extensions the model carries (``.md``)."""

    name = "md"
    extensions = (".md", ".markdown")

    def read(self, data: bytes, *, name: str, options: ReadOptions) -> ReadResult:
        """Parse a Markdown article."""
        draft, body = begin_text_source(data, options)
        quotes = quotes_for(document_language(draft.meta, body, options)) if options.smart else None
        env: dict[str, Any] = {}
        try:
            tokens = parser(quotes).parse(body, env)
        except RecursionError:
            raise ParseError("Markdown is nested too deeply") from None
        _check_nesting(tokens)
        nodes = SyntaxTreeNode(tokens).children
        converter = _Converter(ImageCollector(options.loader or MemoryLoader(), strict=options.strict))
        if nodes and nodes[-1].type == "footnote_block":
            converter.notes = {int(note.meta["id"]): note for note in nodes[-1].children}
            nodes = nodes[:-1]
        self._structure(nodes, draft, converter)
        draft.warnings.extend(converter.collector.warnings)
        draft.resources = list(converter.collector.pictures.values())
        for src in converter.inline_images:
            draft.warnings.append(
                f"image {shown(src)} is inside a line of text: kept as its alt text "
                "(only an image alone in its paragraph becomes a figure)"
            )
        unreferenced = _unreferenced_notes(env)
        if unreferenced:
            labels = ", ".join(f"[^{label}]" for label in unreferenced)
            draft.warnings.append(f"{len(unreferenced)} footnote(s) never referenced, left out: {labels}")
        for what, count in converter.dropped.items():
            draft.warnings.append(what + (f" ({count} times)" if count > 1 else ""))
        return finish(draft, body_text=body, name=name, options=options)

    @staticmethod
    def _structure(nodes: list[SyntaxTreeNode], draft: Draft, conv: _Converter) -> None:
        texts: dict[int, str] = {}

        def text_of(heading: SyntaxTreeNode) -> str:
            # Once per heading: converting it twice would count its images and dropped notes twice.
            if id(heading) not in texts:
                texts[id(heading)] = conv.heading_text(heading)
            return texts[id(heading)]

        headings = [n for n in nodes if n.type == "heading"]
        title_node = next((n for n in headings if n.tag == "h1"), None)
        if title_node is None and headings:
            title_node = headings[0]
        if title_node is not None:
            title = text_of(title_node)
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
        heading_anchor = ""
        blocks: list[Block] = []

        def close() -> None:
            if heading is None and not blocks:
                return
            target = sections if commentary is None else commentary
            target.append(Section(heading=heading or "", blocks=tuple(blocks), id=heading_anchor))

        for node in nodes:
            if node is title_node:
                continue
            if node.type == "heading" and int(node.tag[1:]) <= 2:
                text = text_of(node)
                marker = commentary_title(text) if commentary is None else None
                close()
                blocks = []
                if marker is not None:
                    commentary, commentary_name, heading, heading_anchor = [], text, None, ""
                else:
                    heading, heading_anchor = text, heading_id(node)
                continue
            blocks.extend(conv.block(node))
        close()

        points = pop_key_points(
            sections, lambda heading: heading.strip().rstrip(":：").casefold() in KEY_POINT_HEADINGS
        )
        if points is not None:
            draft.key_points = points
        draft.sections = sections
        if commentary is not None:
            draft.commentary = Part(title=commentary_name, sections=tuple(commentary))


def _is_key_points_heading(heading: str) -> bool:
    return heading.strip().rstrip(":：").casefold() in KEY_POINT_HEADINGS


def pop_key_points(sections: list[Section], is_heading: Callable[[str], bool]) -> list[Paragraph] | None:
    """Take out the first section whose heading ``is_heading`` and that holds one simple bullet list: its points."""
    for index, section in enumerate(sections):
        if is_heading(section.heading) and _simple_list(section.blocks):
            bullet = section.blocks[0]
            assert isinstance(bullet, BulletList)
            del sections[index]
            return [item[0] for item in bullet.items if isinstance(item[0], Paragraph)]
    return None


def _simple_list(blocks: tuple[Block, ...]) -> bool:
    if len(blocks) != 1 or not isinstance(blocks[0], BulletList):
        return False
    return all(len(item) == 1 and isinstance(item[0], Paragraph) for item in blocks[0].items)
