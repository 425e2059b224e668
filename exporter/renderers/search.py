"""A generic search shared by the PDF engines: the largest value that passes a monotone test, from a guess.

Kept apart from the reportlab engine's modules: the Typst engine must not load reportlab, which lists the
system's font folders when imported.
"""

from __future__ import annotations

from collections.abc import Callable


def largest(fits: Callable[[int], bool], lo: int, hi: int, start: int) -> int | None:
    """The largest x in [lo, hi] with ``fits(x)`` (monotone: true below some bound), searched from a guess."""
    if hi < lo:
        return None
    start = max(lo, min(hi, start))
    if fits(start):
        good, bad, step = start, hi + 1, 1
        while good + step < bad:
            if fits(good + step):
                good += step
                step *= 2
            else:
                bad = good + step
                break
    else:
        good, bad, step = lo - 1, start, 1
        while bad - step > good:
            if fits(bad - step):
                good = bad - step
                break
            bad -= step
            step *= 2
    while bad - good > 1:
        mid = (good + bad) // 2
        if fits(mid):
            good = mid
        else:
            bad = mid
    return good if good >= lo else None


def smallest(fits: Callable[[int], bool], lo: int, hi: int) -> int:
    """The smallest x in [lo, hi] with ``fits(x)`` (monotone: true from some bound up); ``hi`` when even it fails."""
    chosen = hi
    if fits(hi):
        while lo < chosen:
            mid = (lo + chosen) // 2
            if fits(mid):
                chosen = mid
            else:
                lo = mid + 1
    return chosen
