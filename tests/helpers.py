"""Test helpers: fixture paths, hostile strings, outside tools, and word-level text comparison."""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import msgspec
import pytest

from exporter.model import Document

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLE_TXT = ROOT / "sources" / "japan-us-summit.txt"
SAMPLE_MD = ROOT / "sources" / "markdown" / "japan-us-summit.md"
JAPANESE_TXT = DATA / "ja-summit.txt"
RICH_MD = DATA / "rich.md"

HOSTILE_STRINGS = (
    "<b>",
    "AT&T",
    "&bogus;",
    "<script>alert(1)</script>",
    "]]>",
    '<font color="[[[getattr(pow, Word("__globals__"))]]]">',
    '<img src="/etc/hostname"/>',
    "</para>",
    "&#0;",
    "<![CDATA[",
)
"""Markup-like strings that every renderer must show literally."""

_CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f"
# A CJK character alone, or a run of other word characters (so "LNG輸入" and "LNG\n輸入" agree).
_TOKEN = re.compile(rf"[{_CJK_CHARS}]|[^\W{_CJK_CHARS}]+")
_HYPHEN_JOIN = re.compile(r"(?<=\w)[-\u2010\u2011]\s*(?=\w)")


CURRENT_TEST: pytest.Item | None = None
"""The test being set up or run (kept by conftest), so require_tool can insist on the judge marker."""
HEAVY_JUDGES = frozenset({"soffice", "java"})
"""Outside programs that take seconds to start: only tests marked ``judge`` may run them."""


def require_tool(name: str) -> str:
    """The path of an outside tool; skip locally when missing, fail under CI=true.

    LibreOffice and Java are for tests marked ``judge`` only: the fast run (``-m "not slow and not judge"``)
    relies on it. The quick ones (qpdf, poppler) may serve any test.
    """
    if name in HEAVY_JUDGES and CURRENT_TEST is not None and CURRENT_TEST.get_closest_marker("judge") is None:
        pytest.fail(f"{CURRENT_TEST.nodeid} uses the outside program {name}: mark it @pytest.mark.judge")
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is required under CI=true but is not installed")
        pytest.skip(f"{name} is not installed")
    return path


FONTS = ROOT / "exporter" / "fonts"


def fontconfig_file(directory: Path) -> Path:
    """A fontconfig file in ``directory`` that adds the package's bundled fonts to the system's configuration.

    LibreOffice finds fonts through fontconfig only: without this it cannot see the bundled IPAex faces
    and draws Japanese in whatever the machine happens to have (or in nothing).
    """
    directory.mkdir(parents=True, exist_ok=True)
    cache = directory / "fc-cache"
    path = directory / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{FONTS}</dir>\n"
        f"  <cachedir>{cache}</cachedir>\n"
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        "</fontconfig>\n",
        encoding="utf-8",
    )
    return path


def libreoffice_to_pdf(
    files: list[Path], outdir: Path, *, timeout: float = 600, fontconfig: Path | None = None
) -> dict[Path, Path | None]:
    """Convert DOCX files with LibreOffice in one call; each file's PDF, or None when it was not written.

    Every call gets a fresh user profile and a fontconfig that adds the bundled fonts (or ``fontconfig``,
    a configuration file of the caller's), so the result does not depend on what the machine has
    installed or on an earlier run's profile.
    """
    import subprocess
    import tempfile

    soffice = require_tool("soffice")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="exporter-lo-") as work:
        conf = fontconfig or fontconfig_file(Path(work) / "fontconfig")
        env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": work}
        profile = (Path(work) / "profile").as_uri()
        cmd = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
        ]
        # soffice exits 0 even when a conversion fails, so the PDFs themselves are the verdict.
        subprocess.run([*cmd, *map(str, files)], capture_output=True, timeout=timeout, check=False, env=env)
    result: dict[Path, Path | None] = {}
    for file in files:
        pdf = outdir / file.with_suffix(".pdf").name
        result[file] = pdf if pdf.is_file() and pdf.stat().st_size > 1000 else None
    return result


def pdf_font_names(pdf: Path) -> set[str]:
    """The base names of every font a PDF uses (subset prefixes like ``ABCDEF+`` removed)."""
    from pypdf import PdfReader

    names: set[str] = set()
    for page in PdfReader(pdf).pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            base = str(ref.get_object().get("/BaseFont", ""))
            names.add(base.lstrip("/").split("+", 1)[-1])
    return names


def document_strings(doc: Document) -> list[str]:
    """Every text string of a document that a reader should see (not URLs, ids, languages or list markup)."""
    skip_keys = {"url", "language", "identifier", "type", "date", "schema", "level", "start"}
    skip_keys |= {"id", "align", "delimiter"}  # schema 2: link targets, column alignment, "." or ")" after numbers
    skip_keys |= {"key", "src", "media_type", "data"}  # schema 3: a figure's picture key and reference, resources
    out: list[str] = []

    def walk(value: object, key: str = "") -> None:
        if isinstance(value, str):
            if key not in skip_keys:
                out.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                if k != "resources":
                    walk(v, k)
        elif isinstance(value, list | tuple):
            # msgspec.to_builtins keeps the model's tuples as tuples: they hold the whole body.
            for v in value:
                walk(v, key)

    walk(msgspec.to_builtins(doc))
    return out


def words(text: str) -> Counter[str]:
    """Word tokens of ``text`` (NFKC, case-folded); each CJK character is a token of its own.

    A hyphen between two words is dropped first, so "Indo-Pacific" compares equal whether a layout
    keeps it, breaks the line after the hyphen, or pdftotext joins the halves back ("IndoPacific").
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _HYPHEN_JOIN.sub("", text)
    return Counter(_TOKEN.findall(text))


def missing_words(expected: str | Document, actual: str) -> Counter[str]:
    """Tokens of ``expected`` that ``actual`` holds fewer times (empty when no word was lost)."""
    if isinstance(expected, Document):
        expected = "\n".join(document_strings(expected))
    return words(expected) - words(actual)


# --- reading outputs back with outside parsers ------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_EPUB_BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "tr", "pre", "blockquote", "div", "section"}
    | {"header", "footer", "nav", "aside", "figcaption", "dt", "dd", "br", "title"}
)


def squeeze(text: str) -> str:
    """``text`` without any whitespace (line breaks may fall anywhere in a laid-out page)."""
    return re.sub(r"\s+", "", text)


def docx_text(data: bytes) -> str:
    """Reopen a DOCX with python-docx: every paragraph of the body (tables too), headers, footers and footnotes."""
    import io

    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import parse_xml
    from docx.text.paragraph import Paragraph as DocxParagraph

    d = docx.Document(io.BytesIO(data))
    roots = [d.element.body]
    for section in d.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if not part.is_linked_to_previous:
                roots.append(part._element)
    # python-docx has no footnotes API: the part is read through the main document's relationship.
    for rel in d.part.rels.values():
        if rel.reltype == RELATIONSHIP_TYPE.FOOTNOTES:
            roots.append(parse_xml(rel.target_part.blob))
    return "\n".join(DocxParagraph(p, cast(Any, None)).text for root in roots for p in root.iter(f"{_W}p"))


def pdf_text(data: bytes) -> str:
    """Open a PDF with pypdf (strict) and extract the text of every page."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=True)
    return "\n".join(page.extract_text() for page in reader.pages)


def epub_text(data: bytes) -> str:
    """Open an EPUB as a zip, parse its container, OPF, NCX and every XHTML file as strict XML; their text."""
    import io
    import posixpath
    import zipfile

    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        assert zf.namelist()[0] == "mimetype" and zf.read("mimetype") == b"application/epub+zip"
        container = etree.fromstring(zf.read("META-INF/container.xml"), parser)
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(zf.read(opf_path), parser)
        base = posixpath.dirname(opf_path)
        parts: list[str] = []
        spine = [r.get("idref") for r in opf.iterfind(".//{*}spine/{*}itemref")]
        items = {i.get("id"): i for i in opf.iterfind(".//{*}manifest/{*}item")}
        for item in items.values():
            if item.get("media-type") in ("application/xhtml+xml", "application/x-dtbncx+xml"):
                etree.fromstring(zf.read(posixpath.join(base, item.get("href"))), parser)
        for idref in spine:
            root = etree.fromstring(zf.read(posixpath.join(base, items[idref].get("href"))), parser)
            body = root.find("{*}body")
            parts.append(_xml_text(body if body is not None else root))
        return "\n".join(parts)


def _xml_text(node: Any) -> str:
    from lxml import etree

    out: list[str] = []

    def walk(el: Any) -> None:
        sep = " " if isinstance(el.tag, str) and etree.QName(el).localname in _EPUB_BLOCKS else ""
        out.append(sep + (el.text or ""))
        for child in el:
            walk(child)
        out.append(sep + (el.tail or ""))

    walk(node)
    return "".join(out)


def output_text(fmt: str, data: bytes) -> str:
    """The reader-visible text of one output, read back by an outside parser (fails when it is invalid)."""
    readers = {"docx": docx_text, "pdf": pdf_text, "epub": epub_text}
    return readers[fmt](data)


def shown_strings(doc: Document, fmt: str) -> list[str]:
    """The document strings a format promises to show (the EPUB briefing leaves out the memo fields)."""
    if fmt == "epub":
        from exporter.model import Memo

        doc = msgspec.structs.replace(doc, meta=msgspec.structs.replace(doc.meta, memo=Memo()))
    return [s for s in document_strings(doc) if s.strip()]


def lost_strings(doc: Document, fmt: str, text: str) -> list[str]:
    """Strings of ``doc`` that the output text does not hold (whitespace ignored); empty when nothing was lost.

    The PDF leaves invisible characters out and may draw a character through its compatibility form (ﬀ as
    "ff"): there a string counts as held when its visible characters are, compared in NFKC.
    """
    if fmt != "pdf":
        haystack = squeeze(unicodedata.normalize("NFC", text))
        return [s for s in shown_strings(doc, fmt) if squeeze(unicodedata.normalize("NFC", s)) not in haystack]
    from exporter.present.coverage import is_hidden

    haystack = squeeze(unicodedata.normalize("NFKC", text))
    lost = []
    for s in shown_strings(doc, fmt):
        visible = squeeze(unicodedata.normalize("NFKC", "".join(ch for ch in s if not is_hidden(ch))))
        if visible not in haystack:
            lost.append(s)
    return lost


# --- the command line as a user runs it ---------------------------------------------------------


def exporter_command() -> list[str]:
    """The installed ``exporter`` console script next to this Python (the way users run it)."""
    import sys

    script = Path(sys.executable).with_name("exporter")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "exporter"]


# --- what a PDF draws, glyph by glyph -----------------------------------------------------------


@dataclass(frozen=True)
class PdfChar:
    """One glyph of a PDF page as pdfminer interprets it."""

    text: str
    fontname: str
    """The embedded font's name, subset tag included (``ABCDEF+LiberationSerif-Bold``)."""
    render_mode: int
    """Text render mode: 0 fills the glyph, 2 fills and strokes it (synthetic bold)."""
    fill: tuple[float, ...]
    """The fill colour (RGB components in 0..1 for our PDFs)."""
    stroke: tuple[float, ...]
    """The stroke colour (what a render mode 2 glyph is outlined in)."""
    page: int
    x0: float
    x1: float
    top: float
    """Distance of the glyph's top from the top of the page, in points."""
    bottom: float
    """Distance of the glyph's bottom from the top of the page, in points."""


def pdf_chars(data: bytes) -> list[PdfChar]:
    """Every glyph of every page with its font, render mode, colour and position (pdfminer, no layout analysis)."""
    import io

    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager, PDFTextState
    from pdfminer.pdfpage import PDFPage

    class Device(PDFPageAggregator):
        # pdfminer keeps the render mode in the text state only: note it for each glyph as it is drawn.
        mode = 0
        modes: list[int]

        def render_string(self, textstate: PDFTextState, *args: Any, **kw: Any) -> None:
            self.mode = textstate.render
            super().render_string(textstate, *args, **kw)

        def render_char(self, *args: Any, **kw: Any) -> float:
            self.modes.append(self.mode)
            adv: float = super().render_char(*args, **kw)
            return adv

    out: list[PdfChar] = []
    manager = PDFResourceManager()
    device = Device(manager)
    interpreter = PDFPageInterpreter(manager, device)
    for number, page in enumerate(PDFPage.get_pages(io.BytesIO(data)), 1):
        modes: list[int] = []
        device.modes = modes
        interpreter.process_page(page)
        height = page.mediabox[3]
        glyphs = [o for o in device.get_result() if isinstance(o, LTChar)]
        assert len(glyphs) == len(modes)
        for glyph, mode in zip(glyphs, modes, strict=True):
            fill, stroke = _color(glyph.graphicstate.ncolor), _color(glyph.graphicstate.scolor)
            box = (glyph.x0, glyph.x1, height - glyph.y1, height - glyph.y0)
            out.append(PdfChar(glyph.get_text(), glyph.fontname, mode, fill, stroke, number, *box))
    return out


def _color(value: Any) -> tuple[float, ...]:
    return tuple(float(c) for c in value) if isinstance(value, tuple | list) else (float(value or 0),)


def find_glyphs(chars: list[PdfChar], token: str) -> list[list[PdfChar]]:
    """Each place ``token`` is drawn, as its glyphs (line breaks and spaces between glyphs ignored)."""
    drawn = [c for c in chars if c.text.strip()]
    text = "".join(c.text for c in drawn)
    found: list[list[PdfChar]] = []
    start = text.find(token)
    while start >= 0:
        found.append(drawn[start : start + len(token)])
        start = text.find(token, start + len(token))
    return found


# --- images (issue 13): inputs made in code, hostile ones crafted byte by byte ------------------------

HOSTILE_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20"'
    b' onload="alert(1)"><script>alert(document.cookie)</script><rect width="40" height="20" fill="red"/>'
    b'<image href="file:///etc/hostname" width="10" height="10"/>'
    b'<image href="https://example.com/beacon.png" width="10" height="10"/>'
    b'<image xlink:href="../../outside/secret.png" width="10" height="10"/></svg>'
)
"""An SVG with a script, an event handler and three outside references (a file: URL, https:, ``../..``)."""

DIAGRAM_SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" viewBox="0 0 240 120">'
    b'<defs><linearGradient id="g"><stop offset="0" stop-color="#06c"/><stop offset="1" stop-color="#0c6"/>'
    b'</linearGradient><g id="box"><rect width="60" height="40" rx="6" fill="url(#g)"/></g></defs>'
    b'<use href="#box" x="10" y="40"/><use href="#box" x="170" y="40"/>'
    b'<path d="M70 60 H170" stroke="#333" stroke-width="4"/>'
    b'<text x="120" y="30" font-size="20" text-anchor="middle" font-family="sans-serif">flow</text></svg>'
)
"""A small diagram: a gradient, two ``<use>`` copies, a line and a label; declared 120 × 60."""


def png_chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk with its length and CRC."""
    import struct
    import zlib

    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def crafted_png(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` × ``height`` with almost no pixel data (nothing is allocated)."""
    import struct
    import zlib

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + png_chunk(b"IEND", b"")
    )


def chart_png() -> bytes:
    """A 160 × 100 bar chart with a PNG text chunk (an author) that processing must drop."""
    import io

    from PIL import Image, ImageDraw, PngImagePlugin

    image = Image.new("RGB", (160, 100), "white")
    draw = ImageDraw.Draw(image)
    for i, height in enumerate((30, 70, 50, 90)):
        draw.rectangle((10 + i * 37, 100 - height, 37 + i * 37, 99), fill=(40 + i * 50, 90, 200 - i * 40))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane Q. Secret")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def photo_jpeg(*, orientation: int = 6, icc: bytes | None = None) -> bytes:
    """A 40 × 20 JPEG (left quarter blue, rest red) with EXIF orientation, GPS, a camera model and a comment."""
    import io

    from PIL import Image

    image = Image.new("RGB", (40, 20), (230, 20, 20))
    image.paste((20, 20, 230), (0, 0, 10, 20))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "SecretCam"
    exif[0x0110] = "Model X-1"
    exif[0x8825] = {1: "N", 2: (35.0, 41.0, 22.0), 3: "E", 4: (139.0, 41.0, 30.0)}
    out = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    image.save(out, "JPEG", exif=exif, comment=b"taken at home", quality=95, **extra)
    return out.getvalue()


def noisy_jpeg(size: int = 64) -> bytes:
    """A JPEG with detail everywhere, so cutting it short leaves pixels undecoded."""
    import io
    import random

    from PIL import Image

    rng = random.Random(13)
    image = Image.frombytes("RGB", (size, size), bytes(rng.randrange(256) for _ in range(size * size * 3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def webp_image(*, lossless: bool) -> bytes:
    """A 30 × 24 WebP, half transparent when lossless."""
    import io

    from PIL import Image

    image = Image.new("RGBA" if lossless else "RGB", (30, 24), (10, 120, 200, 128) if lossless else (10, 120, 200))
    out = io.BytesIO()
    image.save(out, "WEBP", lossless=lossless, quality=80)
    return out.getvalue()


def animated_gif() -> bytes:
    """A three-frame 12 × 8 GIF: red, then green, then blue."""
    import io

    from PIL import Image

    frames = [Image.new("RGB", (12, 8), color) for color in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


class ImageTree(msgspec.Struct, frozen=True):
    """The folders of the ``image_tree`` fixture."""

    source: Path
    resources: Path
    outside: Path


# --- embedded fonts -----------------------------------------------------------------------------


def libreoffice_key(guid: str) -> bytes:
    """The 16 bytes of a w:fontKey GUID as LibreOffice reads them."""
    # LibreOffice's own reading of w:fontKey (writerfilter FontTable.cxx): hex pairs at these offsets.
    positions = (35, 33, 31, 29, 27, 25, 22, 20, 17, 15, 12, 10, 7, 5, 3, 1)
    return bytes(int(guid[p : p + 2], 16) for p in positions)


def deobfuscated_fonts(parts: dict[str, bytes]) -> dict[str, tuple[str, bytes]]:
    """The font table's embeddings: family name by part, with the part's font bytes (de-obfuscated)."""
    from lxml import etree

    from exporter.renderers.docx.fonts import RT_FONT

    W = _W
    R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    table = etree.fromstring(parts["word/fontTable.xml"])
    rels = etree.fromstring(parts["word/_rels/fontTable.xml.rels"])
    targets = {rel.get("Id"): rel for rel in rels}
    out: dict[str, tuple[str, bytes]] = {}
    for font in table.iter(f"{W}font"):
        for embed in font:
            if not embed.tag.endswith("embedRegular") and not embed.tag.endswith("embedBold"):
                continue
            rel = targets[embed.get(f"{R}id")]
            assert rel.get("Type") == RT_FONT
            part = "word/" + rel.get("Target")
            key = embed.get(f"{W}fontKey")
            data = parts[part]
            mask = libreoffice_key(key)
            out[part] = (font.get(f"{W}name"), bytes(b ^ mask[i % 16] for i, b in enumerate(data[:32])) + data[32:])
    return out


def dejavu_only_fontconfig(directory: Path) -> Path:
    """A fontconfig file whose only font is DejaVu Sans (the bundled one: Latin and symbols, no Japanese)."""
    fonts = directory / "fonts"
    fonts.mkdir(parents=True)
    shutil.copy(FONTS / "DejaVuSans-Fallback.ttf", fonts)
    conf = directory / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{fonts}</dir>\n  <cachedir>{directory / 'cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return conf
