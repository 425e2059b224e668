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
