"""Pick prose paragraphs from unpacked Debian manpages-LL packages (the test data in tests/data/languages)."""

from __future__ import annotations

import glob
import os
import re
import subprocess
import sys
from pathlib import Path

PAGES = (
    "ls", "cp", "mv", "rm", "mkdir", "chmod", "grep", "tar", "gzip", "find", "sort", "kill", "ps", "passwd", "su",
    "date", "cat", "man", "bash", "sed", "diff", "tail", "head", "wc", "uniq", "du", "df", "mount", "crontab",
    "nice", "login", "chown", "ln", "touch", "env", "sleep", "tee", "split", "seq", "base64", "basename", "printf",
    "stat",
)  # fmt: skip
"""Pages tried first (everyday commands); then every page of sections 1, 5, 7 and 8, in name order."""
PER_LANGUAGE = 12
_ENGLISH = frozenset({"the", "and", "of", "to", "is", "are", "with", "that", "this"})


def render(path: str) -> str:
    """A man page as plain text, one line per paragraph (man's width set very wide), overstrikes removed."""
    env = dict(os.environ, MANWIDTH="3000", LANG="C.UTF-8")
    out = subprocess.run(["man", "-l", "--nh", "--nj", path], capture_output=True, env=env, check=False).stdout
    plain = subprocess.run(["col", "-bx"], input=out, capture_output=True, check=False).stdout
    return plain.decode("utf-8", "replace")


def is_prose(paragraph: str) -> bool:
    """A translated sentence or more: long, mostly letters, no options, paths or URLs, not left in English."""
    letters = sum(ch.isalpha() for ch in paragraph)
    if not 180 <= len(paragraph) <= 900 or letters < 0.7 * len(paragraph) or not paragraph.endswith("."):
        return False
    if re.search(r"(^-|--\w|\bhttps?:|@|/usr|\\)", paragraph):
        return False
    # The translations leave some paragraphs in English, and a section title can run into the next paragraph.
    words = re.findall(r"[a-z]+", paragraph.lower())
    if sum(word in _ENGLISH for word in words) > 0.04 * max(len(words), 1):
        return False
    first = paragraph.split()[0]
    return not (first.isupper() and len(first) > 2)


def main(root: str, locale: str, out: str) -> None:
    """Write ``PER_LANGUAGE`` paragraphs of ``root``'s ``locale`` pages to ``out``, one page each; list the pages."""
    base = f"{root}/usr/share/man/{locale}"
    candidates = [f"{base}/man1/{page}.1.gz" for page in PAGES] + sorted(glob.glob(f"{base}/man[1578]/*.gz"))
    found: list[str] = []
    pages: list[str] = []
    for path in candidates:
        page = os.path.basename(path).rsplit(".", 1)[0]
        if not os.path.exists(path) or page in pages:
            continue
        for paragraph in (" ".join(p.split()) for p in re.split(r"\n\s*\n", render(path))):
            if is_prose(paragraph) and paragraph not in found:
                found.append(paragraph)
                pages.append(page)
                break
        if len(found) >= PER_LANGUAGE:
            break
    Path(out).write_text("\n\n".join(found) + "\n", encoding="utf-8")
    print(locale, " ".join(pages))


if __name__ == "__main__":
    main(*sys.argv[1:4])
