"""Benchmark: milliseconds per read of the sample in each source format (warm process)."""

from __future__ import annotations

import time
from pathlib import Path

from exporter import parse
from exporter.model import to_json

ROOT = Path(__file__).resolve().parent.parent


def per_call_ms(data: bytes, name: str, rounds: int = 200) -> float:
    """Mean milliseconds per parse over ``rounds`` calls, after one warm-up call."""
    parse(data, name=name)
    started = time.perf_counter()
    for _ in range(rounds):
        parse(data, name=name)
    return (time.perf_counter() - started) / rounds * 1000


def main() -> None:
    """Print ms per read for the sample as .txt, .md and .json."""
    txt = (ROOT / "sources" / "japan-us-summit.txt").read_bytes()
    md = (ROOT / "sources" / "markdown" / "japan-us-summit.md").read_bytes()
    js = to_json(parse(md, name="x.md").document)
    for label, data, name in (("txt", txt, "a.txt"), ("md", md, "a.md"), ("json", js, "a.json")):
        print(f"read {label:4}: {per_call_ms(data, name):.2f} ms per document")
    # Many small nodes: shows what the model's construction checks cost, and that the reader stays linear.
    many = ("Kicker: Headline\n" + "- a key point\n" * 80_000 + "\nBody.\n").encode()
    print(f"read txt with 80,000 key points: {per_call_ms(many, 'many.txt', rounds=5):.0f} ms")


if __name__ == "__main__":
    main()
