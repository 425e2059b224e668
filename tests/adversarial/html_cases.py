"""The adversarial table's HTML rows: hostile saved pages, read through the command line or refused in one line."""

from __future__ import annotations

from functools import partial

from test_html_reader import _hostile

from .cases import Case

_READ = ("billion-laughs", "broken-utf8", "javascript-links")
"""Pages read with the article kept (entities never expanded, scripts and javascript: links never followed)."""


def _data(name: str) -> bytes:
    return _hostile()[name]


def html_pages() -> list[Case]:
    """Nesting deeper than the reader takes is refused; the others are read, the article kept, nothing run."""
    cases = [Case("html", "nested-divs", "html", partial(_data, "nested-divs"), "E", message="nested more than")]
    for name in _READ:
        literal = ("Words of the article body stay readable.",)
        cases.append(Case("html", name, "html", partial(_data, name), "V", literal=literal, absent=("lollol",)))
    # NUL and other control characters are removed and counted, as from any source.
    nul = partial(_data, "nul-bytes")
    cases.append(
        Case("html", "nul-bytes", "html", nul, "S", removed=3, literal=("Words of the article body stay readable.",))
    )
    return cases
