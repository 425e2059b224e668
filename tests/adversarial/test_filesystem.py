"""The file-system rows of the table: hostile names, collisions, output dirs, 1 bad in 100, special files."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest

from exporter.fsio import TEMP_MARK

from .cases import FORMATS, article
from .runner import CliRun, run_cli

pytestmark = pytest.mark.slow

ALL = ",".join(FORMATS)
_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _write(path: Path, title: str = "Title line") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(article(path.suffix[1:], title, ["Body text of the article."]))


def _error_lines(run: CliRun) -> list[str]:
    return [line for line in run.stderr.splitlines() if line.startswith("exporter: error:")]


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() or p.is_symlink()) if root.exists() else []


def _assert_writes_inside(run: CliRun, out: Path) -> None:
    stray = [p for p in run.writes() if not p.startswith(str(out) + "/") and p != str(out)]
    assert stray == [], stray


HOSTILE_NAMES = [
    "..txt",
    "back\\slash.txt",
    "a:b.md",
    "CON.txt",
    "nul.json",
    "trailing..txt",
    "Space trailing .md",
    "inv\u202etxt.exe.txt",
    "new\nline.txt",
    "esc\x1b[31mred.md",
    "ünïcödé.json",
    "x" * 251 + ".txt",
    "d" * 100 + "/" + "e" * 100 + "/" + "f" * 100 + "/deep.md",
]


def test_hostile_source_names_stay_inside_the_output_dir(tmp_path: Path) -> None:
    """Every output is inside the output dir, under a portable name; nothing is written anywhere else."""
    src = tmp_path / "src"
    for name in HOSTILE_NAMES:
        _write(src / name)
    # Named one by one: a directory walk would skip "..txt" as a hidden file.
    run = run_cli(["export", *(f"src/{name}" for name in HOSTILE_NAMES), "-o", "out", "-t", ALL, "-q"], cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    out = (tmp_path / "out").resolve()
    written = _files(out)
    assert len(written) == len(HOSTILE_NAMES) * len(FORMATS)
    for path in written:
        assert out in path.resolve().parents
        rel = path.relative_to(out)
        for part in rel.parts:
            assert len(part.encode()) <= 255
            assert not set(part) & _BIDI, part
            assert not any(unicodedata.category(ch) == "Cc" for ch in part), part
            assert part not in (".", "..") and not part.endswith((".", " "))
            assert part.split(".")[0].upper() not in ("CON", "PRN", "AUX", "NUL")
    assert not [p for p in written if TEMP_MARK in p.name]
    assert [p for p in _files(tmp_path) if p.suffix in (".docx", ".pdf", ".epub")] == written
    _assert_writes_inside(run, out)


COLLIDING = {
    "nfc-nfd": ("caf\u00e9.txt", "cafe\u0301.md"),
    "case": ("Report.txt", "report.md"),
    "unsafe-char": ("a:b.txt", "a_b.md"),
    "reserved": ("CON.txt", "_CON.md"),
    "extension": ("same.txt", "same.json"),
    "bidi": ("x\u202ey.txt", "x_y.md"),
    "truncated": ("y" * 210 + "1.txt", "y" * 210 + "2.md"),
}


@pytest.mark.parametrize("pair", COLLIDING.values(), ids=COLLIDING.keys())
def test_two_sources_for_one_output_fail_before_anything_is_written(tmp_path: Path, pair: tuple[str, str]) -> None:
    """A collision is one error naming both sources, exit 1, and no file written at all."""
    for name in pair:
        _write(tmp_path / "src" / name)
    run = run_cli(["export", "src", "-o", "out", "-t", ALL], cwd=tmp_path)
    assert run.returncode == 1
    errors = _error_lines(run)
    assert len(errors) == 1, run.stderr
    assert "would both be written" in errors[0]
    assert _files(tmp_path / "out") == []
    assert [p for p in run.writes() if "/out" in p and not p.endswith("/out")] == []


def _fonts_read(run: CliRun) -> list[str]:
    return [p for p in run.reads() if p.endswith((".ttf", ".otf"))]


@pytest.mark.parametrize("kind", ["read-only", "file", "symlink"])
def test_unusable_output_dir_fails_before_rendering(tmp_path: Path, kind: str) -> None:
    """A read-only dir, a file, or a symlink pointing elsewhere: one error, nothing rendered or written."""
    _write(tmp_path / "src" / "a.txt")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    if kind == "read-only":
        out.mkdir()
        out.chmod(0o555)
    elif kind == "file":
        out.write_text("not a directory")
    else:
        out.symlink_to(elsewhere, target_is_directory=True)
    try:
        run = run_cli(["export", "src", "-o", "out", "-t", ALL], cwd=tmp_path)
    finally:
        if kind == "read-only":
            out.chmod(0o755)
    assert run.returncode == 1
    errors = _error_lines(run)
    assert len(errors) == 1, run.stderr
    assert {"read-only": "not writable", "file": "not a directory", "symlink": "symbolic link"}[kind] in errors[0]
    assert _fonts_read(run) == [], "the PDF was being rendered"
    assert _files(elsewhere) == []
    if kind == "read-only":
        assert _files(out) == []
    # At most an attempt to create the output dir itself.
    assert [p for p in run.writes() if p != str(out)] == []


def test_missing_output_dir_is_created(tmp_path: Path) -> None:
    """A missing output dir (several levels) is created and filled."""
    _write(tmp_path / "src" / "a.txt")
    run = run_cli(["export", "src", "-o", "new/deeper/out", "-t", ALL], cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert [p.name for p in _files(tmp_path / "new")] == ["a.docx", "a.epub", "a.pdf"]


def test_symlinks_inside_the_output_dir_are_not_followed(tmp_path: Path) -> None:
    """A symlinked subdir of the output dir, or a symlink at an output path, is refused before any write."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    victim = tmp_path / "victim.docx"
    victim.write_text("precious")
    _write(tmp_path / "src" / "top.txt")
    _write(tmp_path / "src" / "sub" / "inner.txt")
    out = tmp_path / "out"
    out.mkdir()
    (out / "sub").symlink_to(elsewhere, target_is_directory=True)
    (out / "top.docx").symlink_to(victim)
    for args in (["src"], ["src/top.txt"]):
        run = run_cli(["export", *args, "-o", "out", "-t", ALL], cwd=tmp_path)
        assert run.returncode == 1
        errors = _error_lines(run)
        assert len(errors) == 1 and "would leave the output directory" in errors[0], run.stderr
        assert _files(elsewhere) == []
        assert victim.read_text() == "precious"
        assert sorted(p.name for p in out.iterdir()) == ["sub", "top.docx"]
        assert [p for p in run.writes() if p != str(out.resolve())] == []


def test_one_bad_source_among_100(tmp_path: Path) -> None:
    """99 sources written in every format, one error line, a summary, exit 1; no temp file left."""
    src = tmp_path / "src"
    for i in range(99):
        _write(src / f"a{i:02d}.txt", title=f"Article {i}")
    (src / "a50-bad.md").write_bytes(b"---\ntitle: [not, text]\n---\n# T\n")
    run = run_cli(["export", "src", "-o", "out", "-t", ALL], cwd=tmp_path)
    assert run.returncode == 1
    errors = _error_lines(run)
    assert len(errors) == 1 and "a50-bad.md" in errors[0] and "`title`" in errors[0]
    assert "99 converted, 1 failed" in run.stderr
    written = _files(tmp_path / "out")
    assert len(written) == 99 * 3
    assert not [p for p in written if TEMP_MARK in p.name or p.name.startswith("a50-bad")]


def test_directories_fifos_and_devices_fail_fast(tmp_path: Path) -> None:
    """A directory without sources, a FIFO, /dev/zero and a link to it: one error each, no hang."""
    (tmp_path / "empty").mkdir()
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "dir.md").mkdir()
    _write(tmp_path / "dir.md" / "inside.md")
    for args in (["empty"], ["pipe.txt"], ["/dev/zero"], ["zero.txt"]):
        run = run_cli(["export", *args, "-o", "out", "-t", ALL], cwd=tmp_path, timeout=60)
        assert run.returncode == 1, (args, run.stderr)
        assert len(_error_lines(run)) == 1, run.stderr
        assert run.seconds < 20
    # Inside a directory the FIFO is skipped or refused, never read; a directory named like a source is walked.
    batch = tmp_path / "batch"
    batch.mkdir()
    os.mkfifo(batch / "pipe.txt")
    _write(batch / "ok.txt")
    run = run_cli(["export", "batch", "-o", "out2", "-t", ALL], cwd=tmp_path, timeout=60)
    assert run.returncode in (0, 1) and run.seconds < 20
    assert (tmp_path / "out2" / "ok.pdf").is_file()
    run = run_cli(["export", "dir.md", "-o", "out3", "-t", ALL], cwd=tmp_path, timeout=60)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out3" / "inside.epub").is_file()


def test_a_failing_file_name_with_a_newline_is_still_one_line(tmp_path: Path) -> None:
    """One line per failure, even when the file name holds a line break or a terminal escape."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "two\nlines.txt").write_bytes(b"")
    (tmp_path / "src" / "esc\x1b]0;title\x07.txt").write_bytes(b"")
    run = run_cli(["export", "src", "-o", "out", "-t", ALL], cwd=tmp_path)
    assert run.returncode == 1
    lines = [line for line in run.stderr.splitlines() if line.strip() and "converted" not in line]
    assert len(lines) == 2, lines
    assert all(line.startswith("exporter: error: ") for line in lines)
    assert "\x1b" not in run.stderr and "\x07" not in run.stderr
