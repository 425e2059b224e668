"""Bytes of a saved page to text: the BOM, then the declared charset, then detection with a warning."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

PRESCAN_BYTES = 4096
"""How far into the page a charset declaration is looked for (browsers look at 1024; saved pages put
comments and long ``<title>`` elements first)."""

_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:()-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(rb"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9_.:()-]+)""", re.IGNORECASE)

# The WHATWG Encoding Standard's mapping of the labels saved pages carry to what browsers decode
# them with: latin-1 and ASCII labels mean windows-1252, Shift_JIS means Microsoft's superset, GBK
# and GB2312 mean GB18030, and a page cannot declare UTF-16 in itself (it reads as UTF-8).
_WHATWG: dict[str, str] = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "windows-1252": "cp1252",
    "cp1252": "cp1252",
    "x-cp1252": "cp1252",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "csshiftjis": "cp932",
    "euc-jp": "euc_jp",
    "x-euc-jp": "euc_jp",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb18030": "gb18030",
    "chinese": "gb18030",
    "big5": "big5hkscs",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "iso-8859-9": "cp1254",
    "tis-620": "cp874",
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_FEW_BAD = 3
_SINGLE_BYTE = frozenset({"cp1252", "cp1254", "cp874", "latin_1"}) | {f"iso8859_{n}" for n in range(2, 17)}


@dataclass(frozen=True)
class Decoded:
    """A page's text, the encoding it was read with, and what a reader should be told about it."""

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def declared_charset(data: bytes) -> str | None:
    """The charset label a ``<meta>`` or the XML declaration near the top of the page names, or None."""
    head = data[:PRESCAN_BYTES]
    found = _XML_DECLARATION.match(head) or _META_CHARSET.search(head)
    return found.group(1).decode("ascii").strip().lower() if found else None


def codec_for(label: str) -> str | None:
    """The Python codec browsers would decode ``label`` with, or None for a label nobody knows."""
    label = label.strip().lower()
    if label in _WHATWG:
        return _WHATWG[label]
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # Encodings a page cannot be written in (ASCII-incompatible, or codecs Python keeps for other uses).
    if name.startswith(("utf-16", "utf-32", "utf_16", "utf_32")) or name in ("rot-13", "base64", "hex", "zlib"):
        return None
    return _WHATWG.get(name, name)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def detect(data: bytes) -> str:
    """The encoding charset-normalizer finds most plausible (windows-1252 when it finds none)."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    found = codec_for(best.encoding) if best is not None else None
    return found or "cp1252"


def decode_page(data: bytes) -> Decoded:
    """Decode a saved page as a browser would; a wrong or missing declaration falls back to detection."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            text = body.decode(codec, errors="replace")
            warnings = () if "\ufffd" not in text or _clean(body, codec) else (_replaced(codec),)
            return Decoded(text, codec, warnings)
    label = declared_charset(data)
    if label is not None:
        declared = codec_for(label)
        if declared is None:
            return _detected(data, f"the page declares an unknown charset {label!r}")
        codec = declared
        if codec in _SINGLE_BYTE and not data.isascii() and _is_utf8(data):
            # A page saved as UTF-8 that kept its original declaration: in a single-byte encoding, a run
            # of valid multi-byte UTF-8 sequences is all but impossible in real text.
            return Decoded(data.decode("utf-8"), "utf-8", (f"the page declares {label} but is UTF-8; read as UTF-8",))
        if _clean(data, codec):
            return Decoded(data.decode(codec), codec)
        text = data.decode(codec, errors="replace")
        bad = text.count("\ufffd")
        if bad <= max(_FEW_BAD, len(text) // 200):
            # A few stray bytes (a truncated save, one pasted character) do not make the declaration wrong.
            return Decoded(text, codec, (f"{bad} byte sequence(s) that are not valid {label} were replaced by U+FFFD",))
        return _detected(data, f"the page declares {label} but is not valid {label}")
    if _is_utf8(data):
        return Decoded(data.decode("utf-8"), "utf-8")
    return _detected(data, "the page declares no charset and is not UTF-8")


def _clean(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _replaced(codec: str) -> str:
    return f"bytes that are not valid {codec} were replaced by U+FFFD"


def _detected(data: bytes, why: str) -> Decoded:
    codec = detect(data)
    text = data.decode(codec, errors="replace")
    warnings = [f"{why}; read as {codec} (detected)"]
    if not _clean(data, codec):
        warnings.append(_replaced(codec))
    return Decoded(text, codec, tuple(warnings))
