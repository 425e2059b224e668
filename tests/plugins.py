"""Third-party plugins for the tests: a renderer and a reader that fail the way a buggy plugin would."""

from __future__ import annotations

from typing import ClassVar

from exporter.model import Document
from exporter.readers.base import ReadOptions, ReadResult
from exporter.renderers.base import RenderOptions, RenderResult
from exporter.style import Style


class BoomRenderer:
    """Raises ``error`` from render (RuntimeError unless a test sets another); declares no options type."""

    name = "boom"
    extension = ".boom"
    media_type = "application/octet-stream"
    error: ClassVar[type[BaseException]] = RuntimeError
    seen: ClassVar[list[RenderOptions]] = []

    def render(self, document: Document, style: Style, options: RenderOptions) -> RenderResult:
        """Record the options received, then fail."""
        BoomRenderer.seen.append(options)
        raise self.error("boom in the renderer")


class EchoRenderer:
    """Works: writes the title; declares no options type, so it gets a plain RenderOptions."""

    name = "echo"
    extension = ".echo"
    media_type = "text/plain"
    seen: ClassVar[list[RenderOptions]] = []

    def render(self, document: Document, style: Style, options: RenderOptions) -> RenderResult:
        """Record the options received and return the title."""
        EchoRenderer.seen.append(options)
        return RenderResult(data=document.meta.title.encode())


class BoomReader:
    """Reads ``.boom`` sources by raising ``error`` (RuntimeError unless a test sets another)."""

    name = "boomsrc"
    extensions = (".boom",)
    error: ClassVar[type[BaseException]] = RuntimeError

    def read(self, data: bytes, *, name: str, options: ReadOptions) -> ReadResult:
        """Fail."""
        raise self.error("boom in the reader")
