"""What the table's CLI runs did, from their audit logs: nothing fetched, run, read or written where it must not be."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exporter import parse

from .cases import CANARY, GROUP_ARGS, front_matter
from .conftest import Table
from .runner import CliRun, allowed_reads, cli_env

pytestmark = pytest.mark.slow

GROUPS = sorted(GROUP_ARGS)


@pytest.mark.parametrize("group", GROUPS)
def test_runs_were_audited(table: Table, group: str) -> None:
    """The audit hook was active in the run (else the checks below would prove nothing)."""
    run = table.runs[group]
    assert any(e["event"] == "open" for e in run.events)
    if group != "maxbytes":  # sources over the limit are refused by their size, never opened
        assert any(p.startswith(str(table.base / "src" / group)) for p in run.reads())


@pytest.mark.parametrize("group", GROUPS)
def test_nothing_fetched_or_executed(table: Table, group: str) -> None:
    """No socket, no URL, no program started (worker processes of the same Python aside)."""
    run = table.runs[group]
    assert run.network() == []
    assert run.processes() == []
    assert not table.touched.exists(), "the CVE-2023-33733 payload ran"


@pytest.mark.parametrize("group", GROUPS)
def test_nothing_read_outside_python_the_package_and_the_sources(table: Table, group: str) -> None:
    """Reads stay in Python, the package, time-zone data, the group's sources and HOME (reportlab's settings)."""
    run = table.runs[group]
    allowed = allowed_reads(table.base / "src" / group, table.base / "home")
    stray = sorted({p for p in run.reads() if not (p + "/").startswith(allowed) and p != "/dev/null"})
    assert stray == []
    for path in (str(table.secret), "/etc/hostname", "/etc/passwd"):
        assert path not in run.reads()


@pytest.mark.parametrize("group", GROUPS)
def test_no_write_outside_the_output_dir(table: Table, group: str) -> None:
    """Every file created, written, renamed or removed is inside the output dir (or is the dir being made)."""
    run = table.runs[group]
    out = str(table.base / "out" / group)
    parents = {str(table.base / "out"), out}
    stray = sorted({p for p in run.writes() if not p.startswith(out + "/") and p not in parents})
    assert stray == []
    assert run.writes(), "the run wrote nothing: the audit would not see a stray write either"


def test_secret_never_reaches_an_output(table: Table) -> None:
    """The file the hostile strings point at was never read into any output."""
    for path in (table.base / "out").rglob("*"):
        if path.is_file() and path.suffix in (".docx", ".epub", ".pdf"):
            assert CANARY.encode() not in path.read_bytes(), path


def test_alias_bomb_is_never_expanded() -> None:
    """Nine levels of nine aliases: refused at the first alias (so the block is text), within a second."""
    bombs = [c for c in front_matter() if c.name == "alias-bomb"]
    assert {c.reader for c in bombs} == {"txt", "md"}
    for case in bombs:
        started = time.perf_counter()
        result = parse(case.data, name=f"x{case.ext}")
        assert time.perf_counter() - started < 1.0
        assert [w for w in result.warnings if "aliases" in w and "read as Markdown" in w]
        assert "tags: *i" in " ".join(str(result.document).split())


def test_the_audit_sees_what_it_must_catch(tmp_path: Path) -> None:
    """A control: a process doing every forbidden thing is caught by the same analysis."""
    secret = tmp_path / "secret.txt"
    secret.write_text(CANARY)
    outside = tmp_path / "outside.txt"
    script = (
        "import os, socket\n"
        f"open({str(secret)!r}).read()\n"
        f"open({str(outside)!r}, 'w').write('x')\n"
        "s = socket.socket()\n"
        "try:\n    s.connect(('127.0.0.1', 9))\nexcept OSError:\n    pass\n"
        "os.system('true')\n"
    )
    log = tmp_path / "audit.jsonl"
    env = cli_env(tmp_path, audit=log)
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=60)
    events = [json.loads(line) for line in log.read_text().splitlines()]
    run = CliRun([], 0, "", "", 0.0, events)
    assert str(secret) in run.reads()
    assert str(outside) in run.writes()
    assert [e["event"] for e in run.network()] == ["socket.connect"]
    assert [e["event"] for e in run.processes()] == ["os.system"]
