"""The bundled fonts and the PDF's fallback chain (issue 17): outlines, licences, coverage, character policy."""

from __future__ import annotations

import datetime
import itertools
import unicodedata
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from fontTools.ttLib import TTFont
from hypothesis import given
from hypothesis import strategies as st

from exporter.cli import cli
from exporter.model import Document, Meta, Paragraph, Section, Text
from exporter.present.coverage import (
    EMOJI,
    FALLBACK_ORDER,
    HAN,
    HANGUL_SANS,
    HANGUL_SERIF,
    SYMBOLS,
    FontChain,
    cmap,
    font_chain,
    hidden_warning,
    is_hidden,
    read_cmap,
    refusal,
    refusal_message,
    refused_characters,
    split_runs,
)
from exporter.present.language import parse_language
from exporter.present.preflight import preflight
from exporter.style import Style
from exporter.typefaces import FALLBACKS, FONT_DIR, SCRIPT_FAMILIES, TYPEFACES, typeface

FONT_FILES = sorted(FONT_DIR.glob("*.ttf"))
ISSUE_SYMBOLS = "✔⚠❌➡✅👋💬😀‣₹₽₺ﬀ\u212a\ufffd"
GREEK = "Η γρήγορη καφέ αλεπού πηδά πάνω από τον τεμπέλη σκύλο."
CYRILLIC = "Съешь же ещё этих мягких французских булок, да выпей чаю."
KOREAN = "한국어 문장입니다: 다람쥐 헌 쳇바퀴에 타고파."
SIMPLIFIED = "评论备录：这是一个简体中文句子，包括评论和备忘录。"
TRADITIONAL = "臺灣的繁體中文：體、灣、寫、讀、說。"
LATIN = (
    "The committee published its annual review on Tuesday, noting that revenue grew by 4.2% year over year "
    "while operating costs fell; analysts called it \u201cbroadly in line\u201d \u2014 see the appendix."
)
SERIF = ("Liberation Serif", "IPAexMincho")
"""A serif role in an English document: its font and its East Asian pair."""


def _covered(family: str, text: str) -> bool:
    """Whether every character of a run is in its family's cmap (spaces and controls are layout)."""
    return all(ch in cmap(family) or ch.isspace() or unicodedata.category(ch) == "Cc" for ch in text)


# --- the files --------------------------------------------------------------------------------


def test_every_font_file_belongs_to_a_family_with_a_licence() -> None:
    """Each bundled file is a face of a registered family whose licence file ships next to it."""
    faces = {
        path: face
        for face in (*TYPEFACES.values(), *FALLBACKS.values(), *SCRIPT_FAMILIES.values())
        for path in (face.regular, face.bold, face.italic, face.bold_italic)
    }
    assert set(FONT_FILES) == set(faces)
    for path, face in faces.items():
        assert face.license is not None and face.license.is_file(), path
        assert face.license.parent == FONT_DIR / "licenses"


@pytest.mark.parametrize("path", FONT_FILES, ids=lambda p: p.name)
def test_every_font_file_has_truetype_outlines_and_allows_embedding(path: Path) -> None:
    """reportlab embeds ``glyf`` outlines only (no CFF), and refuses fonts whose fsType restricts embedding."""
    font = TTFont(path, lazy=True)
    assert "glyf" in font and "loca" in font
    assert "CFF " not in font and "CFF2" not in font
    fs_type = font["OS/2"].fsType
    assert fs_type != 0x0002 and not fs_type & 0x0300, f"fsType {fs_type:#06x}"


@pytest.mark.parametrize("path", FONT_FILES, ids=lambda p: p.name)
def test_cmap_reader_agrees_with_fonttools(path: Path) -> None:
    """The coverage module's small cmap reader sees exactly the code points fontTools maps to a real glyph."""
    expected = {cp for cp, glyph in TTFont(path, lazy=True).getBestCmap().items() if glyph != ".notdef"}
    assert read_cmap(path) == expected


@pytest.mark.parametrize(
    ("licence", "phrases"),
    [
        ("Symbola-COPYRIGHT.txt", ("free for any use", "fonts-symbola 2.60-1.1", "George Douros")),
        ("DejaVu-COPYRIGHT.txt", ("Bitstream", "Arev", "public domain", "fonts-dejavu-core 2.37-6")),
        ("DroidSansFallback-COPYRIGHT.txt", ("Apache License", "Version 2.0", "Google", "1:6.0.1r16-1.1")),
        ("Nanum-COPYRIGHT.txt", ("SIL OPEN FONT LICENSE", "Reserved Font Name", "20200506-1", "renamed")),
        ("Noto-COPYRIGHT.txt", ("SIL Open Font License", "Google", "fonts-noto-core 20201225-1", "unmodified")),
    ],
)
def test_fallback_licences_say_what_they_cover(licence: str, phrases: tuple[str, ...]) -> None:
    """Each fallback's licence file carries the licence text, the copyright and the Debian package version."""
    text = (FONT_DIR / "licenses" / licence).read_text(encoding="utf-8")
    for phrase in phrases:
        assert phrase in text, phrase


def test_renamed_hangul_fonts_do_not_carry_reserved_names() -> None:
    """OFL condition 3: the Nanum subsets are renamed; the copyright notice stays."""
    for family in (HANGUL_SANS, HANGUL_SERIF):
        names = TTFont(typeface(family).regular, lazy=True)["name"]
        shown = {names.getDebugName(i) for i in (1, 3, 4, 6, 16, 17)} - {None}
        assert not any("nanum" in name.lower() for name in shown), shown
        assert "NHN Corporation" in (names.getDebugName(0) or "")
        assert names.getDebugName(1) == family


def test_package_fits_the_wheel_budget() -> None:
    """The wheel stays under 30 MB: the package deflated (level 1, worse than the wheel's) is under 29 MB.

    Measured with ``pip wheel``: 11.9 MB before the fallback fonts, 16.2 MB with them.
    """
    package = FONT_DIR.parent
    deflated = sum(len(zlib.compress(path.read_bytes(), 1)) for path in package.rglob("*") if path.is_file())
    assert deflated < 29_000_000


# --- the families -----------------------------------------------------------------------------


def test_fallbacks_leave_the_style_families_alone() -> None:
    """Styles still name only the five original families; the fallbacks are found by ``typeface`` too."""
    assert set(TYPEFACES) == {"Liberation Serif", "Liberation Sans", "Liberation Mono", "IPAexGothic", "IPAexMincho"}
    assert set(FALLBACKS) == set(FALLBACK_ORDER)
    for family in FALLBACKS:
        assert typeface(family).family == family
        assert typeface(family).scripts
        assert typeface(family).generic in ("serif", "sans-serif", "monospace")
    with pytest.raises(KeyError):
        typeface("Comic Sans")


def test_subsets_keep_the_ranges_they_promise() -> None:
    """Hangul syllables and compatibility Jamo, every hanzi of GB 2312 and Big5, and the symbols of the issue."""
    for family in (HANGUL_SANS, HANGUL_SERIF):
        have = cmap(family)
        assert all(chr(cp) in have for cp in range(0xAC00, 0xD7A4))
        assert all(chr(cp) in have for cp in range(0x3131, 0x3164))  # compatibility Jamo consonants and vowels
    # NanumMyeongjo has no conjoining Jamo: the chain takes the modern ones from the Gothic.
    assert all(chr(cp) in cmap(HANGUL_SANS) for cp in (*range(0x1100, 0x1113), *range(0x1161, 0x1176)))
    han = cmap(HAN)
    assert all(chr(cp) in han for cp in range(0x4E00, 0x9FA6))  # the whole URO of Unicode 4.0
    for codec, first, last in (("gb2312", 0xB0, 0xF7), ("big5", 0xA4, 0xF9)):
        for lead in range(first, last + 1):
            for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
                try:
                    ch = bytes((lead, trail)).decode(codec)
                except UnicodeDecodeError:
                    continue
                if unicodedata.category(ch) == "Lo":
                    assert ch in han or ch in cmap("IPAexGothic"), f"{codec} {ch} U+{ord(ch):04X}"
    for ch in "ℋⅆ∲\ufffd₹₽₺‣✔⚠➡":
        assert ch in cmap(SYMBOLS), ch
    for ch in "❌✅👋💬😀":
        assert ch in cmap(EMOJI), ch


# --- the chain --------------------------------------------------------------------------------


def test_the_chain_order() -> None:
    """The role's font, its East Asian pair, symbols, CJK, emoji; a serif role gets the serif Korean face."""
    serif = font_chain(*SERIF).families
    assert serif == ("Liberation Serif", "IPAexMincho", SYMBOLS, HAN, HANGUL_SERIF, HANGUL_SANS, EMOJI)
    sans = font_chain("Liberation Sans", "IPAexGothic").families
    assert sans == ("Liberation Sans", "IPAexGothic", SYMBOLS, HAN, HANGUL_SANS, HANGUL_SERIF, EMOJI)
    chinese = font_chain("IPAexGothic", "Liberation Sans", language=parse_language("zh-Hans")).families
    assert chinese[:2] == (HAN, "IPAexGothic")


@pytest.mark.parametrize(
    "text", [ISSUE_SYMBOLS, GREEK, CYRILLIC, KOREAN, SIMPLIFIED, TRADITIONAL], ids=lambda t: f"U+{ord(t[0]):04X}"
)
@pytest.mark.parametrize("role", [SERIF, ("Liberation Sans", "IPAexGothic"), ("Liberation Mono", "IPAexGothic")])
def test_every_character_of_the_issue_is_drawn_by_a_font_that_has_it(text: str, role: tuple[str, str]) -> None:
    """Nothing is missing or refused, and each run's characters are in its family's cmap (or are NFKC forms)."""
    split = split_runs(text, *role)
    assert (split.missing, split.refused, split.hidden) == ("", "", "")
    for run in split.runs:
        assert _covered(run.family, run.text), run
    drawn = "".join(run.text for run in split.runs)
    assert drawn == text or unicodedata.normalize("NFKC", drawn) == unicodedata.normalize("NFKC", text)


def test_cjk_sentences_take_the_right_fonts() -> None:
    """Simplified hanzi IPAex lacks come from Droid Sans Fallback, Hangul from the Korean face."""
    english = font_chain(*SERIF)
    assert {run.family for run in english.split("评论备录").runs} == {HAN}
    assert {run.family for run in english.split("한국어").runs} == {HANGUL_SERIF}
    chinese = font_chain("IPAexGothic", "Liberation Sans", language=parse_language("zh"))
    # In a Chinese document every hanzi and the fullwidth punctuation come from one design.
    assert {run.family for run in chinese.split(SIMPLIFIED + TRADITIONAL).runs} == {HAN}
    japanese = font_chain("IPAexGothic", "Liberation Sans", language=parse_language("ja"))
    assert {run.family for run in japanese.split("日本語の文章").runs} == {"IPAexGothic"}
    # A Chinese sentence in an English document is set whole in one design, not IPAex where it can.
    assert english.split(f"Quote: {SIMPLIFIED} 體灣").runs[1:] == ((HAN, f"{SIMPLIFIED} 體灣"),)
    assert english.split("Kanji 體灣 only").runs[1] == ("IPAexMincho", "體灣 ")


def test_compatibility_characters_fall_back_to_their_nfkc_form() -> None:
    """A character no font has, whose NFKC form some font has, is drawn as that form."""
    chain = font_chain(*SERIF)
    candidates = (chr(cp) for cp in range(0xA0, 0x30000) if unicodedata.category(chr(cp)) not in ("Cn", "Cs", "Co"))
    ch = next(
        c
        for c in candidates
        if chain.family_of(c) is None
        and unicodedata.normalize("NFKC", c) != c
        and not is_hidden(c)
        and refusal(c) is None
        and all(chain.family_of(x) is not None for x in unicodedata.normalize("NFKC", c))
    )
    split = chain.split(f"a{ch}b")
    assert split.missing == ""
    assert "".join(run.text for run in split.runs) == f"a{unicodedata.normalize('NFKC', ch)}b"
    for run in split.runs:
        assert _covered(run.family, run.text)


def test_replacement_character_is_drawn() -> None:
    """U+FFFD, which the Markdown reader makes of ``&#0;``, is a glyph of DejaVu Sans."""
    assert split_runs("a\ufffdb", *SERIF).runs[1] == (SYMBOLS, "\ufffd")


INVISIBLE = "\u2060\ufeff\u200b\u200c\u200d\ufe0f\ufe0e\U000e0100\U0001f3fb\U0001f3ff\u2066\u202e"


def test_invisible_characters_are_left_out_and_counted() -> None:
    """Format characters, variation selectors and skin-tone modifiers are not drawn, and each one counts."""
    text = "a" + "b".join(INVISIBLE) + "c"
    split = split_runs(text, *SERIF)
    assert split.hidden == INVISIBLE
    assert "".join(run.text for run in split.runs) == "a" + "b" * (len(INVISIBLE) - 1) + "c"
    assert (split.missing, split.refused) == ("", "")
    warning = hidden_warning(split.hidden)
    assert f"{len(INVISIBLE)} invisible characters" in warning and "U+2060 WORD JOINER" in warning
    assert hidden_warning("") == ""
    assert not is_hidden("\xad")  # the soft hyphen is where reportlab may break a word


def test_bidi_marks_are_invisible_not_refused() -> None:
    """U+200E, U+200F and U+061C (bidi classes L, R, AL) are left out like other format characters."""
    split = split_runs("a\u200eb\u200fc\u061cd", *SERIF)
    assert (split.hidden, split.refused, split.missing) == ("\u200e\u200f\u061c", "", "")
    assert refused_characters("\u200f\u061c") == ""


def test_emoji_sequences_draw_their_base_emoji() -> None:
    """A skin tone and a ZWJ are left out; the base emoji (and each component of a ZWJ sequence) is drawn."""
    split = split_runs("👍🏽 👩\u200d💻 ❤\ufe0f", *SERIF)
    assert split.hidden == "🏽\u200d\ufe0f"
    assert "".join(run.text for run in split.runs) == "👍 👩💻 ❤"
    assert split.missing == ""


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("שלום עולם", "right-to-left"),
        ("مرحبا بالعالم", "right-to-left"),
        ("ܫܠܡܐ", "right-to-left"),
        ("ދިވެހި", "right-to-left"),
        ("ߒߞߏ", "right-to-left"),
        ("नमस्ते दुनिया", "complex-shaping"),
        ("বাংলা", "complex-shaping"),
        ("தமிழ்", "complex-shaping"),
        ("ಕನ್ನಡ", "complex-shaping"),
        ("മലയാളം", "complex-shaping"),
        ("ภาษาไทย", "complex-shaping"),
        ("ខ្មែរ", "complex-shaping"),
        ("မြန်မာ", "complex-shaping"),
    ],
)
def test_rtl_and_complex_scripts_are_refused_by_name(text: str, kind: str) -> None:
    """The only refusal left: the characters are named, once, and not reported as missing glyphs too."""
    refused = refused_characters(text)
    assert refused == "".join(dict.fromkeys(ch for ch in text if not ch.isspace()))
    split = split_runs(f"Hello {text}", *SERIF)
    assert split.refused == refused
    assert split.missing == ""
    message = refusal_message(refused)
    assert kind in message and f"U+{ord(refused[0]):04X}" in message and "\n" not in message


def test_latin_and_cjk_neighbours_are_not_refused() -> None:
    """Greek, Cyrillic, Armenian, Georgian, Ethiopic, CJK and symbols are drawn, not refused."""
    assert refused_characters(GREEK + CYRILLIC + "Հայերեն ქართული ሰላም" + KOREAN + SIMPLIFIED + ISSUE_SYMBOLS) == ""
    # A sign of a refused script's block is not a letter: the baht sign is drawn (DejaVu Sans has it).
    assert split_runs("\u0e3f100", *SERIF).runs == ((SYMBOLS, "\u0e3f"), ("Liberation Serif", "100"))


def test_latin_fast_path_is_one_run_without_lookups(monkeypatch: pytest.MonkeyPatch) -> None:
    """A paragraph the primary font covers comes back as one run after a single set check."""
    chain = FontChain(["Liberation Serif", "IPAexMincho", SYMBOLS])
    chain.split("warm")

    def no_lookup(self: FontChain, ch: str) -> None:
        raise AssertionError(f"looked up {ch!r}")

    monkeypatch.setattr(FontChain, "_decide", no_lookup)
    monkeypatch.setattr(FontChain, "_find", no_lookup)
    split = chain.split(LATIN + "\n\t" + GREEK + CYRILLIC)
    assert split.runs == (("Liberation Serif", LATIN + "\n\t" + GREEK + CYRILLIC),)
    assert split_runs("", *SERIF).runs == ()


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40))
def test_runs_are_drawn_by_fonts_that_have_their_glyphs(text: str) -> None:
    """For any text: runs alternate families, each character is in its run's font or reported, nothing is lost."""
    split = split_runs(text, *SERIF)
    families = [run.family for run in split.runs]
    assert all(a != b for a, b in itertools.pairwise(families))
    reported = set(split.missing) | set(split.refused)
    for run in split.runs:
        assert all(
            ch in cmap(run.family) or ch.isspace() or unicodedata.category(ch) == "Cc" or ch in reported
            for ch in run.text
        ), run
    assert all(is_hidden(ch) for ch in split.hidden)
    composed = unicodedata.normalize("NFC", text)
    if not any(unicodedata.normalize("NFKD", ch) != ch for ch in composed):
        assert "".join(run.text for run in split.runs) == "".join(ch for ch in composed if not is_hidden(ch))


def test_decomposed_text_is_drawn_composed() -> None:
    """Decomposed Hangul and a combining accent are drawn as the precomposed syllable and letter."""
    text = unicodedata.normalize("NFD", "한국어 café")
    assert "".join(run.text for run in split_runs(text, *SERIF).runs) == "한국어 café"


# --- preflight --------------------------------------------------------------------------------


def _document(body: str, language: str = "en") -> Document:
    meta = Meta(title="Preflight", date=datetime.date(2025, 2, 8), language=language)
    return Document(meta=meta, sections=(Section(heading="Body", blocks=(Paragraph(inlines=(Text(text=body),)),)),))


def test_preflight_passes_the_issue_document(default_style: Style) -> None:
    """The acceptance document: every format renders it; the PDF only warns about U+2060 and U+FEFF."""
    body = " ".join((ISSUE_SYMBOLS, "\u2060\ufeff", GREEK, CYRILLIC, KOREAN, SIMPLIFIED, TRADITIONAL))
    checks = preflight(_document(body), default_style)
    assert set(checks) == {"pdf", "docx", "epub"}
    assert all(check.ok for check in checks.values())
    assert checks["pdf"].hidden == "\u2060\ufeff"
    assert checks["pdf"].messages() == (hidden_warning("\u2060\ufeff"),)
    assert checks["docx"].messages() == checks["epub"].messages() == ()


@pytest.mark.parametrize("language", ["en", "ko", "zh", "ja"])
def test_preflight_lists_what_the_pdf_refuses(default_style: Style, language: str) -> None:
    """Hebrew and Devanagari fail the PDF only; the DOCX and EPUB keep them."""
    checks = preflight(_document("Hello שלום नमस्ते", language), default_style)
    pdf = checks["pdf"]
    assert not pdf.ok
    assert set(pdf.refused) == set("שלוםनमस्ते")
    assert pdf.missing == ""
    assert len(pdf.messages()) == 1
    assert checks["docx"].ok and checks["epub"].ok


def test_inspect_check_prints_one_line_per_format(tmp_path: Path) -> None:
    """``exporter inspect --check`` exits 0 when every format renders the source, 1 and names characters if not."""
    good = tmp_path / "good.md"
    good.write_text("# Ticks ✔ ❌\n\n评论 한국어 😀\n", encoding="utf-8")
    bad = tmp_path / "bad.md"
    bad.write_text("# Shalom\n\nשלום\n", encoding="utf-8")
    runner = CliRunner()
    ok = runner.invoke(cli, ["inspect", "--check", str(good)], catch_exceptions=False)
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.splitlines() == ["pdf: ok", "docx: ok", "epub: ok"]
    refused = runner.invoke(cli, ["inspect", "--check", str(bad)], catch_exceptions=False)
    assert refused.exit_code == 1
    lines = refused.stdout.splitlines()
    assert lines[0].startswith("pdf: the PDF engine cannot set right-to-left text (U+05E9 HEBREW LETTER SHIN")
    assert lines[1:] == ["docx: ok", "epub: ok"]


# --- extraction -------------------------------------------------------------------------------


def test_fallback_runs_extract_with_the_tounicode_fix(tmp_path: Path) -> None:
    """Runs set in the fallback fonts come back out of the PDF, emoji too, under the renderer's settings."""
    import pypdf
    from reportlab.pdfbase import pdfmetrics, ttfonts
    from reportlab.pdfgen import canvas

    from exporter.renderers.pdf.settings import shipped_settings, to_unicode_cmap

    assert to_unicode_cmap("F", [0, 0x41, 0xFFFD]) == ttfonts.makeToUnicodeCMap("F", [0, 0x41, 0xFFFD])
    assert "<01> <D83DDE00>" in to_unicode_cmap("F", [0, 0x1F600])
    text = f"{ISSUE_SYMBOLS} {KOREAN} {SIMPLIFIED} {TRADITIONAL}"
    with shipped_settings():
        pdf = canvas.Canvas(str(tmp_path / "runs.pdf"), pagesize=(595.0, 842.0))  # the shipped default is "A4"
        x = 20.0
        for run in split_runs(text, *SERIF).runs:
            name = "test-" + run.family.replace(" ", "")
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(ttfonts.TTFont(name, str(typeface(run.family).regular)))
            pdf.setFont(name, 6)
            pdf.drawString(x, 700, run.text)
            x += pdfmetrics.stringWidth(run.text, name, 6)
        pdf.save()
    extracted = pypdf.PdfReader(tmp_path / "runs.pdf").pages[0].extract_text()
    for ch in unicodedata.normalize("NFKC", text.replace(" ", "")):
        assert ch in unicodedata.normalize("NFKC", extracted), f"U+{ord(ch):04X}"
