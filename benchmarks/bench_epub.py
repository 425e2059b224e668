"""Benchmark: milliseconds per EPUB briefing of the sample in a warm process (read once, render many)."""

from __future__ import annotations

from render_timing import report

if __name__ == "__main__":
    report("epub", "briefing", rounds=100)
