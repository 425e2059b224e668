"""Reader for the plain-text article layout: kicker and headline, key points, headed paragraphs."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from ..model import Block, BulletList, Paragraph, Part, Section, Text
from ..present.labels import LABELS
from .base import Draft, ReadOptions, ReadResult, begin_text_source, document_language, finish
from .smart import quotes_for, smarten_text

COMMENTARY_MARKERS = frozenset(
    {
        "commentary", "analysis", "opinion", "editorial", "our view", "論評", "解説", "所感",
        *(table["commentary"].casefold() for table in LABELS.values()),
    }
)  # fmt: skip
"""Heading texts (any case, optional trailing colon) that start the commentary part: the label in every language."""

_SENTENCE_END = re.compile(r"[.!?。！？…]['\"’”」』)）\]]*$")
_BULLET = re.compile(r"^\s*[-*•・]\s+")
_KICKER_SEP = re.compile(r": |：")
_WIDE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
_MAX_HEADING_WORDS = 12
_MAX_HEADING_WIDE = 40
_MAX_KICKER_WORDS = 4
_MAX_KICKER_WIDE = 12


def _words(line: str) -> int:
    return len(line.split())


def is_heading(line: str) -> bool:
    """A short line (about a dozen words) that does not end in sentence punctuation."""
    text = line.strip()
    if not text or _SENTENCE_END.search(text) or _BULLET.match(text):
        return False
    if _WIDE.search(text):
        return len(text) <= _MAX_HEADING_WIDE
    return _words(text) <= _MAX_HEADING_WORDS


def commentary_title(line: str) -> str | None:
    """The commentary part's title if ``line`` is a marker, else None."""
    text = line.strip()
    bare = text.rstrip(":：").strip()
    return bare if bare.casefold() in COMMENTARY_MARKERS else None


def split_kicker(line: str) -> tuple[str, str]:
    """Split ``Kicker: Headline`` when the text before the first colon is short."""
    text = line.strip()
    match = _KICKER_SEP.search(text)
    if match:
        kicker, headline = text[: match.start()].strip(), text[match.end() :].strip()
        short = len(kicker) <= _MAX_KICKER_WIDE if _WIDE.search(kicker) else _words(kicker) <= _MAX_KICKER_WORDS
        if kicker and headline and short:
            return kicker, headline
    return "", text


Typography = Callable[[str], str]
"""What becomes of a line's text: itself, or with --smart its typographic form."""


def _same(text: str) -> str:
    return text


@dataclass
class _SectionBuilder:
    heading: str
    blocks: list[Block]
    bullets: list[Paragraph]
    typography: Typography = _same

    def add_line(self, line: str) -> None:
        if _BULLET.match(line):
            self.bullets.append(_para(_BULLET.sub("", line, count=1), self.typography))
            return
        self.flush_bullets()
        self.blocks.append(_para(line, self.typography))

    def flush_bullets(self) -> None:
        if self.bullets:
            self.blocks.append(BulletList(items=tuple((p,) for p in self.bullets)))
            self.bullets = []

    def build(self) -> Section:
        self.flush_bullets()
        return Section(heading=self.heading, blocks=tuple(self.blocks))


def _para(text: str, typography: Typography = _same) -> Paragraph:
    return Paragraph(inlines=(Text(text=typography(text.strip())),))


class PlainTextReader:
    """The sample's plain-text layout (``.txt``)."""

    name = "txt"
    extensions = (".txt", ".text")

    def read(self, data: bytes, *, name: str, options: ReadOptions) -> ReadResult:
        """Parse a plain-text article."""
        draft, body = begin_text_source(data, options)
        # The layout is read from the text as written; --smart changes the texts only, never what is a heading.
        typography: Typography = _same
        if options.smart:
            typography = partial(smarten_text, quotes=quotes_for(document_language(draft.meta, body, options)))
        lines = body.split("\n")
        index = 0
        while index < len(lines) and not lines[index].strip():
            index += 1
        kicker, headline = split_kicker(lines[index])
        draft.meta.setdefault("title", typography(headline))
        if kicker:
            draft.meta.setdefault("kicker", typography(kicker))
        index += 1
        # Key points run up to the first blank line, when there is one; an index walks them, since
        # slicing the rest off line by line made 80,000 key points take seconds.
        if any(not line.strip() for line in lines[index:]):
            while index < len(lines) and lines[index].strip():
                draft.key_points.append(_para(_BULLET.sub("", lines[index], count=1), typography))
                index += 1
        self._body(lines[index:], draft, typography)
        return finish(draft, body_text=body, name=name, options=options)

    @staticmethod
    def _body(lines: list[str], draft: Draft, typography: Typography) -> None:
        current = _SectionBuilder("", [], [], typography)
        sections: list[Section] = []
        commentary: list[Section] | None = None
        commentary_name = ""
        for raw in lines:
            line = raw.strip()
            if not line:
                current.flush_bullets()
                continue
            if is_heading(line):
                marker = commentary_title(line) if commentary is None else None
                if current.heading or current.blocks or current.bullets:
                    (sections if commentary is None else commentary).append(current.build())
                current = _SectionBuilder("" if marker else typography(line), [], [], typography)
                if marker:
                    commentary, commentary_name = [], marker
                continue
            current.add_line(line)
        if current.heading or current.blocks or current.bullets:
            (sections if commentary is None else commentary).append(current.build())
        draft.sections = sections
        if commentary is not None:
            draft.commentary = Part(title=commentary_name, sections=tuple(commentary))
