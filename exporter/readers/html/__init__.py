"""Reader for saved web pages: the article without the page around it (trafilatura), never fetching or running."""

from __future__ import annotations

from ...errors import ParseError
from ...images import ImageCollector, MemoryLoader
from ...model import Paragraph, Section
from ...model import plain_text as _plain
from ...sanitize import clean_text
from ..base import Draft, ReadOptions, ReadResult, finish, require_text
from .decoding import decode_page
from .extract import extract_article
from .mapping import Mapper, is_article, sections
from .metadata import base_url, read_metadata
from .page import parse_page, strip_page

__all__ = ["HtmlReader"]

_NO_ARTICLE = "no article found in the page (only navigation, boilerplate or too little text)"


class HtmlReader:
    """A saved article page (``.html``, ``.htm``, ``.xhtml``): headline, byline, date and body, nothing else."""

    name = "html"
    extensions = (".html", ".htm", ".xhtml")

    def read(self, data: bytes, *, name: str, options: ReadOptions) -> ReadResult:
        """Parse a saved page into a document; a page without an article is a ``parse`` error."""
        decoded = decode_page(data)
        text, removed = clean_text(decoded.text)
        require_text(text)
        tree = parse_page(text)
        page = read_metadata(tree)
        base = base_url(tree, page)
        images = strip_page(tree)
        main = extract_article(tree)
        if main is None or not is_article(main):
            raise ParseError(_NO_ARTICLE)
        collector = ImageCollector(options.loader or MemoryLoader(), strict=options.strict)
        mapper = Mapper(collector, images, base=base)
        title = str(page.fields.get("title", ""))
        found = sections(main, mapper, title)
        if not any(section.blocks for section in found):
            raise ParseError(_NO_ARTICLE)
        draft = Draft(meta=dict(page.fields), sections=found, removed=removed)
        draft.warnings = [*decoded.warnings, *page.warnings, *collector.warnings]
        draft.warnings += [what + (f" ({count} times)" if count > 1 else "") for what, count in mapper.dropped.items()]
        draft.resources = list(collector.pictures.values())
        if "date" not in draft.meta:
            draft.warnings.append("the page gives no publication date; using today's")
        return finish(draft, body_text=_body_text(found), name=name, options=options)


def _body_text(found: list[Section]) -> str:
    """The headings and paragraphs' text, for detecting the language of a page that does not declare it."""
    parts: list[str] = []
    for section in found:
        parts.append(section.heading)
        parts.extend(_plain(block.inlines) for block in section.blocks if isinstance(block, Paragraph))
    return "\n".join(parts)
