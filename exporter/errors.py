"""One exception hierarchy with stable codes, shared by the CLI, the API and batch reports."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_MESSAGE = 1000
"""Longest error message kept; the rest of a huge quoted value is cut."""


def one_line(text: str) -> str:
    """``text`` as one printable line: line breaks become spaces, other controls escapes, at most MAX_MESSAGE."""
    # Every error is one line on stderr and in reports, whatever a library or a file name put in it,
    # and no control character (a terminal escape sequence) reaches the user's terminal.
    text = " ".join(part.strip() for part in text.splitlines() if part.strip())
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def printable(text: str) -> str:
    """``text`` (a file name, say) with every control character escaped, so it prints as one harmless line."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class ExporterError(Exception):
    """Base of every error the toolkit reports; ``code`` is stable, ``exit_code`` is for the CLI."""

    code = "error"
    exit_code = 1

    def __init__(self, message: str) -> None:
        message = one_line(message)
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(ExporterError):
    """The call itself is wrong: an unknown format, a bad option value."""

    code = "usage"
    exit_code = 2


class InputError(ExporterError):
    """A source cannot be read: missing, not a regular file, empty, too large."""

    code = "input"


class EncodingError(InputError):
    """A source is not UTF-8 or UTF-16 with a BOM."""

    code = "encoding"


class ParseError(InputError):
    """A source is readable text but not a valid document of its format."""

    code = "parse"


class MetadataError(ParseError):
    """Front matter or JSON metadata has a field of the wrong type or value."""

    code = "metadata"


class PluginError(ExporterError):
    """A registered reader or renderer cannot be loaded."""

    code = "plugin"


class StyleError(ExporterError):
    """A style file is missing, malformed, or has unknown keys."""

    code = "style"


class RenderError(ExporterError):
    """A renderer could not produce its output."""

    code = "render"


class OverflowError_(RenderError):
    """The one-pager does not fit on one page at the minimum size."""

    code = "overflow"


class GlyphError(RenderError):
    """Characters that no configured font covers."""

    code = "glyphs"


class OutputError(ExporterError):
    """The output directory or an output path is unusable."""

    code = "output"
