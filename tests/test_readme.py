"""The README stays true: its two opening commands and its Python example."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_install_export_and_test_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    first, second = blocks[0].strip(), blocks[1].strip()
    assert README.index(first) < 700
    assert "pip install ." in first and "exporter export sources/japan-us-summit.txt -o output" in first
    assert "pip install -e '.[test]'" in second and "pytest" in second
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -q -e '.[test]'" in ci and "python -m pytest" in ci


def test_readme_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = re.search(r"```python\n(.*?)```", README, flags=re.S)
    assert code is not None
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(code.group(1), "README.md", "exec"), namespace)
    assert (tmp_path / "brief.pdf").read_bytes().startswith(b"%PDF-")
    assert sorted(os.listdir(tmp_path / "output")) == [
        "japan-us-summit.docx",
        "japan-us-summit.epub",
        "japan-us-summit.pdf",
        "markdown",
    ]
