"""The ``docx`` reader: Word documents (``.docx``, ``.docm``, ``.dotx``) and our own memo back into the model."""

from __future__ import annotations

from ..base import ReadOptions, ReadResult


class DocxReader:
    """Word documents: styles, lists, tables, notes, images and tracked changes (accepted) into the model."""

    name = "docx"
    extensions = (".docx", ".docm", ".dotx")

    def read(self, data: bytes, *, name: str, options: ReadOptions) -> ReadResult:
        """Check the package, then read it (lxml is imported on first use)."""
        from .read import read_docx

        return read_docx(data, name=name, options=options)


__all__ = ["DocxReader"]
