"""The HTML reader: saved article pages become the article alone; encodings, hostile markup, no fetching."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import DATA, document_strings, missing_words, words
from lxml import html as lxml_html

from exporter import parse
from exporter.errors import ExporterError, ParseError
from exporter.images import FileLoader
from exporter.model import Document, Figure, Link, Paragraph, figures, walk_inlines
from exporter.readers.base import ReadOptions, ReadResult
from exporter.readers.html.decoding import decode_page
from exporter.registry import reader_for

PAGES = DATA / "html"


@dataclass(frozen=True)
class Page:
    """A saved page and what its reader must find in it."""

    file: str
    title: str
    date: datetime.date
    source: tuple[str, str]
    body: str
    """XPath of the element holding the article's paragraphs in the page (the judge of the 95 %)."""
    kicker: str = ""
    language: str = ""
    authors: tuple[str, ...] = ()


_GAZETTE = "//div[@class='story-body']"
_METRO = "//div[@class='story-text']"
SAVED = (
    Page(
        "gazette-ports.html",
        "Ports brace for new steel levy",
        datetime.date(2025, 3, 14),
        ("The Harbour Gazette", "https://harbourgazette.example/economy/2025/03/14/ports-steel-levy"),
        _GAZETTE,
        "Economy",
        "en-GB",
        ("Jane Doe",),
    ),
    Page(
        "gazette-floods.html",
        "River Ouse flood defences to be raised by a metre",
        datetime.date(2025, 1, 22),
        ("The Harbour Gazette", "https://harbourgazette.example/environment/2025/01/22/ouse-flood-defences"),
        _GAZETTE,
        "Environment",
        "en-GB",
        ("Samuel Okafor",),
    ),
    Page(
        "metro-transit.html",  # its metadata is JSON-LD only
        "Night buses return to twelve routes",
        datetime.date(2024, 11, 5),
        ("Metro Daily", "https://metrodaily.example/city/night-buses-return"),
        _METRO,
        "City",
        "en-US",
        ("Priya Raman", "Tom Ellis"),
    ),
    Page(
        "metro-cafe.html",  # windows-1252, declared by http-equiv
        "Café owners fight the new terrace fees",
        datetime.date(2024, 10, 18),
        ("Metro Daily", "https://metrodaily.example/business/terrace-fees"),
        _METRO,
        "Business",
        "en",
        ("Léa Fournier",),
    ),
    Page(
        "minato-port.html",  # Shift_JIS
        "港湾の自動化、三年で倍増へ",
        datetime.date(2025, 2, 7),
        ("みなと経済新聞", "https://minato-keizai.example/articles/2025/0207-port-automation"),
        "//div[@class='article-body']",
        "経済",
        "ja",
        ("山田花子",),
    ),
)

BOILERPLATE = (
    # navigation, cookie banners, ads, related stories, newsletter boxes, comments, footers, scripts
    "Subscribe now",
    "We use cookies",
    "Accept all cookies",
    "uses cookies and similar technologies",
    "Advertisement",
    "Buy premium widgets",
    "Switch your energy supplier",
    "Find a trusted local plumber",
    "Lease a new electric hatchback",
    "Premium espresso machines",
    "Related stories",
    "Fishing quotas cut again",
    "More from City",
    "Library extends weekend opening hours",
    "Sign up to our morning newsletter",
    "Get the Metro Daily briefing",
    "Great article, thanks",
    "Finally! I have been taking two taxis",
    "I will happily pay an extra euro",
    "All rights reserved",
    "Privacy policy",
    "Most read",
    "TRACKER-INJECTED-TEXT",
    "dataLayer",
    "trackPageview",
    "当サイトではクッキーを使用しています",
    "関連記事",
    "読者のコメント",
    "メールマガジン登録",
    "今なら初月無料",
    "利用規約",
)


def _read(path: Path, **options: object) -> ReadResult:
    loader = FileLoader(path.parent, ())
    return parse(path.read_bytes(), name=path.name, options=ReadOptions(loader=loader, **options))  # type: ignore[arg-type]


def _model_text(doc: Document) -> str:
    return "\n".join(document_strings(doc))


def _article_paragraphs(page: Page) -> list[str]:
    """The article's paragraphs as the page holds them: the judge is lxml, not the reader."""
    tree = lxml_html.document_fromstring((PAGES / page.file).read_bytes())
    (body,) = tree.xpath(page.body)
    out = []
    for element in body.xpath(".//p | .//li | .//div[@class='para']"):
        if any("ad" in (a.get("class") or "").split("-")[0].split() for a in element.iterancestors()):
            continue
        out.append(" ".join(element.text_content().split()))
    return [p for p in out if p]


@pytest.mark.parametrize("page", SAVED, ids=[p.file for p in SAVED])
def test_saved_page_metadata(page: Page) -> None:
    """Title, date, source, kicker, language and authors come from the page's head, JSON-LD and byline."""
    meta = _read(PAGES / page.file).document.meta
    assert meta.title == page.title
    assert meta.date == page.date
    assert (meta.source.name, meta.source.url) == page.source
    assert meta.kicker == page.kicker
    assert meta.language == page.language
    assert meta.authors == page.authors


@pytest.mark.parametrize("page", SAVED, ids=[p.file for p in SAVED])
def test_saved_page_keeps_the_article_and_nothing_else(page: Page) -> None:
    """At least 95 % of the article paragraphs' words are in the model; no boilerplate phrase is."""
    result = _read(PAGES / page.file)
    text = _model_text(result.document)
    expected = "\n".join(_article_paragraphs(page))
    total = sum(words(expected).values())
    lost = sum(missing_words(expected, text).values())
    assert total > 100
    assert lost <= 0.05 * total, dict(missing_words(expected, text).most_common(10))
    found = [phrase for phrase in BOILERPLATE if phrase.casefold() in text.casefold()]
    assert found == []


def test_structure_of_a_rich_article() -> None:
    """Sub-headings open sections; lists, the quote, the table, links, emphasis and the local figure are kept."""
    doc = _read(PAGES / "gazette-ports.html").document
    assert [s.heading for s in doc.sections] == ["", "What changes for importers", "Waiting times at the main ports"]
    kinds = [type(b).__name__ for s in doc.sections for b in s.blocks]
    for kind in ("BulletList", "Quote", "Table", "Figure"):
        assert kind in kinds
    links = [n for s in doc.sections for n in walk_inlines(s.blocks) if isinstance(n, Link)]
    # A relative link is resolved against the page's address.
    assert {link.url for link in links} == {
        "https://example.org/levy-report.pdf",
        "https://harbourgazette.example/organisations/port-authority",
    }
    (figure,) = figures(doc)
    assert figure.alt == "Cranes unloading containers at Northgate"
    assert doc.picture(figure.key) is not None
    assert "Cranes at Northgate on Friday morning." in _model_text(doc)


def _page(body: str, head: str = "", *, lang: str = "en") -> bytes:
    paragraphs = "".join(
        f"<p>Paragraph {i} of the article carries enough words for the extractor to keep it as text.</p>"
        for i in range(4)
    )
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>Test page</title>{head}</head>'
        f"<body><article><h1>Test page</h1>{paragraphs}{body}</article></body></html>"
    ).encode()


def test_remote_image_is_its_alt_text_with_a_warning() -> None:
    """A remote image is never fetched: the figure keeps its alt text and a warning says why."""
    figure_html = (
        '<figure><img src="https://cdn.example/a.jpg" alt="A harbour at dusk"><figcaption>Dusk.</figcaption></figure>'
    )
    result = parse(_page(figure_html), name="x.html")
    (figure,) = figures(result.document)
    assert isinstance(figure, Figure) and figure.key == "" and figure.alt == "A harbour at dusk"
    assert any("remote images are never fetched" in w for w in result.warnings)


def test_markup_in_text_stays_literal_and_nothing_runs() -> None:
    """Escaped markup is text; scripts, styles, iframes, forms and handlers never reach the model."""
    body = (
        "<p>Authors write &lt;b&gt;tags&lt;/b&gt; and &amp;amp; in prose, plainly and as text.</p>"
        '<p onclick="steal()">Clicking does nothing here <a href="javascript:alert(1)">at all</a>.</p>'
        "<script>document.write('SCRIPT-TEXT')</script><style>.x{content:'STYLE-TEXT'}</style>"
        '<iframe src="https://evil.example/">IFRAME-TEXT</iframe>'
        '<form action="/x"><input value="FORM-VALUE"><textarea>FORM-TEXT</textarea></form>'
    )
    doc = parse(_page(body), name="x.html").document
    text = _model_text(doc)
    assert "Authors write <b>tags</b> and &amp; in prose" in text
    for leaked in ("SCRIPT-TEXT", "STYLE-TEXT", "IFRAME-TEXT", "FORM-VALUE", "FORM-TEXT", "steal()"):
        assert leaked not in text


def test_base_href_resolves_links_but_never_images(tmp_path: Path) -> None:
    """An http(s) ``<base href>`` resolves relative links; a file: one is ignored; images stay local."""
    body = '<p>See <a href="report.html">the report</a> for the figures behind the story today.</p>'
    body += '<figure><img src="chart.png" alt="Chart"></figure>'
    for base, expected in (
        ("https://news.example/a/", "https://news.example/a/report.html"),
        ("file:///etc/", "report.html"),
    ):
        result = parse(_page(body, f'<base href="{base}">'), name="x.html")
        urls = [n.url for s in result.document.sections for n in walk_inlines(s.blocks) if isinstance(n, Link)]
        assert urls == [expected]
        (figure,) = figures(result.document)
        assert figure.src == "chart.png" and figure.key == ""


def test_page_without_an_article_is_a_parse_error() -> None:
    """Navigation and a footer only: one clear ``parse`` line, not an empty document."""
    page = (
        b'<html><body><nav><a href="/">Home</a> <a href="/news">News</a></nav><footer>(c) 2025</footer></body></html>'
    )
    with pytest.raises(ParseError, match="no article found in the page"):
        parse(page, name="nav.html")
    with pytest.raises(ParseError, match="empty"):
        parse(b"   \n", name="blank.htm")


@pytest.mark.parametrize(
    ("raw", "codec", "warned"),
    [
        ("<meta charset='shift_jis'><p>日本語の記事</p>".encode("shift_jis"), "cp932", False),
        ("<meta charset='euc-jp'><p>日本語の記事</p>".encode("euc-jp"), "euc_jp", False),
        ("<meta charset='gb2312'><p>中文新闻报道</p>".encode("gb18030"), "gb18030", False),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><p>Café “quotes”</p>'.encode(
                "cp1252"
            ),
            "cp1252",
            False,
        ),
        (b"\xef\xbb\xbf<meta charset='windows-1252'><p>Caf\xc3\xa9</p>", "utf-8", False),
        (
            "<meta charset='utf-8'><p>日本語の記事です。港湾の関税についての記事。</p>".encode("shift_jis"),
            "cp932",
            True,
        ),
        ("<meta charset='windows-1252'><p>Café</p>".encode(), "utf-8", True),
        ("<p>Café au lait, crème brûlée and more French words.</p>".encode("cp1252"), None, True),
    ],
    ids=["shift_jis", "euc-jp", "gb2312", "latin1-http-equiv", "bom-wins", "wrong-utf8", "utf8-declared-1252", "none"],
)
def test_encodings(raw: bytes, codec: str | None, warned: bool) -> None:
    """The BOM, then the declaration decide; a wrong or missing one falls back to detection, with a warning."""
    decoded = decode_page(raw)
    if codec is not None:
        assert decoded.encoding == codec
    assert bool(decoded.warnings) == warned, decoded.warnings
    assert "\ufffd" not in decoded.text or warned


def test_shift_jis_page_reads_through_the_api() -> None:
    """``exporter.parse(data, name="x.html")`` picks the reader by name; ``.htm`` and ``.xhtml`` too."""
    data = (PAGES / "minato-port.html").read_bytes()
    result = parse(data, name="x.html")
    assert result.document.meta.title == "港湾の自動化、三年で倍増へ"
    assert result.warnings == ()
    for name in ("a.htm", "a.xhtml", "A.HTML"):
        assert reader_for(name) is not None and reader_for(name).name == "html"  # type: ignore[union-attr]


def _hostile() -> dict[str, bytes]:
    article = "<article><h1>Hostile</h1>" + "<p>" + "Words of the article body stay readable. " * 20 + "</p></article>"
    laughs = "".join(f'<!ENTITY l{i} "' + f"&l{i - 1};" * 10 + '">' if i else '<!ENTITY l0 "lol">' for i in range(10))
    return {
        "nested-divs": ("<html><body>" + "<div>" * 1_200_000 + "x" + article).encode(),
        "script-10mb": (
            "<html><body><script>" + "var a=1;" * 1_300_000 + "</script>" + article + "</body></html>"
        ).encode(),
        "billion-laughs": (
            f'<?xml version="1.0"?><!DOCTYPE html [{laughs}<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            f'<html xmlns="http://www.w3.org/1999/xhtml"><body>{article}<p>&l9; &x;</p></body></html>'
        ).encode(),
        "broken-utf8": b"<html><meta charset='utf-8'><body>" + article.encode() + b"\xff\xfe\xc3(</body></html>",
        "utf16-declared": b"<meta charset='utf-16'>" + article.encode("utf-16-le"),
        "nul-bytes": b"<html>\x00<body>" + article.encode() + b"\x00\x01</body></html>",
        "javascript-links": (
            '<html><body><base href="javascript:alert(1)//">'
            + article.replace(
                "</article>", '<p><a href="javascript:alert(2)">x</a> <a href="vbscript:y">y</a></p></article>'
            )
            + "</body></html>"
        ).encode(),
    }


@pytest.mark.parametrize("name", list(_hostile()))
def test_hostile_pages_fail_cleanly_or_read(name: str) -> None:
    """Each hostile page is read or refused with one ExporterError line; never a traceback."""
    data = _hostile()[name]
    try:
        result = parse(data, name=f"{name}.html")
    except ExporterError as exc:
        assert "\n" not in str(exc)
        assert name in ("nested-divs", "utf16-declared"), str(exc)
        return
    text = _model_text(result.document)
    assert "Words of the article body stay readable." in text
    if name == "broken-utf8":
        assert any("replaced by U+FFFD" in w for w in result.warnings), result.warnings
    assert "lollol" not in text and "root:" not in text


@pytest.mark.slow
def test_no_network_while_reading(tmp_path: Path) -> None:
    """Under the audit hook, reading every fixture and hostile page opens no socket and starts no program."""
    from adversarial.runner import NETWORK_EVENTS, PROCESS_EVENTS, cli_env

    log = tmp_path / "audit.jsonl"
    env = cli_env(tmp_path, audit=log)
    env["PYTHONPATH"] += os.pathsep + os.pathsep.join(sys.path)
    script = (
        "import sys\nfrom pathlib import Path\nfrom exporter import parse\n"
        "from exporter.errors import ExporterError\n"
        "for p in sorted(Path(sys.argv[1]).glob('*.html')):\n"
        "    try:\n        parse(p.read_bytes(), name=p.name)\n"
        "    except ExporterError:\n        pass\n"
    )
    pages = tmp_path / "pages"
    pages.mkdir()
    for page in SAVED:
        (pages / page.file).write_bytes((PAGES / page.file).read_bytes())
    for name, data in _hostile().items():
        (pages / f"{name}.html").write_bytes(data)
    subprocess.run([sys.executable, "-c", script, str(pages)], env=env, check=True, timeout=300)
    events = log.read_text().splitlines()
    assert events, "the audit hook saw nothing"
    assert not [e for e in events if any(f'"{kind}' in e for kind in (*NETWORK_EVENTS, *PROCESS_EVENTS))]


@pytest.mark.slow
def test_saved_page_becomes_three_handouts(tmp_path: Path) -> None:
    """Batch mode: a saved page (its images folder beside it) becomes a DOCX, a PDF and an EPUB."""
    from click.testing import CliRunner

    from exporter.cli import cli

    src = tmp_path / "src"
    src.mkdir()
    for item in ("gazette-ports.html", "minato-port.html"):
        (src / item).write_bytes((PAGES / item).read_bytes())
    (src / "gazette-ports_files").mkdir()
    (src / "gazette-ports_files" / "cranes.png").write_bytes(
        (PAGES / "gazette-ports_files" / "cranes.png").read_bytes()
    )
    result = CliRunner().invoke(cli, ["export", str(src), "-o", str(tmp_path / "out"), "-t", "docx,pdf,epub"])
    assert result.exit_code == 0, result.output
    for stem in ("gazette-ports", "minato-port"):
        for fmt in ("docx", "pdf", "epub"):
            assert (tmp_path / "out" / f"{stem}.{fmt}").stat().st_size > 1000


@pytest.mark.slow
def test_dask_reads_html(tmp_path: Path) -> None:
    """The Dask executor reads a saved page as the local one does, byte for byte."""
    from exporter import Settings, export, load_style

    settings = Settings(style=load_style("default"))
    sources = [PAGES / "metro-transit.html", PAGES / "minato-port.html"]
    local = export(sources, formats=("epub",), output_dir=tmp_path / "local", settings=settings, jobs=2)
    dask = export(sources, formats=("epub",), output_dir=tmp_path / "dask", settings=settings, jobs=2, executor="dask")
    assert local.ok and dask.ok
    for source in sources:
        name = source.with_suffix(".epub").name
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()


def test_stray_bytes_are_replaced_not_fatal() -> None:
    """Unlike a text source, a page with a stray byte is read: the declaration holds, the byte is U+FFFD."""
    data = _page("").replace(b"Paragraph 0", "Paragraphe é".encode("cp1252"))
    result = parse(data, name="x.html")
    assert [w for w in result.warnings if "1 byte sequence(s) that are not valid utf-8" in w]
    first = result.document.sections[0].blocks[0]
    assert isinstance(first, Paragraph) and "Paragraphe \ufffd" in _model_text(result.document)
