"""The PDF one-pager: one page at a readable size, every word kept, fonts embedded, honest overflow."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import msgspec
import pytest
from click.testing import CliRunner
from helpers import HOSTILE_STRINGS, SAMPLE_TXT, missing_words, require_tool
from pypdf import PdfReader

from exporter import Document, Style, load_style, read_source
from exporter.cli import cli
from exporter.errors import GlyphError, OverflowError_
from exporter.model import Link, Paragraph, Part, Section, Text
from exporter.present.labels import LABELS
from exporter.registry import get_renderer
from exporter.renderers.base import PdfRenderOptions, RenderResult
from exporter.renderers.pdf import PdfRenderer

STYLES = ("default", "a4-ministry")


def render(doc: Document, style: Style, overflow: str = "error") -> RenderResult:
    """Render with the PDF renderer and an overflow policy."""
    return PdfRenderer().render(doc, style, PdfRenderOptions(overflow=overflow))  # type: ignore[arg-type]


def pdftotext(data: bytes, tmp_path: Path, *, layout: bool = False) -> str:
    """The text layer as poppler extracts it."""
    exe = require_tool("pdftotext")
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    args = [exe, "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pages(data: bytes) -> int:
    """Page count read back with pypdf."""
    return len(PdfReader(io.BytesIO(data)).pages)


def squeeze(text: str) -> str:
    """Text without any whitespace (line breaks may fall anywhere)."""
    return re.sub(r"\s+", "", text)


def long_text(repeats: int = 9) -> str:
    """A ~4,300-word article in the plain-text layout: the sample's sections repeated with new headings."""
    lines = SAMPLE_TXT.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines[7:], 7) if line.strip())
    end = lines.index("Commentary")
    article = lines[start:end]
    out = lines[:start]
    for n in range(repeats):
        # Short lines are headings in the plain-text layout; number them so each is distinct.
        out += [line + (f" (part {n + 1})" if len(line) < 80 else "") for line in article]
    return "\n".join(out + lines[end:])


@pytest.fixture(scope="module")
def long_doc(tmp_path_factory: pytest.TempPathFactory) -> Document:
    """The long article read through the plain-text reader."""
    path = tmp_path_factory.mktemp("long") / "long.txt"
    path.write_text(long_text(), encoding="utf-8")
    doc = read_source(path).document
    assert sum(len(p.split()) for p in [long_text()]) > 4000
    return doc


# --- the sample -------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["sample_txt_doc", "sample_md_doc"])
def test_sample_fits_one_page_with_every_word(
    which: str, any_style: Style, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    doc: Document = request.getfixturevalue(which)
    result = render(doc, any_style)
    assert result.facts["pages"] == 1
    assert result.facts["body_size"] >= 8
    assert pages(result.data) == 1
    text = pdftotext(result.data, tmp_path)
    assert not missing_words(doc, text)
    assert "\x00" not in text and "\ufffd" not in text


def test_sample_body_size_default_style(
    sample_txt_doc: Document, sample_md_doc: Document, default_style: Style
) -> None:
    # The plain-text sample reaches the 9 pt aim; the Markdown one carries a summary and more header lines.
    assert render(sample_txt_doc, default_style).facts["body_size"] >= 9
    assert render(sample_md_doc, default_style).facts["body_size"] >= 8.5


@pytest.mark.parametrize("style_name", STYLES)
def test_qpdf_check_is_clean(sample_md_doc: Document, style_name: str, tmp_path: Path) -> None:
    qpdf = require_tool("qpdf")
    path = tmp_path / "s.pdf"
    path.write_bytes(render(sample_md_doc, load_style(style_name)).data)
    proc = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No syntax or stream encoding errors" in proc.stdout


def _fonts(data: bytes, tmp_path: Path) -> list[list[str]]:
    exe = require_tool("pdffonts")
    path = tmp_path / "f.pdf"
    path.write_bytes(data)
    out = subprocess.run([exe, str(path)], check=True, capture_output=True, text=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


@pytest.mark.parametrize("which", ["sample_md_doc", "japanese_doc", "rich_doc"])
def test_every_font_is_embedded_truetype(
    which: str, any_style: Style, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    rows = _fonts(render(request.getfixturevalue(which), any_style).data, tmp_path)
    assert rows
    for row in rows:
        # name type [encoding] emb sub uni object ID: emb/sub/uni are the 5th-3rd columns from the end.
        emb, sub, uni = row[-5], row[-4], row[-3]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row
        assert "TrueType" in " ".join(row)


# --- Japanese ---------------------------------------------------------------------------------


def test_japanese_article_one_page_extractable(japanese_doc: Document, any_style: Style, tmp_path: Path) -> None:
    result = render(japanese_doc, any_style)
    assert pages(result.data) == 1
    text = pdftotext(result.data, tmp_path)
    assert "石破" in text and "尖閣諸島" in text
    assert not missing_words(japanese_doc, text)
    assert "\x00" not in text and "\ufffd" not in text
    fonts = " ".join(" ".join(r) for r in _fonts(result.data, tmp_path))
    assert "IPAex" in fonts


def test_japanese_catalog_language(japanese_doc: Document, default_style: Style) -> None:
    reader: Any = PdfReader(io.BytesIO(render(japanese_doc, default_style).data))  # pypdf's objects are loosely typed
    assert reader.trailer["/Root"]["/Lang"] == "ja"


def test_mixed_script_text_falls_back_per_character(
    sample_txt_doc: Document, default_style: Style, tmp_path: Path
) -> None:
    extra = Section(heading="Names", blocks=(Paragraph(inlines=(Text(text="石破茂 met Αθήνα and Москва."),)),))
    doc = msgspec.structs.replace(sample_txt_doc, sections=(*sample_txt_doc.sections, extra))
    text = pdftotext(render(doc, default_style).data, tmp_path)
    assert "石破茂" in text and "Αθήνα" in text and "Москва" in text


# --- overflow ---------------------------------------------------------------------------------


def test_long_article_overflow_error_is_one_line(long_doc: Document, any_style: Style) -> None:
    with pytest.raises(OverflowError_) as exc:
        render(long_doc, any_style)
    message = str(exc.value)
    assert "\n" not in message
    assert re.search(r"needs about \d+\.\d pages at the minimum [\d.]+ pt body size", message)
    assert "--overflow truncate" in message and "--overflow pages" in message


def test_long_article_truncated_to_one_page_with_note(long_doc: Document, any_style: Style, tmp_path: Path) -> None:
    result = render(long_doc, any_style, "truncate")
    dropped = result.facts["truncated_paragraphs"]
    assert dropped > 0
    assert pages(result.data) == 1
    assert result.facts["body_size"] == any_style.pdf.min_body_size
    note = LABELS["en"]["truncated"].format(count=dropped)
    text = pdftotext(result.data, tmp_path)
    assert squeeze(note) in squeeze(text)
    # Header, key points and commentary are all kept.
    assert long_doc.meta.title.split()[0] in text
    assert long_doc.commentary is not None
    kept = "\n".join([long_doc.meta.title, *(kp.inlines[0].text for kp in long_doc.key_points)])  # type: ignore[union-attr]
    assert not missing_words(kept, text)
    commentary = msgspec.structs.replace(long_doc, sections=(), key_points=())
    assert not missing_words(commentary, text)


def test_long_article_on_several_pages_with_numbers(long_doc: Document, any_style: Style, tmp_path: Path) -> None:
    result = render(long_doc, any_style, "pages")
    n = pages(result.data)
    assert n > 1 and result.facts["pages"] == n
    assert result.facts["body_size"] == any_style.pdf.max_body_size
    text = pdftotext(result.data, tmp_path)
    assert squeeze(f"Page {n} of {n}") in squeeze(text)
    assert not missing_words(long_doc, text)


def test_overflow_estimate_matches_a_multipage_layout(long_doc: Document, default_style: Style) -> None:
    # The error's "needs about N pages" is measured; a pages-mode layout at the minimum size agrees.
    with pytest.raises(OverflowError_) as exc:
        render(long_doc, default_style)
    estimate = float(re.search(r"about (\d+\.\d)", str(exc.value)).group(1))  # type: ignore[union-attr]
    small = msgspec.structs.replace(default_style, pdf=msgspec.structs.replace(default_style.pdf, max_body_size=7.5))
    actual = pages(render(long_doc, small, "pages").data)
    assert actual - 1 < estimate <= actual + 0.2


def test_cli_overflow_policies(tmp_path: Path) -> None:
    src = tmp_path / "long.txt"
    src.write_text(long_text(), encoding="utf-8")
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(cli, ["export", str(src), "-t", "pdf", "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "--overflow truncate" in lines[0]
    assert not list(out.glob("*.pdf")) if out.exists() else True
    result = runner.invoke(
        cli, ["export", str(src), "-t", "pdf", "-o", str(out), "--overflow", "truncate", "-v"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "body_size=7.5" in result.output and "truncated_paragraphs=" in result.output
    assert pages((out / "long.pdf").read_bytes()) == 1


# --- safety -----------------------------------------------------------------------------------


def test_hostile_strings_appear_literally(hostile_doc: Document, any_style: Style, tmp_path: Path) -> None:
    result = render(hostile_doc, any_style)
    text = squeeze(pdftotext(result.data, tmp_path))
    for s in HOSTILE_STRINGS:
        assert squeeze(s) in text, s
    for s in ("<i>Kicker</i>&co", "<li>item&one", "<INTERNAL&SECRET>", "&lt;", "<code>&", "x=1&&2;"):
        assert s in text, s


def test_hostile_document_embeds_and_runs_nothing(hostile_doc: Document, default_style: Style) -> None:
    data = render(hostile_doc, default_style).data
    reader: Any = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        assert not xobjects
        for annot in page.get("/Annots", []):
            action = annot.get_object().get("/A", {})
            assert action.get("/S") == "/URI"
            assert str(action["/URI"]).startswith(("https:", "http:", "mailto:"))
    for marker in (b"/JavaScript", b"/JS ", b"/EmbeddedFile", b"/Launch", b"/Subtype /Image"):
        assert marker not in data


def test_link_urls_survive_escaping(hostile_doc: Document, default_style: Style) -> None:
    """Markup characters in a target survive the PDF's markup, percent-encoded by the link policy as in every output."""
    reader = PdfReader(io.BytesIO(render(hostile_doc, default_style).data))
    uris = {str(a.get_object()["/A"]["/URI"]) for p in reader.pages for a in p.get("/Annots", [])}
    assert "https://example.org/%3Ca%3E&b" in uris
    assert "https://example.org/?a=1&b=%3C2%3E" in uris
    assert not any("javascript" in u for u in uris)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("مرحبا", "right-to-left text (U+0645 ARABIC LETTER MEEM"),
        # Symbola stops at Unicode 9: a later emoji is in no bundled font.
        ("ok \U0001fae0", "no bundled font has a glyph for U+1FAE0 MELTING FACE; use the DOCX or EPUB output"),
    ],
)
def test_uncovered_characters_raise_glyph_error(
    sample_txt_doc: Document, default_style: Style, text: str, named: str
) -> None:
    """Right-to-left letters, and a character in no bundled font, refuse the PDF in one line naming them."""
    extra = Section(heading="", blocks=(Paragraph(inlines=(Text(text=text),)),))
    doc = msgspec.structs.replace(sample_txt_doc, sections=(*sample_txt_doc.sections, extra))
    with pytest.raises(GlyphError) as exc:
        render(doc, default_style)
    assert named in str(exc.value)
    assert "\n" not in str(exc.value)


# --- metadata, navigation, reproducibility ----------------------------------------------------


def test_metadata_outline_and_language(sample_md_doc: Document, default_style: Style) -> None:
    reader: Any = PdfReader(io.BytesIO(render(sample_md_doc, default_style).data))
    info = reader.metadata
    assert info is not None
    assert info.title == sample_md_doc.meta.title
    assert info.author == "Policy Analysis Unit"
    assert info.subject == sample_md_doc.meta.summary
    assert info["/Keywords"] == "Japan, United States, investment, security, LNG"
    assert info["/Creator"] == "exporter"
    assert info["/CreationDate"].startswith("D:20250208")
    assert reader.trailer["/Root"]["/Lang"] == "en"
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert titles[:5] == [s.heading for s in sample_md_doc.sections]
    assert "Commentary" in titles
    nested = [o for o in reader.outline if isinstance(o, list)]
    assert sample_md_doc.commentary is not None
    assert [o.title for o in nested[-1]] == [s.heading for s in sample_md_doc.commentary.sections]


def test_two_runs_are_byte_identical(
    sample_md_doc: Document, any_style: Style, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = hashlib.sha256(render(sample_md_doc, any_style).data).hexdigest()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000000000")
    second = hashlib.sha256(render(sample_md_doc, any_style).data).hexdigest()
    assert first == second


def test_every_node_of_a_rich_document_is_rendered(rich_doc: Document, any_style: Style, tmp_path: Path) -> None:
    result = render(rich_doc, any_style)
    text = pdftotext(result.data, tmp_path)
    assert not missing_words(rich_doc, text)
    assert "<b>not html</b>" in text
    assert 'return f"<b>{name}</b> & co"' in text  # code keeps its spaces and markup-like text
    layout = pdftotext(result.data, tmp_path, layout=True)
    assert re.search(r"1\.\s+One", layout) and re.search(r"3\.\s+Three", layout)
    assert re.search(r"1\.\s+Deep numbered", layout) and re.search("\u2013\\s+Nested bullet A", layout)
    reader = PdfReader(io.BytesIO(result.data))
    uris = {str(a.get_object()["/A"]["/URI"]) for p in reader.pages for a in p.get("/Annots", [])}
    assert {"https://example.org/a?b=1&c=2", "https://example.org/ca"} <= uris


def test_long_urls_break_at_slashes(sample_txt_doc: Document, default_style: Style, tmp_path: Path) -> None:
    url = "https://news.example.org/2025/02/08/japan-us-summit/analysis/investment/semiconductors/energy-security"
    extra = Section(heading="Links", blocks=(Paragraph(inlines=(Text(text=f"See {url} for more."),)),))
    doc = msgspec.structs.replace(sample_txt_doc, sections=(*sample_txt_doc.sections, extra))
    text = pdftotext(render(doc, default_style).data, tmp_path)
    pieces = [
        line.strip() for line in text.splitlines() if any(p in line for p in ("news.example", "semicond", "energy-"))
    ]
    assert squeeze(url) in squeeze(text)
    first = next(p for p in pieces if "news.example" in p)
    assert not first.endswith(url), "the URL should not fit one line of a column"
    assert first.endswith("/"), first


def test_registered_and_imported_lazily() -> None:
    assert isinstance(get_renderer("pdf"), PdfRenderer)
    code = "import exporter.cli, exporter.registry, sys; print('reportlab' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "False"


def test_single_column_on_a_narrow_page(sample_txt_doc: Document, default_style: Style, tmp_path: Path) -> None:
    page = msgspec.structs.replace(default_style.page, size="a5", width=419.5, height=595.3)
    a5 = msgspec.structs.replace(default_style, page=page)
    result = render(sample_txt_doc, a5, "pages")
    assert result.facts["columns"] == 1
    assert not missing_words(sample_txt_doc, pdftotext(result.data, tmp_path))


def test_commentary_without_title_uses_label(sample_txt_doc: Document, default_style: Style, tmp_path: Path) -> None:
    assert sample_txt_doc.commentary is not None
    doc = msgspec.structs.replace(
        sample_txt_doc, commentary=Part(title="", sections=sample_txt_doc.commentary.sections)
    )
    assert "Commentary" in pdftotext(render(doc, default_style).data, tmp_path)


def test_unsafe_link_is_text_only(sample_txt_doc: Document, default_style: Style, tmp_path: Path) -> None:
    link = Link(url="file:///etc/passwd", children=(Text(text="local file"),))
    doc = msgspec.structs.replace(
        sample_txt_doc, sections=(Section(heading="", blocks=(Paragraph(inlines=(link,)),)), *sample_txt_doc.sections)
    )
    data = render(doc, default_style).data
    assert b"/etc/passwd" not in data
    assert "local file" in pdftotext(data, tmp_path)


def test_largest_search() -> None:
    from exporter.renderers.search import largest

    for bound in range(-1, 12):

        def fits(x: int, bound: int = bound) -> bool:
            return x <= bound

        for start in range(0, 11):
            found = largest(fits, 0, 10, start)
            assert found == (None if bound < 0 else min(bound, 10))
