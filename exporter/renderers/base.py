"""The renderer contract: document + style + options in, bytes and a small result record out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from ..model import Document
from ..style import Style

Overflow = Literal["error", "truncate", "pages"]
"""What the one-pager does when the document does not fit one page."""


@dataclass(frozen=True)
class RenderOptions:
    """Options every renderer receives; renderers ignore what does not concern them."""

    overflow: Overflow = "error"
    strict: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RenderResult:
    """The rendered bytes, warnings, and format facts (e.g. PDF ``pages``, ``body_size``)."""

    data: bytes
    warnings: tuple[str, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class Renderer(Protocol):
    """An output format. Pure: never touches the filesystem or the CLI."""

    name: str
    extension: str
    media_type: str

    def render(self, document: Document, style: Style, options: RenderOptions) -> RenderResult:
        """Render ``document`` in ``style``."""
        ...
