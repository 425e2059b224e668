"""Make the bundled fallback fonts (issue 17) from Debian's font packages: subset once, commit the output.

Sources (Debian 12 "bookworm" packages, installed with ``apt-get install``):

==========================  ====================  ===============================================  ================
package                     version               file                                             licence
==========================  ====================  ===============================================  ================
fonts-dejavu-core           2.37-6                /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf  Bitstream Vera +
                                                                                                   public domain
fonts-symbola               2.60-1.1 (font 9.17)  /usr/share/fonts/truetype/ancient-scripts/       "free for any
                                                  Symbola_hint.ttf                                 use"
fonts-droid-fallback        1:6.0.1r16-1.1        /usr/share/fonts/truetype/droid/                 Apache-2.0
                                                  DroidSansFallbackFull.ttf
fonts-nanum                 20200506-1            /usr/share/fonts/truetype/nanum/NanumGothic.ttf  OFL-1.1
                                                  /usr/share/fonts/truetype/nanum/
                                                  NanumMyeongjo.ttf
==========================  ====================  ===============================================  ================

What every output keeps (the Unicode ranges are the ``KEEP`` table below, inclusive):

* ``DejaVuSans-Fallback.ttf`` ("DejaVu Sans", the *symbols* tier): every code point of DejaVu Sans except the
  scripts the PDF refuses anyway (Hebrew, Arabic, N'Ko, Lao and the Arabic presentation forms) and the astral
  pictographs U+1F000-U+1FAFF, so that every emoji comes from one design (Symbola). It keeps Latin Extended
  (Vietnamese), IPA, Armenian, Georgian, letterlike symbols (U+210B), math operators (U+2146, U+2232), arrows,
  box drawing, geometric shapes, dingbats, currency signs and U+FFFD.
* ``Symbola-Fallback.ttf`` ("Symbola", the *emoji* tier): punctuation and symbol blocks U+2000-U+2BFF and
  U+2E00-U+2E7F, U+FFF0-U+FFFF, musical symbols, Tai Xuan Jing, counting rods, math alphanumerics, and
  U+1F000-U+1FAFF (mahjong, cards, enclosed alphanumerics, pictographs, emoticons, transport, alchemical ...).
  Symbola's letters (Latin, Greek, Cyrillic, Coptic) and its private-use glyphs are dropped.
* ``DroidSansFallback-Han.ttf`` ("Droid Sans Fallback", the *han* tier): CJK radicals, ideographic description,
  CJK symbols and punctuation, bopomofo, kanbun, strokes, enclosed CJK (without the Hangul ones), CJK
  compatibility, Extension A U+3400-U+4DBF, the whole Unified Ideographs block U+4E00-U+9FFF (20,902 hanzi:
  all of GB 2312 and Big5), compatibility ideographs, vertical / small / fullwidth forms (not the halfwidth
  Hangul), and the ideographs DroidSansFallbackFull has beyond the BMP.
* ``ExporterHangulGothic.ttf`` / ``ExporterHangulMyeongjo.ttf`` (the *hangul* tier, sans-serif and serif):
  Hangul Jamo, compatibility Jamo, Jamo extended A and B, the 11,172 Hangul syllables, halfwidth Hangul and the
  parenthesised / circled Hangul of enclosed CJK, as far as the source has them (NanumGothic has the 69 modern
  conjoining Jamo, NanumMyeongjo none: the fallback chain takes them from the Gothic). NanumGothic and
  NanumMyeongjo are under the SIL OFL 1.1 with Reserved Font Names ("Nanum", "NanumGothic", "NanumMyeongjo"
  ...): a subset is a Modified Version, so the outputs are renamed "Exporter Hangul Gothic" and "Exporter
  Hangul Myeongjo" (OFL condition 3).

Every output keeps U+0020 and U+00A0, TrueType ``glyf`` outlines (reportlab cannot embed CFF), drops hinting (the
PDF is scaled, not rasterised at small pixel sizes), keeps the name table's copyright and licence records, and
records in the name table's description that it is a subset made by this script (Apache-2.0 section 4(b)). Run from
the repository root: ``python scripts/subset_fonts.py`` (needs fontTools); it overwrites the files in
``exporter/fonts/``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

OUT = Path(__file__).resolve().parent.parent / "exporter" / "fonts"

Ranges = tuple[tuple[int, int], ...]

# Scripts the PDF refuses (right to left) are dropped from DejaVu: they would only be listed as refusals.
DEJAVU_DROP: Ranges = (
    (0x0590, 0x08FF),  # Hebrew, Arabic, Syriac, Thaana, N'Ko, Samaritan, Mandaic, Arabic extended
    (0x0E80, 0x0EFF),  # Lao (complex shaping, no word spaces)
    (0xFB1D, 0xFDFF),  # Hebrew and Arabic presentation forms A
    (0xFE70, 0xFEFE),  # Arabic presentation forms B (U+FEFF stays out: it is a format character)
    (0x1F000, 0x1FAFF),  # pictographs: Symbola draws every emoji, in one design
)

# Every subset keeps the space and the no-break space: a run that ends in a space is then measured and
# extracted right whichever font it is set in.
SPACES: Ranges = ((0x0020, 0x0020), (0x00A0, 0x00A0))

SYMBOLA_KEEP: Ranges = (
    *SPACES,
    (0x2000, 0x2BFF),  # general punctuation ... miscellaneous symbols and arrows (incl. dingbats, ✔ ⚠ ❌ ➡ ✅ ‣)
    (0x2E00, 0x2E7F),  # supplemental punctuation
    (0xFFF0, 0xFFFF),  # specials (U+FFFD)
    (0x1D100, 0x1D1FF),  # musical symbols
    (0x1D300, 0x1D37F),  # Tai Xuan Jing symbols, counting rod numerals
    (0x1D400, 0x1D7FF),  # mathematical alphanumeric symbols
    (0x1F000, 0x1FAFF),  # mahjong ... supplemental symbols and pictographs (👋 💬 😀)
)

HAN_KEEP: Ranges = (
    *SPACES,
    (0x2E80, 0x2FDF),  # CJK radicals supplement, Kangxi radicals
    (0x2FF0, 0x2FFF),  # ideographic description characters
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3100, 0x312F),  # bopomofo
    (0x3190, 0x31EF),  # kanbun, bopomofo extended, CJK strokes
    (0x321F, 0x325F),  # enclosed CJK (the Hangul U+3200-U+321E and U+3260-U+327F are the hangul fonts')
    (0x3280, 0x33FF),  # enclosed CJK, CJK compatibility
    (0x3400, 0x4DBF),  # CJK unified ideographs extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE10, 0xFE1F),  # vertical forms
    (0xFE30, 0xFE6F),  # CJK compatibility forms, small form variants
    (0xFF00, 0xFF9F),  # fullwidth forms, halfwidth katakana
    (0xFFE0, 0xFFEF),  # fullwidth signs
    (0x20000, 0x3134F),  # ideographs beyond the BMP
)

HANGUL_KEEP: Ranges = (
    *SPACES,
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x3131, 0x318F),  # Hangul compatibility Jamo
    (0x3200, 0x321E),  # parenthesised Hangul
    (0x3260, 0x327F),  # circled Hangul
    (0xA960, 0xA97F),  # Hangul Jamo extended A
    (0xAC00, 0xD7A3),  # Hangul syllables
    (0xD7B0, 0xD7FF),  # Hangul Jamo extended B
    (0xFFA0, 0xFFDC),  # halfwidth Hangul
)


@dataclass(frozen=True)
class Job:
    """One output file: its source, the code points to keep and, for a renamed font, its new names."""

    source: str
    output: str
    keep: Ranges
    drop: Ranges = ()
    rename: tuple[str, str] | None = None  # (family, PostScript name)
    everything: bool = False  # keep the source's whole cmap minus ``drop``


JOBS = (
    Job(
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "DejaVuSans-Fallback.ttf",
        keep=(),
        drop=DEJAVU_DROP,
        everything=True,
    ),
    Job("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf", "Symbola-Fallback.ttf", keep=SYMBOLA_KEEP),
    Job("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", "DroidSansFallback-Han.ttf", keep=HAN_KEEP),
    Job(
        "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
        "ExporterHangulGothic.ttf",
        keep=HANGUL_KEEP,
        rename=("Exporter Hangul Gothic", "ExporterHangulGothic-Regular"),
    ),
    Job(
        "/usr/share/fonts/truetype/nanum/NanumMyeongjo.ttf",
        "ExporterHangulMyeongjo.ttf",
        keep=HANGUL_KEEP,
        rename=("Exporter Hangul Myeongjo", "ExporterHangulMyeongjo-Regular"),
    ),
)

NOTE = "Subset of {source} made by exporter's scripts/subset_fonts.py (fontTools): kept {count} code points."


def _inside(cp: int, ranges: Ranges) -> bool:
    return any(lo <= cp <= hi for lo, hi in ranges)


def _code_points(font: TTFont, job: Job) -> list[int]:
    cmap = font.getBestCmap()
    return sorted(
        cp for cp in cmap if (job.everything or _inside(cp, job.keep)) and not _inside(cp, job.drop) and cp != 0xFEFF
    )


def _name(font: TTFont, job: Job, count: int) -> None:
    table = font["name"]
    note = NOTE.format(source=Path(job.source).name, count=count)
    if job.rename is not None:
        family, postscript = job.rename
        # OFL condition 3: a Modified Version may not carry the Reserved Font Names, nor the trademark notice.
        for record in list(table.names):
            if record.nameID in (1, 3, 4, 6, 7, 16, 17, 18, 21, 22):
                table.removeNames(nameID=record.nameID)
        table.setName(family, 1, 3, 1, 0x409)
        table.setName(f"{postscript};{font['head'].fontRevision:.3f}", 3, 3, 1, 0x409)
        table.setName(family, 4, 3, 1, 0x409)
        table.setName(postscript, 6, 3, 1, 0x409)
        table.setName("SIL Open Font License 1.1", 13, 3, 1, 0x409)
        table.setName("https://openfontlicense.org", 14, 3, 1, 0x409)
        note += f" Derived from {Path(job.source).stem} by NAVER (NHN) Corporation; renamed as OFL 1.1 requires."
    table.setName(note, 10, 3, 1, 0x409)


def make(job: Job) -> Path:
    """Subset one font and write it to ``exporter/fonts/``."""
    font = TTFont(job.source, recalcTimestamp=False)  # keep the source's date: the same inputs, the same bytes
    keep = _code_points(font, job)
    options = subset.Options()
    options.hinting = False
    options.drop_tables += ["vhea", "vmtx", "FFTM", "TSI0", "TSI1", "TSI2", "TSI3", "TSI5"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=keep)
    subsetter.subset(font)
    _name(font, job, len(keep))
    target = OUT / job.output
    font.save(target)
    check = TTFont(target)
    if "glyf" not in check or "CFF " in check:
        raise SystemExit(f"{target}: no TrueType outlines")
    print(f"{target.name}: {len(keep)} code points, {target.stat().st_size:,} bytes")
    return target


def main(argv: list[str]) -> int:
    """Make every output (or only those whose file names are given)."""
    for job in JOBS:
        if not argv or job.output in argv:
            make(job)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
