"""The one-pager's content as reportlab flowables, built for one body size."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import assert_never

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    ListFlowable,
    ListItem,
    Spacer,
    Table,
    TableStyle,
)

from ...images import Picture
from ...model import (
    Block,
    BulletList,
    CodeBlock,
    DefinitionList,
    Document,
    Figure,
    Inline,
    Link,
    Note,
    OrderedList,
    Quote,
    Rule,
    Section,
    SubHeading,
    document_blocks,
    plain_text,
    walk_inlines,
)
from ...model import Paragraph as ParagraphNode
from ...model import Table as TableNode
from ...present.anchors import Anchors, heading_id_order, xml_id
from ...present.labels import Labels
from ...present.numbering import level_format, marker
from ...present.view import BULLETS, View, bullet
from ...style import Role
from .figures import figure_flowables
from .fonts import Coverage, FontPair, font_family, font_pair
from .markup import NOTE_MARK, Inliner, Look, attr
from .panel import KEEP_SHARE, Anchor, KeepInColumn, Panel, RoomOrNextColumn, Target, measuring_canvas
from .paragraph import Paragraph, XPreformatted

KEEP_ROWS = 6
"""Tables of at most this many body rows and lists of at most this many items stay in one column."""
CONTINUED = "\u2192 "
"""The mark before the continuation of a code line too long for the column (every code family draws it)."""
NOTE_SIZE = 0.8
"""Notes are set at this share of the body size."""
_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


def destination(ident: str) -> str:
    """The PDF destination name of a heading id (apart from the outline's ``xp-`` and the notes' ``fn-``)."""
    return "id-" + xml_id(ident)


def color(value: str) -> Color:
    """A reportlab colour from ``#RRGGBB``."""
    return HexColor(value)


@dataclass
class Context:
    """What stays the same at every body size: the view, fonts, markup and labels."""

    view: View
    coverage: Coverage = field(default_factory=Coverage)
    pictures: dict[str, Picture] = field(default_factory=dict)
    """Each picture in a form the PDF embeds, by key: converted once per render, not once per trial."""

    def __post_init__(self) -> None:
        view = self.view
        self.doc: Document = view.document
        self.style = view.style
        self.cjk = view.language.is_cjk
        self.labels: Labels = view.labels
        self.pairs: dict[str, FontPair] = {
            name: font_pair(fonts.primary, fonts.fallback, view.language) for name, fonts in view.fonts.items()
        }
        self.anchors = Anchors(heading_id_order(self.doc), destination)
        self._notes: list[Note] = []
        self._note_keys: dict[int, int] = {}
        self.inliners: dict[str, Inliner] = {
            name: Inliner(
                self.coverage,
                pair,
                self.pairs["code"],
                self.style.colors.accent,
                view.link,
                internal=self.anchors.target,
                note=self.note_key,
                base=self.look(name),
            )
            for name, pair in self.pairs.items()
        }
        self.linked: frozenset[str] = frozenset(self._linked())
        """The destinations internal links point at (each build must define all of them)."""
        # Keyed by id() for speed, so each entry keeps its node alive: a freed node's id could be reused by
        # another (a temporary ", ".join(authors) did, and the PDF then drew the tags in the authors' place).
        self._cache: dict[tuple[int, str, Look], tuple[object, str]] = {}
        self._text_cache: dict[tuple[str, str, Look], str] = {}
        self.marking = view.marking

    def _linked(self) -> set[str]:
        out: set[str] = set()
        for blocks in document_blocks(self.doc):
            for node in walk_inlines(blocks):
                if isinstance(node, Link):
                    target = self.view.link(node.url)
                    name = self.anchors.target(target.href) if target.kind == "internal" else None
                    if name is not None:
                        out.add(name)
        return out

    def note_key(self, node: Note) -> int:
        """A stable key for a note (the list keeps the node, so its id stays its own)."""
        key = self._note_keys.get(id(node))
        if key is None:
            key = self._note_keys[id(node)] = len(self._notes)
            self._notes.append(node)
        return key

    def note(self, key: int) -> Note:
        """The note with ``key``."""
        return self._notes[key]

    def look(self, role: str, *, bold: bool | None = None, italic: bool | None = None) -> Look:
        """A role's own weight and slant, or the given ones (no slant where the script has no italic)."""
        spec: Role = getattr(self.style.roles, role)
        return Look(
            bold=spec.bold if bold is None else bold,
            italic=(spec.italic if italic is None else italic) and self.view.italic,
            code=role == "code",
        )

    def face(self, role: str, *, bold: bool | None = None, italic: bool | None = None) -> str:
        """The face a paragraph of a role is set in (its runs in that face need no <font> tag)."""
        look = self.look(role, bold=bold, italic=italic)
        return self.pairs[role].primary.face(bold=look.bold, italic=look.italic)

    def markup(
        self, inlines: tuple[Inline, ...], role: str, *, bold: bool | None = None, italic: bool | None = None
    ) -> str:
        """Markup for inlines in a role's face (or that face made bold or italic), converted once per render."""
        look = self.look(role, bold=bold, italic=italic)
        key = (id(inlines), role, look)
        found = self._cache.get(key)
        if found is None or found[0] is not inlines:
            found = self._cache[key] = (inlines, self.inliners[role].inlines(inlines, look))
        return found[1]

    def text(self, text: str, role: str, *, bold: bool | None = None, italic: bool | None = None) -> str:
        """Escaped markup for a plain string in a role's face (or that face made bold or italic)."""
        look = self.look(role, bold=bold, italic=italic)
        key = (text, role, look)
        found = self._text_cache.get(key)
        if found is None:
            found = self._text_cache[key] = self.inliners[role].text(text, look)
        return found

    def check_bullets(self) -> None:
        """The bullet glyphs must exist in the faces that draw them."""
        for role in ("body", "commentary", "key_point"):
            pair = self.pairs[role]
            self.coverage.check("".join(BULLETS) + "0123456789.", (pair.primary,))


def source_markup(ctx: Context) -> str:
    """The source name (or URL), linked when the link policy makes the URL a link, in the footer face."""
    src = ctx.doc.meta.source
    name = ctx.text(src.name or src.url, "footer")
    target = ctx.view.source_link
    if target.kind != "external":
        return name
    return f'<a href="{attr(target.href)}" color="{attr(ctx.style.colors.accent)}">{name}</a>'


class Builder:
    """Flowables for the header, the article and the commentary at one body size."""

    def __init__(
        self,
        ctx: Context,
        size: float,
        *,
        width: float,
        column_width: float,
        column_height: float,
        figure_scale: float = 1.0,
    ) -> None:
        self.ctx = ctx
        self.figure_scale = figure_scale
        self.size = size
        self.scale = size / ctx.style.roles.body.size
        self.width = width
        self.column_width = column_width
        self.column_height = column_height
        self.leading = 1.6 if ctx.cjk else 1.17
        self._n = 0
        roles = ctx.style.roles
        colors = ctx.style.colors
        s = self.size
        # Justify only when a column holds about 60 characters; narrower lines get rivers.
        align = TA_JUSTIFY if column_width / s >= 28 else TA_LEFT
        self.body = self._ps("body", roles.body, alignment=align, spaceAfter=0.25 * s)
        self.comment = self._ps("commentary", roles.commentary, alignment=align, spaceAfter=0.25 * s)
        self.key_point = self._ps("key_point", roles.key_point, spaceAfter=0.12 * s, leftIndent=1.1 * s)
        self.heading = self._ps("heading", roles.heading, spaceBefore=0.55 * s, spaceAfter=0.2 * s, lead=1.12)
        self.subheading = self._ps("subheading", roles.subheading, spaceBefore=0.55 * s, spaceAfter=0.2 * s, lead=1.2)
        self.title = self._ps("title", roles.title, spaceAfter=0.35 * s, lead=1.12)
        self.kicker = self._ps("kicker", roles.kicker, spaceAfter=0.2 * s, lead=1.2)
        self.deck = self._ps(
            "body", roles.body, italic=True, size=roles.body.size * self.scale * 1.04, spaceAfter=0.3 * s
        )
        self.meta = self._ps("footer", roles.footer, size=max(roles.footer.size, 0.8 * s), lead=1.3)
        self.box_heading = self._ps(
            "kicker", roles.kicker, size=roles.kicker.size * self.scale * 0.95, color=colors.accent
        )
        self.code = self._ps("code", roles.code, lead=1.18, alignment=TA_LEFT)
        self.code.backColor = color("#F2F2F2")
        self.code.borderPadding = (0.25 * s, 0.3 * s, 0.25 * s, 0.3 * s)
        self.code.spaceBefore = self.code.spaceAfter = 0.55 * s
        self.note = self._ps(
            "body", roles.body, italic=True, color=colors.marking, spaceBefore=0.8 * s, spaceAfter=0.8 * s
        )
        self.note.borderColor = color(colors.marking)
        self.note.borderWidth = 0.6
        self.note.borderPadding = 0.35 * s
        small = NOTE_SIZE * s / roles.body.size
        self.note_text = {
            role: self._ps(role, getattr(roles, role), size=getattr(roles, role).size * small, spaceAfter=0.1 * s)
            for role in ("body", "commentary")
        }
        # Names of heading destinations, taken in reading order, and the ones this build has placed.
        self.anchors = Anchors(heading_id_order(ctx.doc), destination)
        self.defined: set[str] = set()
        self._count = 0
        self._pending: list[tuple[int, Note]] = []
        self._nested: list[tuple[Block, ...]] | None = None

    # --- styles -------------------------------------------------------------------------------

    def _ps(
        self,
        pair: str,
        role: Role,
        *,
        size: float | None = None,
        lead: float | None = None,
        italic: bool | None = None,
        color: str | None = None,
        **kw: object,
    ) -> ParagraphStyle:
        z = size if size is not None else role.size * self.scale
        face = self.ctx.face(pair, bold=role.bold, italic=role.italic if italic is None else italic)
        self._n += 1
        ps = ParagraphStyle(
            f"xp{self._n}",
            fontName=face,
            fontSize=z,
            leading=z * (lead or self.leading),
            textColor=HexColor(color or role.color),
            alignment=kw.pop("alignment", TA_LEFT),
            allowOrphans=0,
            splitLongWords=1,
            uriWasteReduce=0.3,
            # Off: a paragraph split across columns loses the hyphen of a word broken at its own hyphen
            # ("self-contained" came out "selfcontained"): reportlab strips it when it rejoins the halves.
            embeddedHyphenation=0,
        )
        if self.ctx.cjk:
            ps.wordWrap = "CJK"
        for key, value in kw.items():
            setattr(ps, key, value)
        ps.bulletFontName = self.ctx.pairs[pair].primary.regular
        return ps

    def _indented(self, ps: ParagraphStyle, indent: float) -> ParagraphStyle:
        if not indent:
            return ps
        self._n += 1
        return ParagraphStyle(f"xp{self._n}", parent=ps, leftIndent=ps.leftIndent + indent)

    def _anchor(self, title: str, level: int) -> Anchor:
        self._n += 1
        return Anchor(f"xp-{self._n}", title, level)

    def para(self, markup: str, ps: ParagraphStyle, *, bullet: str | None = None) -> Paragraph:
        """A paragraph of inline markup; its note marks become numbers in the order this build meets them."""
        if "<xp-note" in markup:
            markup = NOTE_MARK.sub(self._reference, markup)
        return Paragraph(markup, ps, bulletText=bullet)

    def _reference(self, match: re.Match[str]) -> str:
        note = self.ctx.note(int(match.group(1)))
        if self._nested is not None:
            # As in the memo and the briefing, a note inside a note joins the end of the outer one.
            self._nested.append(note.blocks)
            return ""
        # Each reference has a note of its own, as Word and the briefing number them.
        self._count += 1
        self._pending.append((self._count, note))
        return f"<super>{self._count}</super>"

    def _target(self, ident: str) -> list[Flowable]:
        # A heading's id as a named destination (not inside a note: its heading is not a link target).
        name = self.anchors.take(ident) if ident and self._nested is None else None
        if name is None:
            return []
        self.defined.add(name)
        return [Target(name)]

    def footnotes(self, role: str, width: float) -> list[Flowable]:
        """The notes referenced since the last call, numbered and set small, after a short rule."""
        if not self._pending:
            return []
        ps = self.note_text[role]
        indent = 0.9 * self.size
        out: list[Flowable] = [
            HRFlowable(
                width="30%",
                thickness=0.5,
                color=color(self.ctx.style.colors.rule),
                hAlign="LEFT",
                spaceBefore=0.5 * self.size,
                spaceAfter=0.3 * self.size,
            )
        ]
        while self._pending:
            number, note = self._pending.pop(0)
            self._nested = []
            flows: list[Flowable] = []
            parts = [note.blocks]
            while parts:
                for block in parts.pop(0):
                    flows.extend(self.block(block, role, ps, width=width - indent))
                parts.extend(self._nested)
                self._nested.clear()
            self._nested = None
            item = ListItem(flows or [Paragraph("\u00a0", ps)], value=f"{number}")
            out.append(
                ListFlowable(
                    [item],
                    bulletType="bullet",
                    start="",
                    leftIndent=indent,
                    bulletFontName=ps.fontName,
                    bulletFontSize=ps.fontSize,
                    bulletColor=ps.textColor,
                    spaceAfter=ps.spaceAfter,
                )
            )
        return out

    def unresolved(self) -> list[Flowable]:
        """Destinations links point at whose headings this build left out (truncated): they land at the end."""
        return [Target(name) for name in sorted(self.ctx.linked - self.defined)]

    def _keep(self, heading: Paragraph, body: ParagraphStyle, width: float) -> CondPageBreak:
        # Start a heading in the next column unless it and two lines of text fit here.
        _, h = heading.wrap(width, 1e6)
        room = RoomOrNextColumn(h + heading.style.spaceBefore + heading.style.spaceAfter + 2.2 * body.leading)
        room.head, room.lines = heading, 2.2 * body.leading
        return room

    def _bind(self, flowables: list[Flowable], width: float) -> list[Flowable]:
        """A heading followed by a table or list kept in one column goes with it (not left alone above it)."""
        for index, flowable in enumerate(flowables):
            head = getattr(flowable, "head", None)
            if head is None:
                continue
            at = next((i for i in range(index + 1, len(flowables)) if flowables[i] is head), None)
            following = flowables[at + 1] if at is not None and at + 1 < len(flowables) else None
            if isinstance(following, KeepInColumn):
                _, kept = following.content.wrapOn(measuring_canvas(), width, 1e6)
                if kept <= following.limit:
                    flowable.height += kept + following.getSpaceBefore() - flowable.lines
        return flowables

    def _whole(self, flowable: Flowable, rows: int) -> Flowable:
        # A table or list of a few rows is not split across columns (issue 12, item 5).
        return KeepInColumn(flowable, KEEP_SHARE * self.column_height) if 0 < rows <= KEEP_ROWS else flowable

    # --- header -------------------------------------------------------------------------------

    def header(self) -> list[Flowable]:
        """Kicker, headline, summary, byline and distribution, then the key-points box."""
        ctx, meta, labels = self.ctx, self.ctx.doc.meta, self.ctx.labels
        out: list[Flowable] = []
        if meta.kicker:
            out.append(Paragraph(ctx.text(meta.kicker, "kicker"), self.kicker))
        out.append(self._title(ctx.text(meta.title, "title")))
        if meta.summary:
            out.append(Paragraph(ctx.text(meta.summary, "body", italic=True), self.deck))
        line1: list[str] = []
        if meta.authors:
            names = ", ".join(meta.authors)
            line1.append(f"{ctx.text(labels['by'], 'footer')} {ctx.text(names, 'footer')}")
        line1.append(ctx.text(ctx.view.date, "footer"))
        if meta.source.name or meta.source.url:
            line1.append(f"{ctx.text(labels.lead('source'), 'footer')}{self.source_markup()}")
        line2: list[str] = []
        memo = ctx.view.memo
        memo_fields = (("to", memo.to), ("from", memo.from_), ("cc", memo.cc))
        for label, value in memo_fields:
            if value:
                line2.append(f"{ctx.text(labels[label], 'footer', bold=True)} {ctx.text(value, 'footer')}")
        if meta.tags:
            line2.append(f"{ctx.text(labels.lead('topics'), 'footer')}{ctx.text(', '.join(meta.tags), 'footer')}")
        sep = " \u00a0\u00b7\u00a0 "
        out.append(Paragraph(sep.join(line1 + line2), self.meta))
        out.append(
            HRFlowable(
                width="100%",
                thickness=0.8,
                color=color(ctx.style.colors.rule),
                spaceBefore=0.35 * self.size,
                spaceAfter=0.55 * self.size,
            )
        )
        box = self.key_points()
        if box is not None:
            out.append(box)
        return out

    def _title(self, markup: str) -> Paragraph:
        # Step the headline down (to 80% at most) when that saves a whole line.
        para = Paragraph(markup, self.title)
        _, h = para.wrap(self.width, 1e6)
        lines = round(h / self.title.leading)
        z = self.title.fontSize
        while lines > 1 and z > self.title.fontSize * 0.8:
            z -= 0.5
            ps = ParagraphStyle(f"xp-t{z}", parent=self.title, fontSize=z, leading=z * 1.12)
            smaller = Paragraph(markup, ps)
            _, h2 = smaller.wrap(self.width, 1e6)
            if round(h2 / ps.leading) < lines:
                return smaller
        return para

    def source_markup(self) -> str:
        """The source name, linked when its URL is safe, in the footer face."""
        return source_markup(self.ctx)

    def key_points(self) -> Flowable | None:
        """The shaded key-points box, full width: the label on the left, the points beside it."""
        ctx = self.ctx
        if not ctx.doc.key_points:
            return None
        label = Paragraph(ctx.text(ctx.labels["key_points"], "kicker"), self.box_heading)
        points: list[Flowable] = [
            self.para(ctx.markup(kp.inlines, "key_point"), self.key_point, bullet=bullet(0))
            for kp in ctx.doc.key_points
        ]
        pad = 0.6 * self.size
        text_width = stringWidth(ctx.labels["key_points"], self.box_heading.fontName, self.box_heading.fontSize)
        label_width = min(text_width + 2.4 * pad + 2, self.width * 0.22)
        # A box taller than a column (dozens of points) splits between points when the header runs in columns.
        split = int(3 * self.key_point.leading) + 1
        table = Table([[label, points]], colWidths=[label_width, self.width - label_width], splitInRow=split)
        table.setStyle(
            TableStyle(
                [
                    # Cell fonts matter even for flowable cells: reportlab sets Helvetica otherwise.
                    ("FONT", (0, 0), (-1, -1), self.key_point.fontName, self.key_point.fontSize),
                    ("BACKGROUND", (0, 0), (-1, -1), color(ctx.style.colors.key_points_background)),
                    ("LINEBEFORE", (0, 0), (0, -1), 3, color(ctx.style.colors.accent)),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), pad * 1.2),
                    ("RIGHTPADDING", (0, 0), (-1, -1), pad * 1.2),
                    ("TOPPADDING", (0, 0), (-1, -1), pad * 0.9),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.7),
                ]
            )
        )
        return table

    # --- article and commentary ---------------------------------------------------------------

    def article(self, keep: int | None = None) -> tuple[list[Flowable], int]:
        """The article sections (the first ``keep`` top-level blocks); returns the count left out."""
        out: list[Flowable] = []
        total = sum(len(s.blocks) for s in self.ctx.doc.sections)
        budget = total if keep is None else max(0, min(keep, total))
        left = budget
        for section in self.ctx.doc.sections:
            if left <= 0 and (section.blocks or budget < total):
                break
            blocks = section.blocks[:left]
            left -= len(blocks)
            out.extend(self.section(section, blocks, "body", self.body, level=0, width=self.column_width))
        dropped = total - budget
        if dropped:
            note = self.ctx.text(self.ctx.labels["truncated"].format(count=dropped), "body", italic=True)
            out.append(Paragraph(note, self.note))
        out.extend(self.footnotes("body", self.column_width))
        return out, dropped

    def section(
        self, section: Section, blocks: tuple[Block, ...], role: str, ps: ParagraphStyle, *, level: int, width: float
    ) -> list[Flowable]:
        """A section heading (with its outline entry) and its blocks."""
        out: list[Flowable] = []
        if section.heading:
            hps = self.heading if role == "body" else self.subheading
            head = Paragraph(self.ctx.text(section.heading, "heading" if role == "body" else "subheading"), hps)
            out += [self._keep(head, ps, width), self._anchor(section.heading, level), *self._target(section.id), head]
        for block in blocks:
            out.extend(self.block(block, role, ps, width=width))
        return self._bind(out, width)

    def commentary(self) -> list[Flowable]:
        """The commentary as a shaded panel with its own heading."""
        part = self.ctx.doc.commentary
        if part is None:
            return []
        colors = self.ctx.style.colors
        pad = 0.65 * self.size
        bar = 2.5
        inner_width = self.column_width - 2 * pad - bar
        title = part.title or self.ctx.labels["commentary"]
        head = Paragraph(self.ctx.text(title, "heading"), self.heading)
        content: list[Flowable] = [self._anchor(title, 0), head]
        for section in part.sections:
            content.extend(
                self.section(section, section.blocks, "commentary", self.comment, level=1, width=inner_width)
            )
        content.extend(self.footnotes("commentary", inner_width))
        panel = Panel(
            content,
            background=color(colors.commentary_background),
            border=color(colors.commentary_border),
            padding=pad,
            bar=bar,
        )
        panel.spaceBefore = 0.8 * self.size
        return [RoomOrNextColumn(4 * self.comment.leading + pad * 2), panel]

    # --- blocks -------------------------------------------------------------------------------

    def block(self, block: Block, role: str, ps: ParagraphStyle, *, width: float, depth: int = 0) -> list[Flowable]:
        """Flowables for one block node."""
        ctx = self.ctx
        match block:
            case ParagraphNode(inlines=inlines):
                return [self.para(ctx.markup(inlines, role), ps)]
            case SubHeading(inlines=inlines, level=level, id=ident):
                z = self.subheading.fontSize * (1.0 if level <= 1 else 0.92)
                sps = ParagraphStyle(
                    f"xp-sub{level}", parent=self.subheading, fontSize=z, leading=z * 1.2, leftIndent=ps.leftIndent
                )
                head = self.para(ctx.markup(inlines, "subheading"), sps)
                return [self._keep(head, ps, width), *self._target(ident), head]
            case BulletList(items=items):
                flow = self.list_block(items, role, ps, width=width, depth=depth)
                return [self._whole(flow, len(items)) if depth == 0 else flow]
            case OrderedList(items=items, start=start, delimiter=delimiter):
                fmt = level_format(ctx.style.lists.ordered, depth)
                markers = [marker(start + n, fmt, delimiter) for n in range(len(items))]
                flow = self.list_block(items, role, ps, width=width, depth=depth, markers=markers)
                return [self._whole(flow, len(items)) if depth == 0 else flow]
            case Quote(blocks=blocks):
                indent = 1.2 * self.size
                qps = ParagraphStyle(f"xp-q{id(block)}", parent=self._indented(ps, indent), textColor=color("#404040"))
                out: list[Flowable] = []
                for inner in blocks:
                    out.extend(self.block(inner, role, qps, width=width - indent, depth=depth))
                return out
            case TableNode(rows=rows):
                table = self.table(block, role, ps, width=width)
                # Inside a list item the item decides where it breaks.
                return [self._whole(table, len(rows)) if depth == 0 else table]
            case CodeBlock(text=text):
                return [self.code_block(text, ps, width=width)]
            case Rule():
                rule = HRFlowable(
                    width=width - ps.leftIndent,
                    thickness=0.6,
                    color=color(ctx.style.colors.rule),
                    spaceBefore=0.4 * self.size,
                    spaceAfter=0.6 * self.size,
                    hAlign="RIGHT",
                )
                return [rule]
            case DefinitionList(items=items):
                return self.definitions(block, role, ps, width=width, depth=depth)
            case Figure():
                return figure_flowables(self, block, role, ps, width=width)
            case _:
                assert_never(block)

    def definitions(
        self, node: DefinitionList, role: str, ps: ParagraphStyle, *, width: float, depth: int
    ) -> list[Flowable]:
        """Each term in bold, its definitions indented below it; a term stays with its first lines."""
        indent = 1.2 * self.size
        self._n += 1
        tps = ParagraphStyle(f"xp-dt{self._n}", parent=ps, spaceAfter=0.1 * self.size, alignment=TA_LEFT)
        dps = self._indented(ps, indent)
        out: list[Flowable] = []
        for item in node.items:
            term = self.para(self.ctx.markup(item.term, role, bold=True), tps)
            out += [self._keep(term, ps, width), term]
            for definition in item.definitions:
                for inner in definition:
                    out.extend(self.block(inner, role, dps, width=width - indent, depth=depth))
        return out

    def list_block(
        self,
        items: tuple[tuple[Block, ...], ...],
        role: str,
        ps: ParagraphStyle,
        *,
        width: float,
        depth: int,
        markers: list[str] | None = None,
    ) -> Flowable:
        """A bullet list, or a numbered one with each item's ``markers`` written out; items may hold lists."""
        if not items:
            return Spacer(0, 0)
        longest = max((len(m) for m in markers), default=0) if markers else 0
        indent = 1.3 * self.size if not markers else 0.8 * self.size + 0.5 * self.size * longest
        ips = ParagraphStyle(f"xp-li{id(items)}", parent=ps, leftIndent=0, spaceAfter=0.15 * self.size)
        flow_items = []
        for index, item in enumerate(items):
            inner: list[Flowable] = []
            for b in item:
                inner.extend(self.block(b, role, ips, width=width - indent - ps.leftIndent, depth=depth + 1))
            # reportlab skips an item without flowables (and numbers the next one in its place),
            # and a list of only such items raises IndexError: an empty item keeps its bullet or number.
            content = inner or [Paragraph("\u00a0", ips)]
            flow_items.append(ListItem(content, value=markers[index]) if markers else ListItem(content))
        kw: dict[str, object] = {
            "leftIndent": indent + ps.leftIndent,
            "bulletDedent": indent,  # the marker at the block's own indent (a list in a quote or a definition)
            "bulletFontName": ps.bulletFontName,
            "bulletFontSize": ps.fontSize,
            "bulletColor": ps.textColor,
            "spaceAfter": ps.spaceAfter,
        }
        if markers:
            # Written-out markers: reportlab drops a start of 0 and knows no ")" delimiter.
            return ListFlowable(flow_items, bulletType="bullet", start="", **kw)
        return ListFlowable(flow_items, bulletType="bullet", start=bullet(depth), **kw)

    def table(self, node: TableNode, role: str, ps: ParagraphStyle, *, width: float) -> Flowable:
        """A table with wrapped cells and a styled header row that repeats after a split."""
        ctx = self.ctx
        z = ps.fontSize * 0.92
        cps = ParagraphStyle(
            f"xp-td{id(node)}",
            parent=ps,
            fontSize=z,
            leading=z * self.leading,
            leftIndent=0,
            spaceAfter=0,
            alignment=TA_LEFT,
        )
        hps = ParagraphStyle(f"xp-th{id(node)}", parent=cps, fontName=ctx.pairs[role].primary.bold)
        rows: list[tuple[tuple[Inline, ...], ...]] = [node.header, *node.rows] if node.header else list(node.rows)
        ncols = max((len(r) for r in rows), default=0)
        if not ncols:
            return Spacer(0, 0)
        lengths = [1] * ncols
        for r in rows:
            for i, cell in enumerate(r):
                lengths[i] = max(lengths[i], min(len(plain_text(cell)), 40))
        avail = width - ps.leftIndent
        total = sum(lengths)
        shares = [max(lengths[i] / total, 0.5 / ncols) for i in range(ncols)]
        widths = [avail * sh / sum(shares) for sh in shares]
        aligned = {base.name: [self._aligned(base, node.alignment(i)) for i in range(ncols)] for base in (cps, hps)}
        data = []
        for ri, r in enumerate(rows):
            style_ = hps if (ri == 0 and node.header) else cps
            bold = True if style_ is hps else None
            styles = aligned[style_.name]
            data.append(
                [self.para(ctx.markup(r[i], role, bold=bold), styles[i]) if i < len(r) else "" for i in range(ncols)]
            )
        colors = ctx.style.colors
        commands: list[tuple[object, ...]] = [
            ("FONT", (0, 0), (-1, -1), cps.fontName, cps.fontSize),
            ("GRID", (0, 0), (-1, -1), 0.4, color(colors.rule)),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0.3 * z),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0.3 * z),
            ("TOPPADDING", (0, 0), (-1, -1), 0.2 * z),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0.3 * z),
        ]
        if node.header:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), color(colors.key_points_background)))
        table = Table(
            data,
            colWidths=widths,
            repeatRows=1 if node.header else 0,
            hAlign="LEFT",
            style=TableStyle(commands),
            # A row taller than the room left splits inside (at least three lines a piece) rather than failing.
            splitInRow=int(3 * cps.leading) + 1,
        )
        table.spaceBefore = 0.3 * self.size
        table.spaceAfter = ps.spaceAfter + 0.2 * self.size
        return table

    def _aligned(self, ps: ParagraphStyle, alignment: str) -> ParagraphStyle:
        if alignment not in ("center", "right"):
            return ps
        return ParagraphStyle(f"{ps.name}-{alignment}", parent=ps, alignment=_ALIGN[alignment])

    def code_block(self, text: str, ps: ParagraphStyle, *, width: float) -> Flowable:
        """Verbatim code, hard-wrapped to the column by measured width; continued lines start with a mark."""
        base = self.code
        # Code in a note is set as small as the note.
        z = base.fontSize * min(1.0, ps.fontSize / self.size)
        cps = ParagraphStyle(
            f"xp-code{self._n}",
            parent=base,
            fontSize=z,
            leading=z * 1.18,
            leftIndent=ps.leftIndent + 0.3 * self.size,
            rightIndent=0.3 * self.size,
        )
        self._n += 1
        avail = width - cps.leftIndent - cps.rightIndent - 1
        pair = self.ctx.pairs["code"]
        inliner = self.ctx.inliners["code"]
        mark = f'<font color="{attr(self.ctx.style.colors.rule)}">{inliner.text(CONTINUED)}</font>'
        indent = self._code_width(CONTINUED, pair, cps.fontSize)
        lines: list[str] = []
        for raw in text.expandtabs(4).split("\n"):
            pieces = self._wrap_code(raw, pair, cps.fontSize, avail, indent)
            lines.append(inliner.text(pieces[0]))
            lines.extend(mark + inliner.text(piece) for piece in pieces[1:])
        return XPreformatted("\n".join(lines), cps)

    def _code_width(self, text: str, pair: FontPair, size: float) -> float:
        # Measured as drawn: each run in the family of the chain that draws it, invisible characters left out.
        runs = pair.chain.split(text).runs
        return float(sum(stringWidth(run, font_family(family).regular, size) for family, run in runs))

    def _wrap_code(self, line: str, pair: FontPair, size: float, avail: float, indent: float) -> list[str]:
        # Continued lines give the width of the mark back.
        out: list[str] = []
        current, used = "", 0.0
        for ch in line:
            w = self._code_width(ch, pair, size)
            if used + w > avail - (indent if out else 0.0) and current:
                out.append(current)
                current, used = "", 0.0
            current += ch
            used += w
        out.append(current)
        return out
