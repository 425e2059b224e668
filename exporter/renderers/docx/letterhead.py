"""The memo put on a reference document: its page, furniture, theme, fonts, settings and styles win; ours fill gaps."""

from __future__ import annotations

import copy
import posixpath
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

from lxml import etree  # type: ignore[import-untyped,unused-ignore]  # lxml ships no stubs

from .ooxml import R_NS, Element, serialize, sub, w
from .reference import FOOTER_MARK, HEADER_MARK, PKG_RELS_NS, RT, Reference, content_types, read_rels, rels_name, xml
from .settings_order import SETTINGS_ORDER, insert_ordered

_R_ID = f"{{{R_NS}}}id"
KEPT_SETTINGS = (
    "mirrorMargins", "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter", "gutterAtTop", "defaultTabStop",
    "autoHyphenation", "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps", "evenAndOddHeaders",
    "hdrShapeDefaults", "clrSchemeMapping", "shapeDefaults",
)  # fmt: skip
"""Settings the letterhead's layout depends on (page mirroring, tabs, hyphenation, odd/even pages, theme colours)."""
_PREFIX = "letterhead-"
"""Copied parts get this prefix on their file name, so they never meet a part of ours."""
_STYLE_REFS = ("pStyle", "rStyle", "tblStyle", "basedOn", "next", "link")


class Letterhead:
    """Merges one rendered memo package (``parts``) with a :class:`Reference`."""

    def __init__(self, parts: dict[str, bytes], reference: Reference) -> None:
        self.out = dict(parts)
        _, self.types = content_types(self.out.pop("[Content_Types].xml"))
        self.ref = reference
        self.copied: dict[str, str] = {}
        self.style_map: dict[str, str] = {}
        self.num_map: dict[str, str] = {}

    # --- copying parts --------------------------------------------------------------------------

    def copy_part(self, name: str) -> str:
        """Copy reference part ``name`` and everything it relates to; return its name in the memo."""
        if name in self.copied:
            return self.copied[name]
        folder, base = posixpath.split(name)
        new = posixpath.join(folder, _PREFIX + base)
        while new in self.out:
            new = posixpath.join(folder, "x" + posixpath.basename(new))
        self.copied[name] = new
        self.out[new] = self.ref.parts[name]
        self.types[new] = self.ref.types.get(name, "application/octet-stream")
        self.adopt_rels(name, new)
        return new

    def adopt_rels(self, theirs: str, ours: str) -> None:
        """Give part ``ours`` the relationships of reference part ``theirs``, their targets copied along."""
        rels = [r for r in read_rels(self.ref.parts, theirs) if r.external or r.target in self.ref.parts]
        if not rels:
            self.out.pop(rels_name(ours), None)
            return
        entries = [(r.id, r.type, r.target if r.external else self.copy_part(r.target), r.external) for r in rels]
        self.out[rels_name(ours)] = write_rels(ours, entries)

    # --- the whole merge ------------------------------------------------------------------------

    def merge(self, page_line: Element | None) -> dict[str, bytes]:
        """The merged package's parts, ``[Content_Types].xml`` rebuilt; ``page_line`` joins footers without one."""
        doc_name = "word/document.xml"
        doc_rels = [(r.id, r.type, r.target, r.external) for r in read_rels(self.out, doc_name)]
        self._numbering(doc_rels)
        self._styles(doc_rels)
        self._remap_part(doc_name)
        self._remap_part("word/footnotes.xml")
        self._settings()
        self._font_table(doc_rels)
        theme = self.ref.related("theme")
        if theme is not None:
            _relate(doc_rels, f"{RT}/theme", self.copy_part(theme))
        self._furniture(doc_name, doc_rels, page_line)
        self.out[rels_name(doc_name)] = write_rels(doc_name, doc_rels)
        self.out["[Content_Types].xml"] = self._content_types()
        return self.out

    def _content_types(self) -> bytes:
        overrides = "".join(
            f"<Override PartName={quoteattr('/' + name)} ContentType={quoteattr(self.types[name])}/>"
            for name in sorted(self.out)
            if name in self.types and not name.endswith(".rels")
        )
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>' + overrides + "</Types>"
        ).encode()

    # --- numbering ------------------------------------------------------------------------------

    def _numbering(self, doc_rels: list[tuple[str, str, str, bool]]) -> None:
        theirs_name = self.ref.related("numbering")
        ours_name = "word/numbering.xml"
        if theirs_name is None or ours_name not in self.out:
            return
        theirs, ours = xml(self.ref.parts[theirs_name]), xml(self.out[ours_name])
        abstract_off = max(_ints(theirs, "abstractNum", "abstractNumId"), default=-1) + 1
        num_off = max(_ints(theirs, "num", "numId"), default=0)
        nsids = {el.get(w("val"), "").upper() for el in theirs.iter(w("nsid"))}
        abstracts = theirs.findall(w("abstractNum"))
        anchor = abstracts[-1] if abstracts else None
        for abstract in ours.findall(w("abstractNum")):
            abstract.set(w("abstractNumId"), str(int(abstract.get(w("abstractNumId"))) + abstract_off))
            nsid = abstract.find(w("nsid"))
            if nsid is not None:
                # Word joins lists whose definitions share an nsid; ours stay apart from the letterhead's.
                value = int(nsid.get(w("val"), "0"), 16)
                while f"{value:08X}" in nsids:
                    value = (value + 0x10000) & 0xFFFFFFFF
                nsids.add(f"{value:08X}")
                nsid.set(w("val"), f"{value:08X}")
            _insert_after(theirs, anchor, abstract, before=("num", "numIdMacAtCleanup"))
            anchor = abstract
        nums = theirs.findall(w("num"))
        anchor = nums[-1] if nums else anchor
        for num in ours.findall(w("num")):
            old = num.get(w("numId"))
            self.num_map[old] = str(int(old) + num_off)
            num.set(w("numId"), self.num_map[old])
            ref = num.find(w("abstractNumId"))
            ref.set(w("val"), str(int(ref.get(w("val"))) + abstract_off))
            _insert_after(theirs, anchor, num, before=("numIdMacAtCleanup",))
            anchor = num
        self.out[ours_name] = serialize(theirs)
        self.adopt_rels(theirs_name, ours_name)

    # --- styles ---------------------------------------------------------------------------------

    def _styles(self, doc_rels: list[tuple[str, str, str, bool]]) -> None:
        theirs_name = self.ref.related("styles")
        ours_name = "word/styles.xml"
        if theirs_name is None:
            return
        theirs, ours = xml(self.ref.parts[theirs_name]), xml(self.out[ours_name])
        taken: dict[str, str] = {}
        by_name: dict[tuple[str, str], str] = {}
        defaults = set()
        for el in theirs.findall(w("style")):
            kind, sid = el.get(w("type"), "paragraph"), el.get(w("styleId"), "")
            taken[sid] = kind
            name = el.find(w("name"))
            if name is not None:
                by_name.setdefault((kind, _norm(name.get(w("val"), ""))), sid)
            if el.get(w("default")) in ("1", "true", "on"):
                defaults.add(kind)
        added = []
        for el in ours.findall(w("style")):
            kind, sid = el.get(w("type"), "paragraph"), el.get(w("styleId"), "")
            name = el.find(w("name"))
            match = by_name.get((kind, _norm(name.get(w("val"), "")))) if name is not None else None
            if taken.get(sid) == kind:
                self.style_map[sid] = sid
            elif match is not None:
                self.style_map[sid] = match  # Word's translated ids: "heading 1" may be Überschrift1
            else:
                new = sid
                while new in taken:
                    new += "Memo"
                taken[new] = kind
                self.style_map[sid] = new
                added.append(el)
        for el in added:
            el.set(w("styleId"), self.style_map[el.get(w("styleId"))])
            if el.get(w("type"), "paragraph") in defaults:
                el.attrib.pop(w("default"), None)
            self._remap(el)
            theirs.append(el)
        _set_language(theirs, ours)
        self.out[ours_name] = serialize(theirs)
        self.adopt_rels(theirs_name, ours_name)

    def _remap(self, root: Element) -> None:
        """Point our style and numbering references at the merged ids."""
        for tag in _STYLE_REFS:
            for el in root.iter(w(tag)):
                value = el.get(w("val"))
                if value in self.style_map:
                    el.set(w("val"), self.style_map[value])
        for el in root.iter(w("numId")):
            value = el.get(w("val"))
            if value in self.num_map:
                el.set(w("val"), self.num_map[value])

    def _remap_part(self, name: str) -> None:
        if name in self.out and (self.style_map or self.num_map):
            root = xml(self.out[name])
            self._remap(root)
            self.out[name] = serialize(root)

    # --- settings, fonts ------------------------------------------------------------------------

    def _settings(self) -> None:
        theirs_name = self.ref.related("settings")
        ours_name = "word/settings.xml"
        if theirs_name is None or ours_name not in self.out:
            return
        theirs, ours = xml(self.ref.parts[theirs_name]), xml(self.out[ours_name])
        for tag in KEPT_SETTINGS:
            found = theirs.find(w(tag))
            if found is None:
                continue
            old = ours.find(w(tag))
            if old is not None:
                ours.remove(old)
            insert_ordered(ours, copy.deepcopy(found), SETTINGS_ORDER)
        self.out[ours_name] = serialize(ours)

    def _font_table(self, doc_rels: list[tuple[str, str, str, bool]]) -> None:
        theirs_name = self.ref.related("fontTable")
        ours_name = "word/fontTable.xml"
        if theirs_name is None or ours_name not in self.out:
            return
        theirs, ours = xml(self.ref.parts[theirs_name]), xml(self.out[ours_name])
        names = {el.get(w("name")) for el in theirs.findall(w("font"))}
        for font in ours.findall(w("font")):
            if font.get(w("name")) not in names:
                theirs.append(font)
        self.out[ours_name] = serialize(theirs)
        self.adopt_rels(theirs_name, ours_name)

    # --- page setup, headers and footers --------------------------------------------------------

    def _furniture(self, doc_name: str, doc_rels: list[tuple[str, str, str, bool]], page_line: Element | None) -> None:
        doc = xml(self.out[doc_name])
        body = doc.find(w("body"))
        ours_sect = body.find(w("sectPr"))
        by_id = {r[0]: r for r in doc_rels}
        mine: dict[str, str] = {}
        for kind in ("header", "footer"):
            for ref in ours_sect.findall(w(f"{kind}Reference")):
                rel = by_id.get(ref.get(_R_ID, ""))
                if rel is not None and ref.get(w("type"), "default") == "default":
                    mine[kind] = rel[2]
        sect = copy.deepcopy(self.ref.sect_pr)
        for el in [*sect.findall(w("headerReference")), *sect.findall(w("footerReference"))]:
            sect.remove(el)
        for el in sect.findall(w("printerSettings")):
            sect.remove(el)
        title_pg = sect.find(w("titlePg"))
        settings = xml(self.out["word/settings.xml"]) if "word/settings.xml" in self.out else None
        slots = ["default"]
        if title_pg is not None and title_pg.get(w("val"), "1") not in ("0", "false", "off"):
            slots.append("first")
        even = settings.find(w("evenAndOddHeaders")) if settings is not None else None
        if even is not None and even.get(w("val"), "1") not in ("0", "false", "off"):
            slots.append("even")
        references = []
        used_mine: set[str] = set()
        for kind in ("header", "footer"):
            ours_root = xml(self.out[mine[kind]]) if kind in mine else None
            for slot in slots:
                theirs = self.ref.slots.get((kind, slot))
                if theirs is not None:
                    target = self.copy_part(theirs)
                    self.out[target] = self._merged(kind, self.out[target], ours_root, page_line)
                elif kind in mine:
                    target = mine[kind] if slot == "default" else self._duplicate(mine[kind], slot)
                    used_mine.add(target)
                else:
                    continue
                references.append((kind, slot, _relate(doc_rels, f"{RT}/{kind}", target)))
        unused = {part for part in mine.values() if part not in used_mine}
        for part in unused:
            self.out.pop(part, None)
            self.out.pop(rels_name(part), None)
            self.types.pop(part, None)
        doc_rels[:] = [r for r in doc_rels if r[2] not in unused]
        for kind, slot, rel_id in reversed(references):
            el = etree.Element(w(f"{kind}Reference"))
            el.set(w("type"), slot)
            el.set(_R_ID, rel_id)
            sect.insert(0, el)
        body.replace(ours_sect, sect)
        self.out[doc_name] = serialize(doc)

    def _duplicate(self, part: str, slot: str) -> str:
        folder, base = posixpath.split(part)
        new = posixpath.join(folder, f"{slot}-{base}")
        self.out[new] = self.out[part]
        self.types[new] = self.types[part]
        return new

    def _merged(self, kind: str, data: bytes, ours: Element | None, page_line: Element | None) -> bytes:
        """A letterhead header or footer with our furniture put in (see the README's letterhead rules)."""
        root = xml(data)
        mine = [copy.deepcopy(el) for el in ours] if ours is not None else []
        placeholder = _placeholder(root, HEADER_MARK if kind == "header" else FOOTER_MARK)
        if placeholder is not None:
            for el in mine:
                self._remap(el)
                placeholder.addprevious(el)
            placeholder.getparent().remove(placeholder)
            if not len(root):
                sub(sub(sub(root, "p"), "pPr"), "pStyle", val=self.style_map.get("Header", "Header"))
        elif kind == "header":
            for el in mine:  # the marking banner, on every page under the letterhead
                self._remap(el)
                root.append(el)
        elif page_line is not None and not _has_page_field(root):
            el = copy.deepcopy(page_line)
            self._remap(el)
            root.append(el)
        return serialize(root)


# --- helpers ------------------------------------------------------------------------------------


def write_rels(source: str, entries: Iterable[tuple[str, str, str, bool]]) -> bytes:
    """The relationships part of ``source``: (id, type, target part name or URL, external)."""
    folder = posixpath.dirname(source)
    items = []
    for rel_id, rel_type, target, external in entries:
        where = target if external else posixpath.relpath(target, folder or ".")
        mode = ' TargetMode="External"' if external else ""
        items.append(
            f"<Relationship Id={quoteattr(rel_id)} Type={quoteattr(rel_type)} Target={quoteattr(where)}{mode}/>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{escape(PKG_RELS_NS)}">'
        + "".join(items)
        + "</Relationships>"
    ).encode()


def _relate(rels: list[tuple[str, str, str, bool]], rel_type: str, target: str) -> str:
    """Add a relationship to ``target`` with the id rIdN above every id already there; return the id."""
    taken = {r[0] for r in rels}
    numbers = [int(r[0][3:]) for r in rels if r[0].startswith("rId") and r[0][3:].isdigit()]
    following = max(numbers, default=0) + 1
    while f"rId{following}" in taken:
        following += 1
    rel_id = f"rId{following}"
    rels.append((rel_id, rel_type, target, False))
    return rel_id


def _ints(root: Element, tag: str, attr: str) -> list[int]:
    out = []
    for el in root.findall(w(tag)):
        try:
            out.append(int(el.get(w(attr), "")))
        except ValueError:
            continue
    return out


def _norm(name: str) -> str:
    return "".join(name.split()).casefold()


def _insert_after(root: Element, anchor: Element | None, el: Element, *, before: tuple[str, ...]) -> None:
    if anchor is not None:
        anchor.addnext(el)
        return
    for child in root:
        if etree.QName(child).localname in before:
            child.addprevious(el)
            return
    root.append(el)


def _set_language(theirs: Element, ours: Element) -> None:
    """The memo's language goes into the letterhead's defaults: spelling follows the text, not the template."""
    lang = ours.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('lang')}")
    if lang is None:
        return
    defaults = theirs.find(w("docDefaults"))
    if defaults is None:
        defaults = etree.Element(w("docDefaults"))
        theirs.insert(0, defaults)
    rpr_default = defaults.find(w("rPrDefault"))
    if rpr_default is None:
        rpr_default = etree.Element(w("rPrDefault"))
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(w("rPr"))
    if rpr is None:
        rpr = sub(rpr_default, "rPr")
    for old in rpr.findall(w("lang")):
        rpr.remove(old)
    tail = [c for c in rpr if etree.QName(c).localname in ("eastAsianLayout", "specVanish", "oMath")]
    if tail:
        tail[0].addprevious(copy.deepcopy(lang))
    else:
        rpr.append(copy.deepcopy(lang))


def _placeholder(root: Element, mark: str) -> Element | None:
    """The paragraph holding bookmark ``mark`` (a placeholder ``exporter reference-doc`` wrote), if any."""
    for start in root.iter(w("bookmarkStart")):
        if start.get(w("name")) == mark:
            parent = start.getparent()
            while parent is not None and parent.tag != w("p"):
                parent = parent.getparent()
            return parent
    return None


def _has_page_field(root: Element) -> bool:
    for el in root.iter(w("instrText")):
        if (el.text or "").split()[:1] == ["PAGE"]:
            return True
    return any((el.get(w("instr")) or "").split()[:1] == ["PAGE"] for el in root.iter(w("fldSimple")))
