"""The canonical document model: frozen value types, JSON round-trip and JSON Schema."""

from __future__ import annotations

import datetime
import os
import reprlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Literal, NoReturn, Self, assert_never

import msgspec
import msgspec.inspect as mi

from .errors import InputError
from .images.picture import Picture

SCHEMA_VERSION = 3
"""The JSON ``schema`` this version writes; it reads every earlier one too (each added only optional fields)."""

READABLE_SCHEMAS = frozenset({1, 2, 3})
"""The JSON ``schema`` versions the JSON reader accepts."""


class _Checked(msgspec.Struct, frozen=True):
    """Base of every model type: construction checks each field against its annotation."""

    def __post_init__(self) -> None:
        """Raise ``TypeError`` naming the field and the expected type when a value does not fit."""
        # msgspec checks types when decoding, not when a Struct is built in code; without this a
        # Paragraph("hello") reached a renderer and failed there with an unrelated AssertionError.
        for name, fits in _CHECKS.get(type(self)) or _compile(type(self)):
            if not fits(getattr(self, name)):
                _refuse(self, name)


# --- construction checks ----------------------------------------------------------------------

_CHECKS: dict[type, tuple[tuple[str, Callable[[Any], bool]], ...]] = {}


def _fields(cls: type) -> tuple[mi.Field, ...]:
    info = mi.type_info(cls)
    assert isinstance(info, mi.StructType)
    return info.fields


def _compile(cls: type) -> tuple[tuple[str, Callable[[Any], bool]], ...]:
    """The field checks of a model type, built from its annotations once, on its first construction."""
    checks = tuple((f.name, _predicate(f.type)) for f in _fields(cls))
    _CHECKS[cls] = checks
    return checks


def _classes(kind: mi.Type) -> tuple[type, ...] | None:
    """The classes for which ``kind`` is exactly an isinstance test, else None."""
    if isinstance(kind, mi.StructType):
        return (kind.cls,)
    if isinstance(kind, mi.UnionType) and all(isinstance(m, mi.StructType) for m in kind.types):
        return tuple(m.cls for m in kind.types if isinstance(m, mi.StructType))
    if isinstance(kind, mi.StrType) and kind.min_length is None and kind.max_length is None and kind.pattern is None:
        return (str,)
    return None


def _predicate(kind: mi.Type) -> Callable[[Any], bool]:
    """A cheap test of one value against a field's type (nodes inside were checked when they were built)."""
    classes = _classes(kind)
    if classes is not None:
        return lambda v: isinstance(v, classes)
    if isinstance(kind, mi.IntType):
        return lambda v: type(v) is int  # True is an int to Python, not a number here
    if isinstance(kind, mi.BoolType):
        return lambda v: type(v) is bool
    if isinstance(kind, mi.LiteralType):
        allowed = frozenset(kind.values)
        return lambda v: type(v) in (str, int) and v in allowed
    if isinstance(kind, mi.DateType):
        return lambda v: isinstance(v, datetime.date) and not isinstance(v, datetime.datetime)
    if isinstance(kind, mi.NoneType):
        return lambda v: v is None
    if isinstance(kind, mi.UnionType):
        members = tuple(_predicate(m) for m in kind.types)
        return lambda v: any(p(v) for p in members)
    if isinstance(kind, mi.VarTupleType):
        items = _classes(kind.item_type)
        if items is not None:
            # A plain loop: most tuples hold one or two nodes, where all(map(...)) costs twice as much.
            def fits_items(value: Any) -> bool:
                if not isinstance(value, tuple):
                    return False
                for item in value:  # noqa: SIM110 - the loop is the point (see above)
                    if not isinstance(item, items):
                        return False
                return True

            return fits_items
        each = _predicate(kind.item_type)
        return lambda v: isinstance(v, tuple) and all(map(each, v))
    return lambda v: True  # no model field has another type; msgspec checks decoded data anyway


def _describe(kind: mi.Type) -> str:
    """A type as a reader of the error message would write it."""
    if isinstance(kind, mi.StructType):
        return kind.cls.__name__
    if isinstance(kind, mi.UnionType):
        names = {_describe(m) for m in kind.types}
        for alias, members in (("Inline", _INLINE), ("Block", _BLOCK)):
            if names == {c.__name__ for c in members}:
                return alias
        return " | ".join(_describe(m) for m in kind.types)
    if isinstance(kind, mi.VarTupleType):
        return f"tuple[{_describe(kind.item_type)}, ...]"
    if isinstance(kind, mi.DateType):
        return "datetime.date"
    if isinstance(kind, mi.LiteralType):
        return " | ".join(repr(v) for v in kind.values)
    simple = {mi.StrType: "str", mi.IntType: "int", mi.NoneType: "None", mi.BoolType: "bool"}
    return simple.get(type(kind), type(kind).__name__)


def _shown(value: Any) -> str:
    shown = reprlib.Repr()
    shown.maxstring = shown.maxother = 60
    return shown.repr(value)


def _refuse(node: _Checked, name: str) -> NoReturn:
    """Raise the TypeError for field ``name`` of ``node``: where the misfit is, what was expected and got."""
    kind = next(f.type for f in _fields(type(node)) if f.name == name)
    value, where = getattr(node, name), f"{type(node).__name__}.{name}"
    # Into tuples down to the first item that does not fit, so the message points at it.
    while isinstance(kind, mi.VarTupleType) and isinstance(value, tuple):
        fits = _predicate(kind.item_type)
        index = next((i for i, item in enumerate(value) if not fits(item)), None)
        if index is None:
            break
        kind, value, where = kind.item_type, value[index], f"{where}[{index}]"
    expected = _describe(kind)
    for alias, members in (("Inline", _INLINE), ("Block", _BLOCK)):
        if alias in expected:
            expected += f" ({alias} = {' | '.join(c.__name__ for c in members)})"
    hint = ""
    if isinstance(value, str) and isinstance(kind, mi.DateType):
        hint = "; datetime.date.fromisoformat() makes a date from such text"
    elif isinstance(value, datetime.datetime) and isinstance(kind, mi.DateType):
        hint = "; give its .date()"
    elif isinstance(value, list) and isinstance(kind, mi.VarTupleType):
        hint = "; give a tuple, not a list"
    elif isinstance(value, str) and ("Inline" in expected or "Block" in expected) and hasattr(type(node), "of"):
        hint = f"; {type(node).__name__}.of(...) builds one from text"
    raise TypeError(f"{where}: expected {expected}, got {type(value).__name__} {_shown(value)}{hint}")


class _Node(_Checked, frozen=True, tag_field="type", forbid_unknown_fields=False):
    """Base of every tagged model node."""


# --- inline nodes -----------------------------------------------------------------------------


class Text(_Node, frozen=True, tag="text"):
    """A run of plain text."""

    text: str


class Emph(_Node, frozen=True, tag="emph"):
    """Emphasised (italic) inlines."""

    children: tuple[Inline, ...]

    @classmethod
    def of(cls, *parts: str | Inline) -> Self:
        """Emphasis around text (``str``) and inline nodes."""
        return cls(children=_inlines(parts))


class Strong(_Node, frozen=True, tag="strong"):
    """Strongly emphasised (bold) inlines."""

    children: tuple[Inline, ...]

    @classmethod
    def of(cls, *parts: str | Inline) -> Self:
        """Strong emphasis around text (``str``) and inline nodes."""
        return cls(children=_inlines(parts))


class Code(_Node, frozen=True, tag="code"):
    """Inline code, shown in a monospaced face."""

    text: str


class Link(_Node, frozen=True, tag="link"):
    """A hyperlink around inlines."""

    url: str
    children: tuple[Inline, ...]

    @classmethod
    def of(cls, url: str, *parts: str | Inline) -> Self:
        """A link to ``url`` around text and inline nodes (the URL itself when none are given)."""
        return cls(url=url, children=_inlines(parts or (url,)))


class LineBreak(_Node, frozen=True, tag="line_break"):
    """A hard line break inside a paragraph."""


class Strike(_Node, frozen=True, tag="strike"):
    """Struck-through (deleted) inlines."""

    children: tuple[Inline, ...]

    @classmethod
    def of(cls, *parts: str | Inline) -> Self:
        """Strikethrough around text (``str``) and inline nodes."""
        return cls(children=_inlines(parts))


class Note(_Node, frozen=True, tag="note"):
    """A footnote, placed where it is referenced; renderers number the notes in reading order."""

    blocks: tuple[Block, ...]

    @classmethod
    def of(cls, *blocks: str | Block) -> Self:
        """A footnote of blocks; text (``str``) becomes a paragraph."""
        return cls(blocks=_blocks(blocks))


class Checkbox(_Node, frozen=True, tag="checkbox"):
    """The box of a task-list item, ticked or not; it opens the item's first paragraph."""

    checked: bool = False


Inline = Text | Emph | Strong | Code | Link | LineBreak | Strike | Note | Checkbox

# --- block nodes ------------------------------------------------------------------------------


class Paragraph(_Node, frozen=True, tag="paragraph"):
    """A paragraph of inlines."""

    inlines: tuple[Inline, ...]

    @classmethod
    def of(cls, *parts: str | Inline) -> Self:
        """A paragraph of text (``str``) and inline nodes: ``Paragraph.of("See ", Strong.of("this"), ".")``."""
        return cls(inlines=_inlines(parts))


class SubHeading(_Node, frozen=True, tag="sub_heading"):
    """A heading inside a section; level 1 is the first level below the section heading."""

    level: int
    inlines: tuple[Inline, ...]
    id: str = ""
    """The target of internal links (``#id``); "" when none."""

    @classmethod
    def of(cls, *parts: str | Inline, level: int = 1, id: str = "") -> Self:
        """A sub-heading of text and inline nodes, level 1 unless given."""
        return cls(level=level, inlines=_inlines(parts), id=id)


class BulletList(_Node, frozen=True, tag="bullet_list"):
    """An unordered list; each item is a sequence of blocks (so lists nest)."""

    items: tuple[tuple[Block, ...], ...]

    @classmethod
    def of(cls, *items: ListItem) -> Self:
        """A list whose items are text, a node, or a sequence of blocks: ``BulletList.of("one", "two")``."""
        return cls(items=tuple(_item(i) for i in items))


class OrderedList(_Node, frozen=True, tag="ordered_list"):
    """A numbered list starting at ``start`` (0 included); each item is a sequence of blocks."""

    items: tuple[tuple[Block, ...], ...]
    start: int = 1
    delimiter: Literal[".", ")"] = "."
    """What follows each number: ``1.`` or ``1)``."""

    @classmethod
    def of(cls, *items: ListItem, start: int = 1, delimiter: Literal[".", ")"] = ".") -> Self:
        """A numbered list whose items are text, a node, or a sequence of blocks."""
        return cls(items=tuple(_item(i) for i in items), start=start, delimiter=delimiter)


class Quote(_Node, frozen=True, tag="quote"):
    """A block quotation."""

    blocks: tuple[Block, ...]

    @classmethod
    def of(cls, *blocks: str | Block) -> Self:
        """A quotation of blocks; text (``str``) becomes a paragraph."""
        return cls(blocks=_blocks(blocks))


class Table(_Node, frozen=True, tag="table"):
    """A table: one header row and body rows; each cell is a sequence of inlines."""

    header: tuple[tuple[Inline, ...], ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]
    align: tuple[Alignment, ...] = ()
    """Per column, as the source says: "left", "center", "right", or "" (the renderer's default); may be short."""

    @classmethod
    def of(cls, header: Sequence[Cell], *rows: Sequence[Cell], align: Sequence[Alignment] = ()) -> Self:
        """A table from a header row and body rows; a cell is text, an inline node or a sequence of them."""
        return cls(
            header=tuple(_cell(c) for c in header),
            rows=tuple(tuple(_cell(c) for c in row) for row in rows),
            align=tuple(align),
        )

    def alignment(self, column: int) -> Alignment:
        """The alignment of ``column`` ("" when the source gives none)."""
        return self.align[column] if column < len(self.align) else ""


class CodeBlock(_Node, frozen=True, tag="code_block"):
    """Preformatted text kept verbatim."""

    text: str
    language: str = ""


class Rule(_Node, frozen=True, tag="rule"):
    """A thematic break between blocks."""


class Definition(_Checked, frozen=True):
    """One term of a definition list with its definitions, each a sequence of blocks."""

    term: tuple[Inline, ...]
    definitions: tuple[tuple[Block, ...], ...] = ()


class DefinitionList(_Node, frozen=True, tag="definition_list"):
    """Terms and their definitions."""

    items: tuple[Definition, ...]

    @classmethod
    def of(cls, *items: tuple[str | Inline, str | Block]) -> Self:
        """A definition list from (term, definition) pairs: ``DefinitionList.of(("API", "A contract."))``."""
        return cls(items=tuple(Definition(term=_inlines((t,)), definitions=(_blocks((d,)),)) for t, d in items))


class Figure(_Node, frozen=True, tag="figure"):
    """An image standing on its own: its text alternative, an optional caption, and its picture's key."""

    alt: str
    """The text alternative: what a reader who cannot see the image is told (and what stands in for it)."""
    key: str = ""
    """The SHA-256 (hex) of its picture in ``Document.resources``; "" when the image was not taken."""
    caption: tuple[Inline, ...] = ()
    src: str = ""
    """The reference as the source wrote it (a path), for reports; no renderer reads a file from it."""

    @classmethod
    def of(cls, alt: str, key: str = "", caption: str | Sequence[str | Inline] = (), src: str = "") -> Self:
        """A figure of the picture ``key`` with its alt text and a caption of text or inline nodes."""
        parts = (caption,) if isinstance(caption, str) else tuple(caption)
        return cls(alt=alt, key=key, caption=_inlines(p for p in parts if p != ""), src=src)


Block = Paragraph | SubHeading | BulletList | OrderedList | Quote | Table | CodeBlock | Rule | DefinitionList | Figure

Alignment = Literal["", "left", "center", "right"]
"""A table column's alignment."""

_INLINE = (Text, Emph, Strong, Code, Link, LineBreak, Strike, Note, Checkbox)
_BLOCK = (Paragraph, SubHeading, BulletList, OrderedList, Quote, Table, CodeBlock, Rule, DefinitionList, Figure)

ListItem = str | Inline | Block | Sequence["str | Block"]
"""What the short constructors of lists take as one item."""

Cell = str | Inline | Sequence["str | Inline"]
"""What ``Table.of`` takes as one cell."""


def _inlines(parts: Iterable[str | Inline]) -> tuple[Inline, ...]:
    # Anything else is passed on, so the node's own check names the field and the misfit.
    return tuple(Text(text=p) if isinstance(p, str) else p for p in parts)


def _blocks(parts: Iterable[str | Block]) -> tuple[Block, ...]:
    return tuple(Paragraph(inlines=(Text(text=p),)) if isinstance(p, str) else p for p in parts)


def _item(item: ListItem) -> tuple[Block, ...]:
    if isinstance(item, str | Text | Emph | Strong | Code | Link | LineBreak | Strike | Note | Checkbox):
        return (Paragraph(inlines=_inlines((item,))),)
    if isinstance(item, _BLOCK):
        return (item,)
    return _blocks(item)


def _cell(cell: Cell) -> tuple[Inline, ...]:
    if isinstance(cell, str | Text | Emph | Strong | Code | Link | LineBreak | Strike | Note | Checkbox):
        return _inlines((cell,))
    return _inlines(cell)


# --- document ---------------------------------------------------------------------------------


class Source(_Checked, frozen=True):
    """Where the article was published."""

    name: str = ""
    url: str = ""


class Memo(_Checked, frozen=True, rename={"from_": "from"}):
    """Memo header fields (TO / FROM / CC)."""

    to: str = ""
    from_: str = ""
    cc: str = ""


class Meta(_Checked, frozen=True):
    """Document metadata."""

    title: str
    date: datetime.date
    kicker: str = ""
    language: str = "en"
    authors: tuple[str, ...] = ()
    source: Source = Source()
    tags: tuple[str, ...] = ()
    summary: str = ""
    marking: str = ""
    memo: Memo = Memo()
    identifier: str = ""


class Section(_Checked, frozen=True):
    """A headed run of blocks; an empty heading marks an untitled lead section."""

    heading: str
    blocks: tuple[Block, ...] = ()
    id: str = ""
    """The target of internal links (``#id``) to the heading; "" when none."""

    @classmethod
    def of(cls, heading: str, *blocks: str | Block, id: str = "") -> Self:
        """A section of blocks; text (``str``) becomes a paragraph: ``Section.of("Background", "First ...")``."""
        return cls(heading=heading, blocks=_blocks(blocks), id=id)


class Part(_Checked, frozen=True):
    """A titled group of sections (the commentary)."""

    title: str
    sections: tuple[Section, ...] = ()

    @classmethod
    def of(cls, title: str, *sections: Section) -> Self:
        """A titled part (the commentary) of sections."""
        return cls(title=title, sections=tuple(sections))


class Document(_Checked, frozen=True):
    """An article with key points, sections and an optional commentary part."""

    meta: Meta
    key_points: tuple[Paragraph, ...] = ()
    sections: tuple[Section, ...] = ()
    commentary: Part | None = None
    resources: tuple[Picture, ...] = ()
    """The pictures its figures show, each once, keyed by the SHA-256 of its bytes (base64 in JSON)."""
    schema: int = SCHEMA_VERSION

    def picture(self, key: str) -> Picture | None:
        """The resource with ``key``, or None when the document carries none of that key."""
        return next((p for p in self.resources if p.key == key), None) if key else None

    @classmethod
    def of(
        cls,
        *,
        title: str,
        sections: Iterable[Section] = (),
        key_points: Iterable[str | Paragraph] = (),
        commentary: Part | None = None,
        date: datetime.date | None = None,
        resources: Iterable[Picture] = (),
        **meta: Any,
    ) -> Self:
        """A document in a few lines; ``date`` defaults as for an undated source, other Meta fields by name."""
        for key in ("authors", "tags"):
            if isinstance(meta.get(key), list | str):
                value = meta[key]
                meta[key] = (value,) if isinstance(value, str) else tuple(value)
        return cls(
            meta=Meta(title=title, date=default_date() if date is None else date, **meta),
            key_points=tuple(Paragraph(inlines=(Text(text=k),)) if isinstance(k, str) else k for k in key_points),
            sections=tuple(sections),
            commentary=commentary,
            resources=tuple(resources),
        )


def default_date(today: datetime.date | None = None) -> datetime.date:
    """The date of ``SOURCE_DATE_EPOCH`` if set, else today in UTC."""
    if today is not None:
        return today
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise InputError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {epoch!r}") from None
    return datetime.datetime.now(datetime.UTC).date()


def plain_text(nodes: Iterable[Inline]) -> str:
    """The visible text of inline nodes (a line break reads as a space)."""
    out: list[str] = []
    for node in nodes:
        match node:
            case Text(text=text) | Code(text=text):
                out.append(text)
            case (
                Emph(children=children)
                | Strong(children=children)
                | Link(children=children)
                | Strike(children=children)
            ):
                out.append(plain_text(children))
            case LineBreak():
                out.append(" ")
            case Checkbox(checked=checked):
                out.append("☑" if checked else "☐")
            case Note():
                pass  # a note's text is not part of the sentence that references it
            case _:
                assert_never(node)
    return "".join(out)


def inline_children(node: Inline) -> tuple[Inline, ...]:
    """The inlines directly inside ``node`` (none for a note: its content is blocks)."""
    if isinstance(node, Emph | Strong | Link | Strike):
        return node.children
    return ()


def block_inlines(block: Block) -> Iterator[tuple[Inline, ...]]:
    """Every run of inlines directly in ``block`` (not inside nested blocks), in reading order."""
    match block:
        case Paragraph(inlines=inlines) | SubHeading(inlines=inlines) | Figure(caption=inlines):
            yield inlines
        case Table(header=header, rows=rows):
            yield from header
            for row in rows:
                yield from row
        case DefinitionList(items=items):
            for item in items:
                yield item.term
        case BulletList() | OrderedList() | Quote() | CodeBlock() | Rule():
            pass
        case _:
            assert_never(block)


def block_children(block: Block) -> Iterator[tuple[Block, ...]]:
    """Every run of blocks directly inside ``block`` (list items, quoted blocks, definitions), in reading order."""
    match block:
        case BulletList(items=items) | OrderedList(items=items):
            yield from items
        case Quote(blocks=blocks):
            yield blocks
        case DefinitionList(items=items):
            for item in items:
                yield from item.definitions
        case Paragraph() | SubHeading() | Table() | CodeBlock() | Rule() | Figure():
            pass
        case _:
            assert_never(block)


def walk_inlines(blocks: Iterable[Block]) -> Iterator[Inline]:
    """Every inline node under ``blocks``, depth first in reading order, footnote content included."""
    for block in blocks:
        for run in block_inlines(block):
            yield from _walk_run(run)
        for inner in block_children(block):
            yield from walk_inlines(inner)


def _walk_run(run: Iterable[Inline]) -> Iterator[Inline]:
    for node in run:
        yield node
        yield from _walk_run(inline_children(node))
        if isinstance(node, Note):
            yield from walk_inlines(node.blocks)


def walk_blocks(blocks: Iterable[Block]) -> Iterator[Block]:
    """Every block under ``blocks``, depth first in reading order, footnote content included."""
    for block in blocks:
        yield block
        for run in block_inlines(block):
            for note in _notes(run):
                yield from walk_blocks(note.blocks)
        for inner in block_children(block):
            yield from walk_blocks(inner)


def _notes(run: Iterable[Inline]) -> Iterator[Note]:
    """The notes in a run of inlines, not those inside the notes' own blocks."""
    for node in run:
        if isinstance(node, Note):
            yield node
        else:
            yield from _notes(inline_children(node))


def figures(document: Document) -> Iterator[Figure]:
    """Every figure of the document in reading order (key points, sections, commentary, footnotes)."""
    for run in document_blocks(document):
        for block in walk_blocks(run):
            if isinstance(block, Figure):
                yield block


def document_blocks(document: Document) -> Iterator[tuple[Block, ...]]:
    """Every top-level run of blocks: key points, sections, then the commentary's sections."""
    yield document.key_points
    for section in document.sections:
        yield section.blocks
    if document.commentary is not None:
        for section in document.commentary.sections:
            yield section.blocks


def heading_ids(document: Document) -> frozenset[str]:
    """The ids internal links may point at: section and sub-heading ids."""
    ids: set[str] = set()
    sections = [*document.sections, *(document.commentary.sections if document.commentary else ())]
    for section in sections:
        if section.id:
            ids.add(section.id)
        _block_ids(section.blocks, ids)
    return frozenset(ids)


def _block_ids(blocks: Iterable[Block], ids: set[str]) -> None:
    for block in blocks:
        if isinstance(block, SubHeading) and block.id:
            ids.add(block.id)
        for inner in block_children(block):
            _block_ids(inner, ids)


def to_builtins(doc: Document) -> dict[str, Any]:
    """Return the document as plain JSON-compatible Python objects (the JSON contract)."""
    data: dict[str, Any] = msgspec.to_builtins(doc)
    # Put the schema version first so the JSON reads naturally.
    return {"schema": data.pop("schema"), **data}


def to_json(doc: Document, *, indent: int = 2) -> bytes:
    """Encode the document as JSON (UTF-8, keys in model order, lossless)."""
    raw = msgspec.json.encode(to_builtins(doc))
    return msgspec.json.format(raw, indent=indent) + b"\n" if indent else raw


def from_builtins(data: Any) -> Document:
    """Build a document from plain objects; raises ``msgspec.ValidationError`` naming the path."""
    return msgspec.convert(data, Document, strict=True)


def json_schema() -> dict[str, Any]:
    """Return a JSON Schema (2020-12) generated from the model types."""
    schema: dict[str, Any] = msgspec.json.schema(Document)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "exporter document"
    return schema
