"""A text's language: by its script where the script decides, else a statistical detector over a fixed set."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .scripts import BLOCKS

SAMPLE_CHARS = 20000
"""How much of a text the script count reads (scripts are counted with a few regular expressions)."""
DETECTOR_CHARS = 3000
"""How much of a text the statistical detector reads: a few paragraphs decide, and its time grows with length."""
MIN_LETTERS = 24
"""Fewer letters than this in a Latin or Cyrillic text (a word or two) cannot be told apart: ``en`` and a warning
(unless English's commonest words already say English: "The new plan")."""
FALLBACK = "en"
"""The language of a text nothing decides."""

# One kana or Han character carries about as much text as three letters of an alphabet, a Hangul syllable two.
_CJK_WEIGHT = 3
_HANGUL_WEIGHT = 2

_SCRIPTS = BLOCKS
"""The blocks of each script but Latin, counted per distinct character (regexes of such wide classes took ~8 ms
to compile at import)."""

SCRIPT_LANGUAGES: dict[str, str] = {
    "greek": "el",
    "arabic": "ar",
    "hebrew": "he",
    "devanagari": "hi",
    "thai": "th",
}
"""The language a script decides on its own (Hangul, kana and Han are weighed together: ko, ja, zh)."""

LATIN_LANGUAGES = (
    "en", "de", "fr", "es", "it", "pt", "nl", "pl", "sv", "da", "nb", "fi", "cs", "ro", "hu", "tr", "ca", "id",
)  # fmt: skip
"""The languages the detector chooses among for Latin-script text."""
CYRILLIC_LANGUAGES = ("ru", "uk", "bg", "be", "mk")
"""The languages the detector chooses among for Cyrillic text."""

_IGNORED = re.compile(
    r"```.*?```|~~~.*?~~~|`[^`\n]*`"  # Markdown code: program text says nothing of the prose's language
    r"|\b[a-z][a-z0-9+.-]*://\S+|\bwww\.\S+|\S+@\S+\.\w+",  # URLs and addresses
    re.S,
)
_WORD = re.compile(r"[a-z]+")
# The commonest English words: a quarter of English prose, almost none of another language's.
_ENGLISH = frozenset(
    {
        "the", "of", "and", "to", "in", "is", "that", "for", "it", "with", "as", "was", "on", "are", "be", "by",
        "this", "at", "from", "have", "has", "not", "but", "or", "which", "an", "were", "they", "their", "its",
        "been", "will", "would", "he", "she", "his", "her", "we", "you",
    }
)  # fmt: skip
_ENGLISH_SHARE = 0.12


_IGNORED_MARKS = ("`", "~~~", "://", "www.", "@")


def _script_table() -> tuple[list[int], list[int], list[str]]:
    """Every script's blocks and the Latin letters' ranges, sorted by first code point: none overlap."""
    ranges = sorted(
        [(first, last, name) for name, blocks in _SCRIPTS.items() for first, last in blocks]
        + [(first, last, "latin") for first, last in _LATIN_RANGES]
    )
    return [r[0] for r in ranges], [r[1] for r in ranges], [r[2] for r in ranges]


_LATIN_RANGES = ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x1E00, 0x1EFF))
"""The Latin letters counted: ASCII, Latin-1 Supplement to Latin Extended-B, Latin Extended Additional."""
_FIRSTS, _LASTS, _NAMES = _script_table()


def _script_counts(sample: str) -> dict[str, int]:
    """Letters of each script in ``sample``, counted by its distinct characters (one table search each)."""
    counts = dict.fromkeys(("latin", *_SCRIPTS), 0)
    firsts, lasts, names = _FIRSTS, _LASTS, _NAMES
    for ch, count in Counter(sample).items():
        cp = ord(ch)
        at = bisect.bisect_right(firsts, cp) - 1
        if at >= 0 and cp <= lasts[at]:
            counts[names[at]] += count
    return counts


@dataclass(frozen=True)
class Detection:
    """A detected language and why it is uncertain (an empty warning when it is not)."""

    language: str
    warning: str = ""


def detect(text: str) -> Detection:
    """The language of ``text`` as a primary subtag, by script first, then by the statistical detector.

    Korean (Hangul), Japanese (kana), Chinese (Han without kana), Arabic, Hebrew, Hindi (Devanagari), Thai and
    Greek are decided by their share of the letters (the largest script wins), so a few Latin words or URLs
    inside do not change the result. Latin and Cyrillic text goes to lingua (imported on first need), restricted to
    ``LATIN_LANGUAGES`` and ``CYRILLIC_LANGUAGES``, unless its commonest words already say English.
    """
    sample = text[:SAMPLE_CHARS]
    if any(mark in sample for mark in _IGNORED_MARKS):
        sample = _IGNORED.sub(" ", sample)
    counts = _script_counts(sample)
    han = counts["kana"] + counts["han"]
    weights = {name: counts[name] for name in ("latin", "cyrillic", *SCRIPT_LANGUAGES)}
    weights["han"] = han * _CJK_WEIGHT
    # Han inside text at least two-thirds Hangul is Korean hanja; a Hangul syllable is about two letters' worth.
    korean = counts["hangul"] >= 2 * counts["han"]
    weights["hangul"] = counts["hangul"] * _HANGUL_WEIGHT + (counts["han"] * _CJK_WEIGHT if korean else 0)
    script = max(weights, key=lambda name: weights[name])
    if not weights[script]:
        return Detection(FALLBACK, _too_little(text))
    if script == "hangul":
        return Detection("ko")
    if script == "han":
        # Japanese prose is a third or more kana; a little kana in Chinese text is a quoted name.
        return Detection("ja" if counts["kana"] * 10 >= han else "zh")
    if script in SCRIPT_LANGUAGES:
        return Detection(SCRIPT_LANGUAGES[script])
    # English's commonest words are evidence even in a line or two ("The new plan"); a lone word is not.
    if script == "latin" and _looks_english(sample):
        return Detection("en")
    if counts[script] < MIN_LETTERS:
        return Detection(FALLBACK, _too_little(text))
    return _statistical(sample, script)


def _too_little(text: str) -> str:
    shown = " ".join(text.split())
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    return f"too little text to tell its language ({shown!r}); assuming {FALLBACK} (set it with --lang)"


def _looks_english(sample: str) -> bool:
    """Whether English's commonest words make up a share of the words that no other language reaches."""
    words = _WORD.findall(sample[:DETECTOR_CHARS].lower())
    return len(words) >= 2 and sum(word in _ENGLISH for word in words) >= _ENGLISH_SHARE * len(words)


def _statistical(sample: str, script: str) -> Detection:
    detector = _detector()
    if detector is None:
        guess = FALLBACK if script == "latin" else "ru"
        return Detection(
            guess,
            f"cannot tell the language of this {script} text: lingua-language-detector is not installed "
            f"(pip install lingua-language-detector); assuming {guess} (set it with --lang)",
        )
    found = detector.detect_language_of(sample[:DETECTOR_CHARS])
    if found is None:
        return Detection(FALLBACK, f"could not tell the language of the text; assuming {FALLBACK} (set it with --lang)")
    return Detection(str(found.iso_code_639_1.name).lower())


@lru_cache(maxsize=1)
def _detector() -> Any:
    """lingua's detector in low-accuracy mode over our languages, built once; None when lingua is not installed."""
    try:
        # Imported only here: English text and every script-decided language never pay for it.
        from lingua import IsoCode639_1, LanguageDetectorBuilder
    except ImportError:
        return None
    codes = [getattr(IsoCode639_1, code.upper()) for code in (*LATIN_LANGUAGES, *CYRILLIC_LANGUAGES)]
    # Low accuracy: trigram models only (35 MB resident rather than 500 MB), as good on a paragraph or more.
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode().build()
