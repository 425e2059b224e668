"""The Typst PDF engine: one page, tagged PDF/UA-1, every script, text as data, reproducible, either engine anywhere."""

from __future__ import annotations

import datetime
import io
import itertools
import json
import os
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import msgspec
import pikepdf
import pytest
from click.testing import CliRunner
from helpers import (
    DATA,
    JAPANESE_TXT,
    RICH_MD,
    SAMPLE_TXT,
    chart_png,
    missing_words,
    require_tool,
    words,
)
from hypothesis import given, settings
from strategies import documents
from test_properties import _sanitise, arbitrary_text, pdf_text

from exporter import Document, Settings, Style, export, load_style, read_source
from exporter.api import render
from exporter.cli import cli
from exporter.errors import ExporterError, GlyphError, OverflowError_, RenderError, StyleError, UsageError
from exporter.images import process
from exporter.model import (
    BulletList,
    Code,
    CodeBlock,
    Figure,
    Link,
    Meta,
    Paragraph,
    Part,
    Section,
    Source,
    Strong,
    Table,
    Text,
)
from exporter.renderers.base import PdfRenderOptions, RenderResult

pytest.importorskip("typst")

TYPST = PdfRenderOptions(engine="typst")
ARABIC_MD = DATA / "ar-summit.md"
HINDI_MD = DATA / "hi-summit.md"
BIDI_MARKS = re.compile("[\u202a-\u202c]")
"""The embedding marks pdftotext puts around right-to-left runs: word separators here."""


def typst_pdf(doc: Document, style: Style, overflow: str = "error") -> RenderResult:
    """The one-pager through the Typst engine."""
    return render(doc, "pdf", style, options=PdfRenderOptions(overflow=overflow, engine="typst"))  # type: ignore[arg-type]


def poppler(tool: str, data: bytes, tmp_path: Path, *args: str) -> str:
    """What a poppler tool prints for ``data``."""
    exe = require_tool(tool)
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    return subprocess.run([exe, *args, str(path), *(["-"] if tool == "pdftotext" else [])], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip


def text_of(data: bytes, tmp_path: Path) -> str:
    """pdftotext's text, the bidi marks it adds read as spaces."""
    return BIDI_MARKS.sub(" ", poppler("pdftotext", data, tmp_path, "-enc", "UTF-8"))


def structure(data: bytes) -> list[tuple[str, dict[str, str]]]:
    """Every element of the structure tree in reading order: its type and its Alt / Lang when present."""
    out: list[tuple[str, dict[str, str]]] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:

        def walk(node: Any) -> None:
            kids = node.get("/K")
            if kids is None:
                return
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") is not None:
                    extra = {key: str(kid[f"/{key}"]) for key in ("Alt", "Lang") if f"/{key}" in kid}
                    out.append((str(kid.get("/S")).lstrip("/"), extra))
                    walk(kid)

        walk(pdf.Root.StructTreeRoot)
    return out


def raw_xmp(data: bytes) -> str:
    """The XMP packet as written (pikepdf's open_metadata() drops the pdfuaid schema)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return bytes(pdf.Root.Metadata.read_bytes()).decode()


@pytest.fixture(scope="module")
def style() -> Style:
    return load_style("default")


@pytest.fixture(scope="module")
def articles() -> dict[str, Document]:
    """The sample, the Japanese, the Arabic and the Hindi article."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1738972800")
    paths = {"sample": SAMPLE_TXT, "ja": JAPANESE_TXT, "ar": ARABIC_MD, "hi": HINDI_MD}
    return {name: read_source(path).document for name, path in paths.items()}


@pytest.fixture(scope="module")
def rendered(articles: dict[str, Document], style: Style) -> dict[str, RenderResult]:
    return {name: typst_pdf(doc, style) for name, doc in articles.items()}


# --- the four articles --------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "lang"), [("sample", "en"), ("ja", "ja"), ("ar", "ar"), ("hi", "hi")])
def test_one_tagged_page_with_every_word(
    name: str, lang: str, articles: dict[str, Document], rendered: dict[str, RenderResult], tmp_path: Path
) -> None:
    result = rendered[name]
    assert result.facts["pages"] == 1 and result.facts["engine"] == "typst"
    assert 7.5 <= result.facts["body_size"] <= 10.5 and result.facts["trials"] >= 1
    info = poppler("pdfinfo", result.data, tmp_path)
    assert re.search(r"^Tagged:\s+yes$", info, re.M) and re.search(r"^Pages:\s+1$", info, re.M)
    assert re.search(r"<pdfuaid:part>1</pdfuaid:part>|pdfuaid:part=\"1\"", raw_xmp(result.data))
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        assert str(pdf.Root.Lang).startswith(lang)
        assert str(pdf.docinfo.get("/Title")) == articles[name].meta.title
    fonts = poppler("pdffonts", result.data, tmp_path).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the emb column
    lost = missing_words(articles[name], text_of(result.data, tmp_path))
    assert not lost, dict(list(lost.items())[:10])


def test_arabic_reads_in_logical_order(rendered: dict[str, RenderResult], tmp_path: Path) -> None:
    text = text_of(rendered["ar"].data, tmp_path)
    # Whole phrases, letter for letter in the order they are written: a visual-order extraction reverses them.
    for phrase in ("الذكاء الاصطناعي", "الولايات المتحدة", "الغاز الطبيعي المسال"):
        assert phrase in re.sub(r"\s+", " ", text)


def test_every_script_in_bundled_fonts(rendered: dict[str, RenderResult], tmp_path: Path) -> None:
    seen = {name: poppler("pdffonts", result.data, tmp_path) for name, result in rendered.items()}
    assert "NotoNaskhArabic" in seen["ar"] and "NotoSansDevanagari" in seen["hi"] and "IPAex" in seen["ja"]
    bundled = ("Liberation", "Noto", "IPAex", "DejaVu", "Symbola", "Droid", "Exporter")
    for listing in seen.values():
        for line in listing.splitlines()[2:]:
            assert line.split("+", 1)[-1].startswith(bundled), line


def test_pdfua_checker_finds_nothing(rendered: dict[str, RenderResult], tmp_path: Path) -> None:
    pdfua = pytest.importorskip("pdfua")
    for name, result in rendered.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(result.data)
        report = pdfua.validate(str(path))
        assert report.exit_code == 0, [(f.rule_id, f.message) for f in report.findings]


# --- the structure tree ---------------------------------------------------------------------------


def _figure_doc() -> Document:
    picture = process(chart_png())
    figure = Figure(alt="A bar chart of investment by country", key=picture.key, caption=(Text(text="Investment"),))
    return Document(
        meta=Meta(title="Structure", date=datetime.date(2025, 2, 8), kicker="Test"),
        key_points=(Paragraph.of("One point."),),
        sections=(
            Section(
                heading="Figures and links",
                blocks=(
                    Paragraph.of("See ", Link.of("https://example.org/", "the agency"), "."),
                    figure,
                    BulletList.of("first", "second"),
                    Table.of(("Country", "Amount"), ("Japan", "783"), ("UK", "677")),
                ),
            ),
        ),
        commentary=Part(title="Commentary", sections=(Section(heading="View", blocks=(Paragraph.of("Opinion."),)),)),
        resources=(picture,),
    )


def test_structure_tree_has_every_kind(style: Style, rich_doc: Document) -> None:
    tree = structure(typst_pdf(_figure_doc(), style).data)
    kinds = Counter(kind for kind, _ in tree)
    for kind in ("H1", "H2", "H3", "P", "L", "LI", "Table", "TH", "TD", "Figure", "Link"):
        assert kinds[kind], (kind, kinds)
    assert [extra["Alt"] for kind, extra in tree if kind == "Figure"] == ["A bar chart of investment by country"]
    rich = Counter(kind for kind, _ in structure(typst_pdf(rich_doc, style).data))
    assert rich["H1"] == 1 and rich["H2"] >= 3 and rich["Table"] and rich["TH"] and rich["L"] and rich["Link"]


def test_headings_never_skip_a_level(style: Style, rich_doc: Document) -> None:
    levels = [int(kind[1]) for kind, _ in structure(typst_pdf(rich_doc, style).data) if re.fullmatch(r"H\d", kind)]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in itertools.pairwise(levels))


def test_a_picture_without_alt_text_is_a_clear_error(style: Style) -> None:
    doc = _figure_doc()
    bare = msgspec.structs.replace(doc.sections[0].blocks[1], alt="", caption=())
    blocks = (doc.sections[0].blocks[0], bare)
    doc = msgspec.structs.replace(doc, sections=(Section(heading="x", blocks=blocks),))
    with pytest.raises(RenderError, match=r"neither alt text nor a caption.*PDF/UA"):
        typst_pdf(doc, style)


def test_a_picture_with_a_caption_only_takes_it_as_alt_text(style: Style) -> None:
    doc = _figure_doc()
    captioned = msgspec.structs.replace(doc.sections[0].blocks[1], alt="")
    doc = msgspec.structs.replace(doc, sections=(Section(heading="x", blocks=(captioned,)),))
    assert [e["Alt"] for k, e in structure(typst_pdf(doc, style).data) if k == "Figure"] == ["Investment"]


# --- text is data -----------------------------------------------------------------------------------

INJECTION = (
    '#read("/etc/passwd")',
    '#import "@preview/x:0.1.0": *',
    "$x^2$",
    "*b*",
    "_i_",
    "<label>",
    "@ref",
    "back\\slash \\\\ \\n",
    "// not a comment",
    "/* not a block */",
    "= not a heading",
    "`tick` ```raw```",
    "#{ panic() }",
    '#eval("1+1")',
    "[#box]",
    "~ -- --- ...",
    '"quoted" #image("/etc/hostname")',
)


def _injection_doc(secret: Path) -> Document:
    hostile = [*INJECTION, f'#read("{secret}")']
    joined = " ".join(hostile)
    return Document(
        meta=Meta(
            title=f"Injection {INJECTION[0]}",
            date=datetime.date(2025, 2, 8),
            kicker="$kick$",
            summary="*summary* " + INJECTION[1],
            authors=("@author", "#author"),
            tags=("<tag>", "#tag"),
            marking="#MARK",
            source=Source(name="= source", url="https://example.org/#x"),
        ),
        key_points=tuple(Paragraph.of(s) for s in hostile[:4]),
        sections=(
            Section(
                heading="= Heading #h",
                blocks=(
                    *(Paragraph.of(s) for s in hostile),
                    Paragraph.of(Strong.of(joined), " ", Code(text=joined)),
                    Paragraph.of(Link.of("https://example.org/", "#link $x$")),
                    Table.of(("#th", "$h$"), (INJECTION[0], "<td>")),
                    CodeBlock(text="\n".join(hostile)),
                ),
            ),
        ),
        commentary=Part(title="#Commentary", sections=(Section(heading="*c*", blocks=(Paragraph.of(joined),)),)),
    )


def test_typst_markup_in_the_text_stays_literal(style: Style, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("canary-typst-4e1d\n")
    result = typst_pdf(_injection_doc(secret), style, overflow="pages")
    text = re.sub(r"\s+", "", text_of(result.data, tmp_path))
    for s in [*INJECTION, f'#read("{secret}")']:
        assert re.sub(r"\s+", "", s) in text, s
    raw = result.data + b"".join(
        obj.read_bytes() for obj in pikepdf.open(io.BytesIO(result.data)).objects if isinstance(obj, pikepdf.Stream)
    )
    assert b"canary-typst-4e1d" not in raw and b"root:x:0" not in raw
    assert not result.warnings


@pytest.mark.slow
def test_typst_opens_no_file_the_text_names(tmp_path: Path) -> None:
    """strace watches the Rust side: neither /etc/passwd nor the secret is opened, fonts are the bundled ones."""
    strace = require_tool("strace")
    secret = tmp_path / "secret.txt"
    secret.write_text("canary\n")
    doc = tmp_path / "doc.json"
    doc.write_bytes(msgspec.json.encode(_injection_doc(secret)))
    code = (
        "import sys, msgspec; from exporter import Document, load_style; from exporter.api import render;"
        "from exporter.renderers.base import PdfRenderOptions as O;"
        "d = msgspec.json.decode(open(sys.argv[1], 'rb').read(), type=Document);"
        "render(d, 'pdf', load_style('default'), options=O(overflow='pages', engine='typst'))"
    )
    log = tmp_path / "trace"
    subprocess.run(
        [strace, "-f", "-e", "trace=open,openat,openat2", "-o", str(log), sys.executable, "-c", code, str(doc)],
        check=True,
        timeout=120,
        capture_output=True,
    )
    opened = [line.split('"')[1] for line in log.read_text().splitlines() if '"' in line]
    assert str(secret) not in opened and "/etc/passwd" not in opened and "/etc/hostname" not in opened
    fonts = [p for p in opened if p.endswith((".ttf", ".otf", ".ttc"))]
    assert fonts and all("/exporter/fonts/" in p for p in fonts), fonts
    assert not [p for p in opened if p.startswith(("/etc/fonts", "/usr/share/fonts"))]


# --- the same document, both engines ----------------------------------------------------------------


def test_both_engines_agree(articles: dict[str, Document], style: Style, tmp_path: Path) -> None:
    for name in ("sample", "ja"):
        doc = articles[name]
        reportlab = render(doc, "pdf", style, options=PdfRenderOptions(engine="reportlab"))
        typst = typst_pdf(doc, style)
        assert reportlab.facts["pages"] == typst.facts["pages"] == 1
        assert reportlab.facts["engine"] == "reportlab"
        assert abs(reportlab.facts["body_size"] - typst.facts["body_size"]) <= 1.0
        assert words(text_of(reportlab.data, tmp_path)) == words(text_of(typst.data, tmp_path)), name


def test_the_style_key_chooses_the_engine_and_the_option_wins(articles: dict[str, Document], style: Style) -> None:
    typst_style = msgspec.structs.replace(style, pdf=msgspec.structs.replace(style.pdf, engine="typst"))
    doc = articles["sample"]
    assert render(doc, "pdf", typst_style).facts["engine"] == "typst"
    assert render(doc, "pdf", typst_style, options=PdfRenderOptions(engine="reportlab")).facts["engine"] == "reportlab"


def test_a_style_with_an_unknown_engine_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('inherit = "default"\n[pdf]\nengine = "latex"\n')
    with pytest.raises(StyleError, match=r"pdf.engine.*reportlab or typst"):
        load_style(str(path))
    with pytest.raises(UsageError, match="reportlab or typst"):
        PdfRenderOptions(engine="latex")  # type: ignore[arg-type]


def test_without_typst_the_error_names_the_extra(
    articles: dict[str, Document], style: Style, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "typst", None)  # import typst now raises ImportError
    with pytest.raises(UsageError, match=r"pip install 'exporter\[typst\]'"):
        typst_pdf(articles["sample"], style)
    result = CliRunner().invoke(cli, ["export", str(SAMPLE_TXT), "-t", "pdf", "-o", "-", "--pdf-engine", "typst"])
    assert result.exit_code != 0 and "exporter[typst]" in result.stderr and "Traceback" not in result.stderr


# --- overflow policies ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def long_doc(articles: dict[str, Document]) -> Document:
    doc = articles["sample"]
    sections = tuple(
        msgspec.structs.replace(s, heading=f"{s.heading} ({n})") for n in range(1, 5) for s in doc.sections
    )
    return msgspec.structs.replace(doc, sections=sections)


def test_overflow_error_says_how_many_pages(long_doc: Document, style: Style) -> None:
    with pytest.raises(OverflowError_, match=r"needs about [\d.]+ pages at the minimum 7.5 pt"):
        typst_pdf(long_doc, style)


def test_overflow_truncate_keeps_one_page(long_doc: Document, style: Style, tmp_path: Path) -> None:
    result = typst_pdf(long_doc, style, overflow="truncate")
    assert result.facts["pages"] == 1 and result.facts["body_size"] == 7.5
    assert result.facts["truncated_paragraphs"] > 0
    assert any("left out to fit one page" in w for w in result.warnings)
    text = text_of(result.data, tmp_path)
    assert "Commentary" in text and "Key points" in text


def test_overflow_pages_numbers_the_pages(long_doc: Document, style: Style, tmp_path: Path) -> None:
    result = typst_pdf(long_doc, style, overflow="pages")
    assert result.facts["pages"] >= 2 and result.facts["body_size"] == 10.5
    text = text_of(result.data, tmp_path)
    assert f"Page 1 of {result.facts['pages']}" in text
    assert not missing_words(long_doc, text)


# --- reproducible bytes -----------------------------------------------------------------------------


def test_two_runs_give_the_same_bytes(articles: dict[str, Document], style: Style) -> None:
    assert typst_pdf(articles["ar"], style).data == typst_pdf(articles["ar"], style).data


@pytest.mark.slow
def test_two_processes_in_other_zones_and_locales_give_the_same_bytes(tmp_path: Path) -> None:
    outputs = []
    for n, (tz, locale) in enumerate((("UTC", "C.UTF-8"), ("Asia/Tokyo", "POSIX"))):
        out = tmp_path / f"{n}.pdf"
        env = {**os.environ, "TZ": tz, "LC_ALL": locale, "LANG": locale, "SOURCE_DATE_EPOCH": "1738972800"}
        subprocess.run(
            [sys.executable, "-m", "exporter", "export", str(JAPANESE_TXT), "-o", str(out), "--pdf-engine", "typst"],
            check=True,
            env=env,
            capture_output=True,
            timeout=120,
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    with pikepdf.open(io.BytesIO(outputs[0])) as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20250208")


# --- batch, report, Dask ------------------------------------------------------------------------------


def test_batch_report_names_the_engine(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    args = ["export", str(SAMPLE_TXT), str(RICH_MD), "-t", "pdf", "-o", str(tmp_path / "out"), "-j", "2"]
    result = CliRunner().invoke(cli, [*args, "--pdf-engine", "typst", "--report", str(report), "-v"])
    assert result.exit_code == 0, result.stderr
    outputs = [o for s in json.loads(report.read_text())["sources"] for o in s["outputs"]]
    assert len(outputs) == 2 and all(o["facts"]["engine"] == "typst" for o in outputs)
    assert "engine=typst" in result.stderr


@pytest.mark.slow
def test_dask_and_local_give_the_same_typst_pdfs(tmp_path: Path) -> None:
    settings = Settings(style=load_style("default"), render_options={"pdf": TYPST})
    sources = [SAMPLE_TXT, ARABIC_MD]
    local = export(sources, formats=("pdf",), output_dir=tmp_path / "local", settings=settings, jobs=2)
    dask = export(sources, formats=("pdf",), output_dir=tmp_path / "dask", settings=settings, jobs=2, executor="dask")
    assert local.ok and dask.ok
    for name in ("japan-us-summit.pdf", "ar-summit.pdf"):
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes()
        assert b"Typst" in (tmp_path / "local" / name).read_bytes()


# --- the adversarial table ------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_adversarial_table_through_typst(style: Style, tmp_path: Path) -> None:
    """Every readable case of the table: a PDF holding every literal, or one clear error; never a traceback."""
    from adversarial.cases import CANARY, GROUP_ARGS, SECRET, TOUCHED, all_cases

    from exporter import parse
    from exporter.present.coverage import is_hidden
    from exporter.readers.base import ReadOptions

    secret = tmp_path / "secret" / "hostname.txt"
    secret.parent.mkdir()
    secret.write_text(CANARY + "\n")
    rendered = 0
    for case in all_cases():
        if case.big or case.expect == "E":
            continue
        data = case.data.replace(SECRET.encode(), str(secret).encode()).replace(TOUCHED.encode(), b"/nonexistent")
        doc = parse(data, name=f"x{case.ext}", options=ReadOptions(strict=case.group == "strict")).document
        args = GROUP_ARGS[case.group]
        overflow = args[1] if args[:1] == ("--overflow",) else "error"
        try:
            result = typst_pdf(doc, style, overflow=overflow)
        except ExporterError as exc:
            assert "\n" not in str(exc) and str(exc), case.id
            continue
        rendered += 1
        text = re.sub(r"\s+", "", unicodedata.normalize("NFC", text_of(result.data, tmp_path)))
        for s in case.literal:
            real = s.replace(SECRET, str(secret)).replace(TOUCHED, "/nonexistent")
            # Typst keeps invisible characters (joiners, marks) that the reportlab engine leaves out.
            kept = re.sub(r"\s+", "", unicodedata.normalize("NFC", real))
            visible = re.sub(r"\s+", "", "".join(ch for ch in kept if not is_hidden(ch)))
            assert kept in text or visible in text, (case.id, s)
        assert CANARY.encode() not in result.data, case.id
    assert rendered > 20


# --- properties -----------------------------------------------------------------------------------------


def _held(doc: Document, text: str) -> list[str]:
    """Strings of ``doc`` the text does not hold (whitespace, invisible characters and the arrow that marks a
    wrapped code line's continuation ignored on both sides)."""
    from helpers import shown_strings

    from exporter.present.coverage import is_hidden
    from exporter.renderers.pdf.layout import CONTINUED

    def clean(value: str) -> str:
        value = unicodedata.normalize("NFKC", value).replace(CONTINUED.strip(), "")
        return re.sub(r"\s+", "", "".join(ch for ch in value if not is_hidden(ch)))

    haystack = clean(text)
    return [s for s in shown_strings(doc, "pdf") if clean(s) not in haystack]


# At most 50 examples each (the CI profile runs 200): each is a compile and, here, a pdftotext process.
@settings(max_examples=50)
@given(documents(pdf_text()))
def test_typst_keeps_every_string(doc: Document) -> None:
    """pypdf extracts every string of any sanitised document (markup-like tokens included) from the Typst page."""
    clean = _sanitise(doc)
    data = typst_pdf(clean, load_style("default"), overflow="pages").data
    # pdftotext in content order, the judge (pypdf reads a precomposed letter of IPAex twice: "ĩ" as
    # "iĩ"; pdftotext's layout order can take a wide gap in a code line for a column break).
    exe = require_tool("pdftotext")
    text = subprocess.run([exe, "-raw", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True).stdout
    assert _held(clean, text.decode()) == []


@settings(max_examples=50)
@given(documents(arbitrary_text()))
def test_typst_with_any_text_is_complete_or_one_clear_error(doc: Document) -> None:
    """Any text, right-to-left, emoji and controls included: a PDF, or a one-line error naming characters held."""
    clean = _sanitise(doc)
    try:
        typst_pdf(clean, load_style("default"), overflow="pages")
    except GlyphError as exc:
        named = [chr(int(cp, 16)) for cp in re.findall(r"U\+([0-9A-F]{4,6})", exc.message)]
        everything = json.dumps(msgspec.to_builtins(clean), ensure_ascii=False)
        assert "\n" not in exc.message and named and all(ch in everything for ch in named)
    except RenderError as exc:
        pytest.fail(f"not a glyph problem: {exc}")


def test_a_style_s_custom_font_files_are_embedded(articles: dict[str, Document], tmp_path: Path) -> None:
    from helpers import FONTS
    from test_custom_fonts import make_font, write_style

    fonts = tmp_path / "styles" / "fonts"
    make_font(FONTS / "LiberationSerif-Regular.ttf", fonts / "Acme-Regular.ttf", "Acme Typst", "AcmeTypst-Regular")
    make_font(FONTS / "LiberationSerif-Bold.ttf", fonts / "Acme-Bold.ttf", "Acme Typst", "AcmeTypst-Bold")
    path = write_style(
        tmp_path / "styles", "acme", {"serif": "fonts/Acme-Regular.ttf", "serif_bold": "fonts/Acme-Bold.ttf"}
    )
    result = typst_pdf(articles["sample"], load_style(str(path)))
    listing = poppler("pdffonts", result.data, tmp_path)
    assert "AcmeTypst-Regular" in listing and "LiberationSerif" not in listing


def test_pictures_shrink_before_the_text(tmp_path: Path) -> None:
    from PIL import Image

    folder = tmp_path / "doc"
    folder.mkdir()
    for i in range(9):
        out = io.BytesIO()
        Image.new("RGB", (1200, 700), (20 * i, 90, 160)).save(out, "PNG")
        (folder / f"chart{i}.png").write_bytes(out.getvalue())
    images = "\n\n".join(f"![Chart {i}](chart{i}.png)" for i in range(9))
    source = folder / "many.md"
    source.write_text(f"# Many charts\n\n## Charts\n\nA few words.\n\n{images}\n", encoding="utf-8")
    result = typst_pdf(read_source(source).document, load_style("default"))
    assert result.facts["pages"] == 1 and result.facts["body_size"] == 10.5
    assert 0.5 <= result.facts["figure_scale"] < 1.0
    alts = [extra.get("Alt") for kind, extra in structure(result.data) if kind == "Figure"]
    assert alts == [f"Chart {i}" for i in range(9)]


def test_inspect_check_follows_the_style_s_engine(tmp_path: Path) -> None:
    typst_style = tmp_path / "typst.toml"
    typst_style.write_text('inherit = "default"\n[pdf]\nengine = "typst"\n')
    check = ["inspect", "--check", str(ARABIC_MD)]
    reportlab = CliRunner().invoke(cli, check)
    assert reportlab.exit_code == 1 and "cannot set right-to-left text" in reportlab.output + reportlab.stderr
    typst = CliRunner().invoke(cli, [*check, "-s", str(typst_style)])
    assert typst.exit_code == 0, typst.output + typst.stderr


@pytest.mark.parametrize(("tag", "lang"), [("es-419", "es"), ("pt-BR", "pt-BR"), ("zh-Hant-TW", "zh-TW")])
def test_language_tags_typst_cannot_take_whole_still_render(tag: str, lang: str, style: Style) -> None:
    doc = Document(meta=Meta(title="T", date=datetime.date(2025, 2, 8), language=tag), sections=(
        Section(heading="h", blocks=(Paragraph.of("abc"),)),))  # fmt: skip
    with pikepdf.open(io.BytesIO(typst_pdf(doc, style).data)) as pdf:
        assert str(pdf.Root.Lang) == lang
