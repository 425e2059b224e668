"""The Python API and the one error boundary: plugin failures, options per format, a model that refuses mistakes."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import plugins
import pytest
from click.testing import CliRunner, Result
from helpers import SAMPLE_TXT

import exporter
from exporter.batch import Settings, export
from exporter.cli import cli
from exporter.errors import ExporterError, ParseError, RenderError, UsageError
from exporter.model import Document
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
        assert '"internal"' not in text and "internal error" not in text, path


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


def _subclasses(cls: type) -> set[type]:
    out = set()
    for sub in cls.__subclasses__():
        out |= {sub} | _subclasses(sub)
    return out
