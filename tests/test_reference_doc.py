"""The memo on an office's letterhead (``--reference-doc``, ``[docx] reference``) and ``exporter reference-doc``."""

from __future__ import annotations

import io
import posixpath
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.shared import Pt
from helpers import ROOT, SAMPLE_TXT, libreoffice_to_pdf, require_tool
from lxml import etree
from msgspec.structs import replace
from PIL import Image
from pypdf import PdfReader

from exporter.api import render
from exporter.cli import main
from exporter.errors import StyleError
from exporter.model import Document
from exporter.renderers.base import DocxRenderOptions
from exporter.renderers.docx.refdoc import default_reference
from exporter.style import Style, load_style

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
HEADER_TEXT = "ACME MINISTRY OF EXAMPLES"
FOOTER_TEXT = "1 Example Street, Exampletown"
NORMAL_FONT = "DejaVu Sans"


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def xml_of(parts: dict[str, bytes], name: str) -> Any:
    return etree.fromstring(parts[name])


def rels(parts: dict[str, bytes], source: str) -> dict[str, tuple[str, str]]:
    """Relationship id to (type, target part name) of ``source``."""
    folder, base = posixpath.split(source)
    name = posixpath.join(folder, "_rels", base + ".rels")
    out = {}
    for el in xml_of(parts, name) if name in parts else []:
        target = el.get("Target")
        if el.get("TargetMode") != "External":
            target = posixpath.normpath(posixpath.join(folder, target))
        out[el.get("Id")] = (el.get("Type").rsplit("/", 1)[-1], target)
    return out


def furniture(parts: dict[str, bytes]) -> dict[tuple[str, str], str]:
    """(header/footer, default/first/even) to the part the memo's section points at."""
    sect = xml_of(parts, "word/document.xml").find(f"{q('body')}/{q('sectPr')}")
    by_id = rels(parts, "word/document.xml")
    out = {}
    for kind in ("header", "footer"):
        for ref in sect.findall(q(f"{kind}Reference")):
            out[(kind, ref.get(q("type")))] = by_id[ref.get(f"{{{R}}}id")][1]
    return out


def text_of(data: bytes) -> str:
    return "".join(etree.fromstring(data).itertext())


def logo_png() -> bytes:
    image = Image.new("RGB", (120, 40), "#1F3864")
    for x in range(10, 40):
        for y in range(10, 30):
            image.putpixel((x, y), (255, 200, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def python_docx_letterhead() -> bytes:
    """A letterhead as an office would make it in Word: header text and logo, footer, own font and bullets."""
    doc = docx.Document()
    normal = doc.styles["Normal"]
    normal.font.name = NORMAL_FONT
    normal.font.size = Pt(11)
    header = doc.sections[0].header.paragraphs[0]
    header.add_run().add_picture(io.BytesIO(logo_png()), width=Pt(60))
    header.add_run("  " + HEADER_TEXT)
    doc.sections[0].footer.paragraphs[0].text = FOOTER_TEXT
    doc.add_paragraph("Body text of the template, which the memo discards.")
    doc.add_paragraph("Their own bullet", style="List Bullet")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def as_dotx(data: bytes) -> bytes:
    """The same package as a Word template (.dotx): only the main part's content type differs."""
    parts = parts_of(data)
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace("document.main+xml", "template.main+xml").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, body in parts.items():
            zf.writestr(name, body)
    return out.getvalue()


@pytest.fixture(scope="module")
def letterhead() -> bytes:
    return python_docx_letterhead()


def memo(doc: Document, style: Style, reference: bytes) -> bytes:
    return render(doc, "docx", style, options=DocxRenderOptions(reference=reference)).data


def check_package(parts: dict[str, bytes]) -> None:
    """Every relationship id unique and every internal target present; every part has a content type."""
    types = etree.fromstring(parts["[Content_Types].xml"])
    overrides = {el.get("PartName").lstrip("/"): el.get("ContentType") for el in types.iter(f"{{{CT}}}Override")}
    defaults = {el.get("Extension") for el in types.iter(f"{{{CT}}}Default")}
    for name in parts:
        assert name in overrides or name.rsplit(".", 1)[-1] in defaults, name
        if name.endswith(".rels"):
            ids = [el.get("Id") for el in etree.fromstring(parts[name])]
            assert len(ids) == len(set(ids)), name
            source = posixpath.join(posixpath.dirname(posixpath.dirname(name)), posixpath.basename(name)[:-5])
            for rel_type, target in rels(parts, "" if name == "_rels/.rels" else source).values():
                assert "://" in target or target in parts, (name, rel_type, target)
    assert overrides["word/document.xml"].endswith("wordprocessingml.document.main+xml")


# --- the python-docx letterhead --------------------------------------------------------------------


def test_memo_takes_the_letterheads_header_logo_footer_and_normal_font(
    rich_doc: Document, default_style: Style, letterhead: bytes
) -> None:
    parts = parts_of(memo(rich_doc, default_style, letterhead))
    check_package(parts)
    slots = furniture(parts)
    header, footer = slots[("header", "default")], slots[("footer", "default")]
    assert HEADER_TEXT in text_of(parts[header])
    assert FOOTER_TEXT in text_of(parts[footer])
    # The logo: the header's picture resolves to a PNG that is the letterhead's own image.
    embeds = [el.get(f"{{{R}}}embed") for el in xml_of(parts, header).iter() if el.get(f"{{{R}}}embed")]
    assert len(embeds) == 1
    rel_type, image = rels(parts, header)[embeds[0]]
    assert rel_type == "image" and Image.open(io.BytesIO(parts[image])).size == (120, 40)
    # Their Normal wins, so the memo's text is set in their font; our own styles are added beside theirs.
    styles = xml_of(parts, "word/styles.xml")
    normal = styles.find(f"{q('style')}[@{q('styleId')}='Normal']")
    assert normal.find(f"{q('rPr')}/{q('rFonts')}").get(q("ascii")) == NORMAL_FONT
    ids = [el.get(q("styleId")) for el in styles.findall(q("style"))]
    assert len(ids) == len(set(ids)) and "KeyPoint" in ids and "MemoField" in ids
    # Their body is gone; ours is there.
    body = text_of(parts["word/document.xml"])
    assert "which the memo discards" not in body and rich_doc.meta.title in body
    reopened = docx.Document(io.BytesIO(memo(rich_doc, default_style, letterhead)))
    assert HEADER_TEXT in reopened.sections[0].header.paragraphs[0].text


def test_our_lists_are_numbered_above_the_letterheads(
    rich_doc: Document, default_style: Style, letterhead: bytes
) -> None:
    theirs = xml_of(parts_of(letterhead), "word/numbering.xml")
    parts = parts_of(memo(rich_doc, default_style, letterhead))
    merged = xml_of(parts, "word/numbering.xml")
    c14n = etree.tostring  # the same serialiser on both sides: unchanged means byte-equal elements
    for tag, key in (("abstractNum", "abstractNumId"), ("num", "numId")):
        mine = {el.get(q(key)): c14n(el) for el in merged.findall(q(tag))}
        old = {el.get(q(key)): c14n(el) for el in theirs.findall(q(tag))}
        for ident, element in old.items():
            assert mine[ident] == element, f"their {tag} {ident} changed"
        added = set(mine) - set(old)
        assert added and min(int(i) for i in added) > max(int(i) for i in old)
    nsids = [el.get(q("val")) for el in merged.iter(q("nsid"))]
    assert len(nsids) == len(set(nsids))
    defined = {el.get(q("numId")) for el in merged.findall(q("num"))}
    used = {el.get(q("val")) for el in xml_of(parts, "word/document.xml").iter(q("numId"))}
    assert used and used <= defined
    # Key points and our lists use our definitions; their List Bullet style still names their own list.
    ours = {el.get(q("numId")) for el in merged.findall(q("num"))} - {
        el.get(q("numId")) for el in theirs.findall(q("num"))
    }
    assert used <= ours
    styles = xml_of(parts, "word/styles.xml")
    bullet = styles.find(f"{q('style')}[@{q('styleId')}='ListBullet']")
    assert bullet.find(f".//{q('numId')}").get(q("val")) == "1"
    key_point = styles.find(f"{q('style')}[@{q('styleId')}='KeyPoint']")
    assert key_point.find(f".//{q('numId')}").get(q("val")) in ours


def test_letterhead_memo_is_reproducible_and_a_dotx_gives_the_same(
    rich_doc: Document, default_style: Style, letterhead: bytes
) -> None:
    first = memo(rich_doc, default_style, letterhead)
    assert memo(rich_doc, default_style, letterhead) == first
    assert memo(rich_doc, default_style, as_dotx(letterhead)) == first


def test_page_setup_comes_from_the_letterhead(sample_txt_doc: Document, a4_style: Style, letterhead: bytes) -> None:
    parts = parts_of(memo(sample_txt_doc, a4_style, letterhead))
    sect = xml_of(parts, "word/document.xml").find(f"{q('body')}/{q('sectPr')}")
    theirs = xml_of(parts_of(letterhead), "word/document.xml").find(f"{q('body')}/{q('sectPr')}")
    for tag in ("pgSz", "pgMar"):
        assert dict(sect.find(q(tag)).attrib) == dict(theirs.find(q(tag)).attrib)
    # The key points panel is as wide as the letterhead's text area, not the A4 style's.
    width = int(theirs.find(q("pgSz")).get(q("w"))) - sum(
        int(theirs.find(q("pgMar")).get(q(side))) for side in ("left", "right")
    )
    grid = xml_of(parts, "word/document.xml").find(f".//{q('gridCol')}")
    assert abs(int(grid.get(q("w"))) - width) <= 2
    assert "theme" in {t for t, _ in rels(parts, "word/document.xml").values()}


def test_marking_joins_the_letterhead_header_and_page_numbers_its_footer(
    sample_txt_doc: Document, default_style: Style, letterhead: bytes
) -> None:
    marked = replace(sample_txt_doc, meta=replace(sample_txt_doc.meta, marking="OFFICIAL-SENSITIVE"))
    parts = parts_of(memo(marked, default_style, letterhead))
    slots = furniture(parts)
    header = xml_of(parts, slots[("header", "default")])
    assert [p.find(f"{q('pPr')}/{q('pStyle')}") is not None for p in header.findall(q("p"))][-1]
    assert text_of(parts[slots[("header", "default")]]).endswith("OFFICIAL-SENSITIVE")
    footer = parts[slots[("footer", "default")]].decode()
    assert FOOTER_TEXT in footer and " PAGE " in footer and " NUMPAGES " in footer
    # Ours were merged into theirs, so the memo's own header and footer parts are gone.
    assert "word/header1.xml" not in parts and "word/footer1.xml" not in parts


# --- our own reference document --------------------------------------------------------------------


def test_default_reference_read_back_gives_the_normal_memo(
    tmp_path: Path, sample_txt_doc: Document, default_style: Style
) -> None:
    target = tmp_path / "custom.docx"
    assert main(["reference-doc", "-o", str(target)]) == 0
    reference = target.read_bytes()
    assert reference == default_reference(default_style)
    assert not text_of(parts_of(reference)["word/document.xml"]).strip()  # no body
    normal = parts_of(render(sample_txt_doc, "docx", default_style).data)
    back = parts_of(memo(sample_txt_doc, default_style, reference))
    check_package(back)
    for name in ("word/styles.xml", "word/settings.xml"):
        assert back[name] == normal[name], name
    ours = xml_of(normal, "word/document.xml").find(f"{q('body')}/{q('sectPr')}")
    theirs = xml_of(back, "word/document.xml").find(f"{q('body')}/{q('sectPr')}")
    for tag in ("pgSz", "pgMar"):
        assert dict(ours.find(q(tag)).attrib) == dict(theirs.find(q(tag)).attrib)
    footer_normal = xml_of(normal, furniture(normal)[("footer", "default")])
    footer_back = xml_of(back, furniture(back)[("footer", "default")])
    assert etree.tostring(footer_back.find(q("p"))) == etree.tostring(footer_normal.find(q("p")))
    assert docx.Document(io.BytesIO(memo(sample_txt_doc, default_style, reference))).paragraphs


# --- command line and style key ------------------------------------------------------------------


def _export(tmp_path: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["export", str(SAMPLE_TXT), "-t", "docx", "-o", str(tmp_path / "out"), "-q", *args])
    return code, capsys.readouterr().err


def test_cli_option_wins_over_the_style_key(
    tmp_path: Path, letterhead: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "brand").mkdir()
    (tmp_path / "brand" / "letterhead.docx").write_bytes(letterhead)
    style = tmp_path / "brand" / "office.toml"
    style.write_text(f'inherit = "{ROOT / "styles" / "default.toml"}"\n[docx]\nreference = "letterhead.docx"\n')
    code, err = _export(tmp_path, "-s", str(style), capsys=capsys)
    assert code == 0, err
    out = (tmp_path / "out" / "japan-us-summit.docx").read_bytes()
    assert HEADER_TEXT in text_of(parts_of(out)[furniture(parts_of(out))[("header", "default")]])
    other = tmp_path / "plain.docx"
    other.write_bytes(default_reference(load_style("default")))
    code, err = _export(tmp_path, "-s", str(style), "--reference-doc", str(other), capsys=capsys)
    assert code == 0, err
    out = (tmp_path / "out" / "japan-us-summit.docx").read_bytes()
    assert all(HEADER_TEXT not in text_of(v) for k, v in parts_of(out).items() if k.endswith(".xml"))


@pytest.mark.parametrize(
    "setup",
    ["missing", "not-a-zip", "no-word", "wrong-suffix"],
)
def test_bad_reference_is_one_style_line(tmp_path: Path, setup: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / ("ref.txt" if setup == "wrong-suffix" else "ref.docx")
    if setup == "not-a-zip":
        path.write_text("hello")
    elif setup == "no-word":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("[Content_Types].xml", f"<Types xmlns='{CT}'/>")
    elif setup == "wrong-suffix":
        path.write_bytes(python_docx_letterhead())
    for args in (["--reference-doc", str(path)], ["--reference-doc", str(path), "--strict"]):
        code, err = _export(tmp_path, *args, capsys=capsys)
        lines = err.strip().splitlines()
        assert code == StyleError.exit_code and len(lines) == 1 and "reference document" in lines[0], err
        assert not (tmp_path / "out" / "japan-us-summit.docx").exists()
    style = tmp_path / "s.toml"
    style.write_text(f'inherit = "{ROOT / "styles" / "default.toml"}"\n[docx]\nreference = "{path.name}"\n')
    if setup in ("missing", "wrong-suffix"):  # found when the style is loaded, for every format
        code, err = _export(tmp_path, "-s", str(style), "--strict", capsys=capsys)
        assert code == StyleError.exit_code and len(err.strip().splitlines()) == 1 and "docx.reference" in err


def test_reference_in_the_api_is_a_style_error(sample_txt_doc: Document) -> None:
    with pytest.raises(StyleError, match="reference document"):
        render(sample_txt_doc, "docx", options=DocxRenderOptions(reference=b"PK\x03\x04 not really"))


# --- LibreOffice: a letterhead it saved, and the memo it converts ----------------------------------

FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3"
 office:mimetype="application/vnd.oasis.opendocument.text">
 <office:font-face-decls><style:font-face style:name="Liberation Mono" svg:font-family="'Liberation Mono'"
  xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"/></office:font-face-decls>
 <office:styles>
  <style:style style:name="Standard" style:family="paragraph">
   <style:text-properties style:font-name="Liberation Mono" fo:font-size="10pt"/></style:style>
 </office:styles>
 <office:automatic-styles>
  <style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"
   fo:margin-top="1.5cm" fo:margin-bottom="1.5cm" fo:margin-left="2.5cm" fo:margin-right="2.5cm"/>
   <style:header-style><style:header-footer-properties fo:min-height="1cm" fo:margin-bottom="0.5cm"/>
   </style:header-style>
   <style:footer-style><style:header-footer-properties fo:min-height="0.8cm" fo:margin-top="0.4cm"/>
   </style:footer-style>
  </style:page-layout>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="pm1">
   <style:header><text:p>CONTINUATION HEADER ZEBRA</text:p></style:header>
   <style:header-first><text:p>FIRST PAGE LETTERHEAD QUOKKA</text:p></style:header-first>
   <style:footer><text:p>LIBRE FOOTER WOMBAT</text:p></style:footer>
   <style:footer-first><text:p>LIBRE FOOTER WOMBAT</text:p></style:footer-first>
  </style:master-page>
 </office:master-styles>
 <office:body><office:text><text:p>Template body</text:p></office:text></office:body>
</office:document>
"""


def libreoffice_letterhead(workdir: Path) -> bytes:
    """A letterhead saved by LibreOffice from a flat ODT with a different first-page header."""
    soffice = require_tool("soffice")
    source = workdir / "letterhead.fodt"
    source.write_text(FODT, encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="exporter-lo-") as work:
        profile = (Path(work) / "profile").as_uri()
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "docx", "--outdir",
             str(workdir), str(source)],
            capture_output=True, timeout=600, check=False, env={"HOME": work, "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
    out = workdir / "letterhead.docx"
    assert out.is_file(), "LibreOffice did not write the letterhead"
    return out.read_bytes()


def pdf_pages(pdf: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(pdf)).pages]


@pytest.mark.judge
def test_libreoffice_letterhead_with_a_first_page_header(
    tmp_path: Path, sample_txt_doc: Document, default_style: Style, letterhead: bytes
) -> None:
    reference = libreoffice_letterhead(tmp_path)
    assert "QUOKKA" in "".join(text_of(v) for k, v in parts_of(reference).items() if "header" in k)
    data = memo(sample_txt_doc, default_style, reference)
    assert data == memo(sample_txt_doc, default_style, reference)
    parts = parts_of(data)
    check_package(parts)
    slots = furniture(parts)
    assert "QUOKKA" in text_of(parts[slots[("header", "first")]])
    assert "ZEBRA" in text_of(parts[slots[("header", "default")]])
    sect = xml_of(parts, "word/document.xml").find(f"{q('body')}/{q('sectPr')}")
    assert sect.find(q("titlePg")) is not None
    normal = xml_of(parts, "word/styles.xml").find(f"{q('style')}[@{q('styleId')}='Normal']")
    assert "Liberation Mono" in etree.tostring(normal).decode()
    assert docx.Document(io.BytesIO(data)).paragraphs
    files = {"libre": data, "pydocx": memo(sample_txt_doc, default_style, letterhead)}
    paths = []
    for name, body in files.items():
        (tmp_path / f"{name}.docx").write_bytes(body)
        paths.append(tmp_path / f"{name}.docx")
    pdfs = libreoffice_to_pdf(paths, tmp_path / "pdf")
    libre, pydocx = pdfs[paths[0]], pdfs[paths[1]]
    assert libre is not None and pydocx is not None
    pages = pdf_pages(libre)
    assert len(pages) >= 2
    assert "QUOKKA" in pages[0] and "ZEBRA" not in pages[0]
    assert "ZEBRA" in pages[1] and "QUOKKA" not in pages[1]
    assert all("WOMBAT" in page and "Page" in page for page in pages)
    assert sample_txt_doc.meta.title.split()[0] in pages[0]
    assert all(HEADER_TEXT in page and FOOTER_TEXT in page for page in pdf_pages(pydocx))


def test_api_reads_the_style_key(tmp_path: Path, sample_txt_doc: Document, letterhead: bytes) -> None:
    (tmp_path / "letterhead.dotx").write_bytes(as_dotx(letterhead))
    style = tmp_path / "office.toml"
    style.write_text(f'inherit = "{ROOT / "styles" / "default.toml"}"\n[docx]\nreference = "letterhead.dotx"\n')
    data = render(sample_txt_doc, "docx", load_style(str(style))).data
    assert data == memo(sample_txt_doc, load_style("default"), letterhead)
