"""WordprocessingML paragraphs and tables to reader items: headings, list paragraphs, tables, figures, notes."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ...images import ImageCollector, Picture
from ...model import Alignment, Block, Figure, Inline, LineBreak, Note, Paragraph, Table, Text, plain_text
from .inlines import LinkKey, Segment, build, strip_inlines
from .package import Package
from .styles import ListLevel, Numbering, RunFormat, Styles, on, run_format, w

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
V_NS = "http://schemas.openxmlformats.org/vml"

_SKIP = {w(t) for t in ("del", "moveFrom", "rPr", "pPr", "proofErr", "commentRangeStart", "commentRangeEnd")}
_DESCEND = {w(t) for t in ("ins", "moveTo", "smartTag", "customXml", "dir", "bdo")}
_HYPERLINK_FIELD = re.compile(r'^\s*HYPERLINK\s+(?:"([^"]*)"|(\S+))(?:.*?\\l\s+"([^"]*)")?', re.S)
_ANCHOR_FIELD = re.compile(r'^\s*HYPERLINK\s+\\l\s+"([^"]*)"', re.S)


@dataclass
class Para:
    """One paragraph as read: what kind it is, its inlines, its list place and bookmarks."""

    style: str
    kind: str
    """heading, title, subtitle, list, code, quote, rule, figure, caption or text."""
    inlines: tuple[Inline, ...] = ()
    level: int = 0
    list_id: str = ""
    list_level: ListLevel | None = None
    bookmarks: tuple[str, ...] = ()
    raw: str = ""
    """The paragraph's text with tabs kept (the memo's fields are label, tab, value)."""
    figure: Figure | None = None
    empty: bool = False


@dataclass
class TableItem:
    """A table as read: rows of cells, each cell its paragraphs; which rows are header rows."""

    rows: list[list[list[Para]]]
    header_rows: int
    merged: bool = False
    align: tuple[str, ...] = ()
    """Each column's alignment as the first row's paragraphs give it (``w:jc``)."""


Item = Para | TableItem


@dataclass
class _Field:
    instr: str = ""
    result: bool = False


@dataclass
class BodyReader:
    """Reads the paragraphs and tables of the main part, a note or a text box into items."""

    package: Package
    styles: Styles
    numbering: Numbering
    collector: ImageCollector
    anchors: dict[str, str] = field(default_factory=dict)
    """Bookmark names on headings to the heading's id (internal links are rewritten to it)."""
    dropped: Counter[str] = field(default_factory=Counter)
    footnotes: dict[str, Any] = field(default_factory=dict)
    endnotes: dict[str, Any] = field(default_factory=dict)
    footnotes_part: str = ""
    endnotes_part: str = ""
    _fields: list[_Field] = field(default_factory=list)
    _links: int = 0
    _part: str = ""
    _rels: dict[str, Any] = field(default_factory=dict)
    _notes_open: int = 0
    _boxes: list[Para] = field(default_factory=list)
    assemble: Any = None
    """Turns items into blocks (the structure module's, for notes' content)."""

    def in_part(self, part: str) -> None:
        """Read elements of ``part`` next (relationship ids are the part's own)."""
        self._part = part
        self._rels = self.package.rels(part)

    # --- block level ----------------------------------------------------------------------------

    def items(self, container: Any) -> list[Item]:
        """The paragraphs and tables directly in ``container`` (a body, a cell, a note), in order."""
        out: list[Item] = []
        for child in container:
            tag = child.tag
            if tag == w("p"):
                para = self.paragraph(child)
                if para is not None:
                    out.append(para)
                out.extend(self._boxes)
                self._boxes = []
            elif tag == w("tbl"):
                out.append(self.table(child))
            elif tag == w("sdt"):
                if not _is_toc(child):
                    content = child.find(w("sdtContent"))
                    if content is not None:
                        out.extend(self.items(content))
                else:
                    self.dropped["a table of contents (made again by each output)"] += 1
            elif tag in _DESCEND:
                out.extend(self.items(child))
            elif tag == f"{{{MC_NS}}}AlternateContent":
                choice = child.find(f"{{{MC_NS}}}Choice")
                if choice is not None:
                    out.extend(self.items(choice))
        return out

    def paragraph(self, p: Any) -> Para | None:
        """One paragraph, or None when it holds nothing (a field's result, a deleted paragraph)."""
        ppr = p.find(w("pPr"))
        style = ""
        num: tuple[str, int] | None = None
        outline = None
        if ppr is not None:
            style_el = ppr.find(w("pStyle"))
            style = style_el.get(w("val"), "") if style_el is not None else ""
            num_pr = ppr.find(w("numPr"))
            if num_pr is not None:
                num_id = num_pr.find(w("numId"))
                ilvl = num_pr.find(w("ilvl"))
                if num_id is not None:
                    level_text = ilvl.get(w("val"), "0") if ilvl is not None else "0"
                    num = (num_id.get(w("val"), ""), int(level_text) if level_text.isdigit() else 0)
            outline_el = ppr.find(w("outlineLvl"))
            if outline_el is not None and (outline_el.get(w("val")) or "").isdigit():
                value = int(outline_el.get(w("val")))
                outline = value + 1 if value < 9 else None
        segments: list[Segment] = []
        bookmarks: list[str] = []
        pictures: list[tuple[str, str]] = []
        self._inline(p, segments, RunFormat(), None, bookmarks, pictures, style)
        raw = "".join(s.text for s in segments)
        for seg_index, seg in enumerate(segments):
            if seg.text and "\t" in seg.text:
                segments[seg_index] = Segment(seg.text.replace("\t", " "), seg.fmt, seg.link, seg.node)
        code = self.styles.is_code_paragraph(style)
        inlines = build(segments) if code else strip_inlines(build(segments))
        ids = tuple(dict.fromkeys(self.anchors[b] for b in bookmarks if b in self.anchors))
        para = Para(style=style, kind="text", inlines=inlines, bookmarks=ids, raw=raw)
        level = outline or self.styles.heading_level(style)
        if pictures and not plain_text(inlines).strip() and len(pictures) == 1:
            para.kind = "figure"
            para.figure = self._figure(*pictures[0])
            return para
        for alt, _ in pictures:
            self.dropped["an image inside a line of text kept as its alt text"] += 1
            if alt:
                para.inlines = (*para.inlines, Text(text=f" [{alt}]"))
        if self.styles.is_builtin(style, "ThematicBreak", "HorizontalRule", "Horizontal Line"):
            para.kind = "rule"
            return para
        if not para.inlines:
            para.empty = True
            return para
        if self.styles.is_builtin(style, "Title"):
            para.kind = "title"
        elif self.styles.is_builtin(style, "Subtitle"):
            para.kind = "subtitle"
        elif level is not None:
            para.kind, para.level = "heading", level
        elif num is not None and self.numbering.level(*num) is not None:
            para.kind, para.list_id, para.level = "list", num[0], num[1]
            para.list_level = self.numbering.level(*num)
        elif code:
            para.kind = "code"
        elif self.styles.is_builtin(style, "Quote", "Intense Quote", "Block Text"):
            para.kind = "quote"
        elif self.styles.is_builtin(style, "caption"):
            para.kind = "caption"
        return para

    # --- inline level ---------------------------------------------------------------------------

    def _inline(
        self, el: Any, out: list[Segment], base: RunFormat, link: LinkKey | None, marks: list[str],
        pictures: list[tuple[str, str]], pstyle: str,
    ) -> None:  # fmt: skip
        for child in el:
            tag = child.tag
            if tag == w("r"):
                self._run(child, out, base, link, pictures)
            elif tag == w("hyperlink"):
                self._links += 1
                rel_id = child.get(f"{{{R_NS}}}id")
                anchor = child.get(w("anchor"))
                target = None
                if rel_id and rel_id in self._rels and self._rels[rel_id].external:
                    target = self._rels[rel_id].target + (f"#{anchor}" if anchor else "")
                elif anchor:
                    target = "#" + self.anchors.get(anchor, anchor)
                inner = (target, self._links) if target else link
                self._inline(child, out, base, inner, marks, pictures, pstyle)
            elif tag == w("fldSimple"):
                instr = child.get(w("instr"), "")
                found = _field_link(instr, self.anchors)
                if found is not None:
                    self._links += 1
                    self._inline(child, out, base, (found, self._links), marks, pictures, pstyle)
                elif instr.split()[:1] and not self._fields:
                    self.dropped[f"field {instr.split()[0]} (not copied as text)"] += 1
            elif tag == w("bookmarkStart"):
                name = child.get(w("name"), "")
                if name and name != "_GoBack":
                    marks.append(name)
            elif tag in _DESCEND or tag == w("sdt") or tag == w("sdtContent"):
                self._inline(child, out, base, link, marks, pictures, pstyle)
            elif tag == f"{{{M_NS}}}oMath" or tag == f"{{{M_NS}}}oMathPara":
                text = "".join(t.text or "" for t in child.iter(f"{{{M_NS}}}t"))
                if text:
                    out.append(Segment(text, base, link))
                    self.dropped["an equation kept as its plain text"] += 1

    def _hidden(self) -> bool:
        """Whether text now is inside a field's instruction or the result of a field that is not a link."""
        return any(not f.result or not f.instr.lstrip().upper().startswith("HYPERLINK") for f in self._fields)

    def _field_target(self) -> LinkKey | None:
        for f in reversed(self._fields):
            found = _field_link(f.instr, self.anchors)
            if found is not None and f.result:
                return (found, id(f))
        return None

    def _run(
        self, r: Any, out: list[Segment], base: RunFormat, link: LinkKey | None, pics: list[tuple[str, str]]
    ) -> None:
        rpr = r.find(w("rPr"))
        fmt = run_format(rpr)
        if rpr is not None:
            style_el = rpr.find(w("rStyle"))
            if style_el is not None:
                fmt = fmt.over(self.styles.run_format(style_el.get(w("val"), "")))
            if on(rpr.find(w("vanish"))):
                return
        fmt = fmt.over(base)
        for child in r:
            tag = child.tag
            if tag == w("fldChar"):
                kind = child.get(w("fldCharType"))
                if kind == "begin":
                    self._fields.append(_Field())
                elif kind == "separate" and self._fields:
                    self._fields[-1].result = True
                elif kind == "end" and self._fields:
                    done = self._fields.pop()
                    word = done.instr.split()[:1]
                    if word and word[0].upper() != "HYPERLINK" and not self._fields:
                        self.dropped[f"field {word[0].upper()} (not copied as text)"] += 1
                continue
            if tag == w("instrText"):
                if self._fields:
                    self._fields[-1].instr += child.text or ""
                continue
            if self._fields and self._hidden():
                continue
            target = self._field_target() if self._fields else None
            here = target or link
            if tag == w("t"):
                if child.text:
                    out.append(Segment(child.text, fmt, here))
            elif tag == w("tab") or tag == w("ptab"):
                out.append(Segment("\t", fmt, here))
            elif tag in (w("br"), w("cr")):
                if child.get(w("type"), "textWrapping") == "textWrapping":
                    out.append(Segment("", fmt, here, LineBreak()))
            elif tag == w("noBreakHyphen"):
                out.append(Segment("\u2011", fmt, here))
            elif tag in (w("footnoteReference"), w("endnoteReference")):
                note = self._note(child.get(w("id"), ""), tag == w("endnoteReference"))
                if note is not None:
                    out.append(Segment("", RunFormat(), None, note))
            elif tag in (w("drawing"), w("pict"), w("object")) or tag == f"{{{MC_NS}}}AlternateContent":
                self._graphic(child, pics)

    def _note(self, note_id: str, endnote: bool) -> Note | None:
        source = (self.endnotes if endnote else self.footnotes).get(note_id)
        if source is None or self._notes_open or self.assemble is None:
            return None
        part, rels, fields = self._part, self._rels, self._fields
        self.in_part(self.endnotes_part if endnote else self.footnotes_part)
        self._notes_open += 1
        self._fields = []
        try:
            items = self.items(source)
        finally:
            self._notes_open -= 1
            self._part, self._rels, self._fields = part, rels, fields
        blocks: list[Block] = self.assemble(items)
        if blocks and isinstance(blocks[0], Paragraph):
            blocks[0] = Paragraph(inlines=strip_inlines(blocks[0].inlines))
        return Note(blocks=tuple(blocks)) if blocks else None

    def _graphic(self, el: Any, pics: list[tuple[str, str]]) -> None:
        """A drawing: its picture (alt text and part), and the text of its text boxes kept as paragraphs."""
        if el.tag == f"{{{MC_NS}}}AlternateContent":
            choice = el.find(f"{{{MC_NS}}}Choice")
            if choice is None:
                choice = el.find(f"{{{MC_NS}}}Fallback")
            for inner in choice if choice is not None else ():
                self._graphic(inner, pics)
            return
        boxes = list(el.iter(w("txbxContent")))
        if boxes:
            self.dropped["text in a text box or shape kept as paragraphs after it"] += 1
            for box in boxes:
                saved = self._boxes
                self._boxes = []
                found = [i for i in self.items(box) if isinstance(i, Para)]
                self._boxes = saved + found + self._boxes
            return
        blip = next(el.iter(f"{{{A_NS}}}blip"), None)
        imagedata = next(el.iter(f"{{{V_NS}}}imagedata"), None)
        rel_id = blip.get(f"{{{R_NS}}}embed") if blip is not None else None
        if rel_id is None and imagedata is not None:
            rel_id = imagedata.get(f"{{{R_NS}}}id")
        if rel_id is None:
            if el.tag == w("object"):
                self.dropped["an embedded object left out"] += 1
            return
        doc_pr = next(el.iter(f"{{{WP_NS}}}docPr"), None)
        alt = ""
        if doc_pr is not None:
            alt = (doc_pr.get("descr") or doc_pr.get("title") or "").strip()
        rel = self._rels.get(rel_id)
        pics.append((alt, rel.target if rel is not None and not rel.external else ""))

    def _figure(self, alt: str, target: str) -> Figure:
        taken = self.collector.add(target) if target else None
        key = taken.key if isinstance(taken, Picture) else ""
        return Figure.of(alt or target.rsplit("/", 1)[-1], key=key, src=target)

    # --- tables ---------------------------------------------------------------------------------

    def table(self, tbl: Any) -> TableItem:
        """A table: deleted rows dropped, header rows from ``w:tblHeader``, merged cells noted."""
        rows: list[list[list[Para]]] = []
        align: tuple[str, ...] = ()
        header_rows = 0
        merged = False
        for tr in tbl.iter(w("tr")):
            if _ancestor_table(tr) is not tbl:
                continue
            tr_pr = tr.find(w("trPr"))
            if tr_pr is not None and tr_pr.find(w("del")) is not None:
                continue
            cells: list[list[Para]] = []
            for tc in tr.iter(w("tc")):
                if _ancestor_row(tc) is not tr:
                    continue
                tc_pr = tc.find(w("tcPr"))
                if tc_pr is not None:
                    vmerge = tc_pr.find(w("vMerge"))
                    span = tc_pr.find(w("gridSpan"))
                    if (vmerge is not None) or (span is not None and span.get(w("val"), "1") != "1"):
                        merged = True
                    if vmerge is not None and vmerge.get(w("val"), "continue") == "continue":
                        cells.append([])
                        continue
                cells.append([i for i in self.items(tc) if isinstance(i, Para)])
            if not rows:
                align = tuple(_cell_jc(tc) for tc in tr if tc.tag == w("tc"))
            is_header = tr_pr is not None and on(tr_pr.find(w("tblHeader")))
            if is_header and header_rows == len(rows):
                header_rows += 1
            rows.append(cells)
        return TableItem(rows=rows, header_rows=header_rows, merged=merged, align=align)


def cell_inlines(paras: list[Para]) -> tuple[Inline, ...]:
    """A cell's paragraphs as one run of inlines, paragraphs joined by line breaks."""
    out: list[Inline] = []
    for para in paras:
        if para.empty or not para.inlines:
            continue
        if out:
            out.append(LineBreak())
        out.extend(para.inlines)
    return tuple(out)


def table_block(item: TableItem) -> Table:
    """A model table: the header row is the first ``w:tblHeader`` row, else the first row."""
    rows = [tuple(cell_inlines(cell) for cell in row) for row in item.rows]
    if not rows:
        return Table(header=(), rows=())
    align = tuple(_ALIGN.get(a, "") for a in item.align)
    return Table(header=rows[0], rows=tuple(rows[1:]), align=align if any(align) else ())


_ALIGN: dict[str, Alignment] = {"left": "left", "start": "left", "center": "center", "right": "right", "end": "right"}


def _cell_jc(tc: Any) -> str:
    jc = tc.find(f"{w('p')}/{w('pPr')}/{w('jc')}")
    return jc.get(w("val"), "") if jc is not None else ""


def _ancestor_table(el: Any) -> Any:
    parent = el.getparent()
    while parent is not None and parent.tag != w("tbl"):
        parent = parent.getparent()
    return parent


def _ancestor_row(el: Any) -> Any:
    parent = el.getparent()
    while parent is not None and parent.tag != w("tr"):
        parent = parent.getparent()
    return parent


def _is_toc(sdt: Any) -> bool:
    gallery = sdt.find(f"{w('sdtPr')}/{w('docPartObj')}/{w('docPartGallery')}")
    return gallery is not None and "contents" in gallery.get(w("val"), "").lower()


def _field_link(instr: str, anchors: dict[str, str]) -> str | None:
    anchor = _ANCHOR_FIELD.match(instr)
    if anchor:
        return "#" + anchors.get(anchor.group(1), anchor.group(1))
    match = _HYPERLINK_FIELD.match(instr)
    if match:
        return match.group(1) or match.group(2) or None
    return None
