"""Link targets for heading ids: one name per heading, unique and valid in its format, found in reading order."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from ..model import Block, Document, Section, SubHeading, block_children

WORD_BOOKMARK_MAX = 40
"""Word refuses bookmark names longer than this."""

_NOT_WORD = re.compile(r"[^A-Za-z0-9_]+")
_NOT_XML_ID = re.compile(r"[^A-Za-z0-9_.-]+")


def section_heading_ids(sections: Iterable[Section]) -> Iterator[str]:
    """Every heading id of ``sections`` in reading order (a section's own, then its sub-headings'), repeats kept."""
    for section in sections:
        if section.id:
            yield section.id
        yield from _block_ids(section.blocks)


def _block_ids(blocks: Iterable[Block]) -> Iterator[str]:
    for block in blocks:
        if isinstance(block, SubHeading) and block.id:
            yield block.id
        for inner in block_children(block):
            yield from _block_ids(inner)


def heading_id_order(document: Document) -> Iterator[str]:
    """Every heading id of the article and then the commentary, in reading order, repeats kept."""
    yield from section_heading_ids(document.sections)
    if document.commentary is not None:
        yield from section_heading_ids(document.commentary.sections)


def word_bookmark(ident: str) -> str:
    """A Word bookmark name for ``ident``: ASCII letters, digits and ``_``, a letter first, at most 40 characters."""
    name = _NOT_WORD.sub("_", ident).strip("_")
    if not name[:1].isascii() or not name[:1].isalpha():
        name = "h" + (f"_{name}" if name else "")
    return name[:WORD_BOOKMARK_MAX]


def xml_id(ident: str) -> str:
    """An XHTML id for ``ident``: ASCII letters, digits, ``-``, ``_`` and ``.``, a letter first."""
    name = _NOT_XML_ID.sub("-", ident).strip("-")
    if not name[:1].isascii() or not name[:1].isalpha():
        name = "h" + (f"-{name}" if name else "")
    return name


class Anchors:
    """The names of a document's heading targets in one format; the first heading with an id is what links reach.

    Each occurrence of an id gets its own name (repeats suffixed ``_2``, ``-3`` …) so the names stay unique;
    with ``ignore_case`` (Word's bookmarks) names that differ only in case count as the same.
    """

    def __init__(
        self,
        ids: Iterable[str],
        clean: Callable[[str], str],
        *,
        separator: str = "_",
        max_length: int = 0,
        reserved: Callable[[str], bool] = lambda name: False,
        ignore_case: bool = False,
    ) -> None:
        self._queues: dict[str, deque[str]] = {}
        self._targets: dict[str, str] = {}
        taken: set[str] = set()
        for ident in ids:
            base = clean(ident)
            name, count = base, 1
            while (name.casefold() if ignore_case else name) in taken or reserved(name):
                count += 1
                suffix = f"{separator}{count}"
                name = (base[: max_length - len(suffix)] if max_length else base) + suffix
            taken.add(name.casefold() if ignore_case else name)
            self._queues.setdefault(ident, deque()).append(name)
            self._targets.setdefault(ident, name)

    def target(self, ident: str) -> str | None:
        """The name internal links to ``ident`` point at (None when no heading has that id)."""
        return self._targets.get(ident)

    def take(self, ident: str) -> str | None:
        """The name of the next heading carrying ``ident``, in reading order (None when none is left)."""
        queue = self._queues.get(ident)
        return queue.popleft() if queue else None
