"""The briefing itself: an EPUB 3 that is EPUBCheck-clean, navigable, accessible and reproducible."""

from __future__ import annotations

from ...errors import RenderError
from ...model import Document
from ...present.embedding import plan_fonts
from ...present.view import present
from ...style import Style
from ..base import RenderOptions, RenderResult
from .chapters import content
from .cover import CoverRefused, cover_image
from .css import stylesheet
from .fonts import embedded_faces
from .package import assemble, identifier


class EpubBriefing:
    """Writes the briefing: title page, key points, article and commentary, with nav, NCX and a11y metadata."""

    def render(self, document: Document, style: Style, options: RenderOptions) -> RenderResult:
        """Render ``document`` as EPUB 3; byte-identical for the same document and style."""
        view = present(document, style)
        try:
            docs, pictures = content(view)
        except ValueError as exc:
            # lxml refuses characters XML cannot hold: a model built in code that skipped sanitising.
            raise RenderError(f"cannot write the EPUB: {exc}") from None
        warnings = list(view.warnings)
        cover = None
        if style.epub.cover:
            try:
                cover = cover_image(view)
            except CoverRefused as exc:
                warnings.append(str(exc))
        plan = plan_fonts(view)
        warnings.extend(plan.warnings)
        faces = embedded_faces(plan)
        data = assemble(view, docs, stylesheet(view, plan, faces), pictures, cover, faces)
        facts = {"identifier": identifier(document), "documents": len(docs), **view.figures.facts()}
        facts["cover"] = cover is not None
        facts["fonts"] = [face.file_name for face in faces]
        return RenderResult(data=data, warnings=tuple(warnings), facts=facts)
