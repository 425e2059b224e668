"""The one-pager's embedding and drawing (pdf/embed.py, pdf/drawing.py) write reportlab's bytes; the zlib level."""

from __future__ import annotations

import contextlib
import random
import re
import zlib
from pathlib import Path

import pytest
from helpers import JAPANESE_TXT, RICH_MD, SAMPLE_TXT
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from exporter import load_style, read_source
from exporter.renderers.base import PdfRenderOptions
from exporter.renderers.pdf import PdfRenderer, drawing, embed, settings, tuning
from exporter.renderers.pdf.fonts import font_family


def _pdf(path: Path) -> bytes:
    doc = read_source(path).document
    return PdfRenderer().render(doc, load_style("default"), PdfRenderOptions()).data


@pytest.mark.parametrize("path", [SAMPLE_TXT, JAPANESE_TXT, RICH_MD], ids=lambda p: p.name)
def test_cached_subsets_and_lean_methods_write_reportlabs_bytes(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    embed.clear_cache()
    cold = _pdf(path)
    warm = _pdf(path)
    with monkeypatch.context() as m:
        m.setattr(embed.EmbeddedFont, "addObjects", TTFont.addObjects)
        m.setattr(embed.EmbeddedFont, "splitString", TTFont.splitString)
        m.setattr(drawing.LeanText, "_formatText", PDFTextObject._formatText)
        m.setattr(drawing.LeanCanvas, "push_state_stack", Canvas.push_state_stack)
        m.setattr(settings, "swapped", contextlib.nullcontext)
        stock = _pdf(path)
    assert cold == stock
    assert warm == stock


def test_cache_stays_within_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    embed.clear_cache()
    monkeypatch.setattr(embed, "CACHE_BYTES", 60_000)
    _pdf(JAPANESE_TXT)
    _pdf(SAMPLE_TXT)
    assert 0 < embed._cached_bytes <= 60_000
    assert embed._cached_bytes == sum(s.size for s in embed._CACHE.values())
    embed.clear_cache()


class _Doc:
    """Stands for a PDF document: reportlab keys a font's codes by document."""


@pytest.mark.parametrize("family", ["Liberation Serif", "IPAexGothic"])
def test_split_string_matches_reportlab(family: str) -> None:
    font = font_family(family)
    name = font.regular
    ttf = pdfmetrics.getFont(name)
    assert isinstance(ttf, embed.EmbeddedFont)
    rng = random.Random(5)
    # ASCII, a no-break space, Latin-1 and punctuation, kana and kanji (past 256 codes), a character past
    # U+FFFF and ones no font draws (U+E000, U+10FFFD).
    pool = [
        *"abc XYZ.,",
        "\u00a0",
        *"éüß—’“”…",
        *"あいうえおカタ日本語漢字議会首相",
        "\U0002000b",
        "\ue000",
        "\U0010fffd",
    ]
    pool += [chr(c) for c in range(0x4E00, 0x4E00 + 400, 3)]
    ours, theirs = _Doc(), _Doc()
    for _ in range(600):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 40)))
        assert ttf.splitString(text, ours) == TTFont.splitString(ttf, text, theirs)
    assert ttf.state[ours].assignments == ttf.state[theirs].assignments
    assert ttf.state[ours].subsets == ttf.state[theirs].subsets


@pytest.mark.parametrize("family", ["Liberation Sans", "Liberation Serif", "IPAexMincho", "DejaVu Sans"])
def test_make_subset_matches_reportlab(family: str) -> None:
    face = pdfmetrics.getFont(font_family(family).regular).face
    codes = sorted(face.charToGlyph)
    rng = random.Random(3)
    # Latin-1 and Latin Extended: accented letters are composite glyphs in the Liberation fonts.
    subsets = [[0, *(c for c in codes if c < 0x250)][:256]]
    subsets += [[0, *rng.sample(codes, rng.randint(1, 255))] for _ in range(4)]
    for subset in subsets:
        assert embed.make_subset(face, subset) == face.makeSubset(subset)


def test_streams_are_compressed_at_flate_level_and_the_filter_restored() -> None:
    data = _pdf(SAMPLE_TXT)
    streams = list(re.finditer(rb"/Filter \[ /FlateDecode \] /Length (\d+)[^>]*>>\nstream\n", data))
    assert len(streams) >= 3  # fonts, their ToUnicode maps, the page
    for match in streams:
        raw = data[match.end() : match.end() + int(match.group(1))]
        assert zlib.compress(zlib.decompress(raw), settings.FLATE_LEVEL) == raw
    assert pdfdoc.PDFZCompress is not settings.FLATE
    with settings.shipped_settings():
        assert pdfdoc.PDFZCompress is settings.FLATE
    assert pdfdoc.PDFZCompress is not settings.FLATE


def test_tuned_helpers_match_reportlabs() -> None:
    samples = [chr(c) for c in range(128)]
    samples += ["", "/FontDescriptor", "(Title \\(x\\))", "caf\u00e9 \u2014 \u20ac", "a\x1fb"]
    for text in samples:
        try:
            expected: object = pdfdoc.pdfdocEnc(text)
        except UnicodeEncodeError:
            expected = UnicodeEncodeError
        try:
            got: object = tuning.pdfdoc_enc(text)
        except UnicodeEncodeError:
            got = UnicodeEncodeError
        assert got == expected, repr(text)
    assert tuning.pdfdoc_enc(b"raw") == b"raw"
    for name in ["Type", "F1+0", "AAAAAA+LiberationSans", "a b#(c)", "caf\u00e9", "Annot.x/y%z"]:
        assert tuning.pdf_name(name) == pdfdoc.PDFName(name)
        assert tuning.pdf_name(name) == pdfdoc.PDFName(name)  # remembered
    assert pdfdoc.pdfdocEnc is not tuning.pdfdoc_enc
    with settings.shipped_settings():
        assert pdfdoc.pdfdocEnc is tuning.pdfdoc_enc
        assert pdfdoc.PDFName is tuning.pdf_name
    assert pdfdoc.PDFName is not tuning.pdf_name


def test_another_reportlab_gets_its_own_methods_and_the_same_pdf() -> None:
    """On a reportlab version the comparisons did not run on, nothing is replaced, and the PDF is the same."""
    import subprocess
    import sys

    probe = (
        "import sys, reportlab\n"
        "if sys.argv[1] == 'other': reportlab.Version = '4.0.4'\n"
        "from exporter import load_style, read_source\n"
        "from exporter.renderers.base import PdfRenderOptions\n"
        "from exporter.renderers.pdf import PdfRenderer\n"
        "from exporter.renderers.pdf.tuning import TUNED\n"
        "doc = read_source(sys.argv[2]).document\n"
        "data = PdfRenderer().render(doc, load_style('default'), PdfRenderOptions()).data\n"
        "sys.stdout.buffer.write(repr(TUNED).encode() + b'\\n' + data)\n"
    )
    runs = {}
    for version in ("this", "other"):
        done = subprocess.run(
            [sys.executable, "-c", probe, version, str(JAPANESE_TXT)], capture_output=True, check=True
        )
        flag, _, data = done.stdout.partition(b"\n")
        runs[version] = (flag, data)
    assert (runs["this"][0], runs["other"][0]) == (repr(tuning.TUNED).encode(), b"False")
    assert runs["other"][1] == runs["this"][1]
