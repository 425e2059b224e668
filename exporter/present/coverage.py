"""Which bundled font draws each character of the PDF, and the characters the PDF leaves out or refuses.

The PDF renderer sets each run of text in the first bundled font whose cmap has its glyphs, in a fixed
order (issue 17): the role's font, its East Asian pair, the symbols font (DejaVu Sans), the CJK fonts
(Droid Sans Fallback for hanzi, an Exporter Hangul face for Korean), then the emoji font (Symbola). In a
Chinese document the hanzi font comes first, so that a sentence is not set half in Japanese kanji shapes;
elsewhere a run of hanzi (with its CJK punctuation) is set whole in the first font that has all of it.

Characters that are not glyphs follow one policy, here rather than in a renderer:

* invisible characters (format characters such as U+200B-U+200D, U+2060, U+FEFF; variation selectors;
  emoji skin-tone modifiers; tag characters) are left out of the PDF and counted, and the components of a
  ZWJ sequence are drawn one by one (the joiner is left out); the DOCX and EPUB keep them all;
* text is drawn in its canonical composed form (NFC): reportlab cannot position combining marks, and
  decomposed Hangul would come apart into jamo;
* a character no font has may be drawn through its compatibility form (NFKC: ﬀ as "ff", K as "K"),
  then through its decomposition (NFKD);
* U+FFFD is drawn like any other character (DejaVu Sans has it);
* characters of scripts the engine cannot set correctly are refused by name: right-to-left scripts (bidi
  class R or AL, and the letters and marks of the blocks of Hebrew, Arabic, Syriac, Thaana, N'Ko,
  Samaritan, Mandaic) and the letters and marks of scripts that need complex shaping (``SHAPING_RANGES``:
  the Indic scripts, Thai and Lao, Tibetan, Myanmar, Khmer, Mongolian and the other Brahmic scripts of
  South-East Asia); reportlab draws glyphs one by one, left to right, without OpenType substitution or
  mark positioning.

Cmaps are read once per family, lazily, by a small reader of the ``cmap`` table (formats 4 and 12), so
nothing here loads a font into reportlab.
"""

from __future__ import annotations

import bisect
import functools
import re
import struct
import unicodedata
from collections.abc import Iterable
from typing import Literal, NamedTuple

from ..typefaces import SCRIPT_FAMILIES, FontFile, font_bytes, font_id, typeface
from .language import Language

SYMBOLS = "DejaVu Sans"
"""The symbols tier: letterlike symbols, math operators, arrows, box drawing, dingbats, currency, U+FFFD."""
HAN = "Droid Sans Fallback"
"""The hanzi tier: Simplified and Traditional Chinese, bopomofo, CJK punctuation and fullwidth forms."""
HANGUL_SANS = "Exporter Hangul Gothic"
"""The Korean tier for sans-serif and monospace roles."""
HANGUL_SERIF = "Exporter Hangul Myeongjo"
"""The Korean tier for serif roles."""
EMOJI = "Symbola"
"""The last tier: emoji and the symbols DejaVu Sans lacks (❌ ✅ 👋 💬), monochrome."""

RTL_RANGES: tuple[tuple[int, int], ...] = (
    (0x0590, 0x08FF),  # Hebrew, Arabic, Syriac, Arabic Supplement, Thaana, N'Ko, Samaritan, Mandaic, Arabic ext.
    (0xFB1D, 0xFDFF),  # Hebrew and Arabic presentation forms A
    (0xFE70, 0xFEFE),  # Arabic presentation forms B
    (0x10800, 0x10FFF),  # Cypriot ... Old Uyghur, Hanifi Rohingya, Yezidi (historic and modern RTL scripts)
    (0x1E800, 0x1EFFF),  # Mende Kikakui, Adlam, Indic Siyaq numbers, Arabic mathematical alphabetic symbols
)
"""Blocks of right-to-left scripts: their marks and digits are refused with their letters (bidi R or AL)."""

SHAPING_RANGES: tuple[tuple[int, int], ...] = (
    (0x0900, 0x0DFF),  # Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam, Sinhala
    (0x0E00, 0x0EFF),  # Thai, Lao: stacked marks need positioning, and words are not separated by spaces
    (0x0F00, 0x0FFF),  # Tibetan
    (0x1000, 0x109F),  # Myanmar
    (0x1700, 0x18AF),  # Tagalog, Hanunoo, Buhid, Tagbanwa, Khmer, Mongolian
    (0x1900, 0x1AAF),  # Limbu, Tai Le, New Tai Lue, Khmer symbols, Buginese, Tai Tham
    (0x1B00, 0x1C4F),  # Balinese, Sundanese, Batak, Lepcha
    (0x1CC0, 0x1CFF),  # Sundanese supplement, Vedic extensions
    (0xA800, 0xA8FF),  # Syloti Nagri, Phags-pa, Saurashtra, Devanagari extended
    (0xA900, 0xAAFF),  # Kayah Li, Rejang, Javanese, Myanmar extended, Cham, Tai Viet, Meetei Mayek extensions
    (0xABC0, 0xABFF),  # Meetei Mayek
    (0x11000, 0x11FFF),  # Brahmi, Kaithi, Chakma, Sharada, Grantha, Newa, Tirhuta, Siddham, Modi, Takri, Ahom ...
)
"""Blocks of scripts that need complex shaping (conjuncts, reordering, mark positioning) to be legible."""

_HIDDEN_RANGES: tuple[tuple[int, int], ...] = (
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x061C, 0x061C),  # Arabic letter mark (bidi class AL, but invisible: not a reason to refuse)
    (0x200B, 0x200F),  # zero-width space, non-joiner, joiner; left-to-right and right-to-left marks
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x206F),  # word joiner, invisible operators, bidi isolates, deprecated format characters
    (0x180B, 0x180F),  # Mongolian free variation selectors, vowel separator
    (0xFE00, 0xFE0F),  # variation selectors 1-16 (text or emoji presentation)
    (0x1F3FB, 0x1F3FF),  # emoji skin-tone modifiers: the base emoji is drawn
    (0xE0000, 0xE007F),  # tag characters (subdivision flags)
    (0xE0100, 0xE01EF),  # variation selectors 17-256 (ideographic variants)
)

Refusal = Literal["right-to-left", "complex-shaping"]
"""Why the PDF refuses a character."""


def _bounds(*groups: tuple[tuple[int, int], ...]) -> tuple[list[int], list[int]]:
    """The first and last code points of ``groups``' ranges, merged where they overlap and sorted, for ``_among``."""
    firsts: list[int] = []
    lasts: list[int] = []
    for lo, hi in sorted(r for group in groups for r in group):
        if lasts and lo <= lasts[-1] + 1:
            lasts[-1] = max(lasts[-1], hi)
        else:
            firsts.append(lo)
            lasts.append(hi)
    return firsts, lasts


def _among(cp: int, bounds: tuple[list[int], list[int]]) -> bool:
    """Whether ``cp`` lies in one of the ranges of ``bounds`` (one binary search, not a walk over them)."""
    firsts, lasts = bounds
    at = bisect.bisect_right(firsts, cp) - 1
    return at >= 0 and cp <= lasts[at]


_HIDDEN = _bounds(_HIDDEN_RANGES)
_RTL = _bounds(RTL_RANGES)
_SHAPING = _bounds(SHAPING_RANGES)


def refusal(ch: str) -> Refusal | None:
    """Why the PDF engine cannot set ``ch`` (right to left, or complex shaping), or None when it can."""
    cp = ord(ch)
    if cp < 0x0590 or _among(cp, _HIDDEN):
        return None
    if unicodedata.bidirectional(ch) in ("R", "AL"):
        return "right-to-left"
    # Only letters and marks need the missing machinery: a digit or a sign of these blocks (฿) is drawn.
    if unicodedata.category(ch)[0] in "LM":
        if _among(cp, _RTL):
            return "right-to-left"
        if _among(cp, _SHAPING):
            return "complex-shaping"
    return None


def is_hidden(ch: str) -> bool:
    """Whether ``ch`` is invisible in the PDF: a format character, a variation selector, a skin-tone modifier."""
    cp = ord(ch)
    if cp < 0x034F:
        return False  # U+00AD, the only format character below, is a soft hyphen reportlab breaks at
    return _among(cp, _HIDDEN) or (unicodedata.category(ch) == "Cf" and refusal(ch) is None)


def refused_characters(text: str) -> str:
    """The distinct characters of ``text`` the PDF refuses (right-to-left or complex-shaping scripts), in order."""
    if text.isascii():
        return ""
    return "".join(ch for ch in dict.fromkeys(text) if refusal(ch) is not None)


def _is_layout(ch: str) -> bool:
    # Line breaks, tabs and other controls are layout: they never become glyphs.
    return unicodedata.category(ch) == "Cc"


# --- cmaps ------------------------------------------------------------------------------------


def read_cmap(path: FontFile) -> frozenset[int]:
    """The code points a TrueType file maps to a glyph other than .notdef (cmap formats 4 and 12)."""
    data = font_bytes(path)
    (num_tables,) = struct.unpack_from(">H", data, 4)
    cmap_offset = None
    for i in range(num_tables):
        tag, _checksum, offset, _length = struct.unpack_from(">4sLLL", data, 12 + 16 * i)
        if tag == b"cmap":
            cmap_offset = offset
    if cmap_offset is None:
        raise ValueError(f"{font_id(path)}: no cmap table")
    (count,) = struct.unpack_from(">H", data, cmap_offset + 2)
    points: set[int] = set()
    seen: set[int] = set()
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHL", data, cmap_offset + 4 + 8 * i)
        # Unicode subtables only: Unicode platform, or Windows' BMP (1) and full repertoire (10) encodings.
        if not (platform == 0 or (platform == 3 and encoding in (1, 10))):
            continue
        start = cmap_offset + offset
        if start in seen:
            continue
        seen.add(start)
        (fmt,) = struct.unpack_from(">H", data, start)
        if fmt == 4:
            points |= _format4(data, start)
        elif fmt == 12:
            points |= _format12(data, start)
    return frozenset(points)


def _format4(data: bytes, start: int) -> set[int]:
    (seg_x2,) = struct.unpack_from(">H", data, start + 6)
    segs = seg_x2 // 2
    ends = struct.unpack_from(f">{segs}H", data, start + 14)
    starts = struct.unpack_from(f">{segs}H", data, start + 16 + seg_x2)
    deltas = struct.unpack_from(f">{segs}H", data, start + 16 + 2 * seg_x2)
    range_base = start + 16 + 3 * seg_x2
    offsets = struct.unpack_from(f">{segs}H", data, range_base)
    points: set[int] = set()
    for i in range(segs):
        first, last, delta, range_offset = starts[i], min(ends[i], 0xFFFE), deltas[i], offsets[i]
        if first > last:
            continue
        if range_offset == 0:
            points.update(range(first, last + 1))
            notdef = (0x10000 - delta) & 0xFFFF  # the one code point that lands on glyph 0
            if first <= notdef <= last:
                points.discard(notdef)
            continue
        glyphs = struct.unpack_from(f">{last - first + 1}H", data, range_base + 2 * i + range_offset)
        points.update(first + k for k, glyph in enumerate(glyphs) if glyph and (glyph + delta) & 0xFFFF)
    return points


def _format12(data: bytes, start: int) -> set[int]:
    (groups,) = struct.unpack_from(">L", data, start + 12)
    points: set[int] = set()
    for i in range(groups):
        first, last, glyph = struct.unpack_from(">LLL", data, start + 16 + 12 * i)
        points.update(range(first + (1 if glyph == 0 else 0), last + 1))
    return points


@functools.cache
def cmap(family: str) -> frozenset[str]:
    """The characters a family draws (its regular face's cmap), read once."""
    return frozenset(map(chr, read_cmap(typeface(family).regular)))


# --- the chain --------------------------------------------------------------------------------


class Run(NamedTuple):
    """Consecutive characters set in one family: the text to draw (invisible characters left out)."""

    family: str
    text: str


class Split(NamedTuple):
    """A text cut into runs, with what the PDF leaves out, cannot find, or refuses."""

    runs: tuple[Run, ...]
    hidden: str
    """Every invisible character left out, in order (``len`` is the count for the warning)."""
    missing: str
    """The distinct characters no bundled font has, even through NFKC or NFKD, refused ones aside (kept in the runs)."""
    refused: str
    """The distinct characters of right-to-left or complex-shaping scripts (kept in the runs as they are)."""


_HAN = (
    "\u2e80-\u2fdf\u3000-\u303f\u3190-\u31ef\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f"
    "\uff01-\uff60\uffe0-\uffe6\U00020000-\U0003ffff"
)
_HAN_CLUSTER = re.compile(f"[{_HAN}]+(?: +[{_HAN}]+)*")
"""Hanzi, CJK punctuation and fullwidth forms, with single spaces between them: set in one font if one has all."""

_HIDE = -1
_MISS = -2


class _Decision(NamedTuple):
    kind: int  # the index of the family in the chain, _HIDE or _MISS
    pieces: tuple[tuple[int, str], ...]  # what to draw, in which family: (index, text); () for a hidden character
    refused: bool


class _Runs:
    """The runs being built, and what was left out, missing or refused on the way."""

    def __init__(self, families: tuple[str, ...]) -> None:
        self.families = families
        self.runs: list[Run] = []
        self.buffer: list[str] = []
        self.current = 0  # the family of the run in ``buffer``
        self.hidden: list[str] = []
        self.missing: dict[str, None] = {}
        self.refused: dict[str, None] = {}

    def add(self, index: int, text: str) -> None:
        """Append ``text`` set in family ``index``, starting a new run if the family changes."""
        if index != self.current:
            if self.buffer:
                self.runs.append(Run(self.families[self.current], "".join(self.buffer)))
                self.buffer = []
            self.current = index
        self.buffer.append(text)

    def result(self) -> Split:
        """The finished split."""
        if self.buffer:
            self.runs.append(Run(self.families[self.current], "".join(self.buffer)))
            self.buffer = []
        return Split(tuple(self.runs), "".join(self.hidden), "".join(self.missing), "".join(self.refused))


class FontChain:
    """An ordered list of families: ``split`` sets each character in the first one that has it."""

    def __init__(self, families: Iterable[str]) -> None:
        self.families: tuple[str, ...] = tuple(dict.fromkeys(families))
        """The families, first choice first."""
        self._decided: dict[str, _Decision] = {}

    @functools.cached_property
    def _plain(self) -> frozenset[str]:
        # What the first family draws as it is: the fast path's one set check covers most paragraphs.
        return _drawn_as_is(self.families[0])

    @property
    def plain(self) -> frozenset[str]:
        """The characters the first family draws as they are (no hidden or refused ones among them)."""
        return self._plain

    def _find(self, ch: str) -> int:
        for index, family in enumerate(self.families):
            if ch in cmap(family):
                return index
        return _MISS

    def _decide(self, ch: str) -> _Decision:
        """What to draw for ``ch``, decided once per chain: which family (or hidden, or missing), and refused or not."""
        if is_hidden(ch):
            decision = _Decision(_HIDE, (), False)
        else:
            index = self._find(ch)
            decision = _Decision(index, ((index, ch),), refusal(ch) is not None)
            if index == _MISS and not decision.refused:
                for form in ("NFKC", "NFKD"):
                    other = unicodedata.normalize(form, ch)
                    pieces = tuple((self._find(c), c) for c in other if not is_hidden(c))
                    if other != ch and pieces and all(i != _MISS for i, _ in pieces):
                        decision = _Decision(pieces[0][0], pieces, False)
                        break
        self._decided[ch] = decision
        return decision

    def split(self, text: str) -> Split:
        """Cut ``text`` into runs, each set in the first family of the chain that draws it (text in NFC)."""
        if not text.isascii() and not unicodedata.is_normalized("NFC", text):
            # reportlab cannot position combining marks, and decomposed Hangul would come apart into
            # jamo: the canonically equivalent composed form draws right (and extracts the same).
            text = unicodedata.normalize("NFC", text)
        if self._plain.issuperset(text):
            return Split((Run(self.families[0], text),) if text else (), "", "", "")
        out = _Runs(self.families)
        done = 0
        for match in _HAN_CLUSTER.finditer(text):
            # A sentence of hanzi in one design: IPAex has 體 but not 评, so "评论 體灣" would alternate.
            cluster = match.group()
            index = next((i for i, f in enumerate(self.families) if cmap(f).issuperset(cluster)), None)
            if index is not None:
                self._walk(text[done : match.start()], out)
                out.add(index, cluster)
                done = match.end()
        self._walk(text[done:], out)
        return out.result()

    def _walk(self, text: str, out: _Runs) -> None:
        """Add ``text`` to ``out`` character by character, each in the first family that has it."""
        families, plain, decided = self.families, self._plain, self._decided
        buffer, current = out.buffer, out.current
        for ch in text:
            if current == 0 and ch in plain:
                buffer.append(ch)
                continue
            if ch in _LAYOUT or (ch.isspace() and ch in cmap(families[current])):
                buffer.append(ch)  # spaces stay in the run around them when its font has them
                continue
            kind, pieces, refused = decided.get(ch) or self._decide(ch)
            if kind == _HIDE:
                out.hidden.append(ch)
                continue
            if refused:
                out.refused[ch] = None
            elif kind == _MISS and not ch.isspace():
                out.missing[ch] = None
            for index, piece in pieces:
                if index != current and index != _MISS:
                    out.add(index, piece)
                    buffer, current = out.buffer, out.current
                else:
                    buffer.append(piece)

    def family_of(self, ch: str) -> str | None:
        """The family that draws ``ch`` as it is, or None when none of the chain has it."""
        index = self._find(ch)
        return None if index == _MISS else self.families[index]


@functools.cache
def _drawn_as_is(family: str) -> frozenset[str]:
    """What ``family`` draws as it is, with the layout controls: decided once per family, not per chain.

    Leaves out what ``is_hidden`` or ``refusal`` names, their tests inlined in their cheapest order: a CJK
    font's tens of thousands of characters are read at its first document (Droid Sans Fallback 33 ms here,
    80 ms through the two functions); tests/test_fallback_chain.py checks the sets are theirs.
    """
    first = cmap(family)
    category, bidirectional = unicodedata.category, unicodedata.bidirectional
    odd = set()
    for ch in first:
        cp = ord(ch)
        if cp < 0x034F:
            continue
        kind = category(ch)
        # Hidden (a format character, one of the hidden blocks), else refused (right to left, or a letter or
        # mark of the right-to-left or shaping blocks).
        if (kind == "Cf" or _among(cp, _HIDDEN)) or (
            cp >= 0x0590
            and (bidirectional(ch) in ("R", "AL") or (kind[0] in "LM" and (_among(cp, _RTL) or _among(cp, _SHAPING))))
        ):
            odd.add(ch)
    return (first - odd) | _LAYOUT


@functools.cache
def _layout() -> frozenset[str]:
    return frozenset(chr(cp) for cp in (*range(0x20), *range(0x7F, 0xA0)))


_LAYOUT = _layout()


@functools.lru_cache(maxsize=64)
def font_chain(primary: str, pair: str = "", *, language: Language | None = None) -> FontChain:
    """The chain for a role whose text is set in ``primary``, ``pair`` drawing what it lacks (kana, Latin).

    ``language`` puts the hanzi font first in a Chinese document. The Korean face follows the primary's
    generic family: Myeongjo for a serif, Gothic otherwise (then the other one).
    """
    # Both Korean faces, the one matching the role first: NanumMyeongjo has no conjoining Jamo.
    hangul = (HANGUL_SERIF, HANGUL_SANS) if typeface(primary).generic == "serif" else (HANGUL_SANS, HANGUL_SERIF)
    head = (HAN,) if language is not None and language.primary == "zh" else ()
    return FontChain((*head, primary, *((pair,) if pair else ()), SYMBOLS, HAN, *hangul, EMOJI))


@functools.lru_cache(maxsize=64)
def typst_chain(primary: str, pair: str = "", *, language: Language | None = None) -> FontChain:
    """The Typst engine's chain: ``font_chain``'s, with the shaping scripts' families after the role's pair.

    Typst shapes Arabic, Hebrew, Devanagari and Thai (``exporter.typefaces.SCRIPT_FAMILIES``), so nothing is
    refused there; a character none of these families has is still missing.
    """
    families = font_chain(primary, pair, language=language).families
    at = families.index(pair) + 1 if pair in families else families.index(primary) + 1
    return FontChain((*families[:at], *SCRIPT_FAMILIES, *families[at:]))


BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Embeddings, overrides and isolates: the Typst engine leaves them out (the reportlab one leaves out every
invisible character). Typst would obey an override, and "Invoice \u202efdp.exe" would read "exe.pdf" on the
page; joiners and marks stay, Arabic and Indic shaping need them."""


def split_runs(text: str, primary: str, pair: str = "", *, language: Language | None = None) -> Split:
    """Cut ``text`` into (family, text) runs for a role set in ``primary`` (see ``font_chain``)."""
    return font_chain(primary, pair, language=language).split(text)


# --- messages ---------------------------------------------------------------------------------


def describe(chars: Iterable[str], limit: int = 6) -> str:
    """Name characters for a message: ``U+05D0 HEBREW LETTER ALEF, … and 3 more``."""
    found = list(dict.fromkeys(chars))
    named = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'UNNAMED CHARACTER')}" for c in found[:limit])
    return named + (f" and {len(found) - limit} more" if len(found) > limit else "")


def hidden_warning(hidden: str) -> str:
    """The one warning for invisible characters the PDF leaves out ("" when there are none)."""
    if not hidden:
        return ""
    count = len(hidden)
    noun = "character" if count == 1 else "characters"
    return f"the PDF leaves out {count} invisible {noun} ({describe(hidden)}); the DOCX and EPUB keep them"


def refusal_message(refused: str, alternative: str = "the DOCX or EPUB output") -> str:
    """The one line that names the characters the PDF refuses, and what to use instead."""
    kinds = {refusal(ch) for ch in refused}
    what = " or ".join(k for k in ("right-to-left", "complex-shaping") if k in kinds)
    return f"the PDF engine cannot set {what or 'this'} text ({describe(refused)}); use {alternative}"


def lacking_message(family: str, file: str, lacking: str, replaces: str) -> str:
    """The one line that names the letters a custom font lacks that the bundled family it replaces has."""
    return (
        f"the custom font {family!r} ({file}) has no glyph for {describe(lacking)}, which the document uses; "
        f"use a font that has them (or {replaces!r})"
    )


def missing_message(missing: str, alternative: str = "the DOCX or EPUB output") -> str:
    """The one line that names the characters no bundled font draws (emoji after Unicode 9, private use ...)."""
    return f"no bundled font has a glyph for {describe(missing)}; use {alternative}"


FALLBACK_ORDER: tuple[str, ...] = (SYMBOLS, HAN, HANGUL_SANS, HANGUL_SERIF, EMOJI)
"""The fallback families in chain order (every one is in ``exporter.typefaces.FALLBACKS``)."""
