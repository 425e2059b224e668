"""The renderer contract: document + style + the format's options in, bytes and a small result record out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, get_args, runtime_checkable

from ..errors import PluginError, UsageError
from ..model import Document
from ..style import Style

Overflow = Literal["error", "truncate", "pages"]
"""What the one-pager does when the document does not fit one page."""

PdfEngine = Literal["reportlab", "typst"]
"""What lays out the one-pager: reportlab (the default) or Typst (tagged PDF/UA-1, every script; an extra)."""


@dataclass(frozen=True)
class RenderOptions:
    """The options of a renderer that declares none (empty); every format's options record extends it."""


@dataclass(frozen=True)
class PdfRenderOptions(RenderOptions):
    """Options of the PDF one-pager: the overflow policy (``--overflow``) and the engine (``--pdf-engine``)."""

    overflow: Overflow = "error"
    engine: PdfEngine | None = None
    """reportlab or typst; None takes the style's ``[pdf] engine``."""

    def __post_init__(self) -> None:
        """Refuse an unknown overflow policy or engine by name."""
        if self.overflow not in get_args(Overflow):
            raise UsageError(f"overflow must be error, truncate or pages, not {self.overflow!r}")
        if self.engine is not None and self.engine not in get_args(PdfEngine):
            raise UsageError(f"the PDF engine must be reportlab or typst, not {self.engine!r}")


@dataclass(frozen=True)
class DocxRenderOptions(RenderOptions):
    """Options of the DOCX memo: the bytes of a reference document (``--reference-doc``), b"" for none."""

    reference: bytes = b""
    """A .docx or .dotx whose page setup, headers, footers, theme, fonts and styles the memo takes."""


@dataclass(frozen=True)
class EpubRenderOptions(RenderOptions):
    """Options of the EPUB briefing (none yet; the briefing's settings come from the style)."""


@dataclass(frozen=True)
class RenderResult:
    """The rendered bytes, warnings, and format facts (e.g. PDF ``pages``, ``body_size``)."""

    data: bytes
    warnings: tuple[str, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class Renderer(Protocol):
    """An output format. Pure: never touches the filesystem or the CLI.

    A renderer may also declare ``options_type``, the ``RenderOptions`` subclass its ``render`` takes;
    one that does not receives a plain ``RenderOptions()``.
    """

    name: str
    extension: str
    media_type: str

    def render(self, document: Document, style: Style, options: Any) -> RenderResult:
        """Render ``document`` in ``style`` with an instance of the renderer's ``options_type``."""
        ...


def options_type(renderer: object) -> type[RenderOptions]:
    """The options record ``renderer`` declares (its ``options_type``), else ``RenderOptions``."""
    declared = getattr(renderer, "options_type", RenderOptions)
    if isinstance(declared, type) and issubclass(declared, RenderOptions):
        return declared
    # A plugin that declares something else cannot be given options it understands.
    name = getattr(renderer, "name", type(renderer).__name__)
    raise PluginError(f"the {name} renderer's options_type must be a RenderOptions subclass, not {declared!r}")
