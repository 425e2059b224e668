"""What an output shows for each figure, the picture or its alt text, and the per-output record of both."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..images.refusal import shown
from ..model import Document, Figure, figures, plain_text


def figure_name(figure: Figure) -> str:
    """How reports name a figure: its reference as written, else its alt text, else its key."""
    return figure.src or figure.alt or figure.key[:16] or "(image)"


def alt_text(figure: Figure) -> str:
    """What stands in for a figure without its picture: the alt text, else the caption's text."""
    return figure.alt.strip() or plain_text(figure.caption).strip()


@dataclass(frozen=True)
class FigureLog:
    """A document's figures as every output shows them: those with their picture, those left as alt text."""

    embedded: tuple[str, ...] = ()
    as_alt_text: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @classmethod
    def of(cls, document: Document) -> FigureLog:
        """The log of ``document``: a figure whose key names no resource keeps its alt text (one warning)."""
        embedded: list[str] = []
        as_alt: list[str] = []
        warnings: list[str] = []
        for figure in figures(document):
            if document.picture(figure.key) is not None:
                embedded.append(figure_name(figure))
                continue
            as_alt.append(figure_name(figure))
            if figure.key:
                # A figure the reader refused has no key and was warned about then; this one was built in code.
                warnings.append(
                    f"image {shown(figure_name(figure))}: the document carries no picture of key "
                    f"{figure.key[:16]}; kept as its alt text"
                )
        return cls(tuple(embedded), tuple(as_alt), tuple(dict.fromkeys(warnings)))

    def facts(self) -> dict[str, Any]:
        """The output's image facts (none for a document without figures)."""
        if not self.embedded and not self.as_alt_text:
            return {}
        return {"images": list(self.embedded), "images_as_alt_text": list(self.as_alt_text)}
