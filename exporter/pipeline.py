"""The two pure steps every entry point shares, and their error boundary: source to model, model to bytes."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .errors import ExporterError, InputError, ParseError, RenderError, UsageError
from .model import Document
from .readers.base import ReadOptions, ReadResult
from .registry import get_reader, get_renderer, reader_for, source_extensions
from .renderers.base import RenderOptions, RenderResult, options_type
from .style import Style


def _unexpected(exc: Exception, what: str) -> str:
    """The one-line message for an exception a reader or renderer did not mean to raise."""
    if isinstance(exc, RecursionError):
        return f"the document is nested too deeply for the {what}"
    if isinstance(exc, MemoryError):
        return f"the {what} ran out of memory"
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return f"the {what} failed unexpectedly: {detail}"


def parse(
    data: bytes | str, *, name: str, source_format: str | None = None, options: ReadOptions | None = None
) -> ReadResult:
    """Parse a source (bytes, or text taken as UTF-8; format from ``source_format`` or the name's extension).

    Whatever a reader raises that is not an ``ExporterError`` becomes a ``ParseError`` (code ``parse``)
    with the original exception as ``__cause__``.
    """
    if isinstance(data, str):
        # surrogatepass: a lone surrogate reaches the reader, which reports it like one in a file.
        data = data.encode("utf-8", "surrogatepass")
    elif not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"parse() takes the source as bytes or str, not {type(data).__name__}")
    if source_format is not None:
        reader = get_reader(source_format)
    else:
        found = reader_for(name)
        if found is None:
            known = ", ".join(sorted(source_extensions()))
            raise InputError(f"unsupported source type (known: {known})")
        reader = found
    try:
        result = reader.read(bytes(data), name=name, options=options or ReadOptions())
    except ExporterError:
        raise
    except Exception as exc:  # KeyboardInterrupt and SystemExit are not Exceptions: they pass
        raise ParseError(_unexpected(exc, f"{reader.name} reader")) from exc
    if not isinstance(result, ReadResult):
        raise ParseError(f"the {reader.name} reader returned {type(result).__name__}, not a ReadResult")
    return result


def render_options(fmt: str, values: Mapping[str, Any] | None = None, *, strict: bool = False) -> RenderOptions:
    """The options record ``fmt``'s renderer declares, filled from the ``values`` named like its fields.

    Values the record has no field for are ignored (the CLI passes every flag to every format), or with
    ``strict`` a ``UsageError``.
    """
    kind = options_type(get_renderer(fmt))
    names = {f.name for f in dataclasses.fields(kind)}
    given = dict(values or {})
    unknown = sorted(set(given) - names)
    if strict and unknown:
        known = ", ".join(sorted(names)) or "none"
        raise UsageError(f"the {fmt} format has no option {unknown[0]!r} (its options: {known})")
    return kind(**{k: v for k, v in given.items() if k in names})


def render(document: Document, fmt: str, style: Style, options: RenderOptions | None = None) -> RenderResult:
    """Render ``document`` as ``fmt`` with that format's options record (its defaults when None).

    Whatever a renderer raises that is not an ``ExporterError`` becomes a ``RenderError`` (code ``render``)
    with the original exception as ``__cause__``.
    """
    renderer = get_renderer(fmt)
    kind = options_type(renderer)
    if options is None:
        options = kind()
    elif not isinstance(options, kind):
        raise UsageError(f"the {fmt} format takes {kind.__name__}, not {type(options).__name__}")
    try:
        result = renderer.render(document, style, options)
    except ExporterError:
        raise
    except Exception as exc:  # KeyboardInterrupt and SystemExit are not Exceptions: they pass
        raise RenderError(_unexpected(exc, f"{fmt} renderer")) from exc
    if not isinstance(result, RenderResult):
        raise RenderError(f"the {fmt} renderer returned {type(result).__name__}, not a RenderResult")
    return result
