"""The one-pager's layout engine: pages mode never fails on text, a stuck layout stops, short tables and lists
stay in one column, a short article starts top left, long code lines wrap with a mark.

Positions are read back with pdfplumber (the page, and each word's x against the middle of the page, which
lies in the gap between the two columns).
"""

from __future__ import annotations

import datetime
import io
import signal
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from click.testing import CliRunner
from helpers import DATA, missing_words, shown_strings, squeeze
from pypdf import PdfReader

from exporter import Document, Style, read_source
from exporter.cli import cli
from exporter.errors import RenderError
from exporter.model import BulletList, CodeBlock, Paragraph, Section, Table
from exporter.renderers.base import PdfRenderOptions, RenderResult
from exporter.renderers.pdf import PdfRenderer

OVERFLOW_SPLIT = DATA / "overflow-split.md"
MANUAL = DATA / "pandoc-manual" / "MANUAL.md"


def render(doc: Document, style: Style, overflow: str = "error") -> RenderResult:
    """Render with the PDF renderer and an overflow policy."""
    return PdfRenderer().render(doc, style, PdfRenderOptions(overflow=overflow))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Word:
    """A word of a page as pdfplumber extracts it."""

    text: str
    page: int
    x0: float
    x1: float
    top: float
    right: bool
    """Whether the word's centre lies in the right half of the page (the second column)."""


def words(data: bytes) -> list[Word]:
    """Every word of every page, in reading order of pdfplumber."""
    out: list[Word] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            mid = float(page.width) / 2
            for w in page.extract_words():
                x0, x1 = float(w["x0"]), float(w["x1"])
                out.append(Word(str(w["text"]), number, x0, x1, float(w["top"]), (x0 + x1) / 2 >= mid))
    return out


def place(found: list[Word], token: str) -> Word:
    """The one word that is ``token``."""
    hits = [w for w in found if w.text.strip(".,") == token]
    assert len(hits) == 1, (token, hits)
    return hits[0]


def text_of(data: bytes) -> str:
    """The text of every page (pypdf)."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def page_count(data: bytes) -> int:
    """Pages of a PDF (pypdf)."""
    return len(PdfReader(io.BytesIO(data)).pages)


# --- pages mode never fails on text -------------------------------------------------------------


def test_overflow_split_fixture_lays_out_on_pages(any_style: Style) -> None:
    """67-odd short paragraphs, then one whose split reportlab got wrong ("Splitting error(n==2)")."""
    doc = read_source(OVERFLOW_SPLIT).document
    result = render(doc, any_style, "pages")
    n = page_count(result.data)
    assert result.facts["pages"] == n
    assert n >= 2 or any_style.page.size == "a4"  # A4 holds it on one page at the largest size
    text = text_of(result.data)
    assert not missing_words(doc, text)
    # Hyphens survive the split (reportlab dropped the hyphen of a word it had broken at its own hyphen).
    for word in ("fully-functioning", "self-contained", "copy-and-paste-ready", "platform-by-platform"):
        assert word in squeeze(text), word


def test_overflow_split_fixture_on_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "split.pdf"
    result = CliRunner().invoke(cli, ["export", str(OVERFLOW_SPLIT), "--overflow", "pages", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert page_count(out.read_bytes()) >= 2


@pytest.mark.slow
@pytest.mark.parametrize("style_name", ["default", "a4-ministry"])
def test_a_300_kb_manual_on_many_pages(style_name: str, tmp_path: Path) -> None:
    """pandoc's User's Guide (305 KB of real Markdown): tables, long code lines, deep lists."""
    assert MANUAL.stat().st_size > 290_000
    out = tmp_path / "manual.pdf"
    args = ["export", str(MANUAL), "--overflow", "pages", "-s", style_name, "-o", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert page_count(data) > 20
    # Words too long for a column (--syntax-highlighting=default|none|idiomatic|...) are broken across lines,
    # and code lines carry continuation marks, so the check is by character: none is lost.
    shown = Counter(squeeze("".join(shown_strings(read_source(MANUAL).document, "pdf"))))
    assert not shown - Counter(squeeze(text_of(data)))


def _never_placed(monkeypatch: pytest.MonkeyPatch, marker: str) -> None:
    """Make the paragraph holding ``marker`` too tall for any column and unsplittable, as reportlab sees it."""
    from exporter.renderers.pdf import paragraph

    wrap, split = paragraph.Paragraph.wrap, paragraph.Paragraph.split

    def tall_wrap(self: Any, width: float, height: float) -> tuple[float, float]:
        size: tuple[float, float] = wrap(self, width, height)
        return (size[0], 1e5) if marker in self.getPlainText() else size

    def no_split(self: Any, width: float, height: float) -> list[Any]:
        return [] if marker in self.getPlainText() else list(split(self, width, height))

    monkeypatch.setattr(paragraph.Paragraph, "wrap", tall_wrap)
    monkeypatch.setattr(paragraph.Paragraph, "split", no_split)


@pytest.mark.parametrize("overflow", ["pages", "error"])
def test_a_block_no_column_holds_is_a_clean_error(
    monkeypatch: pytest.MonkeyPatch, default_style: Style, overflow: str
) -> None:
    """reportlab's LayoutError (with its reprs and addresses) never reaches the user: the block is named."""
    _never_placed(monkeypatch, "Unplaceable")
    doc = Document.of(
        title="Stuck",
        date=datetime.date(2025, 2, 8),
        sections=[Section.of("S", "Before.", "Unplaceable paragraph here.", "After.")],
    )
    with pytest.raises(RenderError) as exc:
        render(doc, default_style, overflow)
    message = str(exc.value)
    assert "\u201cUnplaceable paragraph here.\u201d" in message and "taller than a column" in message
    for internal in ("0x", "<Paragraph", "frame=", "Splitting error", "Flowable", "LayoutError"):
        assert internal not in message, message


def _reportlab_split(monkeypatch: pytest.MonkeyPatch) -> None:
    """Undo the checked split and turn embedded hyphenation back on: reportlab's own "Splitting error" case."""
    from reportlab.lib.styles import ParagraphStyle as original

    from exporter.renderers.pdf import layout, paragraph

    monkeypatch.setattr(paragraph, "fitting_split", lambda para, split, width, height: split(width, height))

    def hyphenating(*args: Any, **kw: Any) -> Any:
        if "embeddedHyphenation" in kw:
            kw["embeddedHyphenation"] = 1
        return original(*args, **kw)

    monkeypatch.setattr(layout, "ParagraphStyle", hyphenating)


def test_a_split_reportlab_gets_wrong_moves_to_the_next_column(
    monkeypatch: pytest.MonkeyPatch, default_style: Style
) -> None:
    """Second line of defence: a block whose split the frame refuses is tried again at the next column."""
    from exporter.renderers.pdf.page import SheetDoc, Unplaceable

    _reportlab_split(monkeypatch)
    doc = read_source(OVERFLOW_SPLIT).document
    result = render(doc, default_style, "pages")
    assert page_count(result.data) >= 2
    assert not missing_words(doc, text_of(result.data))

    def give_up(self: Any, f: Any, flowables: Any) -> None:
        raise Unplaceable("reportlab refused the split")

    # Without the move to the next column, this is the failure, now as a clean message.
    monkeypatch.setattr(SheetDoc, "_move_on", give_up)
    with pytest.raises(RenderError, match="reportlab refused the split"):
        render(doc, default_style, "pages")


def _stubborn() -> Any:
    """A flowable that fits no column and splits into a zero-height piece and a copy of itself.

    reportlab places the piece, retries the copy, and never gives up (each retry is a new object).
    """
    from reportlab.platypus import Flowable, Spacer

    class Piece(Flowable):  # type: ignore[misc]
        def wrap(self, width: float, height: float) -> tuple[float, float]:
            return width, 1e5

        def split(self, width: float, height: float) -> list[Flowable]:
            return [Spacer(0, 0), Piece()]

    return Piece()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail (rather than hang) when the body runs longer than ``seconds``."""

    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still running after {seconds} s: the layout loop is unbounded")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("one_page", [False, True], ids=["pages", "one-page"])
def test_a_flowable_retried_forever_stops(default_style: Style, one_page: bool) -> None:
    """The retry loop is bounded: a flowable that never fits ends the layout with Unplaceable, quickly."""
    from exporter.present.view import present
    from exporter.renderers.pdf.layout import Context
    from exporter.renderers.pdf.page import Decor, SheetDoc, Unplaceable, fixed_canvas, make_geometry

    doc = Document.of(title="Stuck", date=datetime.date(2025, 2, 8))
    ctx = Context(present(doc, default_style))
    decor = Decor(ctx)
    sheet = SheetDoc(io.BytesIO(), make_geometry(ctx, decor), 60.0, decor, one_page=one_page, pages=0, draw=False)
    with deadline(30), pytest.raises(Unplaceable) as exc:
        sheet.build([_stubborn()], canvasmaker=fixed_canvas(0))
    assert "makes no progress" in str(exc.value)


# --- one-pager layout for any amount of content ------------------------------------------------


def filler(n: int) -> list[Paragraph]:
    """``n`` one-line paragraphs."""
    return [Paragraph.of(f"Filler line {i}.") for i in range(n)]


def short_block(kind: str) -> Any:
    """A 2-row table or a 2-item list whose words are easy to find."""
    if kind == "table":
        return Table.of(["Keyhead", "Valuehead"], ["alphaone", "betaone"], ["alphatwo", "betatwo"])
    return BulletList.of("listitemone", "listitemtwo")


BLOCK_WORDS = {"table": ("Keyhead", "alphaone", "betatwo"), "list": ("listitemone", "listitemtwo")}


def first_column_lines(style: Style) -> int:
    """How many filler lines the first column of the first page holds, in pages mode."""
    doc = Document.of(title="Layout", date=datetime.date(2025, 2, 8), sections=[Section.of("", *filler(150))])
    found = words(render(doc, style, "pages").data)
    return sum(1 for w in found if w.text == "Filler" and w.page == 1 and not w.right)


@pytest.mark.parametrize("kind", ["table", "list"])
def test_a_short_table_or_list_stays_in_one_column(any_style: Style, kind: str) -> None:
    """Wherever the column ends, a 2-row table and a 2-item list are set whole in one column.

    The filler after the block overflows the page, so pages mode sets it at the largest size, unbalanced:
    the block ends up at the foot of the first column (without the keep, the table's header showed twice).
    """
    k_end = first_column_lines(any_style)
    for k in range(k_end - 5, k_end + 1):
        doc = Document.of(
            title="Layout",
            date=datetime.date(2025, 2, 8),
            sections=[Section.of("", *filler(k), short_block(kind), *filler(2 * k_end))],
        )
        found = words(render(doc, any_style, "pages").data)
        spots = {(place(found, token).page, place(found, token).right) for token in BLOCK_WORDS[kind]}
        assert len(spots) == 1, (k, kind, spots)


@pytest.mark.parametrize("heading", ["", "Background"])
def test_a_one_paragraph_article_starts_in_the_left_column(any_style: Style, heading: str) -> None:
    text = "One paragraph of text that is the whole article, short enough to sit in one column. It stops here."
    doc = Document.of(title="A short note", date=datetime.date(2025, 2, 8), sections=[Section.of(heading, text)])
    result = render(doc, any_style)
    assert result.facts["pages"] == 1
    found = words(result.data)
    for token in ("One", "paragraph", "stops", *([heading] if heading else [])):
        word = place(found, token)
        assert not word.right, (token, word)


def test_a_balanced_page_keeps_text_in_its_first_column(any_style: Style) -> None:
    """More than half a column is balanced, and the first column keeps its share."""
    doc = Document.of(
        title="Balance",
        date=datetime.date(2025, 2, 8),
        sections=[Section.of("Background", *filler(40))],
    )
    found = words(render(doc, any_style).data)
    fillers = [w for w in found if w.text == "Filler"]
    left = sum(1 for w in fillers if not w.right)
    right = len(fillers) - left
    assert left and right and abs(left - right) <= 3, (left, right)


def test_long_code_lines_wrap_with_a_continuation_mark(any_style: Style) -> None:
    line = "result = compute(" + ", ".join(f"argument_{i}" for i in range(30)) + ")"
    doc = Document.of(
        title="Code",
        date=datetime.date(2025, 2, 8),
        sections=[Section.of("", "Before the code.", CodeBlock(text=f"short = 1\n{line}\nend = 2"))],
    )
    data = render(doc, any_style).data
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        every = page.extract_text_lines()
        mid = float(page.width) / 2
    start = next(i for i, ln in enumerate(every) if ln["text"].startswith("result = compute("))
    first, rest = every[start], []
    for ln in every[start + 1 :]:
        if not ln["text"].startswith("\u2192"):
            break
        rest.append(ln)
    assert len(rest) >= 2, every[start : start + 4]
    assert every[start + 1 + len(rest)]["text"] == "end = 2"
    for continued in rest:
        assert continued["x0"] > first["x0"] - 0.5
    assert all(ln["x1"] <= mid for ln in [first, *rest]), "a code line runs into the second column"
    joined = first["text"] + "".join(ln["text"].removeprefix("\u2192") for ln in rest)
    assert squeeze(joined) == squeeze(line)
    # Lines that fit are not marked.
    text = text_of(data)
    assert "short = 1" in text and "\u2192 short" not in text and "\u2192 end" not in text
