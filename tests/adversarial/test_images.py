"""Hostile images through the real CLI, each in its own article: one warning, alt text kept, nothing read outside."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from helpers import HOSTILE_SVG, chart_png, crafted_png, noisy_jpeg

from .runner import CliRun, allowed_reads, run_cli

pytestmark = pytest.mark.slow

HOSTILE = {
    "climb": "../../etc/hostname",
    "absolute": "/etc/hostname",
    "link": "link-out.png",
    "huge": "big.png",
    "truncated": "truncated.jpg",
    "svg": "hostile.svg",
    "remote": "https://example.com/beacon.png",
    "text": "x.png",
}
"""Article name → the image it references (each its own article)."""
REASONS = {
    "climb": "`..` is refused",
    "absolute": "absolute paths are refused",
    "link": "symbolic link to a file outside",
    "huge": "20,000 × 20,000 pixels",
    "truncated": "corrupt or unreadable JPEG",
    "svg": "outside resource",
    "remote": "never fetched",
    "text": "not a PNG, JPEG, GIF, WebP or SVG",
}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run folder: ``doc/`` with the articles and their images, ``outside/`` with a secret beside it."""
    base = tmp_path_factory.mktemp("hostile-images")
    outside, doc = base / "outside", base / "doc"
    outside.mkdir()
    doc.mkdir()
    (outside / "secret.png").write_bytes(chart_png())
    (doc / "big.png").write_bytes(crafted_png(20_000, 20_000))
    (doc / "truncated.jpg").write_bytes(noisy_jpeg()[:600])
    (doc / "hostile.svg").write_bytes(HOSTILE_SVG)
    (doc / "x.png").write_bytes(b"just some text, named like a PNG\n")
    (doc / "link-out.png").symlink_to(outside / "secret.png")
    for name, reference in HOSTILE.items():
        (doc / f"{name}.md").write_text(f"# {name}\n\nText.\n\n![alt of {name}]({reference})\n", encoding="utf-8")
    return base


@pytest.fixture(scope="module")
def lenient(tree: Path) -> CliRun:
    """One audited run over every hostile article."""
    sources = [f"doc/{name}.md" for name in HOSTILE]
    return run_cli(["export", *sources, "-o", "out", "-v"], cwd=tree)


def test_no_traceback_and_every_output_written(lenient: CliRun, tree: Path) -> None:
    assert lenient.returncode == 0, lenient.stderr
    assert "Traceback" not in lenient.stderr
    assert len(list((tree / "out").glob("*.*"))) == 3 * len(HOSTILE)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_one_warning_and_the_alt_text_kept(lenient: CliRun, tree: Path, name: str) -> None:
    warnings = lenient.warnings_for(f"doc/{name}.md")
    assert len(warnings) == 1, warnings
    assert REASONS[name] in warnings[0]
    with zipfile.ZipFile(io.BytesIO((tree / "out" / f"{name}.docx").read_bytes())) as memo:
        assert f"alt of {name}" in memo.read("word/document.xml").decode()
        assert not [n for n in memo.namelist() if n.startswith("word/media/")]
    with zipfile.ZipFile(io.BytesIO((tree / "out" / f"{name}.epub").read_bytes())) as book:
        assert f"alt of {name}".encode() in book.read("EPUB/article.xhtml")
        assert not [n for n in book.namelist() if n.startswith("EPUB/images/")]


def test_nothing_read_outside_nothing_fetched(lenient: CliRun, tree: Path) -> None:
    allowed = allowed_reads(tree / "doc", tree / "out", tree / "home", tree / "tmp")
    # The folder itself is opened to walk down from it; a file below it is then opened by name relative to that
    # descriptor (openat), which the audit hook can only log against the working directory.
    below = {f"{tree}/{p.name}" for p in (tree / "doc").iterdir()}
    reads = [p for p in lenient.reads() if p.rstrip("/") != str(tree / "doc") and p not in below and p != "/dev/null"]
    stray = [p for p in reads if not p.startswith(allowed) and not os.path.realpath(p).startswith(allowed)]
    assert stray == [], stray
    assert [p for p in lenient.reads() if "secret.png" in p or p == "/etc/hostname"] == []
    assert lenient.network() == []
    assert lenient.processes() == []  # the SVG rasteriser is this same Python: allowed


@pytest.mark.parametrize("name", ["climb", "remote", "svg"])
def test_strict_exits_1_with_one_line(tree: Path, name: str) -> None:
    run = run_cli(["export", f"doc/{name}.md", "-o", f"strict-{name}", "--strict"], cwd=tree)
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"exporter: error: doc/{name}.md: image ")
    assert REASONS[name] in lines[0]
    assert not list((tree / f"strict-{name}").glob("*.*"))
