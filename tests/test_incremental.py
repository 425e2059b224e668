"""Incremental batches: what a re-run skips and rebuilds, the manifest it keeps, and plain writes (--durable)."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import RICH_MD, SAMPLE_TXT, chart_png, exporter_command
from test_interrupt import SEED, SOURCES, Batch, _stop

from exporter import Settings, export, load_style
from exporter.batch import Report
from exporter.cli import cli
from exporter.incremental import MANIFEST, Manifest
from exporter.style import Style

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _article(i: int) -> str:
    lines = SAMPLE_TXT.read_text(encoding="utf-8").split("\n")
    lines[0] = f"Brief {i}: " + lines[0].split(": ", 1)[1]
    return "\n".join(lines[: 14 + i]) + "\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three plain-text articles and a Markdown one showing a picture from its folder."""
    src = tmp_path / "src"
    src.mkdir()
    for i in range(3):
        (src / f"brief-{i}.txt").write_text(_article(i), encoding="utf-8")
    (src / "chart.png").write_bytes(chart_png())
    (src / "pictured.md").write_text("---\ntitle: Pictured\n---\n\nText.\n\n![A chart](chart.png)\n", encoding="utf-8")
    return src


def _export(
    src: Path, out: Path, style: Style | None = None, formats: tuple[str, ...] = ("json",), *, force: bool = False
) -> Report:
    settings = Settings(style=style or load_style("default"))
    return export([src], formats=formats, output_dir=out, settings=settings, incremental=True, force=force)


def _converted(report: Report) -> set[str]:
    return {Path(s.source).name for s in report.sources}


def _stamps(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.name != MANIFEST}


def _assert_manifest_matches(out: Path) -> None:
    """Every entry names outputs that exist with the recorded size and modification time."""
    manifest = Manifest.load(out)
    assert not manifest.damaged
    for entry in manifest.entries.values():
        for path, size, mtime in entry.outputs.values():
            info = os.stat(path)
            assert (info.st_size, info.st_mtime_ns) == (size, mtime), path


def test_a_rerun_skips_unchanged_sources(folder: Path, tmp_path: Path) -> None:
    """The second run converts nothing, writes nothing and says so."""
    out = tmp_path / "out"
    first = _export(folder, out, formats=("json", "pdf"))
    assert first.ok and len(first.sources) == 4 and first.up_to_date == []
    before = _stamps(out)
    second = _export(folder, out, formats=("json", "pdf"))
    assert second.ok and second.sources == [] and len(second.up_to_date) == 4
    assert second.to_dict()["totals"]["up_to_date"] == 4 and second.to_dict()["totals"]["skipped"] == 0
    assert _stamps(out) == before
    _assert_manifest_matches(out)


def test_a_changed_source_rebuilds_only_its_outputs(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _export(folder, out)
    (folder / "brief-1.txt").write_text(_article(1) + "\nOne more paragraph.\n", encoding="utf-8")
    report = _export(folder, out)
    assert _converted(report) == {"brief-1.txt"} and len(report.up_to_date) == 3
    _assert_manifest_matches(out)


def test_a_changed_picture_rebuilds_the_source_showing_it(folder: Path, tmp_path: Path) -> None:
    """A file the read touched is part of what the outputs were made from."""
    out = tmp_path / "out"
    _export(folder, out)
    (folder / "chart.png").write_bytes(chart_png()[:-12] + b"\x00" * 12)
    assert _converted(_export(folder, out)) == {"pictured.md"}


def test_a_missing_picture_that_appears_rebuilds(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (folder / "chart.png").unlink()
    _export(folder, out)
    assert _converted(_export(folder, out)) == set()
    (folder / "chart.png").write_bytes(chart_png())
    assert _converted(_export(folder, out)) == {"pictured.md"}


def test_a_style_change_rebuilds_everything(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _export(folder, out)
    report = _export(folder, out, style=load_style("a4-ministry"))
    assert len(report.sources) == 4 and report.up_to_date == []


def test_a_change_in_a_file_the_style_names_rebuilds_everything(folder: Path, tmp_path: Path) -> None:
    """The style's logo changes, its TOML does not: every source is rebuilt."""
    styles = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", styles)
    out = tmp_path / "out"
    _export(folder, out, style=load_style(str(styles / "a4-ministry.toml")))
    assert _export(folder, out, style=load_style(str(styles / "a4-ministry.toml"))).sources == []
    logo = styles / "a4-ministry-logo.svg"
    logo.write_text(logo.read_text(encoding="utf-8").replace("</svg>", "<!-- new --></svg>"), encoding="utf-8")
    report = _export(folder, out, style=load_style(str(styles / "a4-ministry.toml")))
    assert len(report.sources) == 4


def test_other_options_rebuild_everything(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _export(folder, out)
    settings = Settings(style=load_style("default"))
    settings = Settings(style=settings.style, read_options=settings.read_options.__class__(lang="fr"))
    report = export([folder], formats=["json"], output_dir=out, settings=settings, incremental=True)
    assert len(report.sources) == 4


def test_another_day_rebuilds_undated_sources_only(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An undated source takes today's date; a dated one (front matter) does not depend on the day."""
    (folder / "pictured.md").write_text("---\ntitle: Dated\ndate: 2024-05-01\n---\n\nText.\n", encoding="utf-8")
    out = tmp_path / "out"
    _export(folder, out)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1738972800 + 86400))
    report = _export(folder, out)
    assert _converted(report) == {"brief-0.txt", "brief-1.txt", "brief-2.txt"}


def test_deleted_outputs_are_rebuilt(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _export(folder, out, formats=("json", "pdf"))
    (out / "brief-2.pdf").unlink()
    (out / "brief-0.json").write_text("{}")  # replaced by hand: size and time no longer match
    assert _converted(_export(folder, out, formats=("json", "pdf"))) == {"brief-0.txt", "brief-2.txt"}
    assert (out / "brief-2.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"format": 1, "entries": {"x": 3}}', b"[1, 2]"])
def test_a_damaged_manifest_means_rebuild(folder: Path, tmp_path: Path, damage: bytes) -> None:
    out = tmp_path / "out"
    _export(folder, out)
    (out / MANIFEST).write_bytes(damage)
    report = _export(folder, out)
    assert len(report.sources) == 4 and report.ok
    _assert_manifest_matches(out)
    assert len(Manifest.load(out).entries) == 4


def test_force_rebuilds_and_records_anew(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _export(folder, out)
    assert len(_export(folder, out, force=True).sources) == 4
    assert _export(folder, out).sources == []


def test_a_failed_source_is_not_recorded(folder: Path, tmp_path: Path) -> None:
    (folder / "broken.txt").write_bytes(b"")  # an empty source is an error
    out = tmp_path / "out"
    first = _export(folder, out)
    assert not first.ok
    second = _export(folder, out)
    assert _converted(second) == {"broken.txt"} and len(second.up_to_date) == 4


def test_outputs_whose_source_is_gone_are_listed(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("export", folder, "-o", out, "-t", "json", "--incremental", "-q").exit_code == 0
    (folder / "brief-2.txt").unlink()
    result = run("export", folder, "-o", out, "-t", "json", "--incremental", "--report", tmp_path / "r.json")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["orphans"] == [str((out / "brief-2.json").resolve())]
    assert report["totals"]["up_to_date"] == 3 and report["totals"]["converted"] == 0
    assert "3 up to date" in result.stderr and "1 output(s) whose source is gone" in result.stderr
    assert f"whose source is gone: {(out / 'brief-2.json').resolve()}" in result.stderr


@pytest.mark.parametrize("style_name", ["default", "a4-ministry"])
def test_a_new_process_skips_too(folder: Path, tmp_path: Path, style_name: str) -> None:
    """The run key does not depend on the process (its hash seed): a second command skips every source."""
    out = tmp_path / "out"
    args = [*exporter_command(), "export", str(folder), "-o", str(out), "-t", "json", "-s", style_name]
    for seed, expected in (("1", "4 converted"), ("2", "4 up to date")):
        done = subprocess.run(
            [*args, "--incremental"], capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed}
        )
        assert done.returncode == 0 and expected in done.stderr, done.stderr


@pytest.mark.parametrize("target", ["brief.pdf", "-"])
def test_incremental_needs_an_output_directory(target: str, tmp_path: Path) -> None:
    result = run("export", SAMPLE_TXT, "-o", target, "-t", "pdf", "--incremental")
    assert result.exit_code == 2 and "--incremental needs an output directory" in result.stderr
    assert "Traceback" not in result.output


def test_force_goes_with_incremental(tmp_path: Path) -> None:
    result = run("export", RICH_MD, "-o", tmp_path, "--force")
    assert result.exit_code == 2 and "--force goes with --incremental" in result.stderr


@pytest.mark.parametrize("durable", [False, True])
def test_writes_fsync_only_when_durable(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, durable: bool
) -> None:
    """Without --durable no file is fsynced and the batch ends with one os.sync(); with it each file and folder."""
    calls: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        calls.append("fsync")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "sync", lambda: calls.append("sync"))
    args: list[str | Path] = ["export", folder, "-o", tmp_path / "out", "-t", "json", "-q", "-j", "1"]
    assert run(*args, *(["--durable"] if durable else [])).exit_code == 0
    if durable:
        assert calls == ["fsync"] * 8  # four files, each with its folder
    else:
        assert calls == ["sync"]


@pytest.fixture(scope="module")
def incremental_batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    """The interruption tests' folder, exported once with --incremental."""
    batch = Batch(tmp_path_factory.mktemp("incremental-interrupt"), extra=("--incremental",))
    out = batch.base / "reference"
    started = time.perf_counter()
    proc = batch.start(out)
    _, err = proc.communicate(timeout=300)
    batch.seconds = time.perf_counter() - started
    assert proc.returncode == 0, err.decode()
    batch.reference = batch.finals(out)
    _assert_manifest_matches(out)
    return batch


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_an_interrupted_incremental_batch_leaves_whole_files_and_a_true_manifest(
    incremental_batch: Batch, sig: signal.Signals
) -> None:
    """Interrupted anywhere: only whole files, every manifest entry matches its files, the next run finishes it."""
    batch = incremental_batch
    rng = random.Random(SEED + sig)
    for n in range(2):
        out = batch.base / f"{sig.name}-{n}"
        # Half of the runs start over an up-to-date copy with two sources changed since.
        if n:
            shutil.copytree(batch.base / "reference", out)
            for name in ("brief-03.txt", "brief-17.txt"):
                path = batch.src / name
                path.write_text(path.read_text(encoding="utf-8") + f"\nAdded {sig.name}.\n", encoding="utf-8")
        proc = batch.start_running(out)
        time.sleep(rng.uniform(0.0, batch.seconds * 0.8))
        code, err = _stop(proc, sig)
        assert "Traceback" not in err, err
        if sig == signal.SIGINT:
            assert code in (130, 0) and batch.temps(out) == []
        if not n:
            batch.assert_complete(out)
        _assert_manifest_matches(out)
        again = batch.start(out)
        _, err_bytes = again.communicate(timeout=300)
        assert again.returncode == 0, err_bytes.decode()
        _assert_manifest_matches(out)
        assert len(Manifest.load(out).entries) == SOURCES
        if n:  # the changed sources were rebuilt, whatever the interruption left
            reference = batch.finals(batch.base / "reference")
            finals = batch.finals(out)
            assert finals["brief-03.pdf"] != reference["brief-03.pdf"]
            assert finals["brief-05.pdf"] == reference["brief-05.pdf"]
            for name in ("brief-03.txt", "brief-17.txt"):
                path = batch.src / name
                path.write_text(path.read_text(encoding="utf-8").rsplit("\nAdded", 1)[0], encoding="utf-8")
