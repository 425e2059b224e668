"""The CLI as a subprocess, confined to a temp dir and audited: what it read, wrote, fetched or ran."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers import ROOT, exporter_command

AUDIT_HOOK = Path(__file__).with_name("audit_hook.py")
NETWORK_EVENTS = ("socket.", "urllib.", "http.client.", "ftplib.", "webbrowser.")
PROCESS_EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.forkpty")


@dataclass
class CliRun:
    """One finished CLI run: exit code, output streams, wall time and the audited events."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    events: list[dict[str, Any]] = field(default_factory=list)

    def errors_for(self, source: str) -> list[str]:
        """The ``exporter: error:`` lines naming ``source``."""
        return _lines_for(self.stderr, "exporter: error: ", source)

    def warnings_for(self, source: str) -> list[str]:
        """The ``exporter: warning:`` lines naming ``source``."""
        return _lines_for(self.stderr, "exporter: warning: ", source)

    def writes(self) -> list[str]:
        """Every path the run opened for writing, created, renamed, removed or changed."""
        out = []
        for e in self.events:
            if e["event"] == "open" and e["write"]:
                out.append(e["path"])
            elif e["event"].startswith(("os.", "shutil.")) and e["event"] not in ("os.fork", "os.kill"):
                out.extend(a for a in e.get("args", [])[:2] if isinstance(a, str) and a.startswith("/"))
        return out

    def reads(self) -> list[str]:
        """Every path the run opened for reading."""
        return [e["path"] for e in self.events if e["event"] == "open" and not e["write"]]

    def network(self) -> list[dict[str, Any]]:
        """Network events (there must be none)."""
        return [e for e in self.events if e["event"].startswith(NETWORK_EVENTS)]

    def processes(self) -> list[dict[str, Any]]:
        """Programs started (worker processes of this Python are allowed; anything else is not)."""
        started = [e for e in self.events if e["event"].startswith(PROCESS_EVENTS)]
        return [e for e in started if not _is_own_python(e)]


def _is_own_python(event: dict[str, Any]) -> bool:
    args = [str(a) for a in event.get("args", [])]
    return bool(args) and os.path.realpath(args[0]) == os.path.realpath(sys.executable)


def _lines_for(stream: str, prefix: str, source: str) -> list[str]:
    pattern = re.compile(re.escape(prefix + source) + r"(:| |$)")
    return [line for line in stream.splitlines() if pattern.match(line)]


def cli_env(base: Path, *, audit: Path | None = None, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A clean environment: HOME and TMPDIR inside ``base``, no bytecode writes, fixed dates, audit hook."""
    home, tmp = base / "home", base / "tmp"
    home.mkdir(parents=True, exist_ok=True)
    tmp.mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TMPDIR": str(tmp),
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "SOURCE_DATE_EPOCH": "1738972800",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUTF8": "1",
        # No proxy could make a stray request succeed: every address goes nowhere.
        "http_proxy": "http://127.0.0.1:9",
        "https_proxy": "http://127.0.0.1:9",
        "no_proxy": "",
    }
    if audit is not None:
        site = base / "site"
        site.mkdir(exist_ok=True)
        shutil.copyfile(AUDIT_HOOK, site / "sitecustomize.py")
        env["PYTHONPATH"] = str(site)
        env["EXPORTER_AUDIT_LOG"] = str(audit)
    env.update(extra or {})
    return env


def run_cli(
    args: Sequence[str | Path],
    *,
    cwd: Path,
    base: Path | None = None,
    audit: bool = True,
    timeout: float = 300,
    extra_env: Mapping[str, str] | None = None,
) -> CliRun:
    """Run ``exporter ARGS`` in ``cwd`` (environment and audit log kept under ``base``, default ``cwd``)."""
    base = base or cwd
    log = None
    if audit:
        logs = base / "audit"
        logs.mkdir(exist_ok=True)
        log = logs / f"run-{time.monotonic_ns()}.jsonl"
    env = cli_env(base, audit=log, extra=extra_env)
    argv = [*exporter_command(), *map(str, args)]
    started = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    seconds = time.perf_counter() - started
    events = []
    if log is not None and log.exists():
        events = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    return CliRun([str(a) for a in args], proc.returncode, proc.stdout, proc.stderr, seconds, events)


def allowed_reads(*roots: Path) -> tuple[str, ...]:
    """Path prefixes a run may read: Python itself, the installed package, time-zone data, and the given roots."""
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, str(ROOT / "exporter"), str(ROOT / "styles")}
    prefixes |= {os.path.realpath(p) for p in list(prefixes)}
    prefixes |= {str(r) for r in roots}
    # The system's time-zone database: Babel looks up the local zone when it loads (public data, never the user's).
    prefixes |= {"/usr/share/zoneinfo", "/etc/localtime", "/etc/timezone"}
    return tuple(sorted(p.rstrip("/") + "/" for p in prefixes))
