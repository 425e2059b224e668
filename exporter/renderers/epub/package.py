"""Package assembly with EbookLib (OPF, nav, NCX), then a deterministic re-pack of the zip."""

from __future__ import annotations

import datetime
import hashlib
import io
import uuid
import warnings
import zipfile
from collections.abc import Mapping, Sequence

from ebooklib import epub

from ...errors import RenderError
from ...images import Picture
from ...model import Document, to_json
from ...present.view import View
from .chapters import STYLESHEET, Chapter
from .cover import COVER_FILE
from .fonts import FontFace

_FOLDER = "EPUB"
_NAV = "nav.xhtml"
APPLE_OPTIONS = "META-INF/com.apple.ibooks.display-options.xml"
"""Apple Books sets a book in its own fonts unless this file says the book's fonts are meant."""
_APPLE_OPTIONS_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<display_options>
  <platform name="*">
    <option name="specified-fonts">true</option>
  </platform>
</display_options>
"""

_COMPRESSED = (".jpg", ".jpeg", ".png", ".gif", ".webp")
"""Files stored as they are: images are compressed already, and deflating the cover's 4 million pixels of JPEG
took about 8 ms of a briefing's 30 (it saves a quarter of the cover's bytes: 290 KB becomes 210 KB)."""

_DEFLATE_LEVEL = 6
"""zlib's default: level 9 took 9.0 ms instead of 5.8 for the Japanese sample's two font subsets (163 KB), for
136 bytes less; on the English sample's text files it saves 14 bytes."""
_PLACEHOLDER = b"-"
"""What EbookLib writes for a binary file that repack() puts in (it takes empty content for missing)."""

_A11Y_FEATURES = ("structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability", "ARIA")


def identifier(doc: Document) -> str:
    """The document's own identifier, else a urn:uuid derived from the content (never random)."""
    if doc.meta.identifier:
        return doc.meta.identifier
    digest = hashlib.sha256(to_json(doc, indent=0)).hexdigest()
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'exporter:document:{digest}')}"


def _metadata(book: epub.EpubBook, view: View, pictures: Mapping[str, Picture]) -> None:
    doc, labels, organisation = view.document, view.labels, view.style.brand.organisation
    meta = doc.meta
    book.set_identifier(identifier(doc))
    book.set_title(meta.title)
    book.set_language(view.language.xml_lang)
    for index, author in enumerate(meta.authors, start=1):
        book.add_author(author, role="aut", uid=f"creator{index}")
    if organisation:
        book.add_metadata("DC", "publisher", organisation)
    for tag in meta.tags:
        book.add_metadata("DC", "subject", tag)
    if meta.summary:
        book.add_metadata("DC", "description", meta.summary)
    source = view.source_link.href if view.source_link.kind == "external" else meta.source.name
    if source:
        book.add_metadata("DC", "source", source)
    book.add_metadata("DC", "date", meta.date.isoformat())
    # EPUB Accessibility 1.1 discovery metadata; no conformance claim, since nobody has audited the output.
    # With pictures the content is also visual; every img carries its alt text, so text alone still suffices.
    visual = [("schema:accessMode", "visual")] if pictures else []
    features = (*_A11Y_FEATURES, "alternativeText") if pictures else _A11Y_FEATURES
    a11y = [
        ("schema:accessMode", "textual"),
        *visual,
        ("schema:accessModeSufficient", "textual"),
        *(("schema:accessibilityFeature", f) for f in features),
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", labels["a11y_summary_images" if pictures else "a11y_summary"]),
    ]
    for prop, value in a11y:
        book.add_metadata(None, "meta", value, {"property": prop})


def _toc(chapters: Sequence[Chapter]) -> list[object]:
    toc: list[object] = []
    for chapter in chapters:
        if chapter.entries:
            children = [epub.Link(f"{chapter.file_name}#{e.fragment}", e.label, e.fragment) for e in chapter.entries]
            toc.append((epub.Section(chapter.title, chapter.file_name), children))
        else:
            toc.append(epub.Link(chapter.file_name, chapter.title, chapter.uid))
    return toc


def assemble(
    view: View,
    chapters: Sequence[Chapter],
    css: str,
    pictures: Mapping[str, Picture] | None = None,
    cover: Picture | None = None,
    faces: Sequence[FontFace] = (),
) -> bytes:
    """The EPUB bytes: EbookLib writes the package, then the zip is rebuilt reproducibly."""
    doc, labels = view.document, view.labels
    pictures = pictures or {}
    # Binary files go into the zip in repack() only: through EbookLib they were zipped, read back and checked
    # once more (the cover alone is about 300 KB); EbookLib gets a placeholder it writes unread.
    binaries: dict[str, bytes] = {}

    def binary(file_name: str, data: bytes) -> bytes:
        binaries[f"{_FOLDER}/{file_name}"] = data
        return _PLACEHOLDER

    book = epub.EpubBook()
    _metadata(book, view, pictures)
    if cover is not None:
        # The cover-image item (EPUB 3) and the meta EPUB 2 readers look for; no cover page in the spine.
        item = epub.EpubCover(file_name=COVER_FILE)
        item.media_type = cover.media_type
        item.content = binary(COVER_FILE, cover.data)
        book.add_item(item)
        book.add_metadata(None, "meta", "", {"name": "cover", "content": item.id})
    style = epub.EpubItem(uid="style", file_name=STYLESHEET, media_type="text/css", content=css.encode("utf-8"))
    book.add_item(style)
    for path, picture in pictures.items():
        uid = "img-" + picture.key[:16]
        content = binary(path, picture.data)
        book.add_item(epub.EpubItem(uid=uid, file_name=path, media_type=picture.media_type, content=content))
    for index, face in enumerate(faces, start=1):
        content = binary(face.file_name, face.data)
        book.add_item(epub.EpubItem(f"font-{index}", face.file_name, face.media_type, content))
    # Plain items, not EpubHtml: EbookLib would re-parse the XHTML with an HTML parser and rebuild it.
    items = []
    for chapter in chapters:
        item = epub.EpubItem(
            uid=chapter.uid, file_name=chapter.file_name, media_type="application/xhtml+xml", content=chapter.content
        )
        book.add_item(item)
        items.append(item)
    nav = epub.EpubNav(uid="nav", file_name=_NAV, direction="rtl" if view.direction == "rtl" else None)
    nav.title = labels["contents"]
    nav.add_link(href=STYLESHEET, rel="stylesheet", type="text/css")
    book.add_item(nav)
    book.add_item(epub.EpubNcx())
    book.toc = _toc(chapters)
    book.spine = items
    if view.direction == "rtl":
        # The spine's page-progression-direction: pages turn right to left, as in a printed Arabic or Hebrew book.
        book.set_direction("rtl")
    by_uid = {c.uid: c for c in chapters}
    # No "toc" landmark: EPUBCheck rejects a link to the nav document when it is not in the spine.
    book.guide = [
        {"href": by_uid["title-page"].file_name, "title": by_uid["title-page"].title, "type": "titlepage"},
    ]
    start = next((c for c in chapters if c.uid != "title-page"), None)
    if start is not None:
        book.guide.append({"href": start.file_name, "title": start.title, "type": "bodymatter"})
    mtime = datetime.datetime.combine(doc.meta.date, datetime.time(0, 0))
    options = {
        "mtime": mtime,  # written with a "Z": midnight UTC of the document date
        "epub2_guide": False,  # EPUB 2 guide types differ from EPUB 3 landmarks; the nav has them
        "epub3_pages": False,
        "landmark_title": labels["landmarks"],
        "raise_exceptions": True,
        # repack() inflates and deflates every file again: EbookLib's own deflate was wasted work.
        "compresslevel": 0,
    }
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            epub.write_epub(buffer, book, options)
        except (OSError, ValueError, epub.EpubException) as exc:
            raise RenderError(f"epub: could not assemble the book: {exc}") from None
    extra = binaries | ({APPLE_OPTIONS: _APPLE_OPTIONS_XML} if faces else {})
    return repack(buffer.getvalue(), doc.meta.date, [c.file_name for c in chapters], extra)


def repack(data: bytes, date: datetime.date, order: Sequence[str], extra: Mapping[str, bytes] | None = None) -> bytes:
    """Rewrite a zip reproducibly: mimetype first and stored, fixed times and attributes, stable order; images stored,
    the rest deflated.

    ``extra`` adds files EbookLib cannot write (it keeps everything but its own files under ``EPUB/``) or replaces
    the placeholders it was given.
    """
    stamp = (min(max(date.year, 1980), 2107), date.month, date.day, 0, 0, 0)
    rank = {"mimetype": 0, "META-INF/container.xml": 1, f"{_FOLDER}/content.opf": 2, f"{_FOLDER}/{_NAV}": 3}
    for index, name in enumerate(order):
        rank[f"{_FOLDER}/{name}"] = 10 + index
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        files = {name: source.read(name) for name in source.namelist()} | dict(extra or {})
        names = sorted(files, key=lambda n: (rank.get(n, 5), n))
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            stored = name == "mimetype" or name.lower().endswith(_COMPRESSED)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            target.writestr(info, files[name], compresslevel=None if stored else _DEFLATE_LEVEL)
    return out.getvalue()
