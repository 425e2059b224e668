"""The briefing itself: an EPUB 3 that is EPUBCheck-clean, navigable, accessible and reproducible."""

from __future__ import annotations

import re

import msgspec

from ...errors import RenderError
from ...labels import labels_for
from ...model import Document
from ...style import Style
from ..base import RenderOptions, RenderResult
from .chapters import chapters
from .css import stylesheet
from .package import assemble, identifier

_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")


def _with_valid_language(document: Document) -> Document:
    # Readers validate the tag, but a model built in code may carry "" or "en_US"; EPUBCheck rejects both.
    tag = document.meta.language.replace("_", "-")
    tag = tag if _LANGUAGE.fullmatch(tag) else "und"
    if tag == document.meta.language:
        return document
    return msgspec.structs.replace(document, meta=msgspec.structs.replace(document.meta, language=tag))


class EpubBriefing:
    """Writes the briefing: title page, key points, article and commentary, with nav, NCX and a11y metadata."""

    def render(self, document: Document, style: Style, options: RenderOptions) -> RenderResult:
        """Render ``document`` as EPUB 3; byte-identical for the same document and style."""
        document = _with_valid_language(document)
        labels = labels_for(document.meta.language)
        try:
            docs = chapters(document, style, labels)
        except ValueError as exc:
            # lxml refuses characters XML cannot hold: a model built in code that skipped sanitising.
            raise RenderError(f"cannot write the EPUB: {exc}") from None
        css = stylesheet(style, document.meta.language)
        data = assemble(document, docs, css, style.brand.organisation, labels)
        facts = {"identifier": identifier(document), "documents": len(docs)}
        return RenderResult(data=data, facts=facts)
