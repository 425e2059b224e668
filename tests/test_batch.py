"""Batch conversion: parallel jobs, report, fail-fast, collisions, the Python API and the Dask executor."""

from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import JAPANESE_TXT, RICH_MD, SAMPLE_TXT

from exporter import Settings, export, load_style
from exporter.batch import Job, split_tasks
from exporter.cli import cli
from exporter.fsio import TEMP_MARK

FORMATS = ("docx", "pdf", "epub")


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _short_article(i: int) -> str:
    lines = SAMPLE_TXT.read_text(encoding="utf-8").split("\n")
    body = lines[: lines.index("Collaboration in AI and Semiconductor Development")]
    body[0] = f"Brief {i}: {body[0].split(': ', 1)[1]}"
    return "\n".join(body) + "\n"


@pytest.fixture(scope="module")
def folder_300(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 short articles, three of them broken (empty, Latin-1, bad front matter)."""
    src = tmp_path_factory.mktemp("batch300")
    for i in range(297):
        (src / f"a{i:03d}.txt").write_text(_short_article(i), encoding="utf-8")
    (src / "a-empty.txt").write_bytes(b"")
    (src / "a-latin1.txt").write_bytes("Caf\u00e9 noir\n".encode("latin-1"))
    (src / "a-front.md").write_text("---\ntitle: yes\n---\n# T\n", encoding="utf-8")
    return src


@pytest.mark.slow
def test_300_articles_with_3_broken(folder_300: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    report_file = tmp_path / "report.json"
    result = run("export", folder_300, "-o", out, "-j", "2", "--report", report_file)
    assert result.exit_code == 1
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == 297 * 3
    assert not [p for p in out.iterdir() if TEMP_MARK in p.name]
    errors = [line for line in result.stderr.splitlines() if line.startswith("exporter: error:")]
    assert len(errors) == 3 and all("a-" in line for line in errors)
    assert "297 converted, 3 failed" in result.stderr
    report = json.loads(report_file.read_text())
    totals = report["totals"]
    assert (totals["sources"], totals["converted"], totals["failed"], totals["outputs_written"]) == (300, 297, 3, 891)
    failed = {Path(s["source"]).name: s for s in report["sources"] if s["status"] != "ok"}
    assert set(failed) == {"a-empty.txt", "a-latin1.txt", "a-front.md"}
    assert failed["a-latin1.txt"]["code"] == "encoding" and "offset" in failed["a-latin1.txt"]["error"]
    assert failed["a-front.md"]["code"] == "metadata" and "title" in failed["a-front.md"]["error"]
    ok = next(s for s in report["sources"] if s["status"] == "ok")
    for output in ok["outputs"]:
        data = Path(output["path"]).read_bytes()
        assert output["bytes"] == len(data) and output["sha256"] == hashlib.sha256(data).hexdigest()
    pdf = next(o for o in ok["outputs"] if o["format"] == "pdf")
    assert pdf["facts"]["pages"] == 1 and pdf["facts"]["body_size"] >= 8


def test_fail_fast_stops_early(folder_300: Path, tmp_path: Path) -> None:
    report_file = tmp_path / "report.json"
    result = run("export", folder_300, "-o", tmp_path / "out", "-j", "1", "--fail-fast", "--report", report_file)
    assert result.exit_code == 1
    totals = json.loads(report_file.read_text())["totals"]
    # The broken sources sort first: a serial run stops at the very first one.
    assert (totals["failed"], totals["converted"], totals["skipped"]) == (1, 0, 299)
    parallel = run("export", folder_300, "-o", tmp_path / "out2", "-j", "2", "--fail-fast", "--report", report_file)
    assert parallel.exit_code == 1
    totals = json.loads(report_file.read_text())["totals"]
    assert totals["failed"] >= 1 and totals["skipped"] > 250


def test_parallel_output_equals_serial(tmp_path: Path) -> None:
    sources = [SAMPLE_TXT, RICH_MD, JAPANESE_TXT]
    style = load_style("default")
    serial = export(sources, formats=FORMATS, output_dir=tmp_path / "s", settings=Settings(style=style), jobs=1)
    parallel = export(sources, formats=FORMATS, output_dir=tmp_path / "p", settings=Settings(style=style), jobs=2)
    lone = export([SAMPLE_TXT], formats=FORMATS, output_dir=tmp_path / "l", settings=Settings(style=style), jobs=2)
    assert serial.ok and parallel.ok and lone.ok
    for rel in [p.relative_to(tmp_path / "s") for p in (tmp_path / "s").rglob("*.*")]:
        assert (tmp_path / "s" / rel).read_bytes() == (tmp_path / "p" / rel).read_bytes()
    for fmt in FORMATS:
        name = f"japan-us-summit.{fmt}"
        assert (tmp_path / "l" / name).read_bytes() == (tmp_path / "s" / name).read_bytes()
    assert [Path(s.source).name for s in parallel.sources] == [p.name for p in sources]


def test_a_lone_source_spreads_its_formats_over_workers() -> None:
    job = Job(Path("a.txt"), tuple((f, Path(f"a.{f}")) for f in FORMATS))
    tasks = split_tasks([job], workers=2)
    assert sorted(t.formats for t in tasks) == [("docx", "epub"), ("pdf",)]
    assert [t.formats for t in split_tasks([job, job], workers=2)] == [FORMATS, FORMATS]


def test_a_failed_format_fails_only_that_output(tmp_path: Path) -> None:
    src = tmp_path / "arabic.txt"
    src.write_text("Title \u0645\u0631\u062d\u0628\u0627\nPoint.\n\nBody text here.\n", encoding="utf-8")
    result = run("export", src, "-o", tmp_path / "out", "-j", "2")
    assert result.exit_code == 1
    assert "-> pdf" in result.stderr and "U+0645" in result.stderr
    assert (tmp_path / "out" / "arabic.docx").is_file() and (tmp_path / "out" / "arabic.epub").is_file()
    assert not (tmp_path / "out" / "arabic.pdf").exists()


def test_quiet_batches_print_nothing_and_summaries_otherwise(tmp_path: Path) -> None:
    loud = run("export", SAMPLE_TXT, RICH_MD, "-t", "json", "-o", tmp_path / "a")
    assert loud.exit_code == 0 and "2 source(s): 2 converted, 0 failed" in loud.stderr
    assert "articles/s" in loud.stderr
    quiet = run("export", SAMPLE_TXT, RICH_MD, "-t", "json", "-o", tmp_path / "b", "-q")
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_scheduler_needs_the_dask_executor() -> None:
    result = run("export", SAMPLE_TXT, "-t", "json", "--scheduler", "tcp://127.0.0.1:1")
    assert result.exit_code == 2 and "--executor dask" in result.stderr


@pytest.mark.slow
def test_dask_executor_is_byte_identical_to_local(tmp_path: Path) -> None:
    sources = [SAMPLE_TXT, RICH_MD, JAPANESE_TXT, tmp_path / "missing.txt"]
    style = load_style("default")
    settings = Settings(style=style)
    local = export(sources[:3], formats=FORMATS, output_dir=tmp_path / "local", settings=settings, jobs=2)
    dask = export(
        sources[:3], formats=FORMATS, output_dir=tmp_path / "dask", settings=settings, jobs=2, executor="dask"
    )
    assert local.ok and dask.ok
    files = sorted(p.relative_to(tmp_path / "local") for p in (tmp_path / "local").rglob("*.*"))
    assert len(files) == 9
    for rel in files:
        assert (tmp_path / "dask" / rel).read_bytes() == (tmp_path / "local" / rel).read_bytes(), rel
    broken = export(sources[3:], formats=FORMATS, output_dir=tmp_path / "x", settings=settings, executor="dask")
    assert not broken.ok and broken.sources[0].error == "no such file"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from exporter.batch import SourceRecord
    from exporter.console import Console

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    console = Console(verbose=False, quiet=False)
    console.start(3)
    for i in range(3):
        console.done(SourceRecord(source=f"s{i}.txt"))
    console.finish()
    assert "exporting" in terminal.getvalue() and "3/3" in terminal.getvalue()

    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    console = Console(verbose=False, quiet=False)
    console.start(3)
    console.done(SourceRecord(source="s.txt"))
    console.finish()
    assert piped.getvalue() == ""
    quiet = Console(verbose=False, quiet=True)
    monkeypatch.setattr(sys, "stderr", terminal)
    quiet.start(3)
    assert quiet.bar is None
