"""Benchmark: batch throughput (1 and 2 jobs) against pandoc, the PDF fit loop, cold export, incremental, RSS.

Run from the project root: ``python benchmarks/bench_batch.py [--n 1000]``. It generates N varied
articles (plain text, Markdown and Japanese; different lengths) from the samples into a temp folder and
prints, in one run: exporter ``-j 1`` and ``-j 2`` (all three formats) and pandoc (DOCX + EPUB, the same
articles, two at a time) with the ratio; PDF CPU ms per one-pager and layout passes per fit in a warm process;
a cold single export; an ``--incremental`` re-run over the N up-to-date sources; peak RSS. pandoc is taken
from PATH or from the ``pypandoc-binary`` package. Wall times depend on what else the machine runs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
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


def run_batch(src: Path, out: Path, jobs: int, *extra: str) -> dict[str, float]:
    """One CLI batch of all three formats; wall time, CPU time and peak RSS of parent and workers."""
    probe = (
        "import json, resource, sys, time\n"
        "from exporter.cli import main\n"
        "t = time.perf_counter()\n"
        f"code = main(['export', {str(src)!r}, '-o', {str(out)!r}, '-q', '-j', '{jobs}', *{list(extra)!r}, "
        f"'--report', {str(out.parent / (out.name + '-report.json'))!r}])\n"
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


def find_pandoc() -> str | None:
    """pandoc on PATH, else the binary the ``pypandoc-binary`` package ships."""
    found = shutil.which("pandoc")
    if found is None:
        try:
            import pypandoc  # type: ignore[import-untyped,import-not-found,unused-ignore]

            found = str(pypandoc.get_pandoc_path())
        except (ImportError, OSError):
            return None
    return found


def pandoc_rate(paths: list[Path], tmp: Path, jobs: int) -> tuple[float, float] | None:
    """Articles per second for pandoc to DOCX and EPUB, one process per file, ``jobs`` at a time, and its CPU
    milliseconds per article (both processes; the machine's other load does not count)."""
    pandoc = find_pandoc()
    if pandoc is None:
        return None
    out = tmp / "pandoc"
    out.mkdir()

    def one(path: Path) -> None:
        # Plain text reads as Markdown paragraphs, which is what pandoc would make of it too.
        for ext in ("docx", "epub"):
            target = out / f"{path.stem}.{ext}"
            subprocess.run([pandoc, "-f", "markdown", str(path), "-o", str(target)], check=True, capture_output=True)

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, paths))
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return len(paths) / wall, 1000 * cpu / len(paths)


def pdf_figures(paths: list[Path], sample_rounds: int = 40) -> dict[str, float]:
    """PDF CPU ms per one-pager and passes per fit over ``paths`` (warm process), and the sample's best CPU ms.

    CPU time of this thread, not wall time: other processes on the machine do not count. The sample's figure
    is the minimum of ``sample_rounds`` renders (the least disturbed by the machine's other work).
    """
    probe = (
        "import json, os, statistics, sys, time\n"
        "from pathlib import Path\n"
        "from exporter import load_style, read_source\n"
        "from exporter.renderers.base import PdfRenderOptions\n"
        "from exporter.renderers.pdf import PdfRenderer\n"
        "style, renderer, options = load_style('default'), PdfRenderer(), PdfRenderOptions(overflow='truncate')\n"
        "paths = [Path(p) for p in json.loads(sys.argv[1])]\n"
        "docs = [read_source(p).document for p in paths]\n"
        "for d in docs[:5]: renderer.render(d, style, options)\n"
        "cpu, passes = [], []\n"
        "for d in docs:\n"
        "    t = time.thread_time(); r = renderer.render(d, style, options); cpu.append(time.thread_time() - t)\n"
        "    passes.append(r.facts['trials'])\n"
        "sample = read_source(sys.argv[2]).document\n"
        "best = []\n"
        f"for _ in range({sample_rounds}):\n"
        "    t = time.thread_time(); r = renderer.render(sample, style, options); best.append(time.thread_time() - t)\n"
        "print(json.dumps({'ms': 1000 * statistics.mean(cpu), 'ms_median': 1000 * statistics.median(cpu),\n"
        "    'passes': statistics.mean(passes), 'two_or_fewer': sum(p <= 2 for p in passes) / len(passes),\n"
        "    'sample_ms': 1000 * min(best), 'sample_median_ms': 1000 * statistics.median(best),\n"
        "    'sample_passes': r.facts['trials']}))\n"
    )
    argv = [sys.executable, "-c", probe, json.dumps([str(p) for p in paths]), str(SAMPLES["txt"])]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def format_figures(paths: list[Path]) -> dict[str, float]:
    """Warm CPU ms per article for each step of a conversion (read, docx, pdf, epub), over ``paths``.

    Shows what bounds the batch: the three renderers' shares of an article's CPU time.
    """
    probe = (
        "import json, statistics, sys, time\n"
        "from pathlib import Path\n"
        "from exporter import load_style, read_source\n"
        "from exporter.pipeline import render\n"
        "from exporter.renderers.base import PdfRenderOptions\n"
        "style = load_style('default')\n"
        "paths = [Path(p) for p in json.loads(sys.argv[1])]\n"
        "steps = {'read': [], 'docx': [], 'pdf': [], 'epub': []}\n"
        "for n, p in enumerate(paths * 2):\n"
        "    t = time.thread_time(); doc = read_source(p).document; spent = {'read': time.thread_time() - t}\n"
        "    for fmt in ('docx', 'pdf', 'epub'):\n"
        "        opts = PdfRenderOptions(overflow='truncate') if fmt == 'pdf' else None\n"
        "        t = time.thread_time(); render(doc, fmt, style, opts); spent[fmt] = time.thread_time() - t\n"
        "    if n >= len(paths):  # the first round warms the process up\n"
        "        for k, v in spent.items(): steps[k].append(v)\n"
        "print(json.dumps({k: 1000 * statistics.mean(v) for k, v in steps.items()}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, json.dumps([str(p) for p in paths])], capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    """Generate the articles, run every measurement and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="articles to generate (default 1000)")
    parser.add_argument("--pandoc-n", type=int, default=150, help="articles given to pandoc (default 150)")
    parser.add_argument("--pdf-n", type=int, default=150, help="articles for the PDF figures (default 150)")
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1738972800")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        src = tmp / "src"
        src.mkdir()
        paths = generate(src, args.n)
        print(f"{args.n} articles generated (txt, md, Japanese; varied lengths)")
        results: dict[int, float] = {}
        cpu_ms: dict[int, float] = {}
        for jobs in (1, 2):
            # The -j 2 run also writes the manifest the incremental re-run below reads.
            extra = ("--incremental",) if jobs == 2 else ()
            figures = run_batch(src, tmp / f"out{jobs}", jobs, *extra)
            rate = args.n / figures["wall"]
            results[jobs] = rate
            cpu_ms[jobs] = 1000 * figures["cpu"] / args.n
            print(
                f"exporter -j {jobs}{' --incremental' if extra else ''}: {rate:6.1f} articles/s (docx+pdf+epub), "
                f"{1000 * figures['cpu'] / args.n:5.1f} ms CPU per article, exit {figures['code']}, "
                f"peak RSS parent {figures['parent_rss_mb']:.0f} MB, worker {figures['worker_rss_mb']:.0f} MB"
            )
        again = run_batch(src, tmp / "out2", 2, "--incremental")
        print(
            f"incremental no-op re-run over {args.n} up-to-date sources: {again['wall']:.2f} s in the command "
            f"(exit {again['code']}), peak RSS {again['parent_rss_mb']:.0f} MB"
        )
        print(f"cold single export (3 formats): {cold_export(tmp):.3f} s (median of 7)")
        pdf = pdf_figures(paths[: args.pdf_n])
        print(
            f"PDF one-pager, warm, CPU of the rendering thread: {pdf['ms']:.1f} ms mean, {pdf['ms_median']:.1f} ms "
            f"median over {min(args.pdf_n, args.n)} articles; {pdf['passes']:.2f} layout passes per fit "
            f"({100 * pdf['two_or_fewer']:.0f} % in two or fewer); the sample: {pdf['sample_ms']:.1f} ms best, "
            f"{pdf['sample_median_ms']:.1f} ms median, {pdf['sample_passes']} passes"
        )
        steps = format_figures(paths[:60])
        print(
            "warm CPU ms per article by step (60 articles): "
            + ", ".join(f"{name} {ms:.1f}" for name, ms in steps.items())
            + f"; total {sum(steps.values()):.1f}"
        )
        found = pandoc_rate(paths[: args.pandoc_n], tmp, jobs=2)
        if found is None:
            print("pandoc not installed: no comparison")
        else:
            rate, pandoc_cpu = found
            print(
                f"pandoc -j 2 (docx+epub, one process per file, {args.pandoc_n} articles): {rate:6.1f} articles/s, "
                f"{pandoc_cpu:.1f} ms CPU per article"
            )
            print(f"ratio exporter -j 2 (three formats) / pandoc (two formats): {results[2] / rate:.1f}x")
            # CPU per article does not depend on what else the shared machine runs meanwhile.
            print(f"ratio of CPU per article, pandoc / exporter -j 2: {pandoc_cpu / cpu_ms[2]:.1f}x")


if __name__ == "__main__":
    main()
