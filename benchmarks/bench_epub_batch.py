"""Benchmark: CPU milliseconds per EPUB briefing over generated articles in a warm process (a batch worker's case).

Run from the project root: ``python benchmarks/bench_epub_batch.py [--n 60] [--rounds 5]``. It generates N
articles as ``bench_batch.py`` does, renders them all once (fonts, letterheads and caches warm), then
``--rounds`` more times, and prints the median over the articles of each one's best ``time.thread_time()``,
so other processes on the machine count as little as they can.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench_batch import generate

from exporter import load_style, read_source
from exporter.pipeline import render


def main() -> None:
    """Print the per-article EPUB CPU time."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--style", default="default")
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1738972800")
    style = load_style(args.style)
    with tempfile.TemporaryDirectory() as folder:
        documents = [read_source(path).document for path in generate(Path(folder), args.n)]
    for document in documents:
        render(document, "epub", style)
    best = [float("inf")] * len(documents)
    for _ in range(args.rounds):
        for index, document in enumerate(documents):
            started = time.thread_time()
            render(document, "epub", style)
            best[index] = min(best[index], time.thread_time() - started)
    print(
        f"epub: {statistics.median(best) * 1000:.2f} ms CPU per briefing (median over {len(documents)} articles "
        f"of each one's best of {args.rounds}; mean {statistics.mean(best) * 1000:.2f})"
    )


if __name__ == "__main__":
    main()
