"""Runs the adversarial table once per session: one CLI run per group of cases, every renderer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from .cases import CANARY, FORMATS, GROUP_ARGS, SECRET, TOUCHED, Case, all_cases
from .runner import CliRun, run_cli

CASES = all_cases()


@dataclass
class Table:
    """The written sources, the CLI run of each group, and the paths the placeholders stand for."""

    base: Path
    runs: dict[str, CliRun]
    secret: Path
    touched: Path

    def real(self, text: str) -> str:
        """``text`` with the placeholders replaced by the real paths."""
        return text.replace(SECRET, str(self.secret)).replace(TOUCHED, str(self.touched))

    def data(self, case: Case) -> bytes:
        """The bytes written for ``case``."""
        return self.real_bytes(case.data)

    def real_bytes(self, data: bytes) -> bytes:
        """``data`` with the placeholders replaced by the real paths."""
        return data.replace(SECRET.encode(), str(self.secret).encode()).replace(
            TOUCHED.encode(), str(self.touched).encode()
        )

    def source_arg(self, case: Case) -> str:
        """The source path as the CLI printed it (relative to the run's directory)."""
        return str(case.source(self.base).relative_to(self.base))

    def run(self, case: Case) -> CliRun:
        """The CLI run that handled ``case``."""
        return self.runs[case.group]


@pytest.fixture(scope="session")
def table(tmp_path_factory: pytest.TempPathFactory) -> Table:
    """Write every case under a temp dir and export each group with ``-t docx,pdf,epub``."""
    base = tmp_path_factory.mktemp("adversarial")
    secret = base / "secret" / "hostname.txt"
    secret.parent.mkdir()
    secret.write_text(CANARY + "\n")
    table = Table(base, {}, secret, base / "secret" / "pwned")
    for case in CASES:
        path = case.source(base)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(table.data(case))
    for group, extra in GROUP_ARGS.items():
        args = ["export", f"src/{group}", "-o", f"out/{group}", "-t", ",".join(FORMATS), *extra]
        table.runs[group] = run_cli(args, cwd=base)
    return table
