"""Make spec.json from the npm package commonmark-spec (run from anywhere; needs npm): the source of the test data.

    python tests/data/commonmark/extract.py [VERSION]

It runs ``npm pack commonmark-spec@VERSION`` in a temporary folder, checks the tarball against the integrity
npm states for it, reads ``package/spec.txt`` and writes the examples as spec.commonmark.org publishes them
(``spec.json``: markdown, html, example, start_line, end_line, section), the way the spec's own
``test/spec_tests.py --dump-tests`` extracts them: the lines between a line of 32 backticks plus `` example``
and a line of ``.`` are the Markdown, the lines up to the closing 32 backticks the HTML, ``→`` stands for a tab,
and the last ``#`` heading before an example is its section. Nothing past the ``<!-- END TESTS -->`` line counts.
The package's LICENSE (CC-BY-SA-4.0) is copied next to it as LICENSE; NOTICE says where it came from.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "0.31.2"
"""The CommonMark version markdown-it-py follows (its tests pin the same spec)."""
HERE = Path(__file__).resolve().parent
_FENCE = "`" * 32
_HEADER = re.compile(r"#+ ")


def examples(spec: str) -> list[dict[str, object]]:
    """The examples of ``spec.txt`` as spec_tests.py dumps them (numbered from 1, lines counted from 1)."""
    out: list[dict[str, object]] = []
    markdown: list[str] = []
    html: list[str] = []
    state = 0  # 0 prose, 1 the example's Markdown, 2 its HTML
    start = 0
    section = ""
    for number, line in enumerate(spec.split("\n"), start=1):
        if line.startswith("<!-- END TESTS -->"):
            break
        stripped = line.strip()
        if stripped.startswith(_FENCE + " example"):
            state = 1
        elif stripped == _FENCE and state:
            out.append(
                {
                    "markdown": "".join(markdown).replace("→", "\t"),
                    "html": "".join(html).replace("→", "\t"),
                    "example": len(out) + 1,
                    "start_line": start,
                    "end_line": number,
                    "section": section,
                }
            )
            state, start, markdown, html = 0, 0, [], []
        elif stripped == "." and state:
            state = 2
        elif state == 1:
            start = start or number - 1
            markdown.append(line + "\n")
        elif state == 2:
            html.append(line + "\n")
        elif state == 0 and _HEADER.match(line):
            section = _HEADER.sub("", line, count=1).strip()
    return out


def _npm(*args: str, cwd: Path) -> str:
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("extract.py needs npm")
    return subprocess.run([npm, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def main(version: str = VERSION) -> None:
    """Fetch the package, check it, write spec.json and LICENSE here."""
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        integrity = _npm("view", f"commonmark-spec@{version}", "dist.integrity", cwd=folder).strip()
        tarball = folder / _npm("pack", f"commonmark-spec@{version}", cwd=folder).strip().splitlines()[-1]
        algorithm, _, digest = integrity.partition("-")
        if base64.b64encode(hashlib.new(algorithm, tarball.read_bytes()).digest()).decode() != digest:
            sys.exit(f"{tarball.name} does not match the registry's integrity {integrity}")
        with tarfile.open(tarball) as archive:
            spec = archive.extractfile("package/spec.txt")
            licence = archive.extractfile("package/LICENSE")
            assert spec is not None and licence is not None
            text = spec.read().decode("utf-8").replace("\r\n", "\n")
            (HERE / "LICENSE").write_bytes(licence.read())
    found = examples(text)
    (HERE / "spec.json").write_text(json.dumps(found, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(found)} examples of CommonMark {version} to {HERE / 'spec.json'} ({integrity})")


if __name__ == "__main__":
    main(*sys.argv[1:2])
