"""Hypothesis strategies for the document model."""

from __future__ import annotations

import datetime
import functools
import io

import msgspec
from hypothesis import strategies as st

from exporter.images import Picture, process
from exporter.model import (
    Block,
    BulletList,
    Checkbox,
    Code,
    CodeBlock,
    Definition,
    DefinitionList,
    Document,
    Emph,
    Figure,
    Inline,
    LineBreak,
    Link,
    Memo,
    Meta,
    Note,
    OrderedList,
    Paragraph,
    Part,
    Quote,
    Rule,
    Section,
    Source,
    Strike,
    Strong,
    SubHeading,
    Table,
    Text,
)

_XML_LEGAL = st.characters(
    exclude_categories=["Cs"],
    exclude_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17"
    "\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\ufffe\uffff",
)

MARKUP_TOKENS = (
    "<b>",
    "</para>",
    "AT&T",
    "&bogus;",
    "&#0;",
    "]]>",
    "<![CDATA[",
    "<script>",
    "PAGE",
    "{ MERGEFIELD x }",
)

any_text = st.text(max_size=40)
"""Arbitrary text, including control characters and lone surrogates."""

clean_text = st.one_of(
    st.text(_XML_LEGAL, max_size=40),
    st.sampled_from(MARKUP_TOKENS),
    st.sampled_from(("日本語の文章。", "Ελληνικά", "Кириллица", "مرحبا", "👩‍💻", "e\u0301")),
)
"""Text that survives sanitising unchanged: XML-legal, with markup-like tokens and many scripts."""


_URLS = ("https://example.org/a?b=1&c=2", "mailto:x@example.org", "javascript:x")


def inlines(
    text: st.SearchStrategy[str] = clean_text, depth: int = 2, *, schema2: bool = False
) -> st.SearchStrategy[tuple[Inline, ...]]:
    """Sequences of inline nodes nested up to ``depth``; ``schema2`` adds strikethrough, footnotes and checkboxes."""
    leaves = [st.builds(Text, text=text), st.builds(Code, text=text), st.just(LineBreak())]
    if schema2:
        leaves.append(st.builds(Checkbox, checked=st.booleans()))
    leaf = st.one_of(*leaves)
    if depth <= 0:
        return st.lists(leaf, max_size=4).map(tuple)
    inner = inlines(text, depth - 1, schema2=schema2)
    nodes = [
        leaf,
        st.builds(Emph, children=inner),
        st.builds(Strong, children=inner),
        st.builds(
            Link,
            url=st.sampled_from((*_URLS, "#a-heading") if schema2 else _URLS),
            children=inner,
        ),
    ]
    if schema2:
        # A note holds blocks; its paragraphs take the older inline set, so the strategy's recursion ends.
        note_blocks = st.lists(
            st.one_of(st.builds(Paragraph, inlines=inlines(text, depth - 1)), st.just(Rule())), min_size=1, max_size=2
        )
        nodes += [st.builds(Strike, children=inner), st.builds(Note, blocks=note_blocks.map(tuple))]
    return st.lists(st.one_of(*nodes), max_size=4).map(tuple)


_IDS = st.sampled_from(("", "a-heading", "background", "background-1", "日本語"))
_ALIGN = st.sampled_from(("", "left", "center", "right"))


def blocks(
    text: st.SearchStrategy[str] = clean_text, depth: int = 2, *, schema2: bool = False
) -> st.SearchStrategy[tuple[Block, ...]]:
    """Sequences of block nodes (lists and quotes nest up to ``depth``); ``schema2`` adds the schema 2 nodes."""
    para = st.builds(Paragraph, inlines=inlines(text, schema2=schema2))
    cells = inlines(text, 0, schema2=schema2)
    leaves = [
        para,
        st.builds(
            SubHeading,
            level=st.integers(1, 3),
            inlines=inlines(text, 1, schema2=schema2),
            id=_IDS if schema2 else st.just(""),
        ),
        st.builds(CodeBlock, text=text, language=st.sampled_from(("", "python"))),
        st.builds(
            Table,
            header=st.lists(cells, min_size=1, max_size=3).map(tuple),
            rows=st.lists(st.lists(cells, min_size=1, max_size=3).map(tuple), max_size=3).map(tuple),
            align=st.lists(_ALIGN, max_size=3).map(tuple) if schema2 else st.just(()),
        ),
    ]
    if schema2:
        leaves.append(st.just(Rule()))
    leaf = st.one_of(*leaves)
    if depth <= 0:
        return st.lists(leaf, max_size=3).map(tuple)
    inner = blocks(text, depth - 1, schema2=schema2)
    items = st.lists(inner, min_size=1, max_size=3).map(tuple)
    nodes = [
        leaf,
        st.builds(BulletList, items=items),
        st.builds(
            OrderedList,
            items=items,
            start=st.integers(0, 99),
            delimiter=st.sampled_from((".", ")")) if schema2 else st.just("."),
        ),
        st.builds(Quote, blocks=inner),
    ]
    if schema2:
        definition = st.builds(
            Definition, term=inlines(text, 1, schema2=True), definitions=st.lists(inner, max_size=2).map(tuple)
        )
        nodes.append(st.builds(DefinitionList, items=st.lists(definition, min_size=1, max_size=3).map(tuple)))
    return st.lists(st.one_of(*nodes), max_size=4).map(tuple)


def sections(
    text: st.SearchStrategy[str] = clean_text, *, schema2: bool = False
) -> st.SearchStrategy[tuple[Section, ...]]:
    """Sections with headings (possibly empty) and blocks; ``schema2`` adds ids and the schema 2 nodes."""
    section = st.builds(
        Section, heading=text, blocks=blocks(text, schema2=schema2), id=_IDS if schema2 else st.just("")
    )
    return st.lists(section, max_size=3).map(tuple)


def documents(text: st.SearchStrategy[str] = clean_text, *, schema2: bool = False) -> st.SearchStrategy[Document]:
    """Whole documents; ``text`` decides which strings appear in them.

    ``schema2`` adds the nodes of model schema 2 (Strike, Note, Checkbox, Rule, DefinitionList, heading ids,
    table alignment, the ``)`` delimiter). Off by default: the renderers' property tests use the older node set
    until the renderers draw the new nodes.
    """
    meta = st.builds(
        Meta,
        title=text,
        date=st.dates(datetime.date(1900, 1, 1), datetime.date(2200, 12, 31)),
        kicker=text,
        language=st.sampled_from(("en", "ja", "en-GB", "ja-JP")),
        authors=st.lists(text, max_size=2).map(tuple),
        source=st.builds(Source, name=text, url=st.sampled_from(("", "https://example.org/x"))),
        tags=st.lists(text, max_size=3).map(tuple),
        summary=text,
        marking=text,
        memo=st.builds(Memo, to=text, from_=text, cc=text),
        identifier=st.sampled_from(("", "urn:isbn:9780000000000")),
    )
    return st.builds(
        Document,
        meta=meta,
        key_points=st.lists(st.builds(Paragraph, inlines=inlines(text, 1, schema2=schema2)), max_size=3).map(tuple),
        sections=sections(text, schema2=schema2),
        commentary=st.one_of(st.none(), st.builds(Part, title=text, sections=sections(text, schema2=schema2))),
    )


# --- schema 2: footnotes, strikethrough, task lists, rules, definition lists, heading ids ------------------
# Separate strategies, so the renderers that do not draw these nodes yet keep the schema-1 set above.

HEADING_IDS = ("", "", "background", "Background", "next-steps", "x y", "fn-1", "s-1", "背景", "9lives", "a" * 50)
"""Heading ids: repeats, ids that differ only in case, the briefing's own ids, non-ASCII, a digit first, too long."""

LINK_TARGETS_V2 = (
    "https://example.org/a?b=1&c=2",
    "mailto:x@example.org",
    "javascript:x",
    *(f"#{ident}" for ident in dict.fromkeys(HEADING_IDS) if ident),
    "#missing",
)
"""External, refused and internal targets (``#missing`` names no heading)."""


def inlines_v2(
    text: st.SearchStrategy[str] = clean_text, depth: int = 2, notes: int = 2
) -> st.SearchStrategy[tuple[Inline, ...]]:
    """Schema-2 inline sequences: strikethrough, task boxes, internal links, footnotes nested ``notes`` deep."""
    leaf = st.one_of(
        st.builds(Text, text=text),
        st.builds(Code, text=text),
        st.just(LineBreak()),
        st.builds(Checkbox, checked=st.booleans()),
    )
    if depth <= 0:
        return st.lists(leaf, max_size=4).map(tuple)
    inner = inlines_v2(text, depth - 1, notes)
    choices: list[st.SearchStrategy[Inline]] = [
        leaf,
        st.builds(Emph, children=inner),
        st.builds(Strong, children=inner),
        st.builds(Strike, children=inner),
        st.builds(Link, url=st.sampled_from(LINK_TARGETS_V2), children=inner),
    ]
    if notes > 0:
        choices.append(st.builds(Note, blocks=blocks_v2(text, 1 if notes > 1 else 0, notes - 1)))
    return st.lists(st.one_of(*choices), max_size=4).map(tuple)


def blocks_v2(
    text: st.SearchStrategy[str] = clean_text, depth: int = 2, notes: int = 2
) -> st.SearchStrategy[tuple[Block, ...]]:
    """Schema-2 block sequences: rules, definition lists, task items, ids, column alignment, ")" lists."""
    runs = inlines_v2(text, 2, notes)
    task = st.builds(
        lambda box, rest: Paragraph(inlines=(box, *rest)), st.builds(Checkbox, checked=st.booleans()), runs
    )
    cells = inlines_v2(text, 1, notes)
    leaf = st.one_of(
        st.builds(Paragraph, inlines=runs),
        st.builds(
            SubHeading, level=st.integers(1, 3), inlines=inlines_v2(text, 1, notes), id=st.sampled_from(HEADING_IDS)
        ),
        st.builds(CodeBlock, text=text, language=st.sampled_from(("", "python"))),
        st.builds(
            Table,
            header=st.lists(cells, min_size=1, max_size=3).map(tuple),
            rows=st.lists(st.lists(cells, min_size=1, max_size=3).map(tuple), max_size=3).map(tuple),
            align=st.lists(st.sampled_from(("", "left", "center", "right")), max_size=4).map(tuple),
        ),
        st.just(Rule()),
    )
    if depth <= 0:
        return st.lists(leaf, max_size=3).map(tuple)
    inner = blocks_v2(text, depth - 1, notes)
    items = st.lists(st.one_of(inner, task.map(lambda p: (p,))), min_size=1, max_size=3).map(tuple)
    node = st.one_of(
        leaf,
        st.builds(BulletList, items=items),
        st.builds(OrderedList, items=items, start=st.integers(0, 99), delimiter=st.sampled_from((".", ")"))),
        st.builds(Quote, blocks=inner),
        st.builds(
            DefinitionList,
            items=st.lists(
                st.builds(Definition, term=cells, definitions=st.lists(inner, max_size=2).map(tuple)), max_size=3
            ).map(tuple),
        ),
    )
    return st.lists(node, max_size=4).map(tuple)


def sections_v2(text: st.SearchStrategy[str] = clean_text) -> st.SearchStrategy[tuple[Section, ...]]:
    """Sections with headings (possibly empty), heading ids and schema-2 blocks."""
    section = st.builds(Section, heading=text, blocks=blocks_v2(text), id=st.sampled_from(HEADING_IDS))
    return st.lists(section, max_size=3).map(tuple)


def documents_v2(text: st.SearchStrategy[str] = clean_text) -> st.SearchStrategy[Document]:
    """Whole documents with every schema-2 node: :func:`documents` with a schema-2 body."""
    return st.builds(
        lambda doc, key_points, sections, commentary: msgspec.structs.replace(
            doc, key_points=key_points, sections=sections, commentary=commentary
        ),
        documents(text),
        st.lists(st.builds(Paragraph, inlines=inlines_v2(text, 1)), max_size=3).map(tuple),
        sections_v2(text),
        st.one_of(st.none(), st.builds(Part, title=text, sections=sections_v2(text))),
    )


# --- schema 3: figures and the resources table ------------------------------------------------------------


@functools.cache
def sample_pictures() -> tuple[Picture, ...]:
    """Three tiny pictures as the image core makes them (a PNG, a JPEG, a WebP), built once."""
    from PIL import Image

    out = []
    for fmt, color in (("PNG", (200, 30, 30)), ("JPEG", (30, 160, 60)), ("WEBP", (30, 60, 200))):
        buffer = io.BytesIO()
        Image.new("RGB", (24, 16), color).save(buffer, fmt)
        out.append(process(buffer.getvalue()))
    return tuple(out)


def figures_v3(text: st.SearchStrategy[str] = clean_text) -> st.SearchStrategy[Figure]:
    """Figures showing one of :func:`sample_pictures`, or none (a refused image: alt text only)."""
    keys = st.sampled_from(("", *(p.key for p in sample_pictures())))
    captions = st.one_of(st.just(()), inlines(text, 0))
    sources = st.sampled_from(("", "chart.png", "img/photo one.jpg", "https://example.org/x.png"))
    return st.builds(Figure, alt=text, key=keys, caption=captions, src=sources)


def _with_figures(doc: Document, placed: list[tuple[int, Figure]]) -> Document:
    sections = list(doc.sections) or [Section(heading="")]
    for where, figure in placed:
        index = where % len(sections)
        section = sections[index]
        sections[index] = msgspec.structs.replace(section, blocks=(*section.blocks, figure))
    shown = {figure.key for _, figure in placed}
    resources = tuple(p for p in sample_pictures() if p.key in shown)
    return msgspec.structs.replace(doc, sections=tuple(sections), resources=resources)


def documents_v3(text: st.SearchStrategy[str] = clean_text) -> st.SearchStrategy[Document]:
    """Schema-3 documents: :func:`documents_v2` with figures in their sections and the pictures they show."""
    placed = st.lists(st.tuples(st.integers(0, 5), figures_v3(text)), max_size=4)
    return st.builds(_with_figures, documents_v2(text), placed)


zip_parts = st.dictionaries(
    st.one_of(
        st.sampled_from(["[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml"]),
        st.text(
            alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x2FFF, exclude_characters="\\"),
            min_size=1,
            max_size=30,
        ),
    ),
    st.one_of(st.binary(max_size=3000), st.text(max_size=2000).map(str.encode)),
    max_size=12,
)
"""Zip entries as a package writer gets them: names (some not ASCII) to bytes."""
