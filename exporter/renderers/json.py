"""The ``json`` renderer: the canonical model as JSON (what ``exporter inspect`` prints)."""

from __future__ import annotations

from ..model import Document, to_json
from ..style import Style
from .base import RenderOptions, RenderResult


class JsonRenderer:
    """Writes the document in the model's own lossless JSON form."""

    name = "json"
    extension = ".json"
    media_type = "application/json"
    options_type = RenderOptions

    def render(self, document: Document, style: Style, options: RenderOptions) -> RenderResult:
        """Encode the document; the style does not apply to JSON."""
        return RenderResult(data=to_json(document))
