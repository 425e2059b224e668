"""Fonts in the memo: Word's obfuscated font embedding (``word/fonts/*.odttf``) of the subsets that travel.

ECMA-376 Part 1, 17.8.1: an embedded font is a part of type ``obfuscatedFont`` related from the font table,
whose ``w:embedRegular`` (``w:embedBold`` ...) names it and gives its key, a GUID; the part holds the font
with its first 32 bytes XORed with the key's 16 bytes, taken from the GUID's hex digits last to first.
``w:embedTrueTypeFonts`` in the settings tells Word the document carries fonts, ``w:saveSubsetFonts`` that
they are subsets (Word keeps them subset when it saves). Word and LibreOffice draw with an embedded font
whose family name matches the name the runs and the font table use.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import uuid
from collections.abc import Sequence
from dataclasses import replace
from xml.sax.saxutils import unescape

from lxml import etree  # type: ignore[import-untyped,unused-ignore]  # lxml ships no stubs

from ...fontsubset import renamed
from ...present.embedding import TravelFace
from ...typefaces import typeface
from .ooxml import R_NS, Element, serialize, sub, w
from .reference import CT_NS, PKG_RELS_NS, RT, rels_name, xml
from .settings_order import SETTINGS_ORDER, insert_ordered

FONT_TABLE = "word/fontTable.xml"
OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
"""The content type of an embedded (obfuscated) font part."""
RT_FONT = f"{RT}/font"
"""The relationship type from the font table to an embedded font."""
_EMBEDS = ("embedRegular", "embedBold", "embedItalic", "embedBoldItalic")
"""The last children of ``w:font``, in schema order (CT_Font)."""
_GENERIC = {"serif": "roman", "sans-serif": "swiss", "monospace": "modern"}
_R_ID = f"{{{R_NS}}}id"


def font_key(data: bytes) -> str:
    """The GUID that keys a font's obfuscation, derived from its bytes (the same font, the same key)."""
    return "{" + str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])).upper() + "}"


def _key_bytes(key: str) -> bytes:
    # The GUID's 32 hex digits read as 16 bytes, last byte first (ECMA-376 Part 1, 17.8.1).
    return bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]


def obfuscate(data: bytes, key: str) -> bytes:
    """The font as an ``.odttf`` part: its first 32 bytes XORed with the key (the same call undoes it)."""
    mask = _key_bytes(key)
    head = bytes(b ^ mask[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


_RFONTS = re.compile(rb'w:(?:ascii|hAnsi|eastAsia|cs)="([^"]+)"')

PRIVATE_NAMES = {"DejaVu Sans": "Exporter DejaVu Sans"}
"""Families the memo embeds under a name of their own.

LibreOffice lets an embedded font take the place of an installed font of the same name, for all the
document's text; DejaVu Sans is what it substitutes for a missing Latin family on most Linux systems, so
a subset of it holding a few symbols would turn the Latin text into boxes (seen with Liberation absent).
"""


def named_fonts(parts: dict[str, bytes]) -> set[str]:
    """Every family name a run, paragraph mark or style of the memo sets (``w:rFonts``)."""
    names: set[str] = set()
    for name, data in parts.items():
        if name.startswith("word/") and name.endswith(".xml") and name != FONT_TABLE:
            names.update(unescape(m.decode(), {"&quot;": '"'}) for m in _RFONTS.findall(data))
    return names


def _face_tag(face: TravelFace) -> str:
    return _EMBEDS[face.bold + 2 * face.italic]


def embed_fonts(parts: dict[str, bytes], faces: Sequence[TravelFace]) -> dict[str, bytes]:
    """``parts`` with the faces whose family the memo names embedded as obfuscated subsets (a new dict).

    A family the memo never names would not be used by Word, so it is left out; a family the font table
    lacks (the symbols font of a task list) gets an entry.
    """
    if not faces:
        return parts  # nothing travels (an English memo in Liberation): no need to read the parts
    named = named_fonts(parts)
    chosen = [face for face in faces if face.display in named]
    if not chosen or FONT_TABLE not in parts:
        return parts
    out = _private_names(dict(parts), {face.display for face in chosen})
    table = _with_r_prefix(xml(out[FONT_TABLE]))
    rels_part = rels_name(FONT_TABLE)
    rels = xml(out[rels_part]) if rels_part in out else etree.Element(_rel("Relationships"), nsmap={None: PKG_RELS_NS})
    taken = {el.get("Id") for el in rels}
    used = {name for name in out if name.startswith("word/fonts/")}
    cleared: set[str] = set()
    for face in chosen:
        data = face.data
        private = PRIVATE_NAMES.get(face.display)
        if private:
            face = replace(face, display=private)
            data = renamed(data, private)
        key = font_key(data)
        part = _free(used, "word/fonts/font{}.odttf")
        out[part] = obfuscate(data, key)
        rel_id = _free(taken, "rIdFont{}")
        rel = etree.SubElement(rels, _rel("Relationship"))
        rel.set("Id", rel_id)
        rel.set("Type", RT_FONT)
        rel.set("Target", posixpath.relpath(part, posixpath.dirname(FONT_TABLE)))
        font = _font_entry(table, face, cleared)
        embed = etree.SubElement(font, w(_face_tag(face)))
        embed.set(_R_ID, rel_id)
        embed.set(w("fontKey"), key)
        if not face.whole:
            embed.set(w("subsetted"), "1")
        _sort_embeds(font)
    out[FONT_TABLE] = serialize(table)
    out[rels_part] = _bytes(rels)
    out["[Content_Types].xml"] = _content_types(out["[Content_Types].xml"])
    out["word/settings.xml"] = _settings(out["word/settings.xml"])
    return out


def _private_names(parts: dict[str, bytes], embedded: set[str]) -> dict[str, bytes]:
    """``parts`` with every ``w:rFonts`` naming an embedded family of ``PRIVATE_NAMES`` given its private name."""
    names = {old: new for old, new in PRIVATE_NAMES.items() if old in embedded}
    if not names:
        return parts
    alternatives = b"|".join(re.escape(name.encode()) for name in names)
    pattern = re.compile(rb'(w:(?:ascii|hAnsi|eastAsia|cs)=")(' + alternatives + rb')"')
    for name, data in parts.items():
        if name.startswith("word/") and name.endswith(".xml") and name != FONT_TABLE:
            parts[name] = pattern.sub(lambda m: m.group(1) + names[m.group(2).decode()].encode() + b'"', data)
    return parts


def _rel(tag: str) -> str:
    return f"{{{PKG_RELS_NS}}}{tag}"


def _bytes(root: Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _with_r_prefix(root: Element) -> Element:
    """The font table with the relationships namespace declared on its root as ``r`` (Word's own spelling)."""
    if root.nsmap.get("r") == R_NS:
        return root
    new = etree.Element(root.tag, nsmap={**root.nsmap, "r": R_NS}, attrib=dict(root.attrib))
    new.extend(list(root))
    return new


def _free(taken: set[str], pattern: str) -> str:
    number = 1
    while pattern.format(number) in taken:
        number += 1
    name = pattern.format(number)
    taken.add(name)
    return name


def _font_entry(table: Element, face: TravelFace, cleared: set[str]) -> Element:
    """The font table's entry for the face's family, created if missing; earlier embeds removed once."""
    for font in table.findall(w("font")):
        if font.get(w("name")) == face.display:
            break
    else:
        generic = typeface(face.family).generic
        font = sub(table, "font", name=face.display)
        sub(font, "family", val=_GENERIC[generic])
        sub(font, "pitch", val="fixed" if generic == "monospace" else "variable")
    if face.display not in cleared:
        # A reference document's own embedding of the family is replaced, never doubled.
        cleared.add(face.display)
        for old in [c for c in font if etree.QName(c).localname in _EMBEDS]:
            font.remove(old)
    return font


def _sort_embeds(font: Element) -> None:
    embeds = sorted(
        (c for c in font if etree.QName(c).localname in _EMBEDS), key=lambda c: _EMBEDS.index(etree.QName(c).localname)
    )
    for child in embeds:
        font.remove(child)
        font.append(child)


def _content_types(data: bytes) -> bytes:
    root = xml(data)
    if not any(el.get("Extension", "").lower() == "odttf" for el in root.iter(f"{{{CT_NS}}}Default")):
        default = etree.Element(f"{{{CT_NS}}}Default")
        default.set("Extension", "odttf")
        default.set("ContentType", OBFUSCATED_FONT)
        root.insert(0, default)
    return _bytes(root)


def _settings(data: bytes) -> bytes:
    root = xml(data)
    for tag in ("embedTrueTypeFonts", "saveSubsetFonts"):
        if root.find(w(tag)) is None:
            insert_ordered(root, etree.Element(w(tag)), SETTINGS_ORDER)
    return serialize(root)
