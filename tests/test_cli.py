"""The command line, driven through click's CliRunner: commands, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import JAPANESE_TXT, ROOT, SAMPLE_MD, SAMPLE_TXT

from exporter import __version__
from exporter.cli import cli
from exporter.fsio import TEMP_MARK
from exporter.model import SCHEMA_VERSION


def run(*args: str | Path, cwd: Path | None = None) -> Result:
    """Invoke the CLI in-process; stderr is kept apart from stdout."""
    runner = CliRunner()
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)
    finally:
        os.chdir(old)


def one_error_line(result: Result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output + result.stderr
    return lines[0]


def test_inspect_prints_the_model() -> None:
    result = run("inspect", SAMPLE_TXT)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["meta"]["kicker"] == "Investment" and data["meta"]["language"] == "en"
    assert len(data["key_points"]) == 5 and len(data["sections"]) == 5
    assert len(data["commentary"]["sections"]) == 3


def test_inspect_of_inspect_output_is_identical(tmp_path: Path) -> None:
    first = run("inspect", SAMPLE_MD)
    (tmp_path / "doc.json").write_text(first.stdout, encoding="utf-8")
    second = run("inspect", tmp_path / "doc.json")
    assert second.exit_code == 0 and second.stdout == first.stdout


def test_inspect_japanese() -> None:
    data = json.loads(run("inspect", JAPANESE_TXT).stdout)
    assert data["meta"]["language"] == "ja" and data["commentary"]["title"] == "論評"


def test_export_directory_mirrors_paths_and_writes_atomically(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("export", ROOT / "sources", "-t", "json", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert (out / "japan-us-summit.json").is_file()
    assert (out / "markdown" / "japan-us-summit.json").is_file()
    assert not [p for p in out.rglob("*") if TEMP_MARK in p.name]


def test_export_set_and_lang_override_metadata(tmp_path: Path) -> None:
    result = run(
        "export",
        SAMPLE_TXT,
        "-t",
        "json",
        "-o",
        tmp_path,
        "--set",
        "to=Minister",
        "--set",
        "date=2025-01-02",
        "--lang",
        "en-GB",
    )
    assert result.exit_code == 0
    data = json.loads((tmp_path / "japan-us-summit.json").read_text())
    assert data["meta"]["memo"]["to"] == "Minister" and data["meta"]["date"] == "2025-01-02"
    assert data["meta"]["language"] == "en-GB"


def test_export_replaces_existing_files(tmp_path: Path) -> None:
    (tmp_path / "japan-us-summit.json").write_text("old")
    assert run("export", SAMPLE_TXT, "-t", "json", "-o", tmp_path).exit_code == 0
    assert json.loads((tmp_path / "japan-us-summit.json").read_text())["schema"] == SCHEMA_VERSION


def test_collisions_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x.txt").write_text("Title\nBody text here.\n")
    (tmp_path / "b" / "x.md").write_text("# Title\n")
    out = tmp_path / "out"
    result = run("export", tmp_path / "a" / "x.txt", tmp_path / "b" / "x.md", "-t", "json", "-o", out)
    assert result.exit_code == 1
    line = one_error_line(result)
    assert "a/x.txt" in line and "b/x.md" in line
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"  \n \t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8"),
        ("Caf\u00e9 au lait\n".encode("latin-1"), "offset 3"),
    ],
)
def test_bad_sources_give_one_line_and_exit_1(tmp_path: Path, content: bytes, message: str) -> None:
    source = tmp_path / "bad.txt"
    source.write_bytes(content)
    out = tmp_path / "out"
    result = run("export", source, "-t", "json", "-o", out)
    assert result.exit_code == 1
    line = one_error_line(result)
    assert str(source) in line and message in line
    assert not (out / "bad.json").exists()


def test_directory_without_sources(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run("export", tmp_path / "empty", "-t", "json", "-o", tmp_path / "out")
    assert result.exit_code == 1 and "no source files" in one_error_line(result)


def test_one_bad_source_fails_alone(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.txt").write_text("Title\nBody text here.\n")
    (src / "bad.txt").write_bytes(b"")
    result = run("export", src, "-t", "json", "-o", tmp_path / "out", "-q")
    assert result.exit_code == 1
    assert (tmp_path / "out" / "good.json").is_file() and not (tmp_path / "out" / "bad.json").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "x.txt", "-t", "nope"], "unknown format 'nope'"),
        (["export"], "Missing argument"),
        (["export", "x.txt", "--overflow", "maybe"], "--overflow"),
        (["export", "x.txt", "-t", "json", "--set", "novalue"], "KEY=VALUE"),
        (["frobnicate"], "No such command"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in one_error_line(result)


def test_unknown_style_key_is_one_line(tmp_path: Path) -> None:
    style = tmp_path / "mine.toml"
    style.write_text(f'inherit = "{ROOT / "styles" / "default.toml"}"\n[roles.body]\nweight = 3\n')
    result = run("export", SAMPLE_TXT, "-t", "json", "-o", tmp_path / "out", "-s", style)
    assert result.exit_code == 1
    line = one_error_line(result)
    assert "roles.body.weight" in line and "mine.toml" in line


def test_output_dir_that_is_a_file_or_symlink(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("export", SAMPLE_TXT, "-t", "json", "-o", blocker)
    assert result.exit_code == 1 and "not a directory" in one_error_line(result)
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "elsewhere").mkdir()
    result = run("export", SAMPLE_TXT, "-t", "json", "-o", link)
    assert result.exit_code == 1 and "symbolic link" in one_error_line(result)
    assert not any((tmp_path / "elsewhere").iterdir())


def test_output_file_or_folder_linked_outside_is_refused(tmp_path: Path) -> None:
    """An output that is a symbolic link, or in a linked folder, leading out of -o: one line, nothing written."""
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "japan-us-summit.json").symlink_to(outside / "stolen.json")
    result = run("export", SAMPLE_TXT, "-t", "json", "-o", out)
    assert result.exit_code == 1 and "would leave the output directory" in one_error_line(result)
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "sub" / "a.txt").write_text(SAMPLE_TXT.read_text(encoding="utf-8"), encoding="utf-8")
    (out / "sub").symlink_to(outside, target_is_directory=True)
    result = run("export", tree, "-t", "json", "-o", out)
    assert result.exit_code == 1 and "would leave the output directory" in one_error_line(result)
    assert not any(outside.iterdir())


def test_listing_commands() -> None:
    formats = run("formats")
    assert formats.exit_code == 0 and "json" in formats.stdout.split()
    styles = run("styles")
    names = {line.split()[0] for line in styles.stdout.splitlines()}
    assert {"default", "a4-ministry"} <= names
    schema = json.loads(run("schema").stdout)
    assert "Document" in schema["$defs"]
    version = run("--version")
    assert __version__ in version.stdout


def test_styles_found_from_any_directory(tmp_path: Path) -> None:
    result = run("export", SAMPLE_TXT, "-t", "json", "-o", tmp_path / "o", "-s", "a4-ministry", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr


def test_warnings_go_to_stderr_and_quiet_silences_them(tmp_path: Path) -> None:
    source = tmp_path / "w.md"
    source.write_text("---\nflavour: x\n---\n# T\n\ntext\n")
    loud = run("export", source, "-t", "json", "-o", tmp_path / "o")
    assert loud.exit_code == 0 and "flavour" in loud.stderr
    quiet = run("export", source, "-t", "json", "-o", tmp_path / "o", "-q")
    assert quiet.exit_code == 0 and quiet.stderr == ""
    strict = run("export", source, "-t", "json", "-o", tmp_path / "o2", "--strict")
    assert strict.exit_code == 1 and "flavour" in one_error_line(strict)


def test_read_only_output_dir_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    try:
        result = run("export", SAMPLE_TXT, "-t", "json", "-o", out)
        assert result.exit_code == 1 and "not writable" in one_error_line(result)
        assert not any(out.iterdir())
    finally:
        out.chmod(0o755)


def test_stale_temp_files_of_dead_runs_are_removed(tmp_path: Path) -> None:
    stale = tmp_path / f".japan-us-summit.json{TEMP_MARK}999999999-abcd"
    stale.write_bytes(b"partial")
    assert run("export", SAMPLE_TXT, "-t", "json", "-o", tmp_path).exit_code == 0
    assert not stale.exists()
    assert (tmp_path / "japan-us-summit.json").is_file()


def test_hostile_source_names_stay_inside_the_output_dir(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    names = ["..txt", "CON.txt", "a:b.txt", "back\\slash.txt", "trailing..txt", ("x" * 250) + ".txt"]
    for name in names:
        (src / name).write_text("Title\nBody text here.\n")
    out = tmp_path / "out"
    result = run("export", *(src / name for name in names), "-t", "json", "-o", out)
    assert result.exit_code == 0, result.stderr
    written = list(tmp_path.rglob("*.json"))
    assert len(written) == len(names)
    assert all(out.resolve() in p.resolve().parents for p in written)
    assert all(len(p.name.encode()) <= 255 for p in written)


# --- -o like pandoc: a directory, a file that picks the format, or - for stdout ----------------


def test_output_file_picks_the_format_and_writes_one_file(tmp_path: Path) -> None:
    target = tmp_path / "brief.pdf"
    result = run("export", SAMPLE_TXT, "-o", target)
    assert result.exit_code == 0, result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["brief.pdf"]
    assert target.read_bytes().startswith(b"%PDF-")
    assert result.stderr == f"exporter: wrote {target}\n" and result.stdout == ""
    again = run("export", SAMPLE_TXT, "-o", tmp_path / "sub" / "BRIEF.JSON", "-t", "json", "-q")
    assert again.exit_code == 0 and again.stderr == "" and (tmp_path / "sub" / "BRIEF.JSON").is_file()


def test_output_dash_writes_one_format_to_stdout(tmp_path: Path) -> None:
    import io
    import zipfile

    result = run("export", SAMPLE_TXT, "-t", "epub", "-o", "-", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    data = result.stdout_bytes
    assert data.startswith(b"PK") and result.stderr == ""
    with zipfile.ZipFile(io.BytesIO(data)) as epub:
        first = epub.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert epub.read("mimetype") == b"application/epub+zip" and epub.testzip() is None
    assert list(tmp_path.iterdir()) == []  # nothing written to the current directory
    verbose = run("export", SAMPLE_TXT, "-t", "json", "-o", "-", "-v")
    assert json.loads(verbose.stdout)["meta"]["kicker"] == "Investment"  # -v details stay on stderr
    assert "exporter: wrote stdout (" in verbose.stderr


def test_a_directory_output_prints_one_line_per_file(tmp_path: Path) -> None:
    result = run("export", SAMPLE_TXT, "-t", "json,epub", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"exporter: wrote {tmp_path / 'out' / 'japan-us-summit.json'}",
        f"exporter: wrote {tmp_path / 'out' / 'japan-us-summit.epub'}",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "x.pdf", "-t", "docx"], "-t can only be pdf"),
        (["-o", "x.pdf", "-t", "pdf,docx"], "-t can only be pdf"),
        (["-o", "-"], "exactly one format"),
        (["-o", "-", "-t", "pdf,epub"], "exactly one format"),
        (["-o", "x.pdf", SAMPLE_MD], "exactly one source file, not 2 sources"),
        (["-o", "-", "-t", "json", SAMPLE_MD], "exactly one source file, not 2 sources"),
    ],
)
def test_output_file_and_stdout_misuse_is_a_usage_error(tmp_path: Path, args: list[str], message: str) -> None:
    result = run("export", SAMPLE_TXT, *args, cwd=tmp_path)
    assert result.exit_code == 2
    assert message in one_error_line(result) and "usage error" in one_error_line(result)
    assert list(tmp_path.iterdir()) == [] and result.stdout == ""


def test_a_directory_source_with_an_output_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run("export", ROOT / "sources", "-o", tmp_path / "x.json")
    assert result.exit_code == 2 and "not a directory" in one_error_line(result)


def test_an_output_file_that_is_a_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "odd.pdf").mkdir()
    result = run("export", SAMPLE_TXT, "-o", tmp_path / "odd.pdf")
    assert result.exit_code == 1 and "is a directory" in one_error_line(result)


def test_only_the_output_files_own_stale_temps_are_removed(tmp_path: Path) -> None:
    mine = tmp_path / f".brief.json{TEMP_MARK}999999999-abcd"
    other = tmp_path / "deeper" / f".other.json{TEMP_MARK}999999999-abcd"
    other.parent.mkdir()
    mine.write_bytes(b"partial")
    other.write_bytes(b"partial")
    assert run("export", SAMPLE_TXT, "-o", tmp_path / "brief.json").exit_code == 0
    assert not mine.exists() and other.exists()
