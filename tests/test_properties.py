"""Property tests: documents of arbitrary text, sanitised, rendered by every renderer, read back by outside parsers.

Nothing may be lost beyond what sanitising declared: every string of the sanitised model is found in the
text python-docx, pypdf or an XML parser reads back, and the count in the sanitising warning is exactly the
number of characters XML cannot hold. The number of examples comes from the Hypothesis profile
(tests/conftest.py: ``ci`` 200 per renderer, ``long`` via HYPOTHESIS_PROFILE=long).
"""

from __future__ import annotations

import functools
import re
import unicodedata

import pytest
from helpers import HOSTILE_STRINGS, ROOT, lost_strings, output_text
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import MARKUP_TOKENS, documents

from exporter.errors import GlyphError
from exporter.model import Document, to_builtins
from exporter.readers.base import sanitised
from exporter.registry import get_renderer
from exporter.renderers.base import PdfRenderOptions, RenderOptions
from exporter.style import Style, load_style

SCRIPTS = (
    "日本語の文章。",
    "Ελληνικά",
    "Кириллица",
    "مرحبا",
    "שלום",
    "👩\u200d💻",
    "e\u0301",
    "中文",
    "한국어",
    "\u202eRLO",
)
CONTROLS = "\x00\x01\x08\x0b\x0c\x1b\x7f\x85\ufffe\uffff\ud800\udfff\t\r\n "
_REMOVED = re.compile(r"removed (\d+) character")


@functools.cache
def style() -> Style:
    """The shipped default style (loaded once; fixtures do not mix with @given)."""
    return load_style(str(ROOT / "styles" / "default.toml"))


def _pages(fmt: str) -> RenderOptions:
    """Each format's options; the one-pager's overflow policies are tested elsewhere, here every word is drawn."""
    return PdfRenderOptions(overflow="pages") if fmt == "pdf" else RenderOptions()


def _legal(ch: str) -> bool:
    """The XML 1.0 Char production without DEL and the C1 controls, written out apart from exporter.sanitize."""
    cp = ord(ch)
    if 0x7F <= cp <= 0x9F:
        return False
    return cp in (0x9, 0xA, 0xD) or 0x20 <= cp <= 0xD7FF or 0xE000 <= cp <= 0xFFFD or cp >= 0x10000


def _illegal_count(doc: Document) -> int:
    count = 0

    def walk(value: object) -> None:
        nonlocal count
        if isinstance(value, str):
            count += sum(1 for ch in value if not _legal(ch))
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    walk(to_builtins(doc))
    return count


def arbitrary_text() -> st.SearchStrategy[str]:
    """Any text: control characters, lone surrogates, markup-like tokens, CJK, right-to-left, emoji."""
    return st.one_of(
        st.text(max_size=30),
        st.text(st.sampled_from(CONTROLS + "ab<&>]"), max_size=12),
        st.sampled_from(MARKUP_TOKENS + HOSTILE_STRINGS),
        st.sampled_from(SCRIPTS),
        st.lists(st.sampled_from(SCRIPTS + MARKUP_TOKENS + tuple(CONTROLS)), max_size=5).map(" ".join),
    )


@functools.cache
def pdf_alphabet() -> tuple[str, ...]:
    """Characters every PDF role can draw (its family or the Japanese fallback), left to right."""
    from exporter.renderers.pdf.fonts import font_family

    s = style()
    fallback = font_family(s.fonts.cjk).cmap & font_family(s.fonts.cjk_serif).cmap
    covered = None
    for family in (s.fonts.serif, s.fonts.sans, s.fonts.mono):
        cmap = font_family(family).cmap | fallback
        covered = cmap if covered is None else covered & cmap
    assert covered
    # Hebrew and Arabic blocks out entirely: right-to-left letters are refused by the PDF (tested below), and
    # pypdf reorders anything in U+0590-U+08FF as right-to-left, a lone Hebrew accent included.
    chars = (chr(cp) for cp in sorted(covered) if not 0x0590 <= cp <= 0x08FF and not 0x202A <= cp <= 0x202E)
    return tuple(ch for ch in chars if unicodedata.bidirectional(ch) not in ("R", "AL") and ch.isprintable())


def pdf_text() -> st.SearchStrategy[str]:
    """Text the PDF fonts cover, with control characters, markup-like tokens and Japanese."""
    # Not U+202E: extractors apply the override to the rest of the line (the table's rlo-title case checks it).
    covered = [s for s in SCRIPTS if s in ("日本語の文章。", "Ελληνικά", "Кириллица", "e\u0301", "中文")]
    return st.one_of(
        # Deferred: the alphabet loads every font, which collection should not pay for.
        st.text(st.deferred(lambda: st.sampled_from(pdf_alphabet())), max_size=30),
        st.text(st.sampled_from(CONTROLS + "ab<&>]"), max_size=12),
        st.sampled_from(MARKUP_TOKENS + HOSTILE_STRINGS),
        st.sampled_from(covered),
    )


def _sanitise(doc: Document) -> Document:
    """The model boundary every reader applies; its warning must count exactly the illegal characters."""
    result = sanitised(doc, [])
    declared = sum(int(m.group(1)) for w in result.warnings for m in [_REMOVED.search(w)] if m)
    assert declared == _illegal_count(doc)
    assert _illegal_count(result.document) == 0
    return result.document


def _round_trip(doc: Document, fmt: str) -> None:
    clean = _sanitise(doc)
    # "pages": the one-pager's overflow policies are tested elsewhere; here every word must be drawn.
    data = get_renderer(fmt).render(clean, style(), _pages(fmt)).data
    text = output_text(fmt, data)
    assert lost_strings(clean, fmt, text) == []


@given(documents(arbitrary_text()))
def test_docx_keeps_every_string(doc: Document) -> None:
    """python-docx reads every string of any sanitised document back from the memo."""
    _round_trip(doc, "docx")


@given(documents(arbitrary_text()))
def test_epub_keeps_every_string(doc: Document) -> None:
    """The EPUB's XHTML parses as XML and holds every string (the memo fields aside)."""
    _round_trip(doc, "epub")


@given(documents(pdf_text()))
def test_pdf_keeps_every_string(doc: Document) -> None:
    """pypdf extracts every string of a document whose characters the PDF fonts cover."""
    _round_trip(doc, "pdf")


@given(documents(arbitrary_text()))
def test_pdf_refuses_only_characters_the_document_has(doc: Document) -> None:
    """With any text the PDF is complete, or a one-line GlyphError names characters the document holds."""
    clean = _sanitise(doc)
    try:
        data = get_renderer("pdf").render(clean, style(), PdfRenderOptions(overflow="pages")).data
    except GlyphError as exc:
        assert "\n" not in exc.message
        named = [chr(int(cp, 16)) for cp in re.findall(r"U\+([0-9A-F]{4,6})", exc.message)]
        everything = "".join(_strings(to_builtins(clean)))
        assert named and all(ch in everything for ch in named), named
        return
    assert lost_strings(clean, "pdf", output_text("pdf", data)) == []


@settings(max_examples=25)
@given(documents(pdf_text()), documents(pdf_text()))
def test_rendering_the_same_document_again_gives_the_same_bytes(first: Document, other: Document) -> None:
    """Renderers are pure: a document renders to the same bytes before and after another one (in one process)."""
    first, other = _sanitise(first), _sanitise(other)
    for fmt in ("docx", "pdf", "epub"):
        renderer = get_renderer(fmt)
        before = renderer.render(first, style(), _pages(fmt)).data
        renderer.render(other, style(), _pages(fmt))
        assert renderer.render(first, style(), _pages(fmt)).data == before, fmt


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize("fmt", ["docx", "pdf", "epub"])
def test_a_declared_loss_is_the_only_loss(fmt: str) -> None:
    """A control: a renderer that dropped one character would be caught by the same comparison."""
    from exporter.model import Meta, Paragraph, Section, Text

    doc = Document(
        meta=Meta(title="Kept", date=__import__("datetime").date(2025, 2, 8)),
        sections=(Section(heading="", blocks=(Paragraph(inlines=(Text(text="a\x00b <&> c"),)),)),),
    )
    clean = _sanitise(doc)
    text = output_text(fmt, get_renderer(fmt).render(clean, style(), RenderOptions()).data)
    assert lost_strings(clean, fmt, text) == []
    assert lost_strings(clean, fmt, text.replace("<&>", "<>")) == ["ab <&> c"]
