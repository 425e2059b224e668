"""The one-pager as data for the Typst template: every string, decision and style value, taken from the view.

Nothing here is Typst code: the template reads this record as JSON (``json(bytes(sys.inputs.doc))``), and a
string of the record only ever becomes text, so ``#read(...)``, ``$x$`` or ``<label>`` in a document stay
literal characters.
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass, field
from typing import Any, assert_never

from ...errors import GlyphError, RenderError
from ...images import PDF_TYPES, convert
from ...model import (
    Block,
    BulletList,
    Checkbox,
    Code,
    CodeBlock,
    DefinitionList,
    Emph,
    Figure,
    Inline,
    LineBreak,
    Link,
    Note,
    OrderedList,
    Paragraph,
    Quote,
    Rule,
    Section,
    Strike,
    Strong,
    SubHeading,
    Table,
    Text,
    plain_text,
)
from ...present.anchors import Anchors, heading_id_order
from ...present.coverage import BIDI_CONTROLS, FontChain, describe, is_hidden, typst_chain
from ...present.direction import block_direction
from ...present.figures import alt_text, figure_name
from ...present.numbering import level_format, marker
from ...present.view import View, bullet, checkbox, checkbox_gap
from ...style import Roles
from ...typefaces import typeface

KEEP_ROWS = 6
"""Tables of at most this many body rows and lists of at most this many items stay in one column (as reportlab)."""
MIN_COLUMN = 170.0
"""Narrowest column (pt) worth setting; narrower pages get fewer columns (as reportlab)."""
GAP = 14.0
"""Points between columns."""


def role_chain(view: View, role: str) -> FontChain:
    """The Typst engine's font chain for a role (``exporter.present.coverage.typst_chain``)."""
    fonts = view.fonts[role]
    return typst_chain(fonts.primary, fonts.fallback, language=view.language)


def font_list(view: View, role: str) -> tuple[str, ...]:
    """The families that set a role's text, first choice first."""
    return role_chain(view, role).families


def visible(text: str) -> bool:
    """Whether ``text`` shows anything: PDF/UA refuses a heading (or a title) whose text is empty."""
    return any(not ch.isspace() and not is_hidden(ch) and not BIDI_CONTROLS.match(ch) for ch in text)


def page_label(template: str) -> list[dict[str, str]]:
    """A ``Page {page} of {pages}`` label as literal pieces and the two numbers' places."""
    out: list[dict[str, str]] = []
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            out.append({"t": literal})
        if name in ("page", "pages"):
            out.append({"n": name})
    return out


def columns(view: View) -> int:
    """The column count for the style's page: fewer when a column would be narrower than MIN_COLUMN."""
    count = view.style.pdf.columns
    while count > 1 and (view.content_width - GAP * (count - 1)) / count < MIN_COLUMN:
        count -= 1
    return count


@dataclass
class Builder:
    """Turns a document's view into the template's record (one per render; ``keep`` blocks of the article)."""

    view: View
    images: dict[str, bytes] = field(default_factory=dict)
    """The files the template reads, by name in the compile root (the pictures, the logo)."""
    missing: dict[str, None] = field(default_factory=dict)
    hidden: list[str] = field(default_factory=list)
    """The bidi controls left out (see BIDI_CONTROLS), for the warning."""
    _chains: dict[str, FontChain] = field(default_factory=dict)
    _labels: Anchors | None = None
    _defined: set[str] = field(default_factory=set)
    _links: list[dict[str, Any]] = field(default_factory=list)
    _notes: list[list[dict[str, Any]]] = field(default_factory=list)
    _nested: list[tuple[Block, ...]] | None = None
    _count: int = 0
    _last: int = 2
    _base: int = 2
    """The level of the last heading met in reading order: PDF/UA forbids skipping a level going down."""

    # --- text ---------------------------------------------------------------------------------

    def text(self, value: str, role: str) -> str:
        """A string as the template sets it, its glyphs checked against the role's fonts."""
        found = self._chains.get(role)
        if found is None:
            found = self._chains[role] = role_chain(self.view, role)
        if not value.isascii():
            if BIDI_CONTROLS.search(value):
                self.hidden.extend(BIDI_CONTROLS.findall(value))
                value = BIDI_CONTROLS.sub("", value)
            for ch in found.split(value).missing:
                if not unicodedata.category(ch).startswith("Z"):
                    self.missing[ch] = None
        return value

    def inlines(self, nodes: tuple[Inline, ...], role: str) -> list[dict[str, Any]]:
        """Inline nodes as records: text, emphasis, links (decided by the view), note numbers …"""
        out: list[dict[str, Any]] = []
        for index, node in enumerate(nodes):
            match node:
                case Text(text=text):
                    out.append({"k": "t", "v": self.text(text, role)})
                case Emph(children=children):
                    out.append({"k": "em", "c": self.inlines(children, role)})
                case Strong(children=children):
                    out.append({"k": "b", "c": self.inlines(children, role)})
                case Strike(children=children):
                    out.append({"k": "s", "c": self.inlines(children, role)})
                case Code(text=text):
                    out.append({"k": "code", "v": self.text(text, "code")})
                case LineBreak():
                    out.append({"k": "br"})
                case Link(url=url, children=children):
                    target = self.view.link(url)
                    record: dict[str, Any] = {"k": "a", "c": self.inlines(children, role), "kind": target.kind}
                    if target.kind == "external":
                        record["href"] = target.href
                    elif target.kind == "internal" and self._labels is not None:
                        record["href"] = self._labels.target(target.href) or ""
                        self._links.append(record)
                    else:
                        record["kind"] = "text"
                    out.append(record)
                case Note(blocks=blocks):
                    if self._nested is not None:
                        # As in the other outputs, a note inside a note joins the end of the outer one.
                        self._nested.append(blocks)
                        continue
                    self._count += 1
                    self._notes[-1].append({"n": self._count, "blocks": blocks})
                    out.append({"k": "note", "n": self._count})
                case Checkbox(checked=checked):
                    following = nodes[index + 1] if index + 1 < len(nodes) else None
                    out.append({"k": "t", "v": checkbox(checked) + checkbox_gap(following)})
                case _:
                    assert_never(node)
        return out

    # --- blocks -------------------------------------------------------------------------------

    def blocks(self, blocks: tuple[Block, ...], role: str, depth: int = 0) -> list[dict[str, Any]]:
        """Block nodes as records."""
        return [self.block(b, role, depth) for b in blocks]

    def block(self, block: Block, role: str, depth: int) -> dict[str, Any]:
        """One block node as a record; a paragraph or heading that reads the other way carries its ``dir``."""
        record = self._block(block, role, depth)
        if record["k"] in ("p", "h") and isinstance(block, Paragraph | SubHeading):
            default = self.view.language.direction
            direction = block_direction(plain_text(block.inlines), default)
            if direction != default:
                record["dir"] = direction
        return record

    def _block(self, block: Block, role: str, depth: int) -> dict[str, Any]:
        match block:
            case Paragraph(inlines=inlines):
                return {"k": "p", "c": self.inlines(inlines, role)}
            case SubHeading(inlines=inlines, level=level, id=ident) if not visible(plain_text(inlines)):
                # Nothing to read: a heading PDF/UA would refuse; its (invisible) text stays a paragraph.
                self._take(ident)
                return {"k": "p", "c": self.inlines(inlines, role)}
            case SubHeading(inlines=inlines, level=level, id=ident):
                return {
                    "k": "h",
                    "level": self._level(self._base + level),
                    "small": level > 1,
                    "c": self.inlines(inlines, "subheading"),
                    "label": self._take(ident),
                }
            case BulletList(items=items):
                return {
                    "k": "ul",
                    "marker": bullet(depth),
                    "keep": 0 < len(items) <= KEEP_ROWS and depth == 0,
                    "items": [self.blocks(item, role, depth + 1) for item in items],
                }
            case OrderedList(items=items, start=start, delimiter=delimiter):
                fmt = level_format(self.view.style.lists.ordered, depth)
                return {
                    "k": "ol",
                    "markers": [marker(start + n, fmt, delimiter) for n in range(len(items))],
                    "keep": 0 < len(items) <= KEEP_ROWS and depth == 0,
                    "items": [self.blocks(item, role, depth + 1) for item in items],
                }
            case Quote(blocks=inner):
                return {"k": "quote", "c": self.blocks(inner, role, depth)}
            case Table():
                return self.table(block, role, depth)
            case CodeBlock(text=text):
                return {"k": "code", "lines": [self._code_line(line) for line in text.expandtabs(4).split("\n")]}
            case Rule():
                return {"k": "hr"}
            case DefinitionList(items=items):
                return {
                    "k": "dl",
                    "items": [
                        {
                            "term": self.inlines(item.term, role),
                            "defs": [self.blocks(d, role, depth) for d in item.definitions],
                        }
                        for item in items
                    ],
                }
            case Figure():
                return self.figure(block, role)
            case _:
                assert_never(block)

    def _level(self, wanted: int) -> int:
        level = max(1, min(wanted, self._last + 1, 6))
        self._last = level
        return level

    def _take(self, ident: str) -> str:
        name = self._labels.take(ident) if ident and self._labels is not None and self._nested is None else None
        if name is None:
            return ""
        self._defined.add(name)
        return name

    def _code_line(self, line: str) -> dict[str, Any]:
        # Each character with its width in cells: the template wraps code lines by count at any size.
        line = self.text(line, "code")
        chars = list(line)
        widths = [0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in chars]
        return {"c": chars, "w": widths}

    def table(self, node: Table, role: str, depth: int) -> dict[str, Any]:
        """A table: header and body cells, column shares as reportlab measures them, alignments."""
        rows = [node.header, *node.rows] if node.header else list(node.rows)
        ncols = max((len(r) for r in rows), default=0)
        lengths = [1] * ncols
        for r in rows:
            for i, cell in enumerate(r):
                lengths[i] = max(lengths[i], min(len(plain_text(cell)), 40))
        total = sum(lengths) or 1
        shares = [max(length / total, 0.5 / ncols) for length in lengths]

        def row(cells: tuple[tuple[Inline, ...], ...]) -> list[list[dict[str, Any]]]:
            return [self.inlines(cells[i], role) if i < len(cells) else [] for i in range(ncols)]

        return {
            "k": "table",
            "shares": shares,
            "align": [node.alignment(i) for i in range(ncols)],
            "header": row(node.header) if node.header else None,
            "rows": [row(r) for r in node.rows],
            "keep": 0 < len(node.rows) <= KEEP_ROWS and depth == 0,
        }

    def figure(self, node: Figure, role: str) -> dict[str, Any]:
        """A picture with its alt text and caption; without a picture, its alt text as a paragraph."""
        caption = self.inlines(node.caption, role) if node.caption else []
        picture = self.view.document.picture(node.key)
        if picture is None:
            text = alt_text(node)
            return {"k": "fig", "image": "", "alt": self.text(text, role), "caption": caption}
        alt = alt_text(node)
        if not alt:
            raise RenderError(
                f"image {figure_name(node)!r} has neither alt text nor a caption; the Typst engine writes PDF/UA, "
                f"which needs a description of every picture: give it alt text"
            )
        embedded = convert(picture, PDF_TYPES)
        name = f"img-{picture.key[:32]}.{'png' if embedded.media_type == 'image/png' else 'jpg'}"
        self.images[name] = embedded.data
        width, height = embedded.display_size(1e6, 1e6)
        return {"k": "fig", "image": name, "alt": self.text(alt, role), "caption": caption, "w": width, "h": height}

    # --- parts --------------------------------------------------------------------------------

    def footnotes(self, role: str) -> list[dict[str, Any]]:
        """The notes referenced since the part began, numbered, their blocks (nested notes at their end)."""
        out: list[dict[str, Any]] = []
        pending = self._notes.pop()
        for note in pending:
            self._nested = []
            blocks: list[dict[str, Any]] = []
            parts: list[tuple[Block, ...]] = [note["blocks"]]
            while parts:
                blocks.extend(self.blocks(parts.pop(0), role))
                parts.extend(self._nested)
                self._nested.clear()
            self._nested = None
            out.append({"n": note["n"], "c": blocks})
        return out

    def section(self, section: Section, blocks: tuple[Block, ...], role: str) -> dict[str, Any]:
        """A section: its heading (with its link target) and its blocks."""
        heading_role = "heading" if role == "body" else "subheading"
        self._base = 2 if role == "body" else 3
        shown = visible(section.heading)
        level = self._level(self._base) if shown else self._base
        return {
            "level": level,
            "heading": self.text(section.heading, heading_role) if shown else "",
            "label": self._take(section.id),
            "blocks": self.blocks(blocks, role),
        }

    def build(self, keep: int | None = None) -> dict[str, Any]:
        """The whole record, the article cut to its first ``keep`` top-level blocks (None: all of them)."""
        view = self.view
        doc, style, labels = view.document, view.style, view.labels
        meta = doc.meta
        self._labels = Anchors(heading_id_order(doc), lambda ident: "xp-" + ident)
        # The headline is the H1; without one, the first heading shown takes level 1 (PDF/UA starts there).
        self._defined, self._links, self._count = set(), [], 0
        self._last = 1 if visible(meta.title) else 0

        total = sum(len(s.blocks) for s in doc.sections)
        budget = total if keep is None else max(0, min(keep, total))
        left = budget
        article: list[dict[str, Any]] = []
        self._notes.append([])
        # Notes in the key points are numbered first and listed with the article's.
        key_points = [self.inlines(kp.inlines, "key_point") for kp in doc.key_points]
        key_points_level = self._level(2) if key_points else 2
        for section in doc.sections:
            if left <= 0 and (section.blocks or budget < total):
                break
            blocks = section.blocks[:left]
            left -= len(blocks)
            article.append(self.section(section, blocks, "body"))
        dropped = total - budget
        truncated = self.text(labels["truncated"].format(count=dropped), "body") if dropped else ""
        article_notes = self.footnotes("body")

        commentary: dict[str, Any] | None = None
        if doc.commentary is not None:
            self._notes.append([])
            part = doc.commentary
            title_level = self._level(2)
            sections = [self.section(s, s.blocks, "commentary") for s in part.sections]
            commentary = {
                "title": self.text(part.title if visible(part.title) else labels["commentary"], "heading"),
                "level": title_level,
                "sections": sections,
                "notes": self.footnotes("commentary"),
            }
        for link in self._links:
            if link["href"] not in self._defined:
                link["kind"] = "text"  # its heading was left out (truncated): its words stay

        return {
            # Typst takes an ISO 639 language and an ISO 3166 alpha-2 region only (not UN M49's 419).
            "lang": view.language.primary if re.fullmatch("[a-z]{2,3}", view.language.primary) else "und",
            "region": view.language.region if re.fullmatch("[A-Z]{2}", view.language.region) else "",
            "dir": view.language.direction,
            "cjk": view.language.is_cjk,
            "italic": view.italic,
            # PDF/UA needs a title: a document without one is called what the one-pager shows it is.
            "pdf_title": meta.title if visible(meta.title) else labels["article"],
            "authors": list(meta.authors) or ([style.brand.organisation] if style.brand.organisation else []),
            "keywords": list(meta.tags),
            "description": meta.summary or meta.kicker or None,
            "page": self.page(),
            "roles": self.roles(),
            "colors": {name: getattr(style.colors, name) for name in type(style.colors).__struct_fields__},
            "band": self.band(),
            "footer": self.footer(),
            "kicker": self.text(meta.kicker, "kicker"),
            "title": self.text(meta.title, "title"),
            "title_shown": visible(meta.title),
            "summary": self.text(meta.summary, "body"),
            "meta_line": self.meta_line(),
            "key_points_label": self.text(labels["key_points"], "kicker"),
            "key_points": key_points,
            "key_points_level": key_points_level,
            "article": article,
            "article_notes": article_notes,
            "truncated": truncated,
            "commentary": commentary,
        }

    def page(self) -> dict[str, Any]:
        """Page size, margins, column grid."""
        page = self.view.style.page
        m = page.margins
        return {
            "width": page.width,
            "height": page.height,
            "margins": {"top": m.top, "bottom": m.bottom, "left": m.left, "right": m.right},
            "columns": columns(self.view),
            "gap": GAP,
        }

    def roles(self) -> dict[str, Any]:
        """Every role's fonts (with the fallback chain), size, weight, slant and colour."""
        roles = self.view.style.roles
        out: dict[str, Any] = {}
        for name in Roles.__struct_fields__:
            role = getattr(roles, name)
            out[name] = {
                "fonts": [typeface(f).display for f in font_list(self.view, name)],
                "size": role.size,
                "bold": role.bold,
                "italic": role.italic and self.view.italic,
                "color": role.color,
            }
        return out

    def band(self) -> dict[str, Any]:
        """The band at the top of every page: organisation (with the logo), marking."""
        style = self.view.style
        logo: dict[str, Any] | None = None
        if style.logo is not None:
            embedded = convert(style.logo, PDF_TYPES)
            name = f"logo.{'png' if embedded.media_type == 'image/png' else 'jpg'}"
            self.images[name] = embedded.data
            height = style.brand.logo_height
            width = min(height * style.logo.width / style.logo.height, self.view.content_width * 0.3)
            logo = {"src": name, "w": width, "h": width * style.logo.height / style.logo.width}
        return {
            "org": self.text(style.brand.organisation, "marking"),
            "marking": self.text(self.view.marking, "marking"),
            "logo": logo,
        }

    def footer(self) -> dict[str, Any]:
        """The footer of every page: source (linked when allowed), marking, date, page label."""
        view = self.view
        src = view.document.meta.source
        labels = view.labels
        source: list[dict[str, Any]] = []
        if src.name or src.url:
            source.append({"k": "t", "v": self.text(labels.lead("source"), "footer")})
            # Page furniture is an artifact, which PDF/UA forbids links in: the byline carries the link.
            source.append({"k": "t", "v": self.text(src.name or src.url, "footer")})
            if src.url and src.name:
                source.append({"k": "t", "v": " \u00b7 " + self.text(src.url, "footer")})
        elif view.style.brand.organisation:
            source.append({"k": "t", "v": self.text(view.style.brand.organisation, "footer")})
        pages = labels["page_x_of_y"]
        self.text(pages.format(page=1234567890, pages=0), "footer")
        return {"source": source, "date": self.text(view.date, "footer"), "pages": page_label(pages)}

    def source_link(self) -> dict[str, Any]:
        """The source's name (or URL), a link when the link policy allows it."""
        src = self.view.document.meta.source
        name = {"k": "t", "v": self.text(src.name or src.url, "footer")}
        target = self.view.source_link
        if target.kind != "external":
            return name
        return {"k": "a", "kind": "external", "href": target.href, "c": [name]}

    def meta_line(self) -> list[list[dict[str, Any]]]:
        """The byline and distribution line under the title: each item its runs (labels bold)."""
        view = self.view
        meta, labels = view.document.meta, view.labels
        items: list[list[dict[str, Any]]] = []
        if meta.authors:
            items.append([{"k": "t", "v": self.text(f"{labels['by']} {', '.join(meta.authors)}", "footer")}])
        items.append([{"k": "t", "v": self.text(view.date, "footer")}])
        if meta.source.name or meta.source.url:
            items.append([{"k": "t", "v": self.text(labels.lead("source"), "footer")}, self.source_link()])
        memo = view.memo
        for label, value in (("to", memo.to), ("from", memo.from_), ("cc", memo.cc)):
            if value:
                items.append(
                    [
                        {"k": "b", "c": [{"k": "t", "v": self.text(labels[label], "footer")}]},
                        {"k": "t", "v": " " + self.text(value, "footer")},
                    ]
                )
        if meta.tags:
            items.append([{"k": "t", "v": self.text(labels.lead("topics") + ", ".join(meta.tags), "footer")}])
        return items

    def raise_missing(self) -> None:
        """Refuse characters no bundled font draws, by name (Typst would set them as empty boxes)."""
        if self.missing:
            raise GlyphError(f"no bundled font has a glyph for {describe(self.missing)}; use the DOCX or EPUB output")
