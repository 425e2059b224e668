"""The Python API for one document: read a source into the model, render the model to bytes."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import InputError, UsageError
from .model import Document
from .readers.base import DEFAULT_MAX_INPUT_BYTES, ReadOptions, ReadResult
from .registry import get_reader, get_renderer, reader_for, source_extensions
from .renderers.base import Overflow, RenderOptions, RenderResult
from .style import Style, load_style


def read_bytes(path: Path, *, max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> bytes:
    """Read a regular file of at most ``max_input_bytes``; refuse directories, FIFOs and devices."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError("no such file") from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise InputError("not a regular file (a device, FIFO or socket)")
    if info.st_size > max_input_bytes:
        raise InputError(f"{info.st_size} bytes is larger than --max-input-bytes ({max_input_bytes})")
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_input_bytes + 1)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}") from None
    if len(data) > max_input_bytes:
        raise InputError(f"larger than --max-input-bytes ({max_input_bytes})")
    return data


def parse(
    data: bytes, *, name: str, source_format: str | None = None, options: ReadOptions | None = None
) -> ReadResult:
    """Parse source bytes (format from ``source_format`` or the file name's extension)."""
    if source_format is not None:
        reader = get_reader(source_format)
    else:
        found = reader_for(name)
        if found is None:
            known = ", ".join(sorted(source_extensions()))
            raise InputError(f"unsupported source type (known: {known})")
        reader = found
    return reader.read(data, name=name, options=options or ReadOptions())


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
