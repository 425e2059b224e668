"""The canonical document model: frozen value types, JSON round-trip and JSON Schema."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, assert_never

import msgspec

SCHEMA_VERSION = 1


class _Node(msgspec.Struct, frozen=True, tag_field="type", forbid_unknown_fields=False):
    """Base of every tagged model node."""


# --- inline nodes -----------------------------------------------------------------------------


class Text(_Node, frozen=True, tag="text"):
    """A run of plain text."""

    text: str


class Emph(_Node, frozen=True, tag="emph"):
    """Emphasised (italic) inlines."""

    children: tuple[Inline, ...]


class Strong(_Node, frozen=True, tag="strong"):
    """Strongly emphasised (bold) inlines."""

    children: tuple[Inline, ...]


class Code(_Node, frozen=True, tag="code"):
    """Inline code, shown in a monospaced face."""

    text: str


class Link(_Node, frozen=True, tag="link"):
    """A hyperlink around inlines."""

    url: str
    children: tuple[Inline, ...]


class LineBreak(_Node, frozen=True, tag="line_break"):
    """A hard line break inside a paragraph."""


Inline = Text | Emph | Strong | Code | Link | LineBreak

# --- block nodes ------------------------------------------------------------------------------


class Paragraph(_Node, frozen=True, tag="paragraph"):
    """A paragraph of inlines."""

    inlines: tuple[Inline, ...]


class SubHeading(_Node, frozen=True, tag="sub_heading"):
    """A heading inside a section; level 1 is the first level below the section heading."""

    level: int
    inlines: tuple[Inline, ...]


class BulletList(_Node, frozen=True, tag="bullet_list"):
    """An unordered list; each item is a sequence of blocks (so lists nest)."""

    items: tuple[tuple[Block, ...], ...]


class OrderedList(_Node, frozen=True, tag="ordered_list"):
    """A numbered list starting at ``start``; each item is a sequence of blocks."""

    items: tuple[tuple[Block, ...], ...]
    start: int = 1


class Quote(_Node, frozen=True, tag="quote"):
    """A block quotation."""

    blocks: tuple[Block, ...]


class Table(_Node, frozen=True, tag="table"):
    """A table: one header row and body rows; each cell is a sequence of inlines."""

    header: tuple[tuple[Inline, ...], ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]


class CodeBlock(_Node, frozen=True, tag="code_block"):
    """Preformatted text kept verbatim."""

    text: str
    language: str = ""


Block = Paragraph | SubHeading | BulletList | OrderedList | Quote | Table | CodeBlock

# --- document ---------------------------------------------------------------------------------


class Source(msgspec.Struct, frozen=True):
    """Where the article was published."""

    name: str = ""
    url: str = ""


class Memo(msgspec.Struct, frozen=True, rename={"from_": "from"}):
    """Memo header fields (TO / FROM / CC)."""

    to: str = ""
    from_: str = ""
    cc: str = ""


class Meta(msgspec.Struct, frozen=True):
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


class Section(msgspec.Struct, frozen=True):
    """A headed run of blocks; an empty heading marks an untitled lead section."""

    heading: str
    blocks: tuple[Block, ...] = ()


class Part(msgspec.Struct, frozen=True):
    """A titled group of sections (the commentary)."""

    title: str
    sections: tuple[Section, ...] = ()


class Document(msgspec.Struct, frozen=True):
    """An article with key points, sections and an optional commentary part."""

    meta: Meta
    key_points: tuple[Paragraph, ...] = ()
    sections: tuple[Section, ...] = ()
    commentary: Part | None = None
    schema: int = SCHEMA_VERSION


def plain_text(nodes: Iterable[Inline]) -> str:
    """The visible text of inline nodes (a line break reads as a space)."""
    out: list[str] = []
    for node in nodes:
        match node:
            case Text(text=text) | Code(text=text):
                out.append(text)
            case Emph(children=children) | Strong(children=children) | Link(children=children):
                out.append(plain_text(children))
            case LineBreak():
                out.append(" ")
            case _:
                assert_never(node)
    return "".join(out)


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
