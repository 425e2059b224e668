"""Benchmark: milliseconds per DOCX memo of the sample in a warm process (read once, render many)."""

from __future__ import annotations

from render_timing import report

if __name__ == "__main__":
    report("docx", "memo", rounds=200)
