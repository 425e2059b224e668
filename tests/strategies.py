"""Hypothesis strategies for the document model."""

from __future__ import annotations

import datetime

from hypothesis import strategies as st

from exporter.model import (
    Block,
    BulletList,
    Code,
    CodeBlock,
    Document,
    Emph,
    Inline,
    LineBreak,
    Link,
    Memo,
    Meta,
    OrderedList,
    Paragraph,
    Part,
    Quote,
    Section,
    Source,
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


def inlines(text: st.SearchStrategy[str] = clean_text, depth: int = 2) -> st.SearchStrategy[tuple[Inline, ...]]:
    """Sequences of inline nodes nested up to ``depth``."""
    leaf = st.one_of(
        st.builds(Text, text=text),
        st.builds(Code, text=text),
        st.just(LineBreak()),
    )
    if depth <= 0:
        return st.lists(leaf, max_size=4).map(tuple)
    inner = inlines(text, depth - 1)
    node = st.one_of(
        leaf,
        st.builds(Emph, children=inner),
        st.builds(Strong, children=inner),
        st.builds(
            Link,
            url=st.sampled_from(("https://example.org/a?b=1&c=2", "mailto:x@example.org", "javascript:x")),
            children=inner,
        ),
    )
    return st.lists(node, max_size=4).map(tuple)


def blocks(text: st.SearchStrategy[str] = clean_text, depth: int = 2) -> st.SearchStrategy[tuple[Block, ...]]:
    """Sequences of block nodes (lists and quotes nest up to ``depth``)."""
    para = st.builds(Paragraph, inlines=inlines(text))
    leaf = st.one_of(
        para,
        st.builds(SubHeading, level=st.integers(1, 3), inlines=inlines(text, 1)),
        st.builds(CodeBlock, text=text, language=st.sampled_from(("", "python"))),
        st.builds(
            Table,
            header=st.lists(inlines(text, 0), min_size=1, max_size=3).map(tuple),
            rows=st.lists(st.lists(inlines(text, 0), min_size=1, max_size=3).map(tuple), max_size=3).map(tuple),
        ),
    )
    if depth <= 0:
        return st.lists(leaf, max_size=3).map(tuple)
    inner = blocks(text, depth - 1)
    items = st.lists(inner, min_size=1, max_size=3).map(tuple)
    node = st.one_of(
        leaf,
        st.builds(BulletList, items=items),
        st.builds(OrderedList, items=items, start=st.integers(0, 99)),
        st.builds(Quote, blocks=inner),
    )
    return st.lists(node, max_size=4).map(tuple)


def sections(text: st.SearchStrategy[str] = clean_text) -> st.SearchStrategy[tuple[Section, ...]]:
    """Sections with headings (possibly empty) and blocks."""
    return st.lists(st.builds(Section, heading=text, blocks=blocks(text)), max_size=3).map(tuple)


def documents(text: st.SearchStrategy[str] = clean_text) -> st.SearchStrategy[Document]:
    """Whole documents; ``text`` decides which strings appear in them."""
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
        key_points=st.lists(st.builds(Paragraph, inlines=inlines(text, 1)), max_size=3).map(tuple),
        sections=sections(text),
        commentary=st.one_of(st.none(), st.builds(Part, title=text, sections=sections(text))),
    )
