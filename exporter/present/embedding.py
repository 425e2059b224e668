"""Fonts that travel: which families the EPUB and the DOCX embed for a document, and which characters each draws.

A reader's machine or e-reader has Latin fonts of its own, but rarely Japanese, Chinese or Korean ones,
the symbols and emoji fonts, or fonts for the scripts that need shaping. The outputs that name fonts
(the EPUB's CSS, the DOCX's ``w:rFonts``) therefore carry a subset of each such family they use: the
glyphs of the characters the family draws in this document, decided here once for both outputs.

The decision follows the way a browser reads a CSS ``font-family`` list: each character goes to the first
family of the role's list whose cmap has it (``coverage.FontChain.family_of``). The list is the role's own
family, its East Asian pair, then the bundled fallbacks (symbols, hanzi, Hangul, emoji) in the PDF's chain
order (``coverage.font_chain``), the hanzi font before the Japanese one in a Chinese document. Letters of
the scripts that need shaping (Arabic, Hebrew, Devanagari, Thai) go to their script family first, which
leads the list. Word and LibreOffice set kana, kanji and hanzi in the run's East Asian font, the other
characters in its Latin one, which is the same split for the style's families.
"""

from __future__ import annotations

import functools
import string
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

import msgspec

from ..fontsubset import embedding, face_bytes
from ..typefaces import FALLBACKS, SCRIPT_FAMILIES, TYPEFACES, FontFile, typeface
from .coverage import EMOJI, HAN, HANGUL_SANS, HANGUL_SERIF, SYMBOLS, FontChain, cmap
from .direction import SCRIPT_TAGS
from .language import COMPLEX_SCRIPT, Language
from .scripts import BLOCKS
from .view import BULLETS, RoleFonts, View, checkbox


@dataclass(frozen=True)
class TravelFace:
    """One embedded face: a subset of ``file`` drawing ``chars``, for the CSS weight and style it stands for."""

    family: str
    """The family's key (``typefaces.typeface``)."""
    display: str
    """The name the CSS stacks and ``w:rFonts`` use."""
    file: FontFile
    bold: bool
    italic: bool
    chars: frozenset[str]
    whole: bool = False
    """Whether the file travels whole: its licence forbids subsetting (OS/2 ``fsType`` bit 8)."""

    @property
    def data(self) -> bytes:
        """The bytes the document carries: the subset drawing ``chars``, or the whole file."""
        return face_bytes(self.file, self.chars, whole=self.whole)


@dataclass(frozen=True)
class WordSlots:
    """The families a role's Word styles name for East Asian and complex-script text in this document."""

    east_asian: str
    """``w:eastAsia``: the family that draws most of the document's kana, kanji, hanzi and Hangul."""
    complex: str
    """``w:cs``: the family that draws most of its Arabic, Hebrew, Devanagari or Thai (else the role's own)."""


@dataclass(frozen=True)
class FontPlan:
    """The faces a document's EPUB and DOCX embed, each role's CSS ``font-family`` list and Word slots."""

    faces: tuple[TravelFace, ...]
    stacks: Mapping[str, tuple[str, ...]]
    """Per role (``body``, ``title``, …): family names, first choice first, the generic family last."""
    chars: Mapping[str, frozenset[str]]
    """Per family key: the characters it draws in this document (embedded or not)."""
    chains: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    """Per role family (key): the families that may draw its text, in CSS order (``role_families``)."""
    slots: Mapping[str, WordSlots] = field(default_factory=lambda: MappingProxyType({}))
    """Per role family (key): the families its Word styles name in the East Asian and complex-script slots."""
    warnings: tuple[str, ...] = ()
    """A style's font whose licence forbids embedding: named by the outputs, not carried (one line each)."""

    def family_of(self, role_family: str, ch: str) -> str | None:
        """The family that draws ``ch`` in text set in ``role_family``: the decision the EPUB's CSS makes."""
        chain = self.chains.get(role_family)
        if chain is None:
            return None
        return _family_of(chain, ch)


@functools.lru_cache(maxsize=16384)
def _family_of(chain: tuple[str, ...], ch: str) -> str | None:
    return script_family(ch) or _chain(chain).family_of(ch)


@functools.lru_cache(maxsize=64)
def _chain(families: tuple[str, ...]) -> FontChain:
    return FontChain(families)


def chain_plain(families: tuple[str, ...]) -> frozenset[str]:
    """What the first of ``families`` draws as it is (``FontChain.plain`` of their chain)."""
    return _chain(families).plain


_ASIAN_RANGES: tuple[tuple[int, int], ...] = (
    (0x1100, 0x11FF),  # Hangul jamo
    (0x2E80, 0x2FDF),  # CJK and Kangxi radicals
    (0x2FF0, 0x31FF),  # ideographic description, CJK symbols and punctuation, kana, bopomofo, compatibility jamo
    (0x3200, 0x4DBF),  # enclosed CJK, compatibility, CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xA960, 0xA97F),  # Hangul jamo extended A
    (0xAC00, 0xD7FF),  # Hangul syllables, jamo extended B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # halfwidth and fullwidth forms
    (0x20000, 0x3FFFF),  # CJK extensions B and later
)
"""Blocks Word sets in a run's East Asian font and LibreOffice counts as Asian script."""


@functools.lru_cache(maxsize=8192)
def script_class(ch: str) -> str:
    """``complex`` (a shaping script: Word's ``w:cs`` slot), ``asian`` (``w:eastAsia``) or ``latin`` (the rest)."""
    cp = ord(ch)
    if cp < 0x0590:
        return "latin"
    if any(first <= cp <= last for blocks in SCRIPT_BLOCKS.values() for first, last in blocks):
        return "complex"
    if any(first <= cp <= last for first, last in _ASIAN_RANGES):
        return "asian"
    return "latin"


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        if value.get("type") == "checkbox":
            yield checkbox(bool(value.get("checked")))  # drawn by the renderers, not held as text
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def printed_characters(view: View) -> str:
    """Every distinct character a document's outputs may print: its strings, labels, date, memo fields, markers."""
    printed = (view.date, view.marking, view.memo.to, view.memo.from_, view.memo.cc, view.style.brand.organisation)
    punctuation = (view.labels.punctuation.colon, view.labels.punctuation.kicker)
    # What the renderers write themselves: list bullets and list numbers.
    markers = ("".join(BULLETS), string.digits + string.ascii_letters + ".)")
    model = msgspec.to_builtins(view.document)
    model.pop("resources", None)  # the pictures' bytes (base64), never printed
    texts = [*_strings(model), *view.labels.texts.values(), *punctuation, *printed]
    seen: dict[str, None] = {}
    for text in (*texts, *markers):
        seen.update(dict.fromkeys(text))
    return "".join(seen)


def role_families(fonts: RoleFonts, *, chinese: bool) -> tuple[str, ...]:
    """The families that may draw a role's text, in CSS order: its own, the East Asian pair, the fallbacks."""
    hangul = (HANGUL_SERIF, HANGUL_SANS) if fonts.generic == "serif" else (HANGUL_SANS, HANGUL_SERIF)
    # In a Chinese document hanzi come from the hanzi font, not half from the Japanese one (as in the PDF);
    # elsewhere the East Asian pair draws kana and kanji, also a Japanese word in English text.
    head = (fonts.family, HAN) if chinese else (fonts.family,)
    return tuple(dict.fromkeys((*head, fonts.east_asian, *SCRIPT_FAMILIES, SYMBOLS, HAN, *hangul, EMOJI)))


def travels(family: str, *, latin: bool) -> bool:
    """Whether a family is embedded: a style's custom family, and every bundled one a reader probably lacks;
    Liberation only with ``latin``. Its licence may still refuse it (``fontsubset.embedding``)."""
    face = typeface(family)
    if face.replaces or family in FALLBACKS or family in SCRIPT_FAMILIES:
        return True
    return family in TYPEFACES and ("japanese" in face.scripts or latin)


def _drawn(ch: str) -> bool:
    # Controls are layout (line breaks, tabs), never glyphs; a space other than the ideographic one (which
    # belongs to CJK text) is blank in any font, so it never makes a family travel.
    return unicodedata.category(ch) not in ("Cc", "Zs") or ch == "\u3000"


SCRIPT_BLOCKS = {script: BLOCKS[script] for script in ("arabic", "hebrew", "devanagari", "thai")}
"""The blocks whose letters a script family draws even where the role's family has them (Liberation's Hebrew)."""


@functools.lru_cache(maxsize=8192)
def script_family(ch: str) -> str | None:
    """The script family that owns ``ch`` (Noto Naskh Arabic for an Arabic letter), if one has its glyph."""
    cp = ord(ch)
    if cp < 0x0590:
        return None
    for family, face in SCRIPT_FAMILIES.items():
        blocks = (b for script in face.scripts for b in SCRIPT_BLOCKS.get(script, ()))
        if any(first <= cp <= last for first, last in blocks) and ch in cmap(family):
            return family
    return None


def _shaped(ch: str, family: str) -> set[str]:
    """``ch`` and the characters a shaper may split it into (Thai SARA AM into NIKHAHIT and SARA AA).

    A browser that finds a cluster's pieces missing from a font draws the whole cluster in another one.
    """
    pieces = {ch, *unicodedata.normalize("NFD", ch), *unicodedata.normalize("NFKD", ch)}
    return {c for c in pieces if c in cmap(family)}


class _Assignment(NamedTuple):
    """One chain's placement of a document's characters: what each family draws, which are used, by class."""

    drawn: dict[str, set[str]]
    used: set[str]
    by_class: dict[str, Counter[str]]


def _assign(families: tuple[str, ...], text: Sequence[str]) -> _Assignment:
    """Place each of ``text``'s characters in a family of the chain ``families`` (script families first)."""
    chain = _chain(families)
    drawn: dict[str, set[str]] = {}
    by_class: dict[str, Counter[str]] = {"asian": Counter(), "complex": Counter()}
    # Below U+0590 no script family owns a letter and every character is "latin": what the first family
    # draws as it is (most of a Latin document) goes there in one step.
    plain = chain.plain
    first = [ch for ch in text if ord(ch) < 0x0590 and ch in plain]
    if first:
        drawn[families[0]] = set(first)
    rest = text if not first else [ch for ch in text if not (ord(ch) < 0x0590 and ch in plain)]
    placements = _placements(families)
    for ch in rest:
        found = placements.get(ch)
        if found is None:
            if len(placements) >= _MAX_PLACEMENTS:
                placements.clear()  # bounded like the caches it replaces, whatever a server is sent
            found = placements[ch] = _place(families, ch)
        family, kind, letters = found
        if family is not None:
            letters_of = drawn.get(family)
            if letters_of is None:
                letters_of = drawn[family] = set()
            letters_of.update(letters)
            if kind != "latin":
                by_class[kind][family] += 1
    return _Assignment(drawn, set(drawn), by_class)


_MAX_PLACEMENTS = 16384
_Placement = tuple[str | None, str, frozenset[str]]
"""Where a character goes in a chain: its family (None: none draws it), ``script_class``, the letters it adds."""


@functools.lru_cache(maxsize=64)
def _placements(families: tuple[str, ...]) -> dict[str, _Placement]:
    """Each character's placement in the chain ``families``, filled as documents meet them (``_place``)."""
    return {}


def _place(families: tuple[str, ...], ch: str) -> _Placement:
    owner = script_family(ch)
    family = owner or _family_of(families, ch)
    if family is None:
        return None, "", frozenset()
    return family, script_class(ch), frozenset(_shaped(ch, family) if owner else ch)


_LAST_PLAN: list[tuple[View, FontPlan]] = []
"""The last plan made, with its view: the memo and the briefing of one conversion share one view."""


def plan_fonts(view: View) -> FontPlan:
    """Decide, for a document in a style, which characters each family draws and which faces travel.

    Letters of the scripts that need shaping go to their script family first (a font with their joining
    and conjunct rules, which a reader probably lacks), the other characters down the role's chain.
    """
    if _LAST_PLAN and _LAST_PLAN[0][0] is view:
        return _LAST_PLAN[0][1]
    plan = _plan_fonts(view)
    _LAST_PLAN[:] = [(view, plan)]
    return plan


def _plan_fonts(view: View) -> FontPlan:
    text = [ch for ch in printed_characters(view) if _drawn(ch)]
    chinese = view.language.primary == "zh"
    cjk = view.language.is_cjk
    drawn: dict[str, set[str]] = {}
    stacks: dict[str, tuple[str, ...]] = {}
    chains: dict[str, tuple[str, ...]] = {}
    slots: dict[str, WordSlots] = {}
    assigned: dict[tuple[str, ...], _Assignment] = {}
    for role, fonts in view.fonts.items():
        families = role_families(fonts, chinese=chinese)
        chains[fonts.family] = families
        # Roles share a handful of chains: each chain's characters are placed once per document.
        placed = assigned.get(families)
        if placed is None:
            placed = assigned[families] = _assign(families, text)
        for family, letters in placed.drawn.items():
            drawn.setdefault(family, set()).update(letters)
        used, by_class = placed.used, placed.by_class
        slots[fonts.family] = WordSlots(
            east_asian=_most(by_class["asian"], fonts.east_asian), complex=_most(by_class["complex"], fonts.family)
        )
        # The role's family always, its East Asian pair in a CJK document (as before embedding), the rest
        # only when they draw something here. Script families come first: their subsets hold only their
        # own letters, so a browser still takes Latin from the role's family.
        named = {fonts.family, fonts.east_asian} if cjk else {fonts.family}
        scripts = [f for f in SCRIPT_FAMILIES if f in used]
        names = [typeface(f).display for f in (*scripts, *families) if f in used or f in named]
        stacks[role] = (*dict.fromkeys(names), fonts.generic)
    for family, found in drawn.items():
        if " " in cmap(family):
            # A subset draws the space: LibreOffice sets a space in the font of the script around it (Hangul,
            # Devanagari), and a subset without one shows the box of its missing glyph there.
            found.add(" ")
    latin = view.style.fonts.embed
    faces: list[TravelFace] = []
    refused: dict[str, str] = {}
    for family in sorted(drawn):
        if not travels(family, latin=latin):
            continue
        for face in _faces(family, frozenset(drawn[family]), italic=view.italic):
            allowed = embedding(face.file)
            if allowed == "refused":
                refused.setdefault(face.display, face.file.name if isinstance(face.file, Path) else face.file.stem)
                continue
            faces.append(replace(face, whole=allowed == "whole"))
    chars = {family: frozenset(found) for family, found in drawn.items()}
    warnings = tuple(
        f"the font {name} ({file}) forbids embedding (its licence: OS/2 fsType restricted); "
        "the briefing and the memo name it without carrying it"
        for name, file in refused.items()
    )
    proxies = (MappingProxyType(stacks), MappingProxyType(chars), MappingProxyType(chains), MappingProxyType(slots))
    return FontPlan(tuple(faces), *proxies, warnings=warnings)


def complex_language(family: str, language: Language) -> str:
    """The language tag of a run a script family draws (Word's ``w:lang w:bidi``): the document's own when it
    is written in that script, else the script's usual language (``hi-IN`` for Devanagari)."""
    script = typeface(family).scripts[0]
    if COMPLEX_SCRIPT.get(language.primary) == script:
        return language.word_tag
    return SCRIPT_TAGS.get(script, language.word_tag)


def _most(counts: Counter[str], default: str) -> str:
    """The family that draws the most characters (the first met on a tie), else ``default``."""
    return counts.most_common(1)[0][0] if counts else default


def _faces(family: str, chars: frozenset[str], *, italic: bool) -> Iterator[TravelFace]:
    """The distinct files of a family's faces: a family with one file (IPAex) gets synthetic bold and slant."""
    tf = typeface(family)
    seen: set[FontFile] = set()
    for bold, slanted in ((False, False), (True, False), (False, True), (True, True)):
        if slanted and not italic:
            continue  # a CJK document slants nothing
        file = tf.face(bold=bold, italic=slanted)
        if file in seen:
            continue
        seen.add(file)
        yield TravelFace(family, tf.display, file, bold, slanted, chars)
