"""The reference document's bytes for the memo: ``--reference-doc`` or the style's ``[docx] reference``, checked."""

from __future__ import annotations

from pathlib import Path

from .errors import ExporterError, StyleError, printable
from .fsio import read_bytes
from .style import Style

REFERENCE_SUFFIXES = (".docx", ".dotx")
"""What a reference document's file name may end in."""


def read_reference_doc(path: Path) -> bytes:
    """The bytes of the .docx / .dotx at ``path``, checked as a Word package; a ``StyleError`` otherwise."""
    # Imported here: naming the option must not load lxml and the DOCX renderer.
    from .renderers.docx.reference import MAX_REFERENCE_BYTES, read_reference

    where = printable(str(path))
    if path.suffix.lower() not in REFERENCE_SUFFIXES:
        raise StyleError(f"reference document {where}: must be a .docx or .dotx file")
    try:
        data = read_bytes(path, max_input_bytes=MAX_REFERENCE_BYTES)
        read_reference(data)
    except ExporterError as exc:
        raise StyleError(f"reference document {where}: {exc.message}") from None
    return data


def reference_bytes(style: Style, override: Path | None = None) -> bytes:
    """The reference the memo uses: ``override`` (the command line's) wins over the style's; b"" for none."""
    if override is not None:
        return read_reference_doc(override)
    if style.docx.reference:
        return read_reference_doc(Path(style.docx.reference))
    return b""
