"""The memo's package: a lean base document per style (built once, cached) and a reproducible zip."""

from __future__ import annotations

import datetime
import io
import struct
import zipfile
import zlib
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

import docx.document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.package import Unmarshaller
from docx.opc.part import Part, PartFactory
from docx.opc.pkgreader import PackageReader
from docx.package import Package
from lxml import etree  # type: ignore[import-untyped,unused-ignore]  # lxml ships no stubs

from ...present.language import Language
from ...present.view import style_families
from ...style import Style
from ...typefaces import typeface
from .ooxml import R_NS, W_NS, serialize, sub, twips, w
from .styles import Slots, compile_numbering, compile_styles

_CT = "application/vnd.openxmlformats-officedocument"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_RT = "http://schemas.openxmlformats.org/package/2006/relationships"

_CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/word/document.xml" ContentType="{_CT}.wordprocessingml.document.main+xml"/>\
<Override PartName="/word/styles.xml" ContentType="{_CT}.wordprocessingml.styles+xml"/>\
<Override PartName="/word/numbering.xml" ContentType="{_CT}.wordprocessingml.numbering+xml"/>\
<Override PartName="/word/settings.xml" ContentType="{_CT}.wordprocessingml.settings+xml"/>\
<Override PartName="/word/fontTable.xml" ContentType="{_CT}.wordprocessingml.fontTable+xml"/>\
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
<Override PartName="/docProps/app.xml" ContentType="{_CT}.extended-properties+xml"/>\
</Types>"""

_PACKAGE_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG_RT}">\
<Relationship Id="rId1" Type="{_RT}/officeDocument" Target="word/document.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" \
Target="docProps/core.xml"/>\
<Relationship Id="rId3" Type="{_RT}/extended-properties" Target="docProps/app.xml"/>\
</Relationships>"""

_DOCUMENT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG_RT}">\
<Relationship Id="rId1" Type="{_RT}/styles" Target="styles.xml"/>\
<Relationship Id="rId2" Type="{_RT}/numbering" Target="numbering.xml"/>\
<Relationship Id="rId3" Type="{_RT}/settings" Target="settings.xml"/>\
<Relationship Id="rId4" Type="{_RT}/fontTable" Target="fontTable.xml"/>\
</Relationships>"""

# Filled per memo through python-docx's core-properties API; empty here so no template value survives.
_CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>"""


def _app(style: Style) -> str:
    company = escape(style.brand.organisation)
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="{_CT}.extended-properties" \
xmlns:vt="{_CT}.docPropsVTypes"><Application>exporter</Application><DocSecurity>0</DocSecurity>\
<Company>{company}</Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc></Properties>"""


def _document(style: Style) -> bytes:
    root = etree.Element(w("document"), nsmap={"w": W_NS, "r": R_NS})
    sect = sub(sub(root, "body"), "sectPr")
    page, margins = style.page, style.page.margins
    sub(sect, "pgSz", w=twips(page.width), h=twips(page.height))
    # Header and footer sit in the top / bottom margin, a little under half of it from the edge.
    sub(sect, "pgMar", top=twips(margins.top), right=twips(margins.right), bottom=twips(margins.bottom),
        left=twips(margins.left), header=twips(margins.top * 0.45), footer=twips(margins.bottom * 0.45),
        gutter="0")  # fmt: skip
    sub(sect, "cols", space="720")
    sub(sect, "docGrid", linePitch="360")
    return serialize(root)


def _settings(language: Language) -> bytes:
    root = etree.Element(w("settings"), nsmap={"w": W_NS})
    sub(root, "zoom", percent="100")
    sub(root, "defaultTabStop", val="720")
    # Japanese text compresses its punctuation the way Japanese Word does by default.
    sub(root, "characterSpacingControl", val="compressPunctuation" if language.is_cjk else "doNotCompress")
    compat = sub(root, "compat")
    for name, value in (("compatibilityMode", "15"), ("overrideTableStyleFontSizeAndJustification", "1")):
        sub(compat, "compatSetting", name=name, uri="http://schemas.microsoft.com/office/word", val=value)
    val, east_asian, _ = language.word_lang
    sub(root, "themeFontLang", val=val, eastAsia=east_asian)
    sub(root, "decimalSymbol", val=".")
    sub(root, "listSeparator", val=",")
    return serialize(root)


def _font_table(style: Style) -> bytes:
    root = etree.Element(w("fonts"), nsmap={"w": W_NS})
    for family in style_families(style):
        face = typeface(family)
        font = sub(root, "font", name=face.display)
        sub(font, "family", val={"serif": "roman", "sans-serif": "swiss", "monospace": "modern"}[face.generic])
        sub(font, "pitch", val="fixed" if face.generic == "monospace" else "variable")
    return serialize(root)


@lru_cache(maxsize=16)
def base_package(style: Style, language: Language, slots: Slots = ()) -> bytes:
    """The empty memo package for a style and document language, styles and page set up; ``slots`` are the
    East Asian and complex-script families of the document's font plan (``styles.word_slots``).

    Parsing python-docx's own 438 KB template costs milliseconds per memo; this base holds only
    what the memo uses, so opening it per render is cheap.
    """
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES.encode(),
        "_rels/.rels": _PACKAGE_RELS.encode(),
        "docProps/core.xml": _CORE.encode(),
        "docProps/app.xml": _app(style).encode(),
        "word/document.xml": _document(style),
        "word/_rels/document.xml.rels": _DOCUMENT_RELS.encode(),
        "word/styles.xml": compile_styles(style, language, slots),
        "word/numbering.xml": compile_numbering(style),
        "word/settings.xml": _settings(language),
        "word/fontTable.xml": _font_table(style),
    }
    return write_zip(parts, datetime.date(1980, 1, 1))


@lru_cache(maxsize=16)
def _base_reader(style: Style, language: Language, slots: Slots) -> Any:
    """python-docx's reader of the base package: its zip, content types and relationships, read once."""
    return PackageReader.from_file(io.BytesIO(base_package(style, language, slots)))  # type: ignore[no-untyped-call]


def open_base(style: Style, language: Language, slots: Slots = ()) -> docx.document.Document:
    """A fresh python-docx document over the base package (``base_package``): only its parts are parsed per memo.

    What ``docx.Document`` does with the package's bytes, less reading the zip again: the reader holds only
    the serialised parts, which every memo parses into elements of its own.
    """
    package = Package()
    Unmarshaller.unmarshal(_base_reader(style, language, slots), package, _part)  # type: ignore[no-untyped-call]
    document: docx.document.Document = package.main_document_part.document
    return document


def _part(partname: Any, content_type: str, reltype: str, blob: bytes, package: Any) -> Any:
    """python-docx's part for a serialised part; the styles stay bytes, since no memo edits them (``styles_xml``)."""
    if content_type == CT.WML_STYLES:
        return Part.load(partname, content_type, blob, package)
    return PartFactory(partname, content_type, reltype, blob, package)


def styles_xml(document: docx.document.Document) -> bytes:
    """The bytes of the styles part of a document from ``open_base``."""
    blob: bytes = document.part.part_related_by(RT.STYLES).blob
    return blob


def _entry_order(name: str) -> tuple[int, str]:
    # [Content_Types].xml first and the package rels next, as Office writes them; the rest by name.
    return ({"[Content_Types].xml": 0, "_rels/.rels": 1}.get(name, 2), name)


def write_zip(parts: dict[str, bytes], date: datetime.date) -> bytes:
    """A zip of ``parts`` with a stable entry order and every timestamp set to ``date``.

    The bytes ``zipfile`` writes for these entries (deflated at its default level, no extra fields), laid out
    here so that a part met before (the style's styles, numbering and settings: the same in every memo) is
    not compressed again.
    """
    stamp = (max(1980, min(date.year, 2107)), date.month, date.day, 0, 0, 0)
    if len(parts) >= 0xFFFF or sum(map(len, parts.values())) * 1.05 > _SMALL_ZIP:
        return _write_zip_zip64(parts, stamp)  # pragma: no cover - a memo is never that large
    dosdate = (stamp[0] - 1980) << 9 | stamp[1] << 5 | stamp[2]
    out: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    for name in sorted(parts, key=_entry_order):
        data = parts[name]
        crc, packed = _deflated(data)
        encoded, flags = (name.encode("ascii"), 0) if name.isascii() else (name.encode("utf-8"), 0x800)
        common = (flags, zipfile.ZIP_DEFLATED, 0, dosdate, crc, len(packed), len(data), len(encoded))
        header = struct.pack("<4s2B4HL2L2H", b"PK\003\004", 20, 0, *common, 0)
        record = struct.pack("<4s4B4HL2L5H2L", b"PK\001\002", 20, 0, 20, 0, *common, 0, 0, 0, 0, _EXTERNAL_ATTR, offset)
        directory.append(record + encoded)
        out += (header, encoded, packed)
        offset += len(header) + len(encoded) + len(packed)
    central = b"".join(directory)
    end = struct.pack("<4s4H2LH", b"PK\005\006", 0, 0, len(directory), len(directory), len(central), offset, 0)
    return b"".join(out) + central + end


_SMALL_ZIP = zipfile.ZIP64_LIMIT // 2
"""Below this many bytes of parts, no entry or offset needs the Zip64 records ``zipfile`` would then write."""
_EXTERNAL_ATTR = 0o644 << 16
"""rw-r--r--, the permissions the entries carry."""
_DEFLATED: dict[bytes, tuple[int, bytes]] = {}
"""Parts compressed before and met again, by content: the parts every memo of a style shares."""
_MET: set[int] = set()
"""The hashes of the small parts compressed once: a part is kept in ``_DEFLATED`` when it comes back."""


def _deflated(data: bytes) -> tuple[int, bytes]:
    """The CRC-32 and raw deflate stream of ``data``, as ``zipfile`` makes it; remembered for a part that recurs."""
    found = _DEFLATED.get(data)
    if found is None:
        packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        found = (zlib.crc32(data), packer.compress(data) + packer.flush())
        if len(data) <= 64 * 1024:
            # A memo's own body never recurs: only a part met before is kept, so those do not push the others out.
            key = hash(data)
            if key in _MET:
                if len(_DEFLATED) >= 64:
                    _DEFLATED.clear()
                _DEFLATED[data] = found
            else:
                if len(_MET) >= 4096:
                    _MET.clear()
                _MET.add(key)
    return found


def _write_zip_zip64(parts: dict[str, bytes], stamp: tuple[int, int, int, int, int, int]) -> bytes:
    """The same zip through ``zipfile``, which writes the Zip64 records a very large one needs."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(parts, key=_entry_order):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = _EXTERNAL_ATTR
            zf.writestr(info, parts[name])
    return out.getvalue()


def package_parts(package: Any) -> dict[str, bytes]:
    """Every part of an open python-docx package, serialised, with its rels and content types.

    Writing these once with :func:`write_zip` replaces ``Document.save``, whose zip carries the
    current time and which would otherwise be compressed twice.
    """
    parts: dict[str, bytes] = {"_rels/.rels": _as_bytes(package.rels.xml)}
    overrides = []
    for part in package.iter_parts():
        name = part.partname.membername
        parts[name] = _as_bytes(part.blob)
        overrides.append(f'<Override PartName="{escape(part.partname)}" ContentType="{escape(part.content_type)}"/>')
        if len(part.rels):
            parts[part.partname.rels_uri.membername] = _as_bytes(part.rels.xml)
    parts["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>' + "".join(sorted(overrides)) + "</Types>"
    ).encode()
    return parts


def _as_bytes(blob: str | bytes) -> bytes:
    return blob.encode() if isinstance(blob, str) else blob
