"""Benchmark: batch throughput (1 and 2 jobs), cold single export, peak RSS, and pandoc for comparison.

Run from the project root: ``python benchmarks/bench_batch.py [--n 1000]``. It generates N varied
articles (plain text, Markdown and Japanese; different lengths) from the samples into a temp folder.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = {
    "txt": ROOT / "sources" / "japan-us-summit.txt",
    "md": ROOT / "sources" / "markdown" / "japan-us-summit.md",
    "ja": ROOT / "tests" / "data" / "ja-summit.txt",
}
EXPORTER = [sys.executable, "-m", "exporter"]


def _vary_lines(lines: list[str], rng: random.Random, keep_from: int) -> list[str]:
    """Drop some body paragraphs (never headings or the head) so lengths differ and still fit a page."""
    out = lines[:keep_from]
    for line in lines[keep_from:]:
        long_paragraph = len(line) > 160
        if long_paragraph and rng.random() < 0.3:
            continue
        out.append(line)
    return out


def generate(folder: Path, n: int, seed: int = 7) -> list[Path]:
    """Write ``n`` articles into ``folder``: a third each of .txt, .md and Japanese .txt."""
    rng = random.Random(seed)
    texts = {kind: path.read_text(encoding="utf-8").split("\n") for kind, path in SAMPLES.items()}
    paths = []
    for i in range(n):
        kind = ("txt", "md", "ja")[i % 3]
        lines = list(texts[kind])
        if kind == "md":
            end = lines.index("---", 1) + 1
            lines[1] = f'title: "Briefing {i}: {lines[1].split(":", 1)[1].strip().strip(chr(34))}"'
            lines = _vary_lines(lines, rng, end + 12)
            path = folder / f"a{i:05d}.md"
        else:
            lines[0] = f"{lines[0]} ({i})"
            lines = _vary_lines(lines, rng, 7)
            path = folder / f"a{i:05d}.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        paths.append(path)
    return paths


def run_batch(src: Path, out: Path, jobs: int) -> dict[str, float]:
    """One CLI batch of all three formats; wall time, CPU time and peak RSS of parent and workers."""
    probe = (
        "import json, resource, sys, time\n"
        "from exporter.cli import main\n"
        "t = time.perf_counter()\n"
        f"code = main(['export', {str(src)!r}, '-o', {str(out)!r}, '-q', '-j', '{jobs}', '--report', "
        f"{str(out / 'report.json')!r}])\n"
        "wall = time.perf_counter() - t\n"
        "me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps({'code': code, 'wall': wall, 'cpu': me.ru_utime + me.ru_stime + kids.ru_utime + "
        "kids.ru_stime, 'parent_rss_mb': me.ru_maxrss / 1024, 'worker_rss_mb': kids.ru_maxrss / 1024}))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def cold_export(tmp: Path, rounds: int = 7) -> float:
    """Median wall seconds of a fresh process exporting the sample to all three formats."""
    times = []
    for i in range(rounds):
        started = time.perf_counter()
        subprocess.run([*EXPORTER, "export", str(SAMPLES["txt"]), "-o", str(tmp / f"cold{i}"), "-q"], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def pandoc_rate(paths: list[Path], tmp: Path, jobs: int) -> float | None:
    """Articles per second for pandoc to DOCX and EPUB, one process per file, ``jobs`` at a time."""
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        return None
    out = tmp / "pandoc"
    out.mkdir()

    def one(path: Path) -> None:
        # Plain text reads as Markdown paragraphs, which is what pandoc would make of it too.
        for ext in ("docx", "epub"):
            target = out / f"{path.stem}.{ext}"
            subprocess.run([pandoc, "-f", "markdown", str(path), "-o", str(target)], check=True, capture_output=True)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, paths))
    return len(paths) / (time.perf_counter() - started)


def main() -> None:
    """Generate the articles, run every measurement and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="articles to generate (default 1000)")
    parser.add_argument("--pandoc-n", type=int, default=150, help="articles given to pandoc (default 150)")
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1738972800")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        src = tmp / "src"
        src.mkdir()
        paths = generate(src, args.n)
        print(f"{args.n} articles generated (txt, md, Japanese; varied lengths)")
        results = {}
        for jobs in (1, 2):
            figures = run_batch(src, tmp / f"out{jobs}", jobs)
            rate = args.n / figures["wall"]
            results[jobs] = rate
            print(
                f"exporter -j {jobs}: {rate:6.1f} articles/s (docx+pdf+epub), "
                f"{1000 * figures['cpu'] / args.n:5.1f} ms CPU per article, exit {figures['code']}, "
                f"peak RSS parent {figures['parent_rss_mb']:.0f} MB, worker {figures['worker_rss_mb']:.0f} MB"
            )
        print(f"cold single export (3 formats): {cold_export(tmp):.3f} s (median of 7)")
        rate = pandoc_rate(paths[: args.pandoc_n], tmp, jobs=2)
        if rate is None:
            print("pandoc not installed: no comparison")
        else:
            print(f"pandoc -j 2 (docx+epub, one process per file, {args.pandoc_n} articles): {rate:6.1f} articles/s")
            print(f"ratio exporter -j 2 (three formats) / pandoc (two formats): {results[2] / rate:.1f}x")


if __name__ == "__main__":
    main()
