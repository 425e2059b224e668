"""Interrupting a batch: SIGINT and SIGKILL at random points and while a temp file is on disk.

Every file under its final name must be complete (byte-identical to an uninterrupted run, which outside
parsers validate); after SIGINT (exit 130) no temp file remains; after SIGKILL a leftover temp file is
recognisably named and the next run removes it. The CLI runs as a subprocess in its own process group,
so a signal reaches it and its workers the way Ctrl-C in a terminal does.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
from adversarial.runner import cli_env
from helpers import SAMPLE_TXT, exporter_command, output_text

from exporter.fsio import TEMP_MARK
from exporter.incremental import MANIFEST

pytestmark = pytest.mark.slow

SEED = int(os.environ.get("INTERRUPT_SEED", "20250208"))
"""Fixed so CI is repeatable; set INTERRUPT_SEED to explore other points."""
FORMATS = ("docx", "pdf", "epub")
SOURCES = 24
TEMP_NAME = re.compile(rf"^\.(?P<final>.+){re.escape(TEMP_MARK)}(?P<pid>\d+)-[0-9a-f]+$")
_SITECUSTOMIZE = """\
import os, sys, time
_delay = float(os.environ.get("EXPORTER_TEST_SLOW_RENAME", "0"))
_started = os.environ.get("EXPORTER_TEST_STARTED", "")
def _hook(event, args):
    global _started
    # Hold every finished temp file on disk a moment before its rename, so a signal can land there.
    if _delay and event == "os.rename" and ".exporter-tmp-" in os.fsdecode(args[0]):
        time.sleep(_delay)
    # The program's own code runs from here on (before it, the interpreter is still starting).
    if _started and event == "import" and args[0] == "exporter.cli":
        os.close(os.open(_started, os.O_WRONLY | os.O_CREAT, 0o644))
        _started = ""
sys.addaudithook(_hook)
"""


def _article(i: int) -> str:
    lines = SAMPLE_TXT.read_text(encoding="utf-8").split("\n")
    lines[0] = f"Brief {i}: " + lines[0].split(": ", 1)[1]
    return "\n".join(lines[: 20 + i % 7]) + "\n"


class Batch:
    """A source folder, the environment of its runs, and the outputs of an uninterrupted run."""

    def __init__(self, base: Path, extra: tuple[str, ...] = ()) -> None:
        self.base = base
        self.extra = extra
        """More options for every run (--incremental)."""
        self.src = base / "src"
        self.src.mkdir()
        for i in range(SOURCES):
            (self.src / f"brief-{i:02d}.txt").write_text(_article(i), encoding="utf-8")
        site = base / "site"
        site.mkdir()
        (site / "sitecustomize.py").write_text(_SITECUSTOMIZE)
        self.env = cli_env(base, extra={"PYTHONPATH": str(site)})
        self.reference: dict[str, bytes] = {}
        self.seconds = 0.0

    def start(self, out: Path, *, slow_rename: float = 0.0) -> subprocess.Popen[bytes]:
        """Start an export of the folder into ``out`` in a new process group."""
        env = {**self.env, "EXPORTER_TEST_SLOW_RENAME": str(slow_rename), "EXPORTER_TEST_STARTED": ""}
        return self._popen(out, env)

    def start_running(self, out: Path) -> subprocess.Popen[bytes]:
        """Start an export and return once the program's own code runs.

        A signal that lands while the interpreter itself is still starting (the first ~50-100 ms) meets
        Python's startup, which no program can handle: that is not the batch being interrupted.
        """
        started = out.with_name(out.name + ".started")
        proc = self._popen(out, {**self.env, "EXPORTER_TEST_STARTED": str(started)})
        deadline = time.monotonic() + 60
        while not started.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        assert started.exists(), "the CLI never started"
        return proc

    def _popen(self, out: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
        argv = [
            *exporter_command(),
            "export",
            str(self.src),
            "-o",
            str(out),
            "-t",
            ",".join(FORMATS),
            "-q",
            *self.extra,
        ]
        return subprocess.Popen(
            argv, cwd=self.base, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )

    def finals(self, out: Path) -> dict[str, bytes]:
        """Files under their final names."""
        if not out.exists():
            return {}
        return {p.name: p.read_bytes() for p in out.iterdir() if TEMP_MARK not in p.name and p.name != MANIFEST}

    def temps(self, out: Path) -> list[Path]:
        """Temp files left in ``out``."""
        return [p for p in out.iterdir() if TEMP_MARK in p.name] if out.exists() else []

    def assert_complete(self, out: Path) -> None:
        """Every final file is exactly what an uninterrupted run writes."""
        for name, data in self.finals(out).items():
            assert name in self.reference, f"unexpected file {name}"
            assert data == self.reference[name], f"{name} is not complete"


def _stop(proc: subprocess.Popen[bytes], sig: int) -> tuple[int, str]:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    try:
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:  # pragma: no cover - only if the CLI ignores SIGINT
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.returncode, err.decode(errors="replace")


def _wait_for_temp(batch: Batch, out: Path, proc: subprocess.Popen[bytes], timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if batch.temps(out):
            return True
        time.sleep(0.005)
    return False


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    """The folder, exported once without interruption; its outputs validated by outside parsers."""
    batch = Batch(tmp_path_factory.mktemp("interrupt"))
    out = batch.base / "reference"
    started = time.perf_counter()
    proc = batch.start(out)
    _, err = proc.communicate(timeout=300)
    batch.seconds = time.perf_counter() - started
    assert proc.returncode == 0, err.decode()
    batch.reference = batch.finals(out)
    assert len(batch.reference) == SOURCES * len(FORMATS)
    for name, data in batch.reference.items():
        output_text(name.rsplit(".", 1)[1], data)
    return batch


def _delays(count: int, upper: float, salt: int) -> list[float]:
    rng = random.Random(SEED + salt)
    return sorted(rng.uniform(0.0, upper) for _ in range(count))


def test_sigint_at_random_points(batch: Batch) -> None:
    """Ctrl-C anywhere: exit 130 (or 0 if it had finished), no temp file, every written file complete."""
    for n, delay in enumerate(_delays(3, batch.seconds * 0.9, 1)):
        out = batch.base / f"sigint-{n}"
        proc = batch.start_running(out)
        time.sleep(delay)
        code, err = _stop(proc, signal.SIGINT)
        assert code in (130, 0), (SEED, delay, code, err)
        assert "Traceback" not in err, err
        assert batch.temps(out) == [], (SEED, delay)
        batch.assert_complete(out)


def test_sigint_while_a_temp_file_is_on_disk(batch: Batch) -> None:
    """Ctrl-C between writing a temp file and renaming it: the temp file goes, the final file is not half-made."""
    out = batch.base / "sigint-temp"
    proc = batch.start(out, slow_rename=0.5)
    assert _wait_for_temp(batch, out, proc), "no temp file was ever seen"
    code, err = _stop(proc, signal.SIGINT)
    assert code == 130, err
    assert "Traceback" not in err and "interrupted" in err
    assert batch.temps(out) == []
    batch.assert_complete(out)
    assert len(batch.finals(out)) < len(batch.reference)


def _assert_leftovers_named_and_removed(batch: Batch, out: Path, killed: int) -> None:
    for temp in batch.temps(out):
        match = TEMP_NAME.match(temp.name)
        assert match, temp.name
        assert match.group("final").rsplit(".", 1)[1] in FORMATS
        assert int(match.group("pid")) == killed or not Path(f"/proc/{match.group('pid')}").exists()
    proc = batch.start(out)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    assert batch.temps(out) == []
    assert batch.finals(out) == batch.reference


def test_sigkill_at_random_points(batch: Batch) -> None:
    """kill -9 anywhere: final files are complete; any temp file is recognisable; the next run cleans up."""
    for n, delay in enumerate(_delays(3, batch.seconds * 0.9, 2)):
        out = batch.base / f"sigkill-{n}"
        proc = batch.start(out)
        time.sleep(delay)
        _stop(proc, signal.SIGKILL)
        batch.assert_complete(out)
        if batch.temps(out):  # the run below costs a whole batch; the test after this one always needs it
            _assert_leftovers_named_and_removed(batch, out, proc.pid)


def test_sigkill_while_a_temp_file_is_on_disk(batch: Batch) -> None:
    """kill -9 between writing and renaming leaves a temp file named after its run; the next run removes it."""
    out = batch.base / "sigkill-temp"
    proc = batch.start(out, slow_rename=0.5)
    assert _wait_for_temp(batch, out, proc), "no temp file was ever seen"
    _stop(proc, signal.SIGKILL)
    left = batch.temps(out)
    assert left, "the kill landed after the rename"
    batch.assert_complete(out)
    _assert_leftovers_named_and_removed(batch, out, proc.pid)
