"""One exception hierarchy with stable codes, shared by the CLI, the API and batch reports."""

from __future__ import annotations


class ExporterError(Exception):
    """Base of every error the toolkit reports; ``code`` is stable, ``exit_code`` is for the CLI."""

    code = "error"
    exit_code = 1

    def __init__(self, message: str) -> None:
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
