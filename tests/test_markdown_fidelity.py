"""Markdown fidelity at reader level: each extension becomes the right model nodes; front matter; --smart; warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import DATA, ROOT

from exporter import parse, read_source
from exporter.batch import Settings
from exporter.conversion import read_options
from exporter.errors import MetadataError, ParseError
from exporter.model import (
    Block,
    BulletList,
    Checkbox,
    Code,
    CodeBlock,
    DefinitionList,
    Document,
    Emph,
    Inline,
    Link,
    Note,
    OrderedList,
    Paragraph,
    Rule,
    Strike,
    Strong,
    SubHeading,
    Table,
    Text,
    heading_ids,
    plain_text,
    to_json,
    walk_inlines,
)
from exporter.present.links import LinkPolicy
from exporter.readers.base import ReadOptions, ReadResult
from exporter.readers.markdown import parser
from exporter.style import load_style

CONSTRUCTS_MD = DATA / "constructs.md"


def _read(text: str, name: str = "t.md", **options: object) -> ReadResult:
    return parse(text.encode(), name=name, options=ReadOptions(**options))  # type: ignore[arg-type]


def _md(text: str, **options: object) -> Document:
    return _read(text, "t.md", **options).document


def _blocks(doc: Document) -> tuple[Block, ...]:
    """Every top-level block of the document's sections, in order."""
    return tuple(block for section in doc.sections for block in section.blocks)


def _inlines(doc: Document) -> list[Inline]:
    return [node for section in doc.sections for node in walk_inlines(section.blocks)]


def _first_paragraph(doc: Document) -> Paragraph:
    para = next(b for b in _blocks(doc) if isinstance(b, Paragraph))
    return para


# --- the fixture: every construct -------------------------------------------------------------


@pytest.fixture(scope="module")
def constructs() -> ReadResult:
    return read_source(CONSTRUCTS_MD)


def test_constructs_read_without_warnings(constructs: ReadResult) -> None:
    assert constructs.warnings == ()
    doc = constructs.document
    assert doc.meta.title == "Every Markdown construct the model carries" and doc.meta.kicker == "Fixture"
    assert [p.inlines for p in doc.key_points] == [(Text(text="First key point."),), (Text(text="Second key point."),)]
    assert [(s.heading, s.id) for s in doc.sections] == [
        ("", ""),
        ("Background", "background"),
        ("Tables and lists", "tables-and-lists"),
        ("Background", "background-1"),
    ]


def test_constructs_inline_formatting_links_and_bare_urls(constructs: ReadResult) -> None:
    lead = constructs.document.sections[0].blocks[0]
    assert isinstance(lead, Paragraph)
    kinds = {type(node) for node in lead.inlines}
    assert {Text, Strong, Emph, Code, Strike, Link, Note} <= kinds
    assert Strike(children=(Text(text="struck-through words"),)) in lead.inlines
    links = [node for node in lead.inlines if isinstance(node, Link)]
    assert [(link.url, plain_text(link.children)) for link in links] == [
        ("https://example.org/agency", "link to the agency"),
        ("https://example.org/bare-url", "https://example.org/bare-url"),
        ("#background", "see"),
    ]


def test_constructs_internal_link_reaches_the_background_heading(constructs: ReadResult) -> None:
    doc = constructs.document
    assert {"background", "background-1", "tables-and-lists"} <= heading_ids(doc)
    target = LinkPolicy(heading_ids(doc)).decide("#background")
    assert target.kind == "internal" and target.href == "background"


def test_constructs_footnotes_are_placed_at_each_reference(constructs: ReadResult) -> None:
    lead = constructs.document.sections[0].blocks[0]
    assert isinstance(lead, Paragraph)
    notes = [node for node in lead.inlines if isinstance(node, Note)]
    assert len(notes) == 4  # short, long, inline, short again
    short, long, inline, again = notes
    assert short == again == Note.of("The short footnote.")
    assert inline == Note.of("Inline notes are one paragraph.")
    assert long.blocks == (
        Paragraph.of("The long footnote's first paragraph."),
        Paragraph.of("Its second paragraph, indented to stay in the footnote."),
        CodeBlock(text="a code block inside the footnote"),
    )
    # The note's text is not part of the sentence around it.
    assert "short footnote" not in plain_text(lead.inlines)


def test_constructs_rule_task_list_and_definition_list(constructs: ReadResult) -> None:
    background = constructs.document.sections[1].blocks
    assert background[1] == Rule()
    tasks = background[3]
    assert isinstance(tasks, BulletList)
    assert [item[0] for item in tasks.items] == [
        Paragraph.of(Checkbox(checked=False), "An open task"),
        Paragraph.of(Checkbox(checked=True), "A finished task"),
    ]
    glossary = background[4]
    assert isinstance(glossary, DefinitionList)
    assert [plain_text(item.term) for item in glossary.items] == ["Glossary", "Footnote"]
    assert glossary.items[0].definitions == ((Paragraph.of("A list of terms with their definitions."),),)
    assert glossary.items[1].definitions == (
        (Paragraph.of("A note placed where it is referenced."),),
        (Paragraph.of("Its second definition."), Paragraph.of("With a second paragraph.")),
    )


def test_constructs_aligned_table_and_ordered_lists(constructs: ReadResult) -> None:
    blocks = constructs.document.sections[2].blocks
    table = blocks[0]
    assert isinstance(table, Table)
    assert table.align == ("left", "center", "right", "")
    assert [table.alignment(i) for i in range(5)] == ["left", "center", "right", "", ""]
    zero, paren, outer = blocks[1:4]
    assert isinstance(zero, OrderedList) and zero.start == 0 and zero.delimiter == "." and len(zero.items) == 3
    assert isinstance(paren, OrderedList) and paren.start == 1 and paren.delimiter == ")"
    assert isinstance(outer, OrderedList) and len(outer.items) == 2
    inner = outer.items[0][1]
    assert isinstance(inner, OrderedList) and [plain_text(i[0].inlines) for i in inner.items] == [  # type: ignore[union-attr]
        "Inner one",
        "Inner two",
    ]


def test_constructs_survive_the_json_round_trip(constructs: ReadResult) -> None:
    encoded = to_json(constructs.document)
    assert json.loads(encoded)["schema"] == 3
    assert parse(encoded, name="c.json").document == constructs.document


# --- each construct on its own ----------------------------------------------------------------


def test_parser_is_the_readers_configuration() -> None:
    md = parser()
    assert md is parser()  # built once
    html = md.render("~~x~~ https://example.org [^1]\n\n[^1]: n\n\n<b>raw</b>\n")
    assert "<s>x</s>" in html and 'href="https://example.org"' in html and "footnote" in html
    assert "&lt;b&gt;raw&lt;/b&gt;" in html  # raw HTML stays text
    assert not md.options["typographer"] and parser(("“", "”", "‘", "’")).options["typographer"]


@pytest.mark.parametrize("marker", ["---", "***", "___", "- - -", "  * * *"])
def test_thematic_breaks_are_rules(marker: str) -> None:
    doc = _md(f"# T\n\nBefore.\n\n{marker}\n\nAfter.\n")
    assert _blocks(doc) == (Paragraph.of("Before."), Rule(), Paragraph.of("After."))


@pytest.mark.parametrize(
    ("source", "start", "delimiter"),
    [("0. a\n1. b\n", 0, "."), ("1) a\n2) b\n", 1, ")"), ("7) a\n", 7, ")"), ("3. a\n", 3, ".")],
)
def test_ordered_list_start_and_delimiter(source: str, start: int, delimiter: str) -> None:
    (block,) = _blocks(_md("# T\n\n" + source))
    assert isinstance(block, OrderedList) and (block.start, block.delimiter) == (start, delimiter)


def test_strikethrough_nests_with_other_inlines() -> None:
    para = _first_paragraph(_md("# T\n\n~~a **b** `c`~~ ~not~\n"))
    assert para.inlines[0] == Strike.of("a ", Strong.of("b"), " ", Code(text="c"))
    assert para.inlines[1] == Text(text=" ~not~")  # one tilde is text, as in GFM with markdown-it


@pytest.mark.parametrize(
    ("source", "url"),
    [
        ("See https://example.org/a?b=1 now.", "https://example.org/a?b=1"),
        ("Mail ops@example.org today.", "mailto:ops@example.org"),
        ("In parentheses (https://example.org/x).", "https://example.org/x"),
    ],
)
def test_bare_urls_become_links(source: str, url: str) -> None:
    links = [n for n in _first_paragraph(_md("# T\n\n" + source)).inlines if isinstance(n, Link)]
    assert [link.url for link in links] == [url]


def test_only_urls_with_a_scheme_become_links() -> None:
    doc = _md("# T\n\nREADME.md, Node.js and www.example.org stay text; `https://in.code` too.\n")
    assert not any(isinstance(node, Link) for node in _inlines(doc))


def test_heading_ids_are_github_slugs() -> None:
    source = (
        "# Title\n\n## Hello, World!\n\n## C++ & Rust\n\n## my\\_name and `code`\n\n## Ünïcode 日本語\n\n"
        "### A sub-heading\n\n## Hello, World!\n\n## Hello, World!\n"
    )
    doc = _md(source)
    assert [s.id for s in doc.sections] == [
        "hello-world",
        "c--rust",
        "my_name-and-code",
        "ünïcode-日本語",
        "hello-world-1",
        "hello-world-2",
    ]
    sub = doc.sections[3].blocks[0]
    assert isinstance(sub, SubHeading) and sub.id == "a-sub-heading"


def test_explicit_heading_ids_are_kept_and_reserved() -> None:
    doc = _md("# T\n\n## Intro\n\n## Other words {#intro}\n\n### Deeper {#deep}\n")
    assert [(s.heading, s.id) for s in doc.sections] == [("Intro", "intro-1"), ("Other words", "intro")]
    assert doc.sections[1].blocks == (SubHeading.of("Deeper", level=1, id="deep"),)


def test_heading_ids_do_not_depend_on_smart() -> None:
    source = '# T\n\n## Don\'t -- "panic"...\n'
    assert _md(source).sections[0].id == _md(source, smart=True).sections[0].id == "dont----panic"
    assert _md(source, smart=True).sections[0].heading == "Don’t – “panic”…"


def test_task_list_checkbox_opens_the_first_paragraph_only() -> None:
    doc = _md("# T\n\n1. [X] done\n\n   [ ] not a box here\n2. plain [ ] item\n")
    (block,) = _blocks(doc)
    assert isinstance(block, OrderedList)
    assert block.items[0] == (Paragraph.of(Checkbox(checked=True), "done"), Paragraph.of("[ ] not a box here"))
    assert block.items[1] == (Paragraph.of("plain [ ] item"),)


def test_compact_definition_list() -> None:
    (block,) = _blocks(_md("# T\n\nTerm *one*\n~ First\n~ Second\n"))
    assert isinstance(block, DefinitionList)
    (item,) = block.items
    assert item.term == (Text(text="Term "), Emph.of("one"))
    assert item.definitions == ((Paragraph.of("First"),), (Paragraph.of("Second"),))


def test_footnote_inside_a_footnote_nests() -> None:
    para = _first_paragraph(_md("# T\n\nText.[^a]\n\n[^a]: Outer.[^b]\n\n[^b]: Inner.\n"))
    assert para.inlines[1] == Note.of(Paragraph.of("Outer.", Note.of("Inner.")))


# --- what the model does not carry: one warning naming it -------------------------------------


def test_a_footnote_cited_twice_counts_its_image_once() -> None:
    result = _read("# T\n\nA.[^i] B.[^i]\n\n[^i]: See ![chart](c.png).\n")
    notes = [n for n in _first_paragraph(result.document).inlines if isinstance(n, Note)]
    assert len(notes) == 2 and notes[0] == notes[1] == Note.of(Paragraph.of("See chart."))
    inline = [w for w in result.warnings if w.startswith("image 'c.png' is inside a line of text")]
    assert len(inline) == 1


def test_a_footnote_referring_to_itself_is_kept_as_text_with_a_warning() -> None:
    result = _read("# T\n\nText.[^loop]\n\n[^loop]: Again[^loop].\n")
    para = _first_paragraph(result.document)
    assert para.inlines[1] == Note.of(Paragraph.of("Again[^loop]."))
    assert [w for w in result.warnings if "[^loop]" in w and "its own text" in w]


def test_unreferenced_footnotes_are_named() -> None:
    result = _read("# T\n\nNo reference.\n\n[^spare]: Unused.\n\n[^other]: Unused too.\n")
    assert "2 footnote(s) never referenced, left out: [^spare], [^other]" in result.warnings


def test_footnotes_links_and_strikethrough_in_section_headings_are_named() -> None:
    result = _read("# T\n\n## Costs[^c] and [rates](https://example.org) ~~old~~\n\nText.\n\n[^c]: A note.\n")
    assert result.document.sections[0].heading == "Costs and rates old"
    for what in ("footnote", "link", "strikethrough"):
        assert any(f"{what} in the heading 'Costs and rates old'" in w for w in result.warnings), what
    assert not _read("# T\n\n## The *new* plan\n").warnings  # emphasis only loses its look


def test_a_heading_of_many_spaces_reads_in_linear_time() -> None:
    import time

    started = time.perf_counter()
    doc = _md("# T\n\n## A" + " " * 200_000 + "b {\n")
    assert time.perf_counter() - started < 2.0 and doc.sections[0].heading.endswith("b {")


def test_heading_attributes_other_than_the_id_are_named() -> None:
    result = _read("# T\n\n## Styled {#styled .wide lang=fr}\n")
    assert result.document.sections[0].id == "styled"
    assert any("{#styled .wide lang=fr}" in w and "not carried" in w for w in result.warnings), result.warnings


def test_footnotes_nested_too_deep_are_refused() -> None:
    chain = "".join(f"[^n{i}]: Level {i}.[^n{i + 1}]\n\n" for i in range(12)) + "[^n12]: End.\n"
    with pytest.raises(ParseError, match="footnotes are nested more than"):
        _md("# T\n\nStart.[^n0]\n\n" + chain)


# --- front matter, the way pandoc decides it --------------------------------------------------


def test_dashes_then_a_blank_line_open_with_a_rule() -> None:
    doc = _md("---\n\nThe body after a rule.\n")
    assert _blocks(doc) == (Rule(), Paragraph.of("The body after a rule."))


def test_dashes_around_a_line_are_a_rule_and_a_setext_heading() -> None:
    # CommonMark example 96: <hr /> <h2>Foo</h2> <p>Bar</p>; the only heading is the title.
    result = _read("---\nFoo\n---\nBar\n")
    assert result.document.meta.title == "Foo"
    assert _blocks(result.document) == (Rule(), Paragraph.of("Bar"))
    assert not any("front matter" in w for w in result.warnings)


def test_two_dash_lines_are_two_rules() -> None:
    result = _read("---\n---\n", name="rules.md")
    assert _blocks(result.document) == (Rule(), Rule())
    assert result.document.meta.title == "rules"


def test_a_mapping_of_unknown_keys_is_markdown_with_one_warning() -> None:
    source = "---\nNote: the meeting moved to Friday\n---\n\nBody.\n"
    result = _read(source)
    assert "Note: the meeting moved to Friday" in to_json(result.document).decode()
    assert result.document.meta.title == "Note: the meeting moved to Friday"  # a setext heading, the only one
    assert _blocks(result.document) == (Rule(), Paragraph.of("Body."))
    (warning,) = [w for w in result.warnings if "front matter" in w]
    assert "`Note`" in warning and "read as Markdown" in warning
    with pytest.raises(MetadataError, match="`Note`"):
        _read(source, strict=True)


def test_a_mapping_with_a_known_field_is_front_matter() -> None:
    result = _read("--- \nflavour: vanilla\nmarking: INTERNAL\n...\n# Title\n")
    assert result.document.meta.marking == "INTERNAL" and result.document.meta.title == "Title"
    assert any("unknown field `flavour`" in w for w in result.warnings)
    assert _blocks(result.document) == ()


def test_front_matter_only_at_the_very_top() -> None:
    doc = _md("\n---\ntitle: Not front matter\n---\n")
    assert doc.meta.title == "title: Not front matter"


def test_invalid_yaml_is_markdown_with_a_warning() -> None:
    result = _read("---\nUpdate: see below: details\n---\n# T\n")
    assert "Update: see below: details" in to_json(result.document).decode()
    assert any("not valid YAML" in w and "read as Markdown" in w for w in result.warnings)


def test_plain_text_follows_the_same_front_matter_rule() -> None:
    result = _read("---\nNote: the meeting moved to Friday\n---\nKicker: Headline\n", name="t.txt")
    assert "Note: the meeting moved to Friday" in to_json(result.document).decode()
    assert any("`Note`" in w for w in result.warnings)


# --- --smart ----------------------------------------------------------------------------------

_QUOTED = "She said \"it's 'fine'\" -- twice --- and left..."


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "She said “it’s ‘fine’” – twice — and left…"),
        ("en-GB", "She said “it’s ‘fine’” – twice — and left…"),
        ("de", "She said „it’s ‚fine‘“ – twice — and left…"),
        ("fr", "She said «\u202fit’s “fine”\u202f» – twice — and left…"),
        ("ja", "She said 「it’s 『fine』」 – twice — and left…"),
    ],
)
def test_smart_quotes_follow_the_document_language(language: str, expected: str) -> None:
    front = f"---\nlanguage: {language}\n---\n"
    assert _first_paragraph(_md(f"{front}# T\n\n{_QUOTED}\n", smart=True)).inlines == (Text(text=expected),)
    assert _first_paragraph(_md(f"# T\n\n{_QUOTED}\n", smart=True, lang=language)).inlines == (Text(text=expected),)
    txt = _read(f"{front}Title\n\nHeading\n{_QUOTED}\n", name="t.txt", smart=True).document
    assert txt.sections[0].blocks == (Paragraph.of(expected),)


def test_smart_takes_the_set_language_and_the_detected_one() -> None:
    assert _first_paragraph(_md('# T\n\n"x"\n', smart=True, overrides={"lang": "de"})).inlines == (Text(text="„x“"),)
    doc = _md('# 見出し\n\nこれは日本語の文章です。"引用"です。\n', smart=True)
    assert doc.meta.language == "ja" and _first_paragraph(doc).inlines == (
        Text(text="これは日本語の文章です。「引用」です。"),
    )


def test_smart_is_off_by_default() -> None:
    assert _first_paragraph(_md(f"# T\n\n{_QUOTED}\n")).inlines == (Text(text=_QUOTED),)


def test_smart_leaves_code_escapes_and_urls_alone() -> None:
    source = (
        '# T\n\n"quoted" `"code" -- x` \\"escaped\\" a\\-\\-b [link](https://example.org/a--b) '
        'https://example.org/it\'s--here\n\n```\n"block" -- ...\n```\n\n    "indented" --\n'
    )
    doc = _md(source, smart=True)
    para = _first_paragraph(doc)
    assert para.inlines[0] == Text(text="“quoted” ")
    assert Code(text='"code" -- x') in para.inlines
    assert Text(text=' "escaped" a--b ') in para.inlines
    links = [n for n in para.inlines if isinstance(n, Link)]
    assert [link.url for link in links] == ["https://example.org/a--b", "https://example.org/it's--here"]
    assert plain_text(links[1].children) == "https://example.org/it's--here"
    assert [b for b in _blocks(doc) if isinstance(b, CodeBlock)] == [
        CodeBlock(text='"block" -- ...'),
        CodeBlock(text='"indented" --'),
    ]


def test_smart_front_matter_title_and_plain_text_layout() -> None:
    doc = _md('---\ntitle: The "big" day\nauthor: O\'Brien\n---\nText.\n', smart=True)
    assert doc.meta.title == "The “big” day" and doc.meta.authors == ("O'Brien",)
    # The layout is read before the typography: a closing „…“ quote still ends a sentence, not a heading.
    txt = _md_txt('---\nlanguage: de\n---\nNews: "Titel"\nPunkt.\n\nKurz\nEr sagte "Ja."\n')
    assert txt.meta.kicker == "News" and txt.meta.title == "„Titel“"
    assert txt.sections[0].heading == "Kurz" and txt.sections[0].blocks == (Paragraph.of("Er sagte „Ja.“"),)


def _md_txt(text: str) -> Document:
    return _read(text, name="t.txt", smart=True).document


def test_style_text_smart_reaches_the_reader(tmp_path: Path) -> None:
    style_file = tmp_path / "smart.toml"
    style_file.write_text(f'inherit = "{ROOT / "styles" / "default.toml"}"\n[text]\nsmart = true\n')
    style = load_style(str(style_file))
    assert style.text.smart and not load_style(str(ROOT / "styles" / "default.toml")).text.smart
    assert read_options(Settings(style=style)).smart is True
    assert read_options(Settings(style=style, read_options=ReadOptions(smart=False))).smart is False


def test_cli_smart_flag_and_style(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from exporter.cli import cli

    source = tmp_path / "q.md"
    source.write_text('# T\n\n"quoted"\n', encoding="utf-8")
    style_file = tmp_path / "smart.toml"
    style_file.write_text(f'inherit = "{ROOT / "styles" / "default.toml"}"\n[text]\nsmart = true\n')

    def text_of(*args: str) -> str:
        result = CliRunner().invoke(cli, ["inspect", str(source), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        return str(json.loads(result.stdout)["sections"][0]["blocks"][0]["inlines"][0]["text"])

    assert text_of() == '"quoted"'
    assert text_of("--smart") == "“quoted”"
    assert text_of("-s", str(style_file)) == "“quoted”"
    assert text_of("-s", str(style_file), "--no-smart") == '"quoted"'
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["export", str(source), "-t", "json", "-o", str(out), "--smart", "-q"])
    assert result.exit_code == 0, result.stderr
    assert "“quoted”" in (out / "q.json").read_text(encoding="utf-8")
