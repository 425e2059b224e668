"""The memo's fonts come from the font plan: each script in the Word slot and family that draw it, embedded."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from fontTools.ttLib import TTFont
from helpers import dejavu_only_fontconfig, deobfuscated_fonts, libreoffice_to_pdf, pdf_chars, require_tool, squeeze
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from exporter.api import read_source, render
from exporter.model import Checkbox, Document, Paragraph, Section
from exporter.present.embedding import plan_fonts, script_class
from exporter.present.view import present
from exporter.style import Style, load_style

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ARTICLES = Path(__file__).parent / "data" / "languages" / "articles"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
DEVANAGARI = re.compile(r"[\u0900-\u097f]")

FAMILY = {
    "zh": ("eastAsia", {"Droid Sans Fallback"}),
    "ko": ("eastAsia", {"Exporter Hangul Gothic", "Exporter Hangul Myeongjo"}),
    "ja": ("eastAsia", {"IPAexGothic", "IPAexMincho"}),
    "hi": ("cs", {"Noto Sans Devanagari"}),
    "th": ("cs", {"Noto Sans Thai"}),
    "ar": ("cs", {"Noto Naskh Arabic"}),
    "he": ("cs", {"Noto Sans Hebrew"}),
}
"""Per article: the Word slot its script is set in, and the families that draw it."""


def _article(language: str) -> Document:
    (path,) = ARTICLES.glob(f"{language}.*")
    return read_source(path).document


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _runs(parts: dict[str, bytes]) -> list[tuple[str, etree._Element | None]]:
    """Every text run of the body: its text and its ``w:rPr``."""
    body = etree.fromstring(parts["word/document.xml"])
    return [("".join(t.text or "" for t in r.iter(f"{W}t")), r.find(f"{W}rPr")) for r in body.iter(f"{W}r")]


def _style_fonts(parts: dict[str, bytes], slot: str) -> set[str]:
    styles = etree.fromstring(parts["word/styles.xml"])
    return {f.get(f"{W}{slot}") for f in styles.iter(f"{W}rFonts")}


@pytest.mark.parametrize("language", sorted(FAMILY))
def test_the_memo_names_and_embeds_the_family_that_draws_its_script(language: str, default_style: Style) -> None:
    slot, families = FAMILY[language]
    data = render(_article(language), "docx", default_style).data
    parts = _parts(data)
    # The styles name the plan's family in the script's slot (the serif and sans roles may differ: Korean).
    assert _style_fonts(parts, slot) <= families | {"Liberation Mono"} and _style_fonts(parts, slot) & families
    table = {f.get(f"{W}name") for f in etree.fromstring(parts["word/fontTable.xml"]).iter(f"{W}font")}
    assert families & table
    embedded = {name for name, _ in deobfuscated_fonts(parts).values()}
    assert families & embedded, embedded
    for part, (name, font) in deobfuscated_fonts(parts).items():
        assert str(TTFont(io.BytesIO(font))["name"].getDebugName(1)) == name, part
    # Each character of the script is in a subset of a family named for its slot.
    subsets: dict[str, set[str]] = {}
    for name, font in deobfuscated_fonts(parts).values():
        subsets.setdefault(name, set()).update(map(chr, TTFont(io.BytesIO(font)).getBestCmap()))
    kind = "asian" if slot == "eastAsia" else "complex"
    text = "".join(t for t, _ in _runs(parts))
    script = {ch for ch in text if script_class(ch) == kind}
    assert script and script <= set().union(*(subsets.get(f, set()) for f in families))
    reread = docx.Document(io.BytesIO(data))
    assert "".join(p.text for p in reread.paragraphs).count(next(iter(sorted(script))))


@pytest.mark.parametrize("language", ["hi", "th"])
def test_devanagari_and_thai_runs_are_complex_script_runs(language: str, default_style: Style) -> None:
    _, (family,) = FAMILY[language]
    parts = _parts(render(_article(language), "docx", default_style).data)
    marked = 0
    for text, props in _runs(parts):
        complex_ = [ch for ch in text if script_class(ch) == "complex"]
        if not complex_:
            continue
        # Word sets Thai and Devanagari in the w:cs font only in a run marked w:cs (MS-OI29500 2.1.88).
        assert props is not None and props.find(f"{W}cs") is not None, text
        assert props.find(f"{W}rFonts").get(f"{W}cs") == family
        assert props.find(f"{W}lang").get(f"{W}bidi") == {"hi": "hi-IN", "th": "th-TH"}[language]
        assert not re.search(r"[A-Za-z]", text), text  # Latin words are cut out into runs of their own
        marked += 1
    assert marked
    styles = etree.fromstring(parts["word/styles.xml"])
    lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(f"{W}bidi") == {"hi": "hi-IN", "th": "th-TH"}[language]


MIXED = "한국어 문장에 漢字 가 있습니다 ✔ 좋아요 😀 and हिन्दी शब्द in English."


def _mixed() -> Document:
    return Document.of(title="혼합", language="ko", sections=[Section.of("섹션", Paragraph.of(MIXED))])


def test_each_run_names_the_family_the_plan_gives_its_characters(default_style: Style) -> None:
    document = _mixed()
    plan = plan_fonts(present(document, default_style))
    parts = _parts(render(document, "docx", default_style).data)
    styles = etree.fromstring(parts["word/styles.xml"])
    normal = styles.find(f"{W}style[@{W}styleId='Normal']/{W}rPr/{W}rFonts")
    found: dict[str, set[str]] = {}
    for text, props in _runs(parts):
        fonts = props.find(f"{W}rFonts") if props is not None else None
        for ch in text:
            if ch.isspace():
                continue
            kind = script_class(ch)
            slot = {"asian": "eastAsia", "complex": "cs"}.get(kind, "ascii" if ch.isascii() else "hAnsi")
            own = fonts.get(f"{W}{slot}") if fonts is not None else None
            found.setdefault(own or normal.get(f"{W}{slot}"), set()).add(ch)
    drawn = {plan.family_of("Liberation Serif", ch) for ch in "漢✔😀한हa"}
    assert drawn == {"IPAexMincho", "DejaVu Sans", "Symbola", "Exporter Hangul Myeongjo", "Noto Sans Devanagari",
                     "Liberation Serif"}  # fmt: skip
    assert {"漢", "字"} <= found["IPAexMincho"]
    assert "✔" in found["Exporter DejaVu Sans"] and "😀" in found["Symbola"]  # DejaVu Sans, renamed
    assert "한" in found["Exporter Hangul Myeongjo"] and "ह" in found["Noto Sans Devanagari"]
    assert {"a", "n", "d"} <= found["Liberation Serif"]
    # Every family a run names travels with the memo.
    embedded = {name for name, _ in deobfuscated_fonts(parts).values()}
    families = {"IPAexMincho", "Exporter DejaVu Sans", "Symbola", "Exporter Hangul Myeongjo", "Noto Sans Devanagari"}
    assert families <= embedded
    # Cutting runs loses no character and keeps the order.
    body = etree.fromstring(parts["word/document.xml"])
    paragraphs = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in body.iter(f"{W}p")]
    assert MIXED in paragraphs
    assert len([r for r in body.iter(f"{W}r") if "漢字" in "".join(t.text or "" for t in r.iter(f"{W}t"))]) == 1


MIXED_ALPHABET = "ab 1.,-한국漢字かなअभिथाไทยمرحאב✔☐😀«»\u3000"
"""Latin, Hangul, Han, kana, Devanagari, Thai, Arabic, Hebrew, symbols, emoji and spaces."""


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(alphabet=st.sampled_from(MIXED_ALPHABET), min_size=1, max_size=40).filter(str.strip))
def test_cutting_runs_never_loses_or_reorders_a_character(text: str) -> None:
    """However a paragraph mixes scripts, its runs hold its text in order, each piece in one family per slot."""
    style = load_style("default")
    document = Document.of(title="T", language="ko", sections=[Section.of("S", Paragraph.of(text))])
    parts = _parts(render(document, "docx", style).data)
    body = etree.fromstring(parts["word/document.xml"])
    paragraphs = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in body.iter(f"{W}p")]
    assert text.strip() in {p.strip() for p in paragraphs}
    for run_text, props in _runs(parts):
        if props is not None and props.find(f"{W}cs") is not None and props.find(f"{W}rtl") is None:
            # A w:cs run holds no Latin letter, Hangul or Han: Word would set them in its complex-script font.
            assert not [ch for ch in run_text if script_class(ch) == "asian" or (ch.isascii() and ch.isalpha())]


@pytest.mark.judge
@pytest.mark.slow
@pytest.mark.parametrize(("language", "pattern"), [("ko", HANGUL), ("hi", DEVANAGARI)])
def test_libreoffice_without_the_scripts_fonts_draws_them_with_the_embedded_family(
    language: str, pattern: re.Pattern[str], default_style: Style, tmp_path: Path
) -> None:
    _, families = FAMILY[language]
    data = render(_article(language), "docx", default_style).data
    memo = tmp_path / f"{language}-memo.docx"
    memo.write_bytes(data)
    pdf = libreoffice_to_pdf([memo], tmp_path / "pdf", fontconfig=dejavu_only_fontconfig(tmp_path / "fontconfig"))[memo]
    assert pdf is not None, "LibreOffice wrote no PDF"
    written = "\n".join(
        "".join(t.text or "" if t.tag == f"{W}t" else " " for t in p.iter(f"{W}t", f"{W}tab"))
        for name, part in _parts(data).items()
        if name.startswith("word/") and name.endswith(".xml") and b"<w:t" in part
        for p in etree.fromstring(part).iter(f"{W}p")
    )
    glyphs = [g for g in pdf_chars(pdf.read_bytes()) if pattern.fullmatch(g.text)]
    # PostScript names: the family without spaces, then the face (ExporterHangulGothic-Regular).
    fonts = {g.fontname.split("+", 1)[-1].split("-", 1)[0] for g in glyphs}
    assert glyphs and fonts <= {f.replace(" ", "") for f in families}, fonts
    if language == "ko":
        # Hangul syllables map one to one to glyphs: every one is kept.
        assert {g.text for g in glyphs} == set(pattern.findall(written))
    # pdftotext gives the text back: every word of the script is kept, in order within the word.
    squeezed = squeeze(
        subprocess.run(
            [require_tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
        ).stdout.decode()
    )
    lost = [word for word in re.findall(r"\S+", written) if pattern.search(word) and squeeze(word) not in squeezed]
    assert not lost, lost


@pytest.mark.judge
@pytest.mark.slow
def test_the_embedded_symbols_font_never_replaces_the_installed_dejavu_sans(
    default_style: Style, tmp_path: Path
) -> None:
    """With only DejaVu Sans installed (no Liberation), LibreOffice sets the Latin text in it: real glyphs."""
    text = "minimum illumination ✔"
    document = Document.of(title="Tasks", sections=[Section.of("List", Paragraph.of(Checkbox(checked=False), text))])
    memo = tmp_path / "tasks.docx"
    memo.write_bytes(render(document, "docx", default_style).data)
    pdf = libreoffice_to_pdf([memo], tmp_path / "pdf", fontconfig=dejavu_only_fontconfig(tmp_path / "fontconfig"))[memo]
    assert pdf is not None, "LibreOffice wrote no PDF"
    glyphs = pdf_chars(pdf.read_bytes())
    # A missing glyph is drawn as the .notdef box, one width for every letter: i and m would be as wide.
    widths = {g.text: round(g.x1 - g.x0, 2) for g in glyphs if g.text in "im" and g.fontname.endswith("DejaVuSans")}
    assert set(widths) == {"i", "m"} and widths["m"] > 2 * widths["i"], widths
    boxes = {g.fontname.split("+", 1)[-1] for g in glyphs if g.text in "\u2610\u2714"}
    assert boxes and all(name.startswith("ExporterDejaVuSans") for name in boxes), boxes
