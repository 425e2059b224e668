"""The Python API for one document: read a source into the model, render the model to bytes."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import InputError, UsageError
from .fsio import read_bytes
from .model import Document
from .pipeline import parse
from .readers.base import DEFAULT_MAX_INPUT_BYTES, ReadOptions, ReadResult
from .registry import get_renderer, reader_for, source_extensions
from .renderers.base import Overflow, RenderOptions, RenderResult
from .style import Style, load_style


def read_source(
    path: str | os.PathLike[str],
    *,
    lang: str | None = None,
    strict: bool = False,
    overrides: Mapping[str, Any] | None = None,
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES,
    source_format: str | None = None,
) -> ReadResult:
    """Read a source file into the model; ``result.document`` and ``result.warnings``."""
    file = Path(path)
    if source_format is None and reader_for(file.name) is None:
        known = ", ".join(sorted(source_extensions()))
        raise InputError(f"unsupported source type (known: {known})")
    data = read_bytes(file, max_input_bytes=max_input_bytes)
    options = ReadOptions(lang=lang, strict=strict, overrides=dict(overrides or {}))
    return parse(data, name=file.name, source_format=source_format, options=options)


def resolve_style(style: Style | str | os.PathLike[str] | None) -> Style:
    """A Style as given, or loaded by name or path (``None`` is the default style)."""
    if isinstance(style, Style):
        return style
    return load_style(str(style) if style is not None else "default")


def render(
    document: Document,
    format: str,
    style: Style | str | None = None,
    *,
    overflow: Overflow = "error",
    options: RenderOptions | None = None,
) -> RenderResult:
    """Render a document to bytes in one format (``docx``, ``pdf``, ``epub``, ``json`` …)."""
    if overflow not in ("error", "truncate", "pages"):
        raise UsageError(f"overflow must be error, truncate or pages, not {overflow!r}")
    renderer = get_renderer(format)
    return renderer.render(document, resolve_style(style), options or RenderOptions(overflow=overflow))
