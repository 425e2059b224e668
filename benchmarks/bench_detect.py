"""Benchmark: language detection — the English fast path, lingua's first call (import, build, models) and warm calls.

Run from the project root: ``python benchmarks/bench_detect.py``. Each language's first call runs in a fresh
process, so it shows what one cold ``exporter export`` pays; RSS is the growth of the process's peak.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {
    "en (seed)": ROOT / "sources" / "japan-us-summit.txt",
    "de": ROOT / "tests" / "data" / "languages" / "articles" / "de.txt",
    "fr (man pages)": ROOT / "tests" / "data" / "languages" / "manpages" / "fr.txt",
    "ru": ROOT / "tests" / "data" / "languages" / "articles" / "ru.txt",
    "ar": ROOT / "tests" / "data" / "languages" / "articles" / "ar.md",
}
_PROBE = """
import json, resource, sys, time
from exporter.present.detect import detect
text = open(sys.argv[1], encoding="utf-8").read()
rss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
before = rss()
start = time.perf_counter()
found = detect(text)
first = time.perf_counter() - start
start = time.perf_counter()
for _ in range(50):
    detect(text)
warm = (time.perf_counter() - start) / 50
print(json.dumps({"language": found.language, "first_ms": first * 1000, "warm_ms": warm * 1000,
                  "rss_mb": rss() - before}))
"""


def main() -> None:
    """Print one line per source: the language found, the first and the warm call's time, the RSS growth."""
    for name, path in SOURCES.items():
        out = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout)
        print(
            f"{name:16} {r['language']:3} first {r['first_ms']:7.1f} ms   warm {r['warm_ms']:6.2f} ms"
            f"   RSS +{r['rss_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
