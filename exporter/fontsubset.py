"""Per-document font subsets (fontTools): the glyphs of the characters a document uses, cached in a process."""

from __future__ import annotations

import functools
import io

from .typefaces import FontFile, font_bytes


@functools.lru_cache(maxsize=32)
def subset_font(file: FontFile, chars: frozenset[str]) -> bytes:
    """A TrueType subset of ``file`` that draws ``chars``: layout features kept, hinting dropped, same bytes each run.

    Cached per (face, character set) for the life of the process, so a batch, or the DOCX and the EPUB of one
    document, subset a font once (IPAex takes ~150-300 ms).
    """
    # Imported here: fontTools costs ~100 ms to import, and the PDF and JSON renderers never need it.
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.hinting = False  # hinting is most of a TrueType file's bulk and screens at e-reader sizes ignore it
    options.desubroutinize = True
    options.notdef_outline = True  # a character the subset lacks shows a box, not nothing
    options.recalc_timestamp = False
    options.name_legacy = True
    options.name_languages = ["*"]  # IPAex names its families in Japanese too; Word matches either name
    # The default layout features: the OpenType substitutions and positioning that shape Arabic, Devanagari,
    # Thai and vertical Japanese; the subsetter keeps every glyph they can reach from ``chars``.
    font = TTFont(io.BytesIO(font_bytes(file)), recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(map(ord, chars)))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out, reorderTables=True)
    return out.getvalue()
