"""One web conversion, as a worker process runs it: source bytes in, a file or preview pictures out."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePath

from ..api import render
from ..errors import ExporterError
from ..pipeline import parse, render_options
from ..readers.base import ReadOptions
from ..registry import get_renderer
from ..style import Style, load_style

FILE_FORMATS = ("docx", "pdf", "epub")
"""What a download can be besides ``zip`` (all three)."""
PREVIEW_DPI = 100
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_NAME_LENGTH = 60
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Job:
    """A request's conversion: the source, its settings, and what to make (``preview`` or a download)."""

    data: bytes
    name: str
    style_path: str
    want: str
    overrides: dict[str, str] = field(default_factory=dict)
    overflow: str = "error"
    max_input_bytes: int = 16 * 1024 * 1024


@dataclass(frozen=True)
class Outcome:
    """What a job made: a file with its type and name, or preview pages; or an error code and message."""

    data: bytes = b""
    media_type: str = ""
    filename: str = ""
    pages: tuple[bytes, ...] = ()
    warnings: tuple[str, ...] = ()
    title: str = ""
    error: str = ""
    code: str = ""


@lru_cache(maxsize=16)
def _style(path: str) -> Style:
    return load_style(path)


def download_name(title: str, source_name: str) -> str:
    """A file name (without extension) for the downloads: the title, else the source's, else ``document``."""
    for candidate in (title, PurePath(source_name).stem):
        cleaned = " ".join(_UNSAFE.sub(" ", unicodedata.normalize("NFC", candidate)).split()).strip(". ")
        if len(cleaned) > _NAME_LENGTH:  # cut at a word: a name that ends mid-word reads as a mistake
            cut = cleaned[: _NAME_LENGTH + 1].rsplit(" ", 1)[0]
            cleaned = cut if len(cut) > _NAME_LENGTH // 2 else cleaned[:_NAME_LENGTH]
        cleaned = cleaned.rstrip(". ,;")
        if cleaned:
            return cleaned
    return "document"


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            # A fixed date: the same source gives the same archive.
            archive.writestr(zipfile.ZipInfo(name, _ZIP_TIME), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def run(job: Job) -> Outcome:
    """Convert ``job``; never raises for a bad source: the outcome's ``code`` and ``error`` say what failed."""
    try:
        return _run(job)
    except ExporterError as exc:
        return Outcome(error=exc.message, code=exc.code)
    except MemoryError:
        return Outcome(error="the conversion ran out of memory", code="render")


def _run(job: Job) -> Outcome:
    style = _style(job.style_path)
    options = ReadOptions(overrides=job.overrides, smart=style.text.smart, max_input_bytes=job.max_input_bytes)
    result = parse(job.data, name=job.name, options=options)
    document = result.document
    warnings = list(result.warnings)
    title = document.meta.title
    base = download_name(title, job.name)
    values = {"overflow": job.overflow}
    if job.want == "preview":
        from ..preview import page_pngs

        rendered = render(document, "pdf", style, options=render_options("pdf", values))
        warnings.extend(rendered.warnings)
        pages = page_pngs(rendered.data, dpi=PREVIEW_DPI)
        return Outcome(pages=pages, warnings=tuple(dict.fromkeys(warnings)), title=title)
    formats = FILE_FORMATS if job.want == "zip" else (job.want,)
    files: dict[str, bytes] = {}
    for fmt in formats:
        rendered = render(document, fmt, style, options=render_options(fmt, values))
        warnings.extend(rendered.warnings)
        files[f"{base}.{get_renderer(fmt).extension.lstrip('.')}"] = rendered.data
    if job.want == "zip":
        data, media_type, filename = _zip(files), "application/zip", f"{base}.zip"
    else:
        (filename, data), media_type = next(iter(files.items())), get_renderer(job.want).media_type
    return Outcome(
        data=data, media_type=media_type, filename=filename, warnings=tuple(dict.fromkeys(warnings)), title=title
    )
