"""Readers: the plain-text layout, Markdown with front matter, the model's JSON, encodings."""

from __future__ import annotations

import datetime
import json
import re

import msgspec
import pytest
from helpers import JAPANESE_TXT, SAMPLE_MD, SAMPLE_TXT

from exporter import parse, read_source
from exporter.errors import EncodingError, ExporterError, MetadataError, ParseError
from exporter.model import (
    BulletList,
    Code,
    CodeBlock,
    Document,
    Emph,
    LineBreak,
    Link,
    OrderedList,
    Paragraph,
    Quote,
    Section,
    Strong,
    SubHeading,
    Table,
    Text,
    to_json,
)
from exporter.readers.base import ReadOptions, decode, detect_language
from exporter.readers.plaintext import is_heading, split_kicker


def _md(text: str, **options: object) -> Document:
    return parse(text.encode(), name="t.md", options=ReadOptions(**options)).document  # type: ignore[arg-type]


def _txt(text: str, **options: object) -> Document:
    return parse(text.encode(), name="t.txt", options=ReadOptions(**options)).document  # type: ignore[arg-type]


def _plain(doc: Document) -> list[str]:
    return [p.inlines[0].text for p in doc.key_points]  # type: ignore[union-attr]


# --- the plain-text layout --------------------------------------------------------------------


def test_sample_txt_structure(sample_txt_doc: Document) -> None:
    doc = sample_txt_doc
    assert doc.meta.kicker == "Investment"
    assert doc.meta.title.startswith("Japanese PM Ishiba reaffirms massive investments")
    assert doc.meta.language == "en"
    assert len(doc.key_points) == 5
    assert [s.heading for s in doc.sections] == [
        "Strengthening Japan’s Economic Commitments to the US",
        "Collaboration in AI and Semiconductor Development",
        "Enhancing Energy Security and LNG Exports",
        "Commitment to Regional Security",
        "Addressing Challenges in China and North Korea",
    ]
    assert doc.commentary is not None and doc.commentary.title == "Commentary"
    assert len(doc.commentary.sections) == 3
    assert doc.meta.date == datetime.date(2025, 2, 8)  # from SOURCE_DATE_EPOCH (conftest)


def _without_ids(sections: tuple[Section, ...]) -> tuple[Section, ...]:
    return tuple(msgspec.structs.replace(section, id="") for section in sections)


def test_sample_markdown_matches_the_plain_text(sample_txt_doc: Document, sample_md_doc: Document) -> None:
    # Only Markdown headings have ids (plain text has no links to point at them).
    assert sample_md_doc.key_points == sample_txt_doc.key_points
    assert _without_ids(sample_md_doc.sections) == sample_txt_doc.sections
    assert sample_md_doc.sections[0].id == "strengthening-japans-economic-commitments-to-the-us"
    assert sample_md_doc.commentary is not None and sample_txt_doc.commentary is not None
    assert _without_ids(sample_md_doc.commentary.sections) == sample_txt_doc.commentary.sections
    meta = sample_md_doc.meta
    assert meta.kicker == "Investment" and meta.title == sample_txt_doc.meta.title
    assert meta.date == datetime.date(2025, 2, 8)
    assert meta.marking == "INTERNAL" and meta.memo.to and meta.memo.from_ and meta.source.url.startswith("https://")


def test_every_source_line_is_kept(sample_txt_doc: Document) -> None:
    source = SAMPLE_TXT.read_text(encoding="utf-8")
    text = to_json(sample_txt_doc).decode()
    for line in source.splitlines():
        if line.strip():
            assert json.dumps(line.strip().removeprefix("Investment: "), ensure_ascii=False)[1:-1] in text


def test_japanese_article(japanese_doc: Document) -> None:
    doc = japanese_doc
    assert doc.meta.language == "ja"
    assert doc.meta.kicker == "投資"
    assert len(doc.key_points) == 5
    assert doc.sections[0].heading == "対米経済関与の強化"
    assert len(doc.sections) == 5
    assert doc.commentary is not None and doc.commentary.title == "論評"
    assert [s.heading for s in doc.commentary.sections] == [
        "日米経済関係への大胆な構想",
        "貿易赤字への対応とエネルギー安全保障",
        "地域の安定と結束",
    ]


@pytest.mark.parametrize(
    "marker", ["Commentary", "ANALYSIS:", "Opinion", "editorial", "Our view", "論評", "解説：", "所感"]
)
def test_commentary_markers(marker: str) -> None:
    doc = _txt(f"Title line\nPoint one.\n\nSection\nBody text.\n{marker}\nView\nCommentary text.\n")
    assert doc.commentary is not None
    assert doc.commentary.title == marker.rstrip(":：")
    assert [s.heading for s in doc.commentary.sections] == ["View"]


def test_heading_rule() -> None:
    assert is_heading("A Short Heading")
    assert not is_heading("A sentence that ends with a full stop.")
    assert not is_heading("He said “this is the end.”")
    assert not is_heading("日本語の文です。")
    assert is_heading("日本語の見出し")
    assert not is_heading(" ".join(["word"] * 13))


def test_kicker_rule() -> None:
    assert split_kicker("Investment: Big news") == ("Investment", "Big news")
    assert split_kicker("投資：大きなニュース") == ("投資", "大きなニュース")
    assert split_kicker("This is far too long a kicker to be one: headline") == (
        "",
        "This is far too long a kicker to be one: headline",
    )
    assert split_kicker("No colon here") == ("", "No colon here")


def test_plain_text_front_matter_and_bullets() -> None:
    doc = _txt("---\nmarking: SECRET\nto: [Desk A, Desk B]\n---\nK: Title\n- one\n• two\n\nLead para.\n- x\n- y\n")
    assert doc.meta.marking == "SECRET" and doc.meta.memo.to == "Desk A; Desk B"
    assert _plain(doc) == ["one", "two"]
    assert doc.sections[0].heading == ""
    assert isinstance(doc.sections[0].blocks[1], BulletList)


def test_plain_text_without_blank_line_has_no_key_points() -> None:
    doc = _txt("Title\nFirst paragraph here.\nSecond paragraph here.")
    assert doc.key_points == ()
    assert len(doc.sections[0].blocks) == 2


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_nodes(rich_doc: Document) -> None:
    doc = rich_doc
    assert doc.meta.authors == ("A. Writer", "B. Editor") and doc.meta.tags == ("tables", "lists")
    assert len(doc.key_points) == 2
    lead = doc.sections[0]
    assert lead.heading == ""
    inlines = lead.blocks[0].inlines  # type: ignore[union-attr]
    kinds = {type(i) for i in inlines}
    assert {Text, Emph, Strong, Code, Link, LineBreak} <= kinds
    link = next(i for i in inlines if isinstance(i, Link))
    assert link.url == "https://example.org/a?b=1&c=2"
    lists = doc.sections[1]
    ordered = lists.blocks[0]
    assert isinstance(ordered, OrderedList) and ordered.start == 1 and len(ordered.items) == 3
    nested = ordered.items[1][1]
    assert isinstance(nested, BulletList) and isinstance(nested.items[1][1], OrderedList)
    assert any(isinstance(b, SubHeading) and b.level == 1 for b in lists.blocks)
    assert any(isinstance(b, SubHeading) and b.level == 2 for b in lists.blocks)
    tables = doc.sections[2]
    table = next(b for b in tables.blocks if isinstance(b, Table))
    assert len(table.header) == 3 and len(table.rows) == 3
    quote = next(b for b in tables.blocks if isinstance(b, Quote))
    assert isinstance(quote.blocks[1], Quote)
    code = next(b for b in tables.blocks if isinstance(b, CodeBlock))
    assert code.language == "python" and "<b>{name}</b> & co" in code.text
    assert doc.commentary is not None and doc.commentary.title == "Opinion"


def test_markdown_raw_html_is_literal_text() -> None:
    doc = _md("# T\n\n<div>block <b>html</b></div>\n\ninline <script>alert(1)</script> &bogus; AT&T\n")
    text = to_json(doc).decode()
    assert "<div>block <b>html</b></div>" in text
    assert "<script>alert(1)</script> &bogus; AT&T" in text


def test_markdown_images_keep_alt_text_with_warning() -> None:
    result = parse(b"# T\n\n![a chart](x.png) and ![](file:///etc/passwd)\n", name="t.md")
    assert "a chart" in to_json(result.document).decode()
    assert any("image" in w for w in result.warnings)


def test_markdown_unsafe_links_stay_inert_text() -> None:
    doc = _md("# T\n\n[x](javascript:alert(1)) and [y](https://ok.example)\n")
    para = doc.sections[0].blocks[0]
    assert isinstance(para, Paragraph)
    links = [i for i in para.inlines if isinstance(i, Link)]
    assert [link.url for link in links] == ["https://ok.example"]
    assert "[x](javascript:alert(1))" in to_json(doc).decode()


def test_markdown_title_fallbacks() -> None:
    assert _md("### Only a deep heading\n\ntext\n").meta.title == "Only a deep heading"
    result = parse(b"just text\n", name="my-notes.md")
    assert result.document.meta.title == "my-notes"
    assert any("file name" in w for w in result.warnings)
    doc = _md("# Title\n\n# Second top\n\ntext\n\n### Sub\n")
    assert doc.meta.title == "Title" and [s.heading for s in doc.sections] == ["Second top"]


def test_markdown_commentary_heading_starts_the_part() -> None:
    doc = _md("# T\n\n## Facts\n\nA.\n\n## Analysis\n\n## One\n\nB.\n\n## Two\n\nC.\n")
    assert [s.heading for s in doc.sections] == ["Facts"]
    assert doc.commentary is not None and doc.commentary.title == "Analysis"
    assert [s.heading for s in doc.commentary.sections] == ["One", "Two"]


def test_markdown_key_points_need_a_simple_list() -> None:
    assert len(_md("# T\n\n## Highlights\n\n- a\n- b\n").key_points) == 2
    doc = _md("# T\n\n## Highlights\n\nIntro para.\n\n- a\n")
    assert doc.key_points == () and doc.sections[0].heading == "Highlights"


def test_markdown_deep_nesting_is_refused_not_truncated() -> None:
    deep = "".join("  " * i + "- item\n" for i in range(100))
    with pytest.raises(ParseError, match="nested"):
        _md("# T\n\n" + deep)
    with pytest.raises(ParseError, match="nested"):
        _md("# T\n\n" + ">" * 200 + " text\n")


# --- front matter -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "field"),
    [
        ("title: yes", "title"),
        ("date: not-a-date", "date"),
        ("title: [a, b]", "title"),
        ("kicker: null", "kicker"),
        ("tags: [a, 3]", "tags[1]"),
        ("memo: 3", "memo"),
        ("language: 'not a tag!'", "language"),
    ],
)
def test_front_matter_type_errors_name_the_field(front: str, field: str) -> None:
    with pytest.raises(MetadataError, match=re.escape(f"`{field}`")):
        _md(f"---\n{front}\n---\n# T\n")


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("---\nx: !!python/object/apply:os.system [echo hi]\n---\n# T\n", "constructor"),
        (
            "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\ntags: *b\n---\n# T\n",
            "alias",
        ),
    ],
)
def test_front_matter_yaml_refuses_is_markdown_with_a_warning(source: str, problem: str) -> None:
    # Pandoc's rule: a --- block that is not a YAML mapping is Markdown. Nothing is constructed or expanded.
    result = parse(source.encode(), name="t.md")
    assert any(problem in w and "read as Markdown" in w for w in result.warnings), result.warnings
    assert result.document.meta.title == "T" and result.document.meta.tags == ()
    with pytest.raises(MetadataError, match=problem):
        parse(source.encode(), name="t.md", options=ReadOptions(strict=True))


def test_front_matter_without_a_closing_line_is_markdown() -> None:
    doc = _md("---\ntitle: Other\n# T\n")
    assert doc.meta.title == "T"
    assert "title: Other" in to_json(doc).decode()


def test_front_matter_unknown_fields_warn_or_fail_when_strict() -> None:
    result = parse(b"---\nflavour: vanilla\n---\n# T\n", name="t.md")
    assert any("flavour" in w for w in result.warnings)
    with pytest.raises(MetadataError, match="flavour"):
        parse(b"---\nflavour: vanilla\n---\n# T\n", name="t.md", options=ReadOptions(strict=True))


def test_overrides_and_language_option() -> None:
    doc = _txt("Title\nBody line here.", overrides={"to": "Minister", "date": "2024-12-31", "marking": "X"}, lang="fr")
    assert doc.meta.memo.to == "Minister" and doc.meta.date == datetime.date(2024, 12, 31)
    assert doc.meta.marking == "X" and doc.meta.language == "fr"
    with pytest.raises(MetadataError, match="unknown field `colour`"):
        _txt("Title\n", overrides={"colour": "red"})


# --- JSON -------------------------------------------------------------------------------------


def test_json_source_reproduces_inspect_output_exactly(sample_txt_doc: Document) -> None:
    encoded = to_json(sample_txt_doc)
    assert to_json(parse(encoded, name="x.json").document) == encoded


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ('{"schema": 1, "meta": {"title": "a", "title": "b"}}', "twice"),
        ('{"schema": 1, "meta": {"title": NaN}}', "NaN"),
        ('{"schema": 1, "meta": {"title": "a"}, "x": ' + "1" * 5000 + "}", "digits"),
        ('{"schema": 1}', "meta"),
        ('{"schema": 1, "meta": {"title": 3}}', r"\$\.meta\.title"),
        ('{"schema": 4, "meta": {"title": "a"}}', "schema"),
        ("[" * 100_000, "nested too deeply"),
        ("{", "not valid JSON"),
        ("[1, 2]", "object"),
    ],
)
def test_json_errors(payload: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse(payload.encode(), name="x.json")


def test_json_unknown_fields_and_lone_surrogates() -> None:
    payload = b'{"schema": 1, "meta": {"title": "a\\ud800b", "mood": 1}, "extra": []}'
    result = parse(payload, name="x.json")
    assert result.document.meta.title == "ab"
    assert any("$.meta.mood" in w for w in result.warnings) and any("$.extra" in w for w in result.warnings)
    assert any("removed 1 character" in w for w in result.warnings)
    with pytest.raises(ParseError, match="mood"):
        parse(payload, name="x.json", options=ReadOptions(strict=True))


# --- bytes, encodings, language ---------------------------------------------------------------


def test_encodings() -> None:
    text = "Title\nBody é 日本\n"
    for data in (
        text.encode("utf-8"),
        b"\xef\xbb\xbf" + text.encode(),
        text.encode("utf-16"),
        text.encode("utf-16-be"),
    ):
        if data.startswith(b"T\x00") or data.startswith(b"\x00T"):
            continue  # UTF-16 without a BOM is not accepted
        assert decode(data) == text
    assert decode(b"a\r\nb\rc") == "a\nb\nc"
    with pytest.raises(EncodingError, match="offset 5"):
        decode(b"Title\n"[:5] + "é".encode("latin-1"))
    with pytest.raises(EncodingError, match="UTF-32"):
        decode(text.encode("utf-32"))


@pytest.mark.parametrize("data", [b"", b"   \n\t\n", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(128, 256))])
@pytest.mark.parametrize("name", ["x.txt", "x.md", "x.json"])
def test_empty_and_binary_sources_are_errors(data: bytes, name: str) -> None:
    with pytest.raises(ExporterError):
        parse(data, name=name)


def test_control_characters_are_removed_with_a_count() -> None:
    result = parse(b"Title\x00 here\nPoint\x08 one\x0b.\n\nBody\x0c text.\n", name="x.txt")
    assert "\x00" not in to_json(result.document).decode()
    assert any("removed 4 character" in w for w in result.warnings)
    assert result.document.meta.title == "Title here"


def test_language_detection() -> None:
    assert detect_language("Plain English text") == "en"
    assert detect_language("日本語の文章です。Trump と Ishiba") == "ja"


def test_read_source_refuses_directories_and_devices(tmp_path: object) -> None:
    from pathlib import Path

    base = Path(str(tmp_path))
    (base / "d.txt").mkdir()
    with pytest.raises(ExporterError, match="directory"):
        read_source(base / "d.txt")
    with pytest.raises(ExporterError, match="regular file"):
        read_source("/dev/zero", source_format="txt")
    big = base / "big.txt"
    big.write_bytes(b"Title\n" + b"x" * 100)
    with pytest.raises(ExporterError, match="max-input-bytes"):
        read_source(big, max_input_bytes=50)


def test_sample_files_exist_and_are_sources() -> None:
    assert SAMPLE_TXT.is_file() and SAMPLE_MD.is_file() and JAPANESE_TXT.is_file()


def test_80000_key_points_read_in_under_a_second() -> None:
    # The one timing bound of the suite (issue 11 asks for it): slicing the rest off line by line made
    # this take ~17 s. Linear code takes ~0.2 s here. The best of five runs is timed in this process's CPU
    # time, so other processes on a busy machine do not fail it; and 8 times the lines must cost less than
    # 32 times the time (quadratic code: 64 times).
    import time

    def best(lines: int) -> float:
        data = ("Kicker: Headline\n" + "- a key point\n" * lines + "\nHeading\nA body paragraph.\n").encode()
        times = []
        for _ in range(5):
            started = time.process_time()
            doc = parse(data, name="many.txt").document
            times.append(time.process_time() - started)
            assert len(doc.key_points) == lines and doc.sections[0].heading == "Heading"
        return min(times)

    small, large = best(10_000), best(80_000)
    assert large < 1.0, f"80,000 key points took {large:.2f} s"
    assert large < 32 * small, f"8x the lines took {large / small:.0f}x the time"


def test_markdown_joins_a_long_run_of_texts_once() -> None:
    doc = _md("# T\n\n" + "line\n" * 5000 + "*x*\n\nz")
    inlines = doc.sections[0].blocks[0].inlines  # type: ignore[union-attr]
    assert inlines[0] == Text(text="line " * 4999 + "line ") and isinstance(inlines[1], Emph)


def test_sanitising_skips_the_walk_only_when_nothing_needs_removing() -> None:
    from exporter.sanitize import may_need_cleaning

    assert not may_need_cleaning({"a": ("plain", "tab\tand\nlines", "日本語", "back\\slash")})
    for bad in ("\x00", "\x08", "\x0c", "\x1f", "\x7f", "\x85", "\ufffe", "\uffff", "\ud800"):
        assert may_need_cleaning({"a": ("ok", f"x{bad}y")}), repr(bad)
