"""Benchmark: reading a 200 KB saved article page (the issue's bound: under 0.5 s), best of several runs.

Run from the project root: ``python benchmarks/bench_html_read.py [--kb 200] [--runs 7]``. The page is the
gazette fixture with its article body repeated and as much page furniture (menus, related links, comments,
inline scripts) as a real news page carries, until it weighs the given size. The first read (imports,
trafilatura's settings) is reported apart from the steady state.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from exporter import parse

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "data" / "html" / "gazette-ports.html"


def page(kb: int) -> bytes:
    """The fixture grown to about ``kb`` kilobytes: half article paragraphs, half boilerplate."""
    text = FIXTURE.read_text(encoding="utf-8")
    paragraph = (
        "<p>Port officials said the inspection regime number {n} would be reviewed after quarter {n}, "
        "once the customs service has published figures on the waiting times at each of the quays.</p>\n"
    )
    furniture = (
        '<div class="comment"><p class="comment-author">reader</p><p>Another comment on the story, '
        'with a <a href="/u/1">profile link</a> and some opinions.</p></div>\n'
        '<script>window.widgets.push({"id": 42, "slot": "inline", "lazy": true});</script>\n'
        '<li><a href="/news/other">A related story headline that readers might click on</a></li>\n'
    )
    target = kb * 1024
    body: list[str] = []
    extra: list[str] = []
    size = len(text)
    while size < target:
        body.append(paragraph.format(n=len(body)))
        extra.append(furniture)
        size += len(body[-1]) + len(furniture)
    text = text.replace("<script>loadInlineWidget", "".join(body) + "<script>loadInlineWidget", 1)
    text = text.replace("</section>\n</main>", "".join(extra) + "</section>\n</main>", 1)
    return text.encode("utf-8")


def main() -> None:
    """Print the size, the first read and the best and median of the following reads, as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kb", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    data = page(args.kb)
    started = time.perf_counter()
    result = parse(data, name="page.html")
    first = time.perf_counter() - started
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        parse(data, name="page.html")
        times.append(time.perf_counter() - started)
    times.sort()
    paragraphs = sum(len(s.blocks) for s in result.document.sections)
    report = {
        "bytes": len(data),
        "blocks": paragraphs,
        "first_read_s": round(first, 3),
        "best_s": round(times[0], 3),
        "median_s": round(times[len(times) // 2], 3),
        "bound_s": 0.5,
    }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
