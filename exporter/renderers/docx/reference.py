"""A reference document (``--reference-doc``, ``[docx] reference``): its parts read, checked and measured."""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field

from lxml import etree  # type: ignore[import-untyped,unused-ignore]  # lxml ships no stubs

from ...errors import StyleError
from ...style import Margins, Page
from .ooxml import R_NS, Element, w

MAX_REFERENCE_BYTES = 64 * 1024 * 1024
"""Largest reference document read, packed or unpacked (a letterhead with a logo is far below)."""
MAX_REFERENCE_ENTRIES = 2000
"""Most zip entries a reference document may hold."""

PKG_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
}
"""The main part of a .docx, a .dotx (and their macro-enabled kinds, whose macros are never copied)."""

HEADER_MARK = "_exporter_header"
FOOTER_MARK = "_exporter_footer"
"""Hidden bookmarks on the paragraphs ``exporter reference-doc`` writes; each paragraph is refilled per memo."""

_PICTURES = (
    w("drawing"),
    w("pict"),
    w("object"),
    "{urn:schemas-microsoft-com:vml}imagedata",
    "{urn:schemas-microsoft-com:vml}shape",
)
"""What shows a picture or a shape in a header: DrawingML, VML and embedded objects."""

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)


def xml(data: bytes) -> Element:
    """Parse one part's XML without entities or network access."""
    return etree.fromstring(data, PARSER)


@dataclass(frozen=True)
class Rel:
    """One relationship: its id, type, and target (a part name for internal targets)."""

    id: str
    type: str
    target: str
    external: bool


def read_rels(parts: dict[str, bytes], source: str) -> list[Rel]:
    """The relationships of part ``source`` (``""`` for the package), internal targets as part names."""
    folder, base = posixpath.split(source)
    name = posixpath.join(folder, "_rels", base + ".rels") if source else "_rels/.rels"
    if name not in parts:
        return []
    out = []
    for el in xml(parts[name]):
        external = el.get("TargetMode") == "External"
        target = el.get("Target", "")
        if not external:
            target = (
                target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            )
        out.append(Rel(el.get("Id", ""), el.get("Type", ""), target, external))
    return out


def rels_name(part: str) -> str:
    """The name of the relationships part of ``part``."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def content_types(data: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """The defaults (extension to type) and overrides (part name to type) of ``[Content_Types].xml``."""
    root = xml(data)
    defaults = {el.get("Extension", "").lower(): el.get("ContentType", "") for el in root.iter(f"{{{CT_NS}}}Default")}
    overrides = {
        el.get("PartName", "").lstrip("/"): el.get("ContentType", "") for el in root.iter(f"{{{CT_NS}}}Override")
    }
    return defaults, overrides


@dataclass
class Reference:
    """The parts of a reference document and where its main document, styles and furniture are."""

    parts: dict[str, bytes]
    types: dict[str, str]
    main: str
    main_rels: list[Rel]
    sect_pr: Element
    slots: dict[tuple[str, str], str] = field(default_factory=dict)
    """(``header``/``footer``, ``default``/``first``/``even``) to the part name the reference puts there."""

    def related(self, rel_type: str) -> str | None:
        """The part the main document relates with ``rel_type`` (``styles``, ``numbering`` …), if any."""
        for rel in self.main_rels:
            if rel.type == f"{RT}/{rel_type}" and not rel.external and rel.target in self.parts:
                return rel.target
        return None

    def has_own_header(self) -> bool:
        """Whether a header shows something of its own (text, a picture) besides our reference's placeholder."""
        for (kind, _), name in self.slots.items():
            if kind != "header":
                continue
            root = xml(self.parts[name])
            for start in root.iter(w("bookmarkStart")):
                if start.get(w("name")) == HEADER_MARK:
                    paragraph = next((a for a in start.iterancestors(w("p"))), None)
                    if paragraph is not None and paragraph.getparent() is not None:
                        paragraph.getparent().remove(paragraph)
            if any((t.text or "").strip() for t in root.iter(w("t"))) or any(True for _ in root.iter(*_PICTURES)):
                return True
        return False

    def page(self, fallback: Page) -> Page:
        """The page its last section sets up, in points (sizes it leaves out come from ``fallback``)."""
        size = self.sect_pr.find(w("pgSz"))
        margins = self.sect_pr.find(w("pgMar"))

        def pt(el: Element | None, attr: str, default: float) -> float:
            value = None if el is None else el.get(w(attr))
            try:
                return abs(int(value)) / 20 if value is not None else default
            except ValueError:
                return default

        width, height = pt(size, "w", fallback.width), pt(size, "h", fallback.height)
        old = fallback.margins
        sides = {s: pt(margins, s, getattr(old, s)) for s in ("top", "bottom", "left", "right")}
        if sides["left"] + sides["right"] >= width * 0.8 or sides["top"] + sides["bottom"] >= height * 0.8:
            raise StyleError("the reference document's page margins leave too little room on the page")
        return Page(size="custom", width=width, height=height, margins=Margins(**sides))


def _unzip(data: bytes) -> dict[str, bytes]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise StyleError(f"not a .docx or .dotx (not a zip file: {exc})") from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_REFERENCE_ENTRIES or sum(i.file_size for i in infos) > MAX_REFERENCE_BYTES:
            raise StyleError("too large once unpacked")
        try:
            return {i.filename: zf.read(i) for i in infos}
        except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError, EOFError) as exc:
            raise StyleError(f"a damaged zip file: {exc}") from None


def read_reference(data: bytes) -> Reference:
    """Check and index a .docx / .dotx; anything unusable is a one-line ``StyleError``."""
    if len(data) > MAX_REFERENCE_BYTES:
        raise StyleError("too large")
    parts = _unzip(data)
    try:
        return _index(parts)
    except etree.XMLSyntaxError as exc:
        raise StyleError(f"a part that is not XML: {exc}") from None


def _index(parts: dict[str, bytes]) -> Reference:
    if "[Content_Types].xml" not in parts:
        raise StyleError("not a .docx or .dotx (no [Content_Types].xml)")
    defaults, overrides = content_types(parts["[Content_Types].xml"])
    types = {}
    for name in parts:
        ext = posixpath.splitext(name)[1].lstrip(".").lower()
        kind = overrides.get(name) or defaults.get(ext)
        if kind:
            types[name] = kind
    main = next(
        (r.target for r in read_rels(parts, "") if r.type == f"{RT}/officeDocument" and r.target in parts), None
    )
    if main is None or types.get(main) not in MAIN_TYPES:
        raise StyleError("not a .docx or .dotx (no Word main document in it)")
    root = xml(parts[main])
    body = root.find(w("body"))
    sect_pr = None if body is None else body.find(w("sectPr"))
    if sect_pr is None:
        # A document without a final section property block is laid out with Word's defaults.
        sect_pr = etree.Element(w("sectPr"), nsmap={"w": root.nsmap.get("w", "")} if "w" in root.nsmap else None)
    main_rels = read_rels(parts, main)
    by_id = {r.id: r for r in main_rels}
    reference = Reference(parts, types, main, main_rels, sect_pr)
    for kind in ("header", "footer"):
        for ref in sect_pr.findall(w(f"{kind}Reference")):
            rel = by_id.get(ref.get(f"{{{R_NS}}}id", ""))
            if rel is not None and not rel.external and rel.target in parts:
                xml(parts[rel.target])  # a damaged header is refused now, not half-copied later
                reference.slots[(kind, ref.get(w("type"), "default"))] = rel.target
    for kind in ("styles", "numbering", "settings", "theme", "fontTable"):
        target = reference.related(kind)
        if target is not None:
            xml(parts[target])
    return reference
