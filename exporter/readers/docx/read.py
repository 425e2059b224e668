"""The DOCX reader's steps: open the package safely, read its parts, find title, memo head, sections, commentary."""

from __future__ import annotations

import datetime
from typing import Any

from ...images import ImageCollector
from ...model import Block, Paragraph, Part, Section, SubHeading, plain_text
from ...present.labels import LABELS
from ..base import Draft, ReadOptions, ReadResult, finish, normalise_meta
from ..markdown import pop_key_points
from ..plaintext import COMMENTARY_MARKERS, split_kicker
from .body import BodyReader, Item, Para, TableItem
from .loader import PackageLoader
from .memo import (
    MEMORANDUM,
    is_key_points_heading,
    key_points_panel,
    memo_field,
    parse_memo_date,
    source_line,
    split_subject,
)
from .package import Package, open_package
from .structure import Assembler
from .styles import Numbering, Styles, w

CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"

_COMMENTARY = frozenset({*COMMENTARY_MARKERS, *(t["commentary"].casefold() for t in LABELS.values())})
"""Headings that open the commentary part: the plain-text markers and the commentary label in every language."""


def read_docx(data: bytes, *, name: str, options: ReadOptions) -> ReadResult:
    """Read a Word document (or our own memo) into the model."""
    package = open_package(data, max_input_bytes=options.max_input_bytes)
    main = package.main
    root = package.xml(main)
    body = root.find(w("body")) if root is not None else None
    if body is None:
        from ...errors import ParseError

        raise ParseError("not a DOCX: the document part has no body")
    styles = Styles(_related_xml(package, main, "styles"))
    numbering = Numbering(_related_xml(package, main, "numbering"))
    collector = ImageCollector(PackageLoader(package), strict=options.strict)
    reader = BodyReader(package, styles, numbering, collector)
    assemble = Assembler()
    reader.assemble = assemble
    reader.footnotes_part = package.related(main, "footnotes") or ""
    reader.endnotes_part = package.related(main, "endnotes") or ""
    reader.footnotes = _notes(package, reader.footnotes_part, "footnote")
    reader.endnotes = _notes(package, reader.endnotes_part, "endnote")
    reader.anchors = _heading_anchors(body, styles)
    reader.in_part(main)
    items = reader.items(body)
    core = _core(package)

    draft = Draft()
    memo = any(isinstance(i, Para) and i.style in ("MemoField", "KeyPointsHeading") for i in items) or any(
        isinstance(i, TableItem) and key_points_panel(i) is not None for i in items
    )
    raw_meta: dict[str, Any] = {}
    items = _head(items, raw_meta, core, memo, draft)
    memo = memo or bool(raw_meta.get("memo"))
    if memo:
        items = _closing(items, raw_meta)
        marking = _marking(package, main) or core.get("contentStatus", "")
        if marking:
            raw_meta["marking"] = marking
    _core_meta(core, raw_meta, memo)
    if memo and "title" not in raw_meta and core.get("title"):
        raw_meta["title"] = core["title"]
    meta, warnings = normalise_meta(raw_meta, strict=False, where="the document's properties")
    draft.meta = {**meta, **draft.meta}
    draft.warnings.extend(warnings)
    _body(items, draft, assemble, memo)
    if "title" not in draft.meta and core.get("title"):
        # No Title paragraph and no heading: the file's title property names it.
        draft.meta["title"] = core["title"]
    draft.resources = list(collector.pictures.values())
    draft.warnings.extend(collector.warnings)
    if assemble.merged_tables:
        draft.warnings.append(f"{assemble.merged_tables} table(s) with merged cells flattened (each cell kept once)")
    for what, count in reader.dropped.items():
        draft.warnings.append(what + (f" ({count} times)" if count > 1 else ""))
    text = " ".join(plain_text(i.inlines) for i in items[:200] if isinstance(i, Para))
    return finish(draft, body_text=text + " " + str(draft.meta.get("title", "")), name=name, options=options)


def _related_xml(package: Package, main: str, kind: str) -> Any:
    part = package.related(main, kind)
    return package.xml(part) if part else None


def _notes(package: Package, part: str, tag: str) -> dict[str, Any]:
    root = package.xml(part) if part else None
    if root is None:
        return {}
    return {n.get(w("id"), ""): n for n in root.iter(w(tag)) if n.get(w("type")) in (None, "normal")}


def _heading_anchors(body: Any, styles: Styles) -> dict[str, str]:
    """Bookmark names on headings to one id per heading, so every link to a heading reaches the same id."""
    anchors: dict[str, str] = {}
    for p in body.iter(w("p")):
        names = [b.get(w("name"), "") for b in p.iter(w("bookmarkStart"))]
        names = [n for n in names if n and n != "_GoBack"]
        if not names:
            continue
        style_el = p.find(f"{w('pPr')}/{w('pStyle')}")
        style = style_el.get(w("val"), "") if style_el is not None else ""
        outline = p.find(f"{w('pPr')}/{w('outlineLvl')}")
        if styles.heading_level(style) is None and outline is None and style != "CommentaryHeading":
            continue
        chosen = next((n for n in names if not n.startswith("_")), names[0])
        for n in names:
            anchors.setdefault(n, chosen)
    return anchors


def _core(package: Package) -> dict[str, str]:
    part = next((r.target for r in package.rels("").values() if r.kind == "core-properties"), "docProps/core.xml")
    root = package.xml(part) if package.has(part) else None
    out: dict[str, str] = {}
    if root is None:
        return out
    for el in root:
        if isinstance(el.tag, str) and el.text and el.text.strip():
            out[el.tag.rsplit("}", 1)[-1]] = el.text.strip()
    return out


_FRONT_STYLES = frozenset({"Author", "Date", "Abstract"})
"""Styles pandoc gives the author, date and abstract lines under the title."""


def _head(items: list[Item], meta: dict[str, Any], core: dict[str, str], memo: bool, draft: Draft) -> list[Item]:
    """Take the memo's head (MEMORANDUM, fields, summary) or a draft's title and subtitle off the top."""
    rest: list[Item] = []
    memo_fields: dict[str, str] = {}
    head = True
    for item in items:
        if not head or not isinstance(item, Para):
            head = head and isinstance(item, Para)
            rest.append(item)
            continue
        text = plain_text(item.inlines).strip()
        field = memo_field(item.raw) if item.kind in ("text", "title") else None
        if item.empty or item.style in ("Organisation", "MemoRule"):
            continue
        if item.kind == "title" and text.casefold() in MEMORANDUM:
            continue
        if field is not None:
            key, value = field
            if key == "subject":
                kicker, title = split_subject(value, core.get("category", ""))
                if title:
                    meta["title"] = title
                if kicker:
                    meta["kicker"] = kicker
            elif key == "date":
                meta["_date"] = value
            elif value:
                memo_fields[key] = value
            continue
        if item.style in _FRONT_STYLES and "title" in meta:
            # pandoc's front matter (Author, Date and Abstract styles; Author and Date are based on Title).
            if item.style == "Author":
                meta.setdefault("authors", []).append(text)
            elif item.style == "Date":
                meta["_date"] = text
            else:
                meta["summary"] = text
            continue
        if item.kind == "title" and "title" not in meta:
            kicker, headline = ("", text) if memo else split_kicker(text)
            meta["title"] = headline
            if kicker:
                meta.setdefault("kicker", kicker)
            continue
        if item.kind == "subtitle":
            meta["summary" if memo or memo_fields else "kicker"] = text
            continue
        head = False
        rest.append(item)
    if memo_fields:
        meta["memo"] = memo_fields
    return rest


def _closing(items: list[Item], meta: dict[str, Any]) -> list[Item]:
    """The memo's closing Source / By / Keywords lines into metadata."""
    while items and isinstance(items[-1], Para) and (items[-1].style == "Source" or items[-1].empty):
        para = items.pop()
        assert isinstance(para, Para)
        found = source_line(para) if not para.empty else None
        if found is None:
            continue
        key, value = found
        if key == "by":
            meta["authors"] = [a.strip() for a in value.split(",") if a.strip()]
        elif key == "keywords":
            meta.setdefault("tags", [t.strip() for t in value.split(",") if t.strip()])
        else:
            urls = [i.url for i in _links(para)]
            url = urls[-1] if urls else ""
            name = value.removesuffix(url).rstrip().rstrip(",").strip() if url else value
            meta["source"] = {k: v for k, v in (("name", name), ("url", url)) if v}
    return items


def _links(para: Para) -> list[Any]:
    from ...model import Link, walk_inlines

    return [i for i in walk_inlines((Paragraph(inlines=para.inlines),)) if isinstance(i, Link)]


def _marking(package: Package, main: str) -> str:
    for rel in package.rels(main).values():
        if rel.kind == "header" and not rel.external and package.has(rel.target):
            root = package.xml(rel.target)
            for p in root.iter(w("p")):
                style = p.find(f"{w('pPr')}/{w('pStyle')}")
                if style is not None and style.get(w("val")) == "MarkingBanner":
                    return "".join(t.text or "" for t in p.iter(w("t"))).strip()
    return ""


def _core_meta(core: dict[str, str], meta: dict[str, Any], memo: bool) -> None:
    """Core properties where the body said nothing: title, author, keywords, language, identifier, date."""
    if not memo and core.get("creator"):
        meta.setdefault("authors", [a.strip() for a in core["creator"].replace(";", ",").split(",") if a.strip()])
    if core.get("keywords") and memo:
        meta["tags"] = [t.strip() for t in core["keywords"].split(";") if t.strip()]
    if core.get("language"):
        meta["language"] = core["language"]
    if core.get("identifier"):
        meta["identifier"] = core["identifier"]
    created = _stamp(core.get("created", ""))
    shown = meta.pop("_date", "")
    parsed = parse_memo_date(shown, core.get("language", "")) if shown else None
    if parsed or created:
        meta["date"] = parsed or created


def _stamp(text: str) -> datetime.date | None:
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).date() if text else None
    except ValueError:
        return None


def _body(items: list[Item], draft: Draft, assemble: Assembler, memo: bool) -> None:
    """Sections from headings, the commentary part from its marker, key points from the panel or their heading."""
    if "title" not in draft.meta:
        first = next((i for i in items if isinstance(i, Para) and i.kind == "heading"), None)
        if first is not None:
            items = [i for i in items if i is not first]
            title = plain_text(first.inlines).strip()
            kicker, headline = split_kicker(title)
            draft.meta["title"] = headline
            if kicker and "kicker" not in draft.meta:
                draft.meta["kicker"] = kicker
    sections: list[Section] = []
    commentary: list[Section] | None = None
    part_title = ""
    heading: Para | None = None
    pending: list[Item] = []

    def close() -> None:
        blocks = _blocks(pending, assemble, memo, commentary is not None)
        if heading is None and not blocks:
            return
        target = sections if commentary is None else commentary
        text = plain_text(heading.inlines).strip() if heading is not None else ""
        ident = heading.bookmarks[0] if heading is not None and heading.bookmarks else ""
        target.append(Section(heading=text, blocks=tuple(blocks), id=ident))

    for item in items:
        if isinstance(item, TableItem) and not draft.key_points:
            points = key_points_panel(item)
            if points is not None:
                draft.key_points = points
                continue
        if isinstance(item, Para) and _is_section_heading(item, memo, commentary is not None):
            text = plain_text(item.inlines).strip()
            close()
            pending = []
            if (
                commentary is None
                and text.rstrip(":：").strip().casefold() in _COMMENTARY
                and (not memo or item.style != "CommentaryHeading")
            ):
                commentary, part_title, heading = [], text, None
            else:
                heading = item
            continue
        pending.append(item)
    close()
    if not draft.key_points:
        points = pop_key_points(sections, is_key_points_heading)
        if points is not None:
            draft.key_points = points
    draft.sections = sections
    if commentary is not None:
        draft.commentary = Part(title=part_title, sections=tuple(commentary))


def _is_section_heading(item: Para, memo: bool, in_commentary: bool) -> bool:
    if item.kind == "title":
        return True
    if memo and item.style == "CommentaryHeading":
        return True
    if item.kind != "heading":
        return False
    return item.level <= (1 if memo else 2)


def _blocks(items: list[Item], assemble: Assembler, memo: bool, in_commentary: bool) -> list[Block]:
    """A section's blocks: sub-headings at their level below the section's, the rest assembled."""
    out: list[Block] = []
    run: list[Item] = []
    shift = (2 if in_commentary else 1) if memo else 2
    for item in items:
        if isinstance(item, Para) and item.kind in ("heading", "subtitle") and not item.empty:
            out.extend(assemble(run))
            run = []
            level = max(1, item.level - shift) if item.kind == "heading" else 1
            ident = item.bookmarks[0] if item.bookmarks else ""
            out.append(SubHeading(level=level, inlines=item.inlines, id=ident))
            continue
        run.append(item)
    out.extend(assemble(run))
    return out
