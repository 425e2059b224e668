"""The two pure steps every entry point shares: source bytes to the model, the model to output bytes."""

from __future__ import annotations

from .errors import InputError
from .readers.base import ReadOptions, ReadResult
from .registry import get_reader, reader_for, source_extensions


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
