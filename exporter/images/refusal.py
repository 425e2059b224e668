"""Why an image was not taken: the internal signal, the value a document keeps, and the --strict error."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError, printable

_SHOWN = 80
"""Longest reference quoted in a message; a data: URI can be megabytes long."""


class ImageRefused(Exception):
    """Raised inside the image package with one human reason; callers get a ``Refusal`` instead."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ImageError(InputError):
    """An image was refused and ``--strict`` turns that warning into an error (code ``input``, as for the source)."""


def shown(reference: str) -> str:
    """``reference`` quoted for a message: in single quotes, control characters escaped, cut when long."""
    text = printable(reference)
    return "'" + (text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…") + "'"


@dataclass(frozen=True)
class Refusal:
    """An image reference that was not taken and why; the document keeps the alt text in its place."""

    reference: str
    reason: str

    @property
    def message(self) -> str:
        """One line for the warnings list: which image, and why."""
        return f"image {shown(self.reference)}: {self.reason}"

    def error(self) -> ImageError:
        """The error ``--strict`` raises for this refusal."""
        return ImageError(self.message)
