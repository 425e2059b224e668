"""The Python API and the one error boundary: plugin failures, options per format, a model that refuses mistakes."""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
from collections.abc import Callable
from pathlib import Path

import plugins
import pytest
from click.testing import CliRunner, Result
from helpers import SAMPLE_TXT

import exporter
from exporter.batch import Settings, export
from exporter.cli import cli
from exporter.errors import ExporterError, ParseError, RenderError, UsageError
from exporter.model import (
    BulletList,
    Code,
    Document,
    Emph,
    Link,
    Meta,
    OrderedList,
    Paragraph,
    Part,
    Quote,
    Section,
    Strong,
    SubHeading,
    Table,
    Text,
)
from exporter.pipeline import render_options
from exporter.renderers.base import DocxRenderOptions, EpubRenderOptions, PdfRenderOptions, RenderOptions
from exporter.style import Style


def _cli(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _errors(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("exporter: error:")]


# --- one error boundary -----------------------------------------------------------------------


def test_a_failing_renderer_plugin_is_code_render_in_the_api(fake_plugins: None, sample_txt_doc: Document) -> None:
    with pytest.raises(RenderError) as info:
        exporter.render(sample_txt_doc, "boom")
    error = info.value
    assert error.code == "render" and isinstance(error.__cause__, RuntimeError)
    assert (
        "\n" not in str(error) and "boom renderer" in str(error) and "RuntimeError: boom in the renderer" in str(error)
    )


def test_a_failing_reader_plugin_is_code_parse_in_the_api(fake_plugins: None) -> None:
    with pytest.raises(ParseError) as info:
        exporter.parse(b"anything", name="x.boom")
    assert info.value.code == "parse" and isinstance(info.value.__cause__, RuntimeError)
    assert "boomsrc reader" in str(info.value)


def test_a_failing_renderer_plugin_in_the_cli_and_the_report(fake_plugins: None, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = _cli("export", SAMPLE_TXT, "-t", "boom,json", "-o", tmp_path / "out", "--report", report, "-j", "1")
    assert result.exit_code == 1
    assert len(_errors(result)) == 1 and "boom in the renderer" in _errors(result)[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert (tmp_path / "out" / "japan-us-summit.json").is_file()  # the other format is still written
    data = json.loads(report.read_text())
    boom, ok = data["sources"][0]["outputs"]
    assert (boom["format"], boom["status"], boom["code"]) == ("boom", "failed", "render")
    assert ok["status"] == "ok" and "traceback" not in boom and "internal" not in report.read_text()


def test_verbose_prints_the_original_traceback(fake_plugins: None, tmp_path: Path) -> None:
    result = _cli("export", SAMPLE_TXT, "-t", "boom", "-o", tmp_path, "-v", "-j", "1")
    assert result.exit_code == 1 and len(_errors(result)) == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: boom in the renderer" in result.stderr and "plugins.py" in result.stderr


def test_a_failing_reader_plugin_in_the_batch_report(fake_plugins: None, tmp_path: Path, default_style: Style) -> None:
    source = tmp_path / "x.boom"
    source.write_text("whatever")
    report = export([source], formats=["json"], output_dir=tmp_path / "out", settings=Settings(style=default_style))
    record = report.sources[0]
    assert (record.status, record.code) == ("failed", "parse") and "RuntimeError" in record.traceback
    result = _cli("export", source, "-t", "json", "-o", tmp_path / "out")
    assert result.exit_code == 1 and len(_errors(result)) == 1 and "boomsrc reader" in _errors(result)[0]


@pytest.mark.parametrize("error", [KeyboardInterrupt, SystemExit])
def test_interrupts_pass_through_the_boundary(
    fake_plugins: None, monkeypatch: pytest.MonkeyPatch, sample_txt_doc: Document, error: type[BaseException]
) -> None:
    monkeypatch.setattr(plugins.BoomRenderer, "error", error)
    with pytest.raises(error):
        exporter.render(sample_txt_doc, "boom")


def test_ctrl_c_in_a_renderer_still_exits_130(
    fake_plugins: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(plugins.BoomRenderer, "error", KeyboardInterrupt)
    result = _cli("export", SAMPLE_TXT, "-t", "boom", "-o", tmp_path, "-j", "1")
    assert result.exit_code == 130 and "interrupted" in result.stderr


def test_no_internal_code_is_left() -> None:
    root = Path(exporter.__file__).parent
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        # A code of "internal" assigned anywhere (a link kind may well be called "internal").
        assert not re.search(r'code\b[^\n]*=[^\n]*"internal"', text) and "internal error" not in text, path


# --- options per format -----------------------------------------------------------------------


def test_each_format_declares_its_options_record() -> None:
    assert dataclasses.fields(RenderOptions) == ()  # the shared record's dead fields are gone
    assert render_options("pdf", {"overflow": "pages"}) == PdfRenderOptions(overflow="pages")
    assert render_options("docx", {"overflow": "pages"}) == DocxRenderOptions()
    assert render_options("epub") == EpubRenderOptions() and type(render_options("json")) is RenderOptions
    with pytest.raises(UsageError, match="docx format has no option 'overflow'"):
        render_options("docx", {"overflow": "pages"}, strict=True)
    with pytest.raises(UsageError, match="overflow must be"):
        PdfRenderOptions(overflow="maybe")  # type: ignore[arg-type]


def test_render_takes_the_formats_options(sample_txt_doc: Document) -> None:
    assert exporter.render(sample_txt_doc, "pdf", overflow="truncate").data.startswith(b"%PDF-")
    assert exporter.render(sample_txt_doc, "json", options=RenderOptions()).data.startswith(b"{")
    with pytest.raises(UsageError, match="pdf format takes PdfRenderOptions, not DocxRenderOptions"):
        exporter.render(sample_txt_doc, "pdf", options=DocxRenderOptions())
    with pytest.raises(UsageError, match="no option 'overflow'"):
        exporter.render(sample_txt_doc, "epub", overflow="pages")


def test_a_plugin_without_an_options_type_gets_the_plain_record(
    fake_plugins: None, sample_txt_doc: Document, tmp_path: Path
) -> None:
    assert exporter.render(sample_txt_doc, "echo").data == sample_txt_doc.meta.title.encode()
    result = _cli("export", SAMPLE_TXT, "-t", "echo", "-o", tmp_path, "--overflow", "pages", "-j", "1")
    assert result.exit_code == 0, result.stderr
    assert plugins.EchoRenderer.seen == [RenderOptions(), RenderOptions()]


def test_every_error_has_a_documented_code() -> None:
    readme = (Path(exporter.__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    codes = {cls.code for cls in _subclasses(ExporterError)} - {"error"}
    for code in codes:
        assert f"`{code}`" in readme, code


def _subclasses(cls: type[ExporterError]) -> set[type[ExporterError]]:
    out: set[type[ExporterError]] = set()
    for sub in cls.__subclasses__():
        out |= {sub} | _subclasses(sub)
    return out


# --- a model that refuses mistakes at construction --------------------------------------------


@pytest.mark.parametrize(
    ("build", "field", "expected"),
    [
        (lambda: Paragraph("hello"), "Paragraph.inlines", "tuple[Inline, ...]"),  # type: ignore[arg-type]
        (lambda: Meta(title="T", date="2025-01-01"), "Meta.date", "datetime.date"),  # type: ignore[arg-type]
        (lambda: Meta(title="T", date=datetime.datetime(2025, 1, 1, 9, 0)), "Meta.date", "datetime.date"),
        (lambda: Section(heading=1), "Section.heading", "str"),  # type: ignore[arg-type]
        (lambda: Paragraph(inlines=[Text("x")]), "Paragraph.inlines", "tuple[Inline, ...]"),  # type: ignore[arg-type]
        (lambda: Paragraph(inlines=(Text("x"), "y")), "Paragraph.inlines[1]", "Inline"),  # type: ignore[arg-type]
        (lambda: BulletList(items=((Paragraph.of("a"), "b"),)), "BulletList.items[0][1]", "Block"),  # type: ignore[arg-type]
        (lambda: OrderedList(items=(), start=True), "OrderedList.start", "int"),
        (lambda: Document(meta=None), "Document.meta", "Meta"),  # type: ignore[arg-type]
        (lambda: Section.of("H", Text("not a block")), "Section.blocks[0]", "Block"),  # type: ignore[arg-type]
        (lambda: Document.of(title="T", sections=["not a section"]), "Document.sections[0]", "Section"),  # type: ignore[list-item]
    ],
)
def test_wrong_types_are_refused_at_construction(build: Callable[[], object], field: str, expected: str) -> None:
    with pytest.raises(TypeError) as info:
        build()
    message = str(info.value)
    assert message.startswith(f"{field}: expected {expected}"), message


def test_the_messages_say_how_to_fix_it() -> None:
    with pytest.raises(TypeError, match=r"got str 'hello'; Paragraph.of\(\.\.\.\) builds one from text"):
        Paragraph("hello")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"fromisoformat"):
        Meta(title="T", date="2025-01-01")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="give a tuple, not a list"):
        Paragraph(inlines=[Text("x")])  # type: ignore[arg-type]


def test_decoded_json_with_wrong_types_still_names_the_path() -> None:
    with pytest.raises(ParseError, match=r"\$\.meta\.title"):
        exporter.parse('{"meta": {"title": 1, "date": "2025-01-01"}}', name="x.json")


def test_parse_takes_text_as_well_as_bytes() -> None:
    doc = exporter.parse("# T\n\nx", name="x.md").document
    assert doc.meta.title == "T" and doc == exporter.parse(b"# T\n\nx", name="x.md").document
    assert exporter.parse("Kicker: Title\n\nBody.", name="x.txt").document.meta.kicker == "Kicker"
    with pytest.raises(TypeError, match="bytes or str, not int"):
        exporter.parse(3, name="x.md")  # type: ignore[arg-type]


def test_short_constructors_build_the_long_form() -> None:
    short = Document.of(
        title="Summit",
        date=datetime.date(2025, 2, 8),
        key_points=["One", "Two"],
        sections=[
            Section.of("", "Lead.", Paragraph.of("See ", Strong.of("this"), " and ", Link.of("https://e.org"))),
            Section.of("Lists", BulletList.of("a", ["b", "c"]), OrderedList.of("x", start=3), Quote.of("q")),
            Section.of("Table", Table.of(["A", Emph.of("B")], ["1", ["2", Code("x")]]), SubHeading.of("Sub", level=2)),
        ],
        commentary=Part.of("Commentary", Section.of("View", "Ours.")),
        authors=["A. Writer"],
        language="de",
    )
    p = Paragraph
    long = Document(
        meta=Meta(title="Summit", date=datetime.date(2025, 2, 8), authors=("A. Writer",), language="de"),
        key_points=(p(inlines=(Text(text="One"),)), p(inlines=(Text(text="Two"),))),
        sections=(
            Section(
                heading="",
                blocks=(
                    p(inlines=(Text(text="Lead."),)),
                    p(
                        inlines=(
                            Text(text="See "),
                            Strong(children=(Text(text="this"),)),
                            Text(text=" and "),
                            Link(url="https://e.org", children=(Text(text="https://e.org"),)),
                        )
                    ),
                ),
            ),
            Section(
                heading="Lists",
                blocks=(
                    BulletList(
                        items=(
                            (p(inlines=(Text(text="a"),)),),
                            (p(inlines=(Text(text="b"),)), p(inlines=(Text(text="c"),))),
                        )
                    ),
                    OrderedList(items=((p(inlines=(Text(text="x"),)),),), start=3),
                    Quote(blocks=(p(inlines=(Text(text="q"),)),)),
                ),
            ),
            Section(
                heading="Table",
                blocks=(
                    Table(
                        header=((Text(text="A"),), (Emph(children=(Text(text="B"),)),)),
                        rows=(((Text(text="1"),), (Text(text="2"), Code(text="x"))),),
                    ),
                    SubHeading(level=2, inlines=(Text(text="Sub"),)),
                ),
            ),
        ),
        commentary=Part(
            title="Commentary", sections=(Section(heading="View", blocks=(p(inlines=(Text(text="Ours."),)),)),)
        ),
    )
    assert short == long


def test_a_document_built_in_code_renders() -> None:
    doc = Document.of(title="Built in code", sections=[Section.of("Background", "A paragraph.")])
    assert doc.meta.date == datetime.date(2025, 2, 8)  # SOURCE_DATE_EPOCH, as for an undated source
    assert exporter.render(doc, "docx").data.startswith(b"PK")
    assert exporter.parse(exporter.render(doc, "json").data, name="x.json").document == doc
