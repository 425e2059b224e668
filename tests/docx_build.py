"""Word packages built by hand for the DOCX reader's tests: a minimal, valid zip around the XML a test gives."""

from __future__ import annotations

import io
import zipfile

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = f'xmlns:w="{W}" xmlns:r="{R}"'

_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="word/document.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>"""


def package(
    body: str,
    *,
    styles: str = "",
    numbering: str = "",
    footnotes: str = "",
    links: dict[str, str] | None = None,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """A .docx whose body is ``body`` (WordprocessingML inside ``w:body``), with optional parts."""
    rels = []
    parts: dict[str, bytes] = {}
    for number, (kind, name, text) in enumerate(
        (("styles", "styles.xml", styles), ("numbering", "numbering.xml", numbering),
         ("footnotes", "footnotes.xml", footnotes)), start=1):  # fmt: skip
        if text:
            parts[f"word/{name}"] = text.encode()
            rels.append(f'<Relationship Id="rIdp{number}" Target="{name}" Type="{R}/{kind}"/>')
    for rel_id, url in (links or {}).items():
        rels.append(f'<Relationship Id="{rel_id}" Target="{url}" TargetMode="External" Type="{R}/hyperlink"/>')
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{body}</w:body></w:document>'
    )
    doc_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(rels)
        + "</Relationships>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("word/document.xml", document)
        zf.writestr("word/_rels/document.xml.rels", doc_rels)
        for name, data in {**parts, **(extra or {})}.items():
            zf.writestr(name, data)
    return buf.getvalue()


def p(text: str, style: str = "", num: tuple[int, int] | None = None, runs: str = "") -> str:
    """A paragraph of one plain run (or the given runs) in ``style``, on list ``num`` = (numId, ilvl)."""
    props = f'<w:pStyle w:val="{style}"/>' if style else ""
    if num:
        props += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    content = runs or f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{content}</w:p>"


def r(text: str, props: str = "") -> str:
    """A run of ``text`` with run properties ``props`` (``<w:b/>`` ...)."""
    return f'<w:r>{f"<w:rPr>{props}</w:rPr>" if props else ""}<w:t xml:space="preserve">{text}</w:t></w:r>'


def _zip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
    b"<w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"
)
_EXTERNAL = _LAUGHS.replace(b'<!ENTITY lol "lol">', b'<!ENTITY lol SYSTEM "file:///etc/passwd">')


def hostile_packages() -> dict[str, tuple[bytes, str]]:
    """Hostile .docx files by name, each with a phrase its one-line refusal must hold."""
    return {
        "zip-bomb": (_zip({"word/document.xml": b"<a>" + b" " * 50_000_000 + b"</a>"}), "zip bomb"),
        "billion-laughs": (_zip({"word/document.xml": _LAUGHS}), "DTD or entities"),
        "external-entity": (_zip({"word/document.xml": _EXTERNAL}), "DTD or entities"),
        "png-renamed": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not a zip package"),
        "word-97": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "Word 97 or password-protected"),
        "empty-zip": (_zip({}), "no Word document part"),
        "many-entries": (_zip({f"x/{i}.xml": b"" for i in range(2001)}, zipfile.ZIP_STORED), "2,001 zip entries"),
    }
