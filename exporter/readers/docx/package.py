"""A DOCX package opened safely: size, entry and ratio limits and no DTDs, all checked before any XML is parsed."""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from typing import Any

from lxml import etree  # type: ignore[import-untyped,unused-ignore]  # lxml ships no stubs

from ...errors import ParseError

MAX_ENTRIES = 2000
"""More zip entries than this and the file is refused unread."""
MAX_RATIO = 100
"""An entry that expands more than this many times is refused (a zip bomb)."""
RATIO_FLOOR = 16 * 1024
"""Entries smaller than this once expanded cannot hurt, whatever their ratio (an empty part compresses to nothing)."""
EXPANSION = 10
"""The whole package may expand to at most this many times ``--max-input-bytes``."""

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DTD_MARKS = tuple(
    mark.encode(codec) for mark in ("<!DOCTYPE", "<!ENTITY") for codec in ("utf-8", "utf-16-le", "utf-16-be")
)
_NOT_DOCX = "not a DOCX"

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = "/officeDocument"
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False, remove_comments=True
)


@dataclass(frozen=True)
class Relationship:
    """One relationship of a part: its type's last segment, its target (a part name or a URL), and whether external."""

    kind: str
    target: str
    external: bool


@dataclass
class Package:
    """The checked zip: parts by name (without the leading slash), read and parsed on demand."""

    zf: zipfile.ZipFile
    names: frozenset[str]
    main: str
    _xml: dict[str, Any] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        """Whether the package holds part ``name``."""
        return name in self.names

    def read(self, name: str) -> bytes:
        """The bytes of part ``name`` (its size was checked when the package was opened)."""
        info = self.zf.getinfo(name)
        with self.zf.open(info) as fh:
            data = fh.read(info.file_size + 1)
        if len(data) > info.file_size:  # the local header lies about the size
            raise ParseError(f"{_NOT_DOCX}: the part {name!r} is larger than the zip directory says")
        return data

    def xml(self, name: str) -> Any:
        """Part ``name`` parsed (once), or None when absent; a part with a DTD or entities is refused."""
        if name in self._xml:
            return self._xml[name]
        root = None
        if name in self.names:
            root = parse_xml(self.read(name), name)
        self._xml[name] = root
        return root

    def rels(self, name: str) -> dict[str, Relationship]:
        """The relationships of part ``name`` by id, targets resolved against the part's folder."""
        folder, base = posixpath.split(name)
        root = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        out: dict[str, Relationship] = {}
        if root is None:
            return out
        for rel in root.iter(f"{{{REL_NS}}}Relationship"):
            target = rel.get("Target", "")
            external = rel.get("TargetMode", "") == "External"
            if not external:
                target = part_name(folder, target)
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            out[rel.get("Id", "")] = Relationship(kind=kind, target=target, external=external)
        return out

    def related(self, name: str, kind: str) -> str | None:
        """The first internal part ``name`` relates to with relationship type ``kind`` (``styles``, ...)."""
        for rel in self.rels(name).values():
            if rel.kind == kind and not rel.external and rel.target in self.names:
                return rel.target
        return None


def part_name(folder: str, target: str) -> str:
    """A relationship target as a part name: absolute targets from the root, relative ones from ``folder``."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    joined = posixpath.normpath(posixpath.join(folder, target))
    return "" if joined.startswith("..") else joined


def parse_xml(data: bytes, name: str) -> Any:
    """Parse one part with no DTD, no entities and no network; refuse a part that declares any."""
    head = data[:4096] if len(data) > 4096 else data
    if any(mark in head for mark in _DTD_MARKS) or any(mark in data for mark in _DTD_MARKS[:2]):
        raise ParseError(f"{_NOT_DOCX}: the part {name!r} declares a DTD or entities (refused, nothing expanded)")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"{_NOT_DOCX}: the part {name!r} is not well-formed XML ({exc})") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ParseError(f"{_NOT_DOCX}: the part {name!r} declares a DTD or entities (refused, nothing expanded)")
    return root


def open_package(data: bytes, *, max_input_bytes: int) -> Package:
    """Check ``data`` as a Word package before parsing anything in it; raise ``ParseError`` with one line."""
    if data.startswith(OLE_MAGIC):
        raise ParseError(f"{_NOT_DOCX} (Word 97 or password-protected): an OLE container; save it as .docx unprotected")
    if not data.startswith(b"PK"):
        raise ParseError(f"{_NOT_DOCX}: not a zip package")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise ParseError(f"{_NOT_DOCX}: a damaged zip package ({exc})") from None
    if len(infos) > MAX_ENTRIES:
        raise ParseError(f"{_NOT_DOCX}: {len(infos):,} zip entries, more than {MAX_ENTRIES:,} (refused unread)")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ParseError(f"{_NOT_DOCX}: the zip entry {info.filename!r} is encrypted")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise ParseError(
                f"{_NOT_DOCX}: the zip entry {info.filename!r} expands {ratio:,.0f} times, more than {MAX_RATIO}:1 "
                "(a zip bomb; refused unread)"
            )
    limit = EXPANSION * max_input_bytes
    if total > limit:
        raise ParseError(
            f"{_NOT_DOCX}: it expands to {total:,} bytes, more than {EXPANSION}× --max-input-bytes ({limit:,})"
        )
    names = frozenset(info.filename for info in infos)
    package = Package(zf=zf, names=names, main="")
    main = None
    if "_rels/.rels" in names:
        for rel in package.rels("").values():
            if rel.kind == OFFICE_DOCUMENT.lstrip("/") and not rel.external and rel.target in names:
                main = rel.target
                break
    if main is None and "word/document.xml" in names:
        main = "word/document.xml"
    if main is None:
        raise ParseError(f"{_NOT_DOCX}: the zip package has no Word document part (word/document.xml)")
    package.main = main
    return package
