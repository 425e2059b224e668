"""The memo layout: head block, key points panel, article, commentary, source line, page furniture."""

from __future__ import annotations

import re

from lxml import etree  # type: ignore[import-untyped,unused-ignore]  # lxml ships no stubs

from ...images import fit
from ...model import Link, Part, Section, Text
from ...present.view import View
from . import styles as S
from .blocks import BlockWriter, Context
from .ooxml import Element, border_el, field, half_points, run, sub, w

_PLACEHOLDER = re.compile(r"\{(page|pages)\}")


class MemoWriter:
    """Lays out one memo into a document body with a :class:`BlockWriter`."""

    def __init__(self, view: View, writer: BlockWriter, *, logo: bool = True) -> None:
        self.view = view
        self.logo = view.style.logo if logo and writer.relate_image is not None else None
        """The style's logo when the letterhead block shows it (not on a reference document's own header)."""
        self.document = view.document
        self.meta = view.document.meta
        self.style = view.style
        self.labels = view.labels
        self.writer = writer

    def body(self, body: Element) -> None:
        """Write the whole memo into ``body`` (the caller keeps ``w:sectPr`` last)."""
        self.head(body)
        self.key_points(body)
        for section in self.document.sections:
            self.section(body, section, Context(), S.HEADINGS[0])
        if self.document.commentary is not None:
            self.commentary(body, self.document.commentary)
        self.source(body)

    # --- head -----------------------------------------------------------------------------------

    def head(self, body: Element) -> None:
        """Organisation, MEMORANDUM, the TO / FROM / CC / DATE / SUBJECT block, rule, summary."""
        meta, style, labels, w = self.meta, self.style, self.labels, self.writer
        if self.logo is not None:
            self._logo(body)
        elif style.brand.organisation:
            run(w.paragraph(body, S.ORGANISATION), style.brand.organisation)
        run(w.paragraph(body, S.TITLE), labels["memorandum"])
        memo = self.view.memo
        fields = (("to", memo.to), ("from", memo.from_), ("cc", memo.cc), ("date", self.view.date))
        for key, value in fields:
            if value:
                run(self._field(body, key), value)
        subject = self._field(body, "subject")
        if meta.kicker:
            run(subject, meta.kicker, style=S.KICKER)
            run(subject, labels.punctuation.kicker)
        run(subject, meta.title, bold=True)
        w.paragraph(body, S.MEMO_RULE)
        if meta.summary:
            run(w.paragraph(body, S.SUBTITLE), meta.summary)

    def _logo(self, body: Element) -> None:
        """The logo ``logo_height`` tall (at most half the text width wide), the organisation beside it, centred."""
        logo, brand = self.logo, self.style.brand
        assert logo is not None
        height = brand.logo_height
        width, height = fit(height * logo.width / logo.height, height, self.view.content_width / 2)
        p = self.writer.paragraph(body, S.ORGANISATION)
        self.writer.drawing(p, logo, width, height, brand.organisation)
        if brand.organisation:
            r = run(p, "\u2002" + brand.organisation)
            # Raised to the logo's middle: an inline picture sits on the baseline, so text beside it would sit low.
            cap_height = 0.7 * self.style.roles.kicker.size
            props = etree.Element(w("rPr"))
            sub(props, "position", val=half_points(max(0.0, (height - cap_height) / 2)))
            r.insert(0, props)

    def _field(self, body: Element, key: str) -> Element:
        p = self.writer.paragraph(body, S.MEMO_FIELD)
        run(p, self.labels.field(key), style=S.MEMO_LABEL)
        run(p, "\t")
        return p

    # --- key points -----------------------------------------------------------------------------

    def key_points(self, body: Element) -> None:
        """The key points as a bulleted list in a shaded one-cell panel."""
        points = self.document.key_points
        if not points:
            return
        colors = self.style.colors
        tbl = sub(body, "tbl")
        props = sub(tbl, "tblPr")
        sub(props, "tblW", w="5000", type="pct")
        border_el(props, "tblBorders", [(s, 0, 0, "#000000") for s in ("top", "left", "bottom", "right")])
        sub(props, "tblLayout", type="fixed")
        margins = sub(props, "tblCellMar")
        for side, width in (("top", 100), ("left", 200), ("bottom", 60), ("right", 200)):
            sub(margins, side, w=str(width), type="dxa")
        sub(sub(tbl, "tblGrid"), "gridCol", w=str(self.writer.text_width))
        tc = sub(sub(tbl, "tr"), "tc")
        tc_props = sub(tc, "tcPr")
        sub(tc_props, "tcW", w=str(self.writer.text_width), type="dxa")
        border_el(tc_props, "tcBorders", [("left", 24, 0, colors.accent)])
        sub(tc_props, "shd", val="clear", color="auto", fill=colors.key_points_background.lstrip("#").upper())
        run(self.writer.paragraph(tc, S.KEY_POINTS_HEADING), self.labels["key_points"])
        for point in points:
            self.writer.inlines(self.writer.paragraph(tc, S.KEY_POINT, num=(S.BULLET_NUM_ID, 0)), point.inlines)
        self.writer.spacer(body, 4)

    # --- article and commentary -----------------------------------------------------------------

    def section(self, body: Element, section: Section, ctx: Context, heading_style: str) -> None:
        """A section: its heading (none for an untitled lead section) and its blocks."""
        if section.heading:
            p = self.writer.paragraph(body, heading_style)
            run(p, section.heading)
            self.writer.mark(p, section.id)
        elif section.id:
            # An untitled section that links reach: the bookmark sits on a hairline paragraph before its text.
            self.writer.mark(self.writer.spacer(body, 1), section.id)
        self.writer.blocks(body, section.blocks, ctx)

    def commentary(self, body: Element, part: Part) -> None:
        """The commentary under its own heading, its text in the shaded, ruled Commentary style."""
        run(self.writer.paragraph(body, S.HEADINGS[0]), part.title or self.labels["commentary"])
        ctx = Context(body_style=S.COMMENTARY, heading_offset=2)
        for section in part.sections:
            self.section(body, section, ctx, S.COMMENTARY_HEADING)

    # --- closing lines --------------------------------------------------------------------------

    def source(self, body: Element) -> None:
        """Source (publication and clickable link), authors and keywords, in small type under a rule."""
        meta, labels, w = self.meta, self.labels, self.writer
        src = meta.source
        if src.name or src.url or meta.authors or meta.tags:
            w.spacer(body, 10)
        if src.name or src.url:
            p = w.paragraph(body, S.SOURCE)
            run(p, labels.lead("source"), bold=True)
            if src.name:
                run(p, src.name)
            if src.url:
                if src.name:
                    run(p, ", ")
                # Through the inline writer, so the link policy decides whether it is a link.
                w.inlines(p, (Link(url=src.url, children=(Text(text=src.url),)),))
        if meta.authors:
            p = w.paragraph(body, S.SOURCE)
            run(p, labels.lead("by"), bold=True)
            run(p, ", ".join(meta.authors))
        if meta.tags:
            p = w.paragraph(body, S.SOURCE)
            run(p, labels.lead("keywords"), bold=True)
            run(p, ", ".join(meta.tags))

    # --- header and footer ----------------------------------------------------------------------

    def header(self, hdr: Element) -> None:
        """The marking as a ruled banner at the top of every page (the memo's first line on page 1)."""
        run(self.writer.paragraph(hdr, S.MARKING_BANNER), self.view.marking)

    def footer(self, ftr: Element) -> None:
        """Organisation, marking and "Page X of Y" (real PAGE / NUMPAGES fields) on one line."""
        p = self.writer.paragraph(ftr, S.FOOTER)
        if self.style.brand.organisation:
            run(p, self.style.brand.organisation)
        run(p, "\t")
        marking = self.view.marking
        if marking:
            run(p, marking, style=S.MARKING_CHAR)
        run(p, "\t")
        self._page_numbers(p)

    def page_line(self, ftr: Element) -> None:
        """ "Page X of Y" alone, flush right: what a letterhead's footer without page numbers is given."""
        self._page_numbers(self.writer.paragraph(ftr, S.FOOTER, jc="right"))

    def _page_numbers(self, p: Element) -> None:
        template = self.labels["page_x_of_y"]
        pos = 0
        for m in _PLACEHOLDER.finditer(template):
            if m.start() > pos:
                run(p, template[pos : m.start()])
            field(p, "PAGE" if m.group(1) == "page" else "NUMPAGES", "1")
            pos = m.end()
        if pos < len(template):
            run(p, template[pos:])
