"""Every case of the adversarial table through the CLI with every renderer: E, V or S exactly as specified.

E: one clear error line naming the source, exit 1, no traceback, no output file for that source.
V: every output written, reopened by an outside parser, every string of the model found in it.
S: as V, plus a warning counting the removed characters; the text around them is all there.
"""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import msgspec
import pikepdf
import pytest
from helpers import libreoffice_to_pdf, lost_strings, missing_words, output_text, require_tool, squeeze
from pypdf import PdfReader

from exporter import parse
from exporter.fsio import TEMP_MARK
from exporter.model import Document
from exporter.present.coverage import is_hidden
from exporter.readers.base import ReadOptions

from .cases import FORMATS, Case
from .conftest import CASES, Table

pytestmark = [pytest.mark.slow, pytest.mark.judge]

_REMOVED = re.compile(r"removed (\d+) character")


def _options(case: Case) -> ReadOptions:
    return ReadOptions(strict=case.group == "strict")


def _model(table: Table, case: Case) -> Document:
    return parse(table.data(case), name=f"x{case.ext}", options=_options(case)).document


def _raw_bytes(fmt: str, data: bytes) -> bytes:
    """Everything inside an output: the members of a zip, the decompressed streams of a PDF."""
    if fmt in ("docx", "epub"):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return b"\n".join(zf.read(name) for name in zf.namelist())
    with pikepdf.open(io.BytesIO(data)) as pdf:
        streams = [obj.read_bytes() for obj in pdf.objects if isinstance(obj, pikepdf.Stream)]
        return b"\n".join([data, *streams])


_SAFE_SCHEMES = ("http:", "https:", "mailto:")


def link_targets(fmt: str, data: bytes) -> list[str]:
    """Every external target an output points at: DOCX relationships, EPUB href/src, PDF actions."""
    from lxml import etree

    targets: list[str] = []
    if fmt == "docx":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for name in zf.namelist():
                if name.endswith(".rels"):
                    for rel in etree.fromstring(zf.read(name)).iter("{*}Relationship"):
                        assert not rel.get("Type", "").endswith("/image"), "an image was embedded or linked"
                        if rel.get("TargetMode") == "External":
                            targets.append(rel.get("Target", ""))
        return targets
    if fmt == "epub":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for name in zf.namelist():
                if name.endswith((".xhtml", ".opf", ".ncx", ".html")):
                    for el in etree.fromstring(zf.read(name)).iter():
                        for attr, value in el.attrib.items():
                            external = ":" in value.split("/")[0] or value.startswith("//")
                            if external and etree.QName(attr).localname in ("href", "src", "data", "poster", "srcset"):
                                targets.append(value)
        return targets
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary):
                for bad in ("/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/OpenAction"):
                    assert bad not in obj, f"PDF holds {bad}"
                if obj.get("/S") is not None and obj.get("/S") != pikepdf.Name("/URI"):
                    assert obj.get("/S") in (pikepdf.Name("/GoTo"),), f"PDF action {obj.get('/S')}"
                if "/URI" in obj:
                    targets.append(str(obj["/URI"]))
    return targets


def _check_written(table: Table, case: Case, fmt: str, model: Document) -> None:
    path = case.output(table.base, fmt)
    assert path.is_file(), f"{fmt} output missing"
    data = path.read_bytes()
    text = output_text(fmt, data)  # an outside parser reopens it, or this raises
    if fmt == "pdf" and case.group == "truncate":
        # Truncation is declared (a warning counts the paragraphs left out): one page, the head kept.
        warnings = table.run(case).warnings_for(str(path.relative_to(table.base)))
        assert any(re.search(r"\d+ article paragraph\(s\) left out", w) for w in warnings), warnings
        assert len(PdfReader(io.BytesIO(data)).pages) == 1
        # Only article paragraphs may go: the title, the key points and the commentary are all there.
        assert not lost_strings(msgspec.structs.replace(model, sections=()), fmt, text)
    elif case.big:
        lost = missing_words(model, text)
        assert not lost, f"{fmt}: words lost {dict(list(lost.items())[:10])}"
    else:
        lost_list = lost_strings(model, fmt, text)
        assert not lost_list, f"{fmt}: strings lost {lost_list[:5]}"
    haystack = squeeze(unicodedata.normalize("NFC", text))
    for s in case.literal:
        # The PDF leaves invisible characters out (one warning counts them); the DOCX and EPUB keep them.
        shown = "".join(ch for ch in table.real(s) if not is_hidden(ch)) if fmt == "pdf" else table.real(s)
        assert squeeze(unicodedata.normalize("NFC", shown)) in haystack, f"{fmt}: {s!r} not shown literally"
    for target in link_targets(fmt, data):
        assert target.startswith(_SAFE_SCHEMES), f"{fmt}: unsafe link target {target!r}"
        assert str(table.secret) not in target
    if case.absent:
        raw = _raw_bytes(fmt, data)
        for s in case.absent:
            assert s.encode() not in raw, f"{fmt}: {s!r} found inside the output"
    if fmt == "pdf":
        qpdf = require_tool("qpdf")
        check = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(table: Table, case: Case) -> None:
    """One source through the CLI: the expected outcome for each of DOCX, PDF and EPUB."""
    run = table.run(case)
    source = table.source_arg(case)
    errors = run.errors_for(source)
    warnings = run.warnings_for(source)
    failing = [fmt for fmt in FORMATS if case.expected(fmt) == "E"]
    assert "Traceback" not in run.stderr + run.stdout
    for line in errors:
        assert "failed unexpectedly" not in line, line

    if case.expect == "E":
        assert len(errors) == 1, errors
        assert re.search(case.message, errors[0]), errors[0]
        for fmt in FORMATS:
            assert not case.output(table.base, fmt).exists(), f"{fmt} written for a failed source"
        assert run.returncode == 1
        return

    assert len(errors) == len(failing), errors
    for fmt in failing:
        found = next((e for e in errors if re.search(case.error_pattern(fmt), e)), None)
        assert found is not None, (fmt, errors)
        assert fmt in found
        assert not case.output(table.base, fmt).exists(), f"{fmt} written although it failed"
    if failing:
        assert run.returncode == 1

    model = _model(table, case)
    for fmt in FORMATS:
        if fmt not in failing:
            _check_written(table, case, fmt, model)

    removed = [int(m.group(1)) for w in warnings for m in [_REMOVED.search(w)] if m]
    if case.expect == "S":
        assert removed == [case.removed], warnings
    else:
        assert removed == [], warnings
    if case.warning:
        # A renderer's warning (the PDF's invisible characters) names the output rather than the source.
        pdf = str(case.output(table.base, "pdf").relative_to(table.base))
        said = warnings + run.warnings_for(pdf)
        assert any(re.search(case.warning, w) for w in said), said
    if case.same_as is not None:
        reference = parse(table.real_bytes(case.same_as), name=f"x{case.ext}", options=_options(case)).document
        assert model == reference, "line ends or the encoding changed the document"


@pytest.mark.parametrize("group", sorted({c.group for c in CASES}))
def test_no_temp_or_stray_files(table: Table, group: str) -> None:
    """After each run: no temp file, and every file in the output dir belongs to a case."""
    out = table.base / "out" / group
    expected = {case.output(table.base, fmt) for case in CASES if case.group == group for fmt in FORMATS}
    found = {p for p in out.rglob("*") if p.is_file()} if out.exists() else set()
    assert not [p for p in found if TEMP_MARK in p.name]
    assert found <= expected, sorted(found - expected)[:5]
    run = table.runs[group]
    assert run.returncode in (0, 1)
    assert "Traceback" not in run.stderr


def test_libreoffice_converts_every_docx(table: Table, tmp_path: Path) -> None:
    """An outside judge for Word files: LibreOffice opens each DOCX the table wrote and prints every word."""
    written = {}
    for case in CASES:
        path = case.output(table.base, "docx")
        if path.is_file() and not case.big:
            flat = tmp_path / "docx" / f"{case.group}-{case.reader}-{case.name}.docx"
            flat.parent.mkdir(exist_ok=True)
            flat.write_bytes(path.read_bytes())
            written[flat] = case
    assert len(written) > 80
    converted = libreoffice_to_pdf(list(written), tmp_path)
    for docx_path, case in written.items():
        pdf = converted[docx_path]
        assert pdf is not None, f"LibreOffice did not convert {docx_path.name}"
        text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
        if case.name == "rlo-title":
            continue  # LibreOffice honours U+202E: "fdp.exe" is shown, and extracted, as "exe.pdf"
        if _RTL.search(text):
            # pypdf puts right-to-left runs in visual order and misreads some of LibreOffice's Arabic glyphs
            # (spaces as "8", glued to the next word): poppler reads such a page in logical order, with embedding
            # marks around the runs, which separate words.
            text = _MARKS.sub(
                " ",
                subprocess.run(
                    ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
                ).stdout,
            )
        # The CI image has no Korean font for LibreOffice to draw Hangul with: not a loss in the DOCX.
        lost = {w: n for w, n in missing_words(_model(table, case), text).items() if not _rtl_or_hangul(w)}
        assert not lost, (docx_path.name, dict(list(lost.items())[:8]))


_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufeff]")
_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _rtl_or_hangul(word: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") or "\uac00" <= ch <= "\ud7af" for ch in word)


def test_ten_megabytes_within_a_bound(table: Table) -> None:
    """Three 10 MB sources (txt, md, json) through DOCX, PDF and EPUB: about 20 s on 2 cores; bound 120 s."""
    run = table.runs["big"]
    assert run.seconds < 120, f"10 MB sources took {run.seconds:.0f} s"
    assert all(len(c.data) > 10_000_000 for c in CASES if c.name == "ten-mb")
