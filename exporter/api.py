"""The Python API for one document: read a source into the model, render the model to bytes."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from . import pipeline
from .errors import InputError, UsageError
from .fsio import read_bytes
from .images import FileLoader
from .model import Document
from .pipeline import parse, render_options
from .readers.base import DEFAULT_MAX_INPUT_BYTES, ReadOptions, ReadResult
from .reference_doc import reference_bytes
from .registry import reader_for, source_extensions
from .renderers.base import DocxRenderOptions, Overflow, RenderOptions, RenderResult
from .style import Style, load_style


def read_source(
    path: str | os.PathLike[str],
    *,
    lang: str | None = None,
    strict: bool = False,
    overrides: Mapping[str, Any] | None = None,
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES,
    source_format: str | None = None,
    smart: bool = False,
    resource_paths: Sequence[str | os.PathLike[str]] = (),
) -> ReadResult:
    """Read a source file into the model; ``result.document`` and ``result.warnings``.

    ``smart`` makes quotes and dashes typographic in the document's language (Markdown and plain text).
    Images are read from the source's folder and the ``resource_paths`` folders, never from elsewhere;
    their bytes travel in ``document.resources``.
    """
    file = Path(path)
    if source_format is None and reader_for(file.name) is None:
        known = ", ".join(sorted(source_extensions()))
        raise InputError(f"unsupported source type (known: {known})")
    data = read_bytes(file, max_input_bytes=max_input_bytes)
    paths = tuple(os.fspath(p) for p in resource_paths)
    options = ReadOptions(
        lang=lang,
        strict=strict,
        overrides=dict(overrides or {}),
        smart=smart,
        resource_paths=paths,
        loader=FileLoader(file.parent, paths),
        max_input_bytes=max_input_bytes,
    )
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
    overflow: Overflow | None = None,
    options: RenderOptions | None = None,
) -> RenderResult:
    """Render a document to bytes in one format (``docx``, ``pdf``, ``epub``, ``json`` …).

    ``options`` is the format's options record (``PdfRenderOptions(overflow="pages")``,
    ``DocxRenderOptions(reference=docx_bytes)`` …); ``overflow`` is a shortcut for the PDF's. A style's
    ``[docx] reference`` is read here when the options carry no reference of their own. A failure raises
    an ``ExporterError`` whose ``code`` says what failed (a renderer's own exception becomes code
    ``render``, kept as ``__cause__``).
    """
    if not isinstance(document, Document):
        raise TypeError(f"render() takes a Document, not {type(document).__name__}")
    if overflow is not None:
        if options is not None:
            raise UsageError("give overflow inside options, or overflow alone, not both")
        options = render_options(format, {"overflow": overflow}, strict=True)
    resolved = resolve_style(style)
    if resolved.docx.reference and format == "docx" and not getattr(options, "reference", b""):
        # The style's [docx] reference is a file: read here, so the renderer gets bytes and stays pure.
        base = options if isinstance(options, DocxRenderOptions) else DocxRenderOptions()
        options = dataclasses.replace(base, reference=reference_bytes(resolved))
    return pipeline.render(document, format, resolved, options)
