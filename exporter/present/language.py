"""BCP 47 language tags parsed once: the subtags, direction, CJK or not, and the tags Word, EPUB and PDF want."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
"""The tag shape readers accept (``en``, ``ja-JP``, ``zh-Hant-TW``)."""

_LOOSE_TAG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")

CJK = frozenset({"ja", "zh", "ko"})
"""Primary subtags of the Chinese, Japanese and Korean languages."""

_RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ps", "sd", "syr", "ug", "ur", "yi"})
_RTL_SCRIPTS = frozenset({"Adlm", "Arab", "Hebr", "Nkoo", "Rohg", "Syrc", "Thaa"})

_WORD_REGIONS = {
    "en": "en-US", "ja": "ja-JP", "zh": "zh-CN", "ko": "ko-KR", "de": "de-DE", "fr": "fr-FR",
    "es": "es-ES", "it": "it-IT", "pt": "pt-PT", "nl": "nl-NL", "sv": "sv-SE", "pl": "pl-PL",
    "ru": "ru-RU", "uk": "uk-UA", "ar": "ar-SA", "he": "he-IL", "el": "el-GR", "hi": "hi-IN", "th": "th-TH",
}  # fmt: skip
"""The region Word assumes for a bare primary subtag (its proofing tools are per region)."""

Direction = Literal["ltr", "rtl"]
"""A writing direction."""


def is_language_tag(text: str) -> bool:
    """Whether ``text`` has the shape of a language tag readers accept (``en``, ``ja-JP``)."""
    return bool(LANGUAGE_TAG.match(text))


@dataclass(frozen=True)
class Language:
    """A parsed language tag with every form the outputs need."""

    tag: str
    """The tag in canonical case (``en-GB``, ``zh-Hant-TW``), or ``und`` when the model's tag is unusable."""
    primary: str
    """The primary subtag, lower case (``en``); ``und`` when unknown."""
    script: str = ""
    """The script subtag in title case (``Hant``), if the tag has one."""
    region: str = ""
    """The region subtag in upper case (``GB``) or digits (``419``), if the tag has one."""
    direction: Direction = "ltr"
    """The writing direction of the language (or its script)."""

    @property
    def is_cjk(self) -> bool:
        """Whether the language is Chinese, Japanese or Korean (no italics, wider leading, CJK line breaking)."""
        return self.primary in CJK

    @property
    def is_rtl(self) -> bool:
        """Whether the language is written right to left."""
        return self.direction == "rtl"

    @property
    def xml_lang(self) -> str:
        """The tag for ``xml:lang``, ``lang`` and ``dc:language`` (EPUB)."""
        return self.tag

    @property
    def pdf_lang(self) -> str:
        """The tag for the PDF catalogue's ``/Lang``."""
        return self.tag

    @property
    def word_tag(self) -> str:
        """The full tag Word proofs with: a region is added to a bare primary subtag (``de`` → ``de-DE``)."""
        if self.region or self.script:
            return self.tag
        return _WORD_REGIONS.get(self.primary, self.tag)

    @property
    def word_lang(self) -> tuple[str, str, str]:
        """``w:lang`` (val, eastAsia, bidi): Latin words of an East Asian document proof as US English, as in Word."""
        full = self.word_tag
        # The complex-script language: the document's own when Word sets its script in the w:cs slot.
        bidi = full if self.is_rtl or self.primary in COMPLEX_SCRIPT else "ar-SA"
        return ("en-US" if self.is_cjk else full, full, bidi)


COMPLEX_SCRIPT = {"hi": "devanagari", "mr": "devanagari", "ne": "devanagari", "sa": "devanagari", "th": "thai"}
"""Languages written left to right in a script Word sets in the complex-script slot, with the script."""


def _case(subtag: str, index: int) -> str:
    if index == 0:
        return subtag.lower()
    if len(subtag) == 4 and subtag.isalpha():
        return subtag.title()
    if len(subtag) == 2 and subtag.isalpha():
        return subtag.upper()
    return subtag.lower()


@lru_cache(maxsize=64)
def parse_language(tag: str) -> Language:
    """Parse a BCP 47 tag; ``_`` is read as ``-``, and an unusable tag (``""``) becomes ``und``."""
    text = tag.strip().replace("_", "-")
    if not _LOOSE_TAG.match(text):
        return Language(tag="und", primary="und")
    subtags = [_case(s, i) for i, s in enumerate(text.split("-"))]
    primary = subtags[0]
    script = region = ""
    for subtag in subtags[1:3]:
        if len(subtag) == 4 and subtag.isalpha() and not script and not region:
            script = subtag
        elif (len(subtag) == 2 and subtag.isalpha()) or (len(subtag) == 3 and subtag.isdigit()):
            region = region or subtag
            break
        else:
            break
    # A script subtag decides the direction (Azerbaijani in Arabic script is rtl, in Latin ltr).
    rtl = script in _RTL_SCRIPTS if script else primary in _RTL_LANGUAGES
    return Language(
        tag="-".join(subtags), primary=primary, script=script, region=region, direction="rtl" if rtl else "ltr"
    )
