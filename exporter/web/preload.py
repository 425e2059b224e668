"""Imported once by the fork server, so every worker it forks starts with the readers and renderers loaded."""

from __future__ import annotations

import contextlib

import pypdfium2  # noqa: F401  (the preview's native library)

from ..registry import get_reader, get_renderer, reader_targets
from . import work  # noqa: F401

for _name in ("docx", "pdf", "epub"):
    get_renderer(_name)
for _name in reader_targets():
    # An optional reader whose extra is missing: requests for it fail on their own.
    with contextlib.suppress(Exception):
        get_reader(_name)
