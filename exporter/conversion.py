"""The worker side of a batch: a task, the settings it runs with, its conversion and the records it returns."""

from __future__ import annotations

import dataclasses
import hashlib
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ExporterError
from .fsio import read_bytes
from .images import FileLoader
from .incremental import RecordingLoader
from .pipeline import parse, render
from .readers.base import DEFAULT_MAX_INPUT_BYTES, ReadOptions, ReadResult
from .renderers.base import RenderOptions
from .style import Style


@dataclass(frozen=True)
class Task:
    """Work for one worker: a job's source (path, or bytes sent along) and some of its formats."""

    index: int
    source: Path
    formats: tuple[str, ...]
    data: bytes | None = None
    read: ReadResult | None = None
    """The source already read (images included), for workers that share no filesystem with it."""


@dataclass
class OutputRecord:
    """What happened to one output file."""

    format: str
    path: str
    status: str = "ok"
    bytes: int = 0
    sha256: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    error: str = ""
    code: str = ""
    traceback: str = ""


@dataclass
class SourceRecord:
    """What happened to one source and its outputs."""

    source: str
    status: str = "ok"
    error: str = ""
    code: str = ""
    traceback: str = ""
    warnings: list[str] = field(default_factory=list)
    outputs: list[OutputRecord] = field(default_factory=list)


@dataclass(frozen=True)
class Settings:
    """Everything a conversion needs besides the task; picklable for worker processes.

    ``render_options`` holds each format's options record (``PdfRenderOptions`` for ``pdf`` …); a format
    missing from it renders with its record's defaults.
    """

    style: Style
    read_options: ReadOptions = field(default_factory=ReadOptions)
    render_options: Mapping[str, RenderOptions] = field(default_factory=dict)
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES


@dataclass
class Converted:
    """A converted task: its record plus the bytes of every output that rendered."""

    index: int
    record: SourceRecord
    payloads: dict[str, bytes] = field(default_factory=dict)
    inputs: Inputs | None = None
    """What the read consumed (for an incremental batch's manifest); None when the source could not be read."""


@dataclass
class Inputs:
    """The digest of a task's source bytes, the files its read touched, and its date when that was today's."""

    source: str
    touched: dict[str, str] = field(default_factory=dict)
    today: str = ""


def read_options(settings: Settings) -> ReadOptions:
    """The read options of a run: ``smart`` left open (None) is the style's ``[text] smart``."""
    options = settings.read_options
    if options.smart is None:
        options = dataclasses.replace(options, smart=settings.style.text.smart)
    return options


def _traceback(exc: ExporterError) -> str:
    """The original traceback behind an error the pipeline's boundary wrapped (for ``-v``), else ""."""
    if exc.__cause__ is None:
        return ""
    return "".join(traceback.format_exception(exc.__cause__)).rstrip("\n")


def read_task(task: Task, settings: Settings, inputs: Inputs | None = None) -> ReadResult:
    """The task's source read into the model, its images from its folder and the --resource-path folders.

    ``inputs``, when given, receives the digest of the source and of every file the read touched.
    """
    if task.read is not None:
        return task.read
    data = task.data if task.data is not None else read_bytes(task.source, max_input_bytes=settings.max_input_bytes)
    options = read_options(settings)
    if options.max_input_bytes != settings.max_input_bytes:
        options = dataclasses.replace(options, max_input_bytes=settings.max_input_bytes)
    if options.loader is None:
        options = dataclasses.replace(options, loader=FileLoader(task.source.parent, options.resource_paths))
    if inputs is None:
        return parse(data, name=task.source.name, options=options)
    inputs.source = hashlib.sha256(data).hexdigest()
    recorder = RecordingLoader(options.loader)  # type: ignore[arg-type]
    result = parse(data, name=task.source.name, options=dataclasses.replace(options, loader=recorder))
    inputs.touched = recorder.touched
    if options.today is not None and result.document.meta.date == options.today:
        inputs.today = options.today.isoformat()
    return result


def convert(task: Task, settings: Settings) -> Converted:
    """Read and render one task; never raises for a bad source, the record says what failed."""
    record = SourceRecord(source=str(task.source))
    out = Converted(task.index, record)
    inputs = Inputs(source="")
    try:
        result = read_task(task, settings, inputs)
    except ExporterError as exc:
        record.status, record.error, record.code = "failed", exc.message, exc.code
        record.traceback = _traceback(exc)
        return out
    out.inputs = inputs if inputs.source else None
    record.warnings.extend(result.warnings)
    for fmt in task.formats:
        item = OutputRecord(format=fmt, path="")
        record.outputs.append(item)
        try:
            rendered = render(result.document, fmt, settings.style, settings.render_options.get(fmt))
        except ExporterError as exc:  # one failed format must not stop the source's other formats
            item.status, item.error, item.code = "failed", exc.message, exc.code
            item.traceback = _traceback(exc)
            continue
        out.payloads[fmt] = rendered.data
        item.bytes = len(rendered.data)
        item.sha256 = hashlib.sha256(rendered.data).hexdigest()
        item.facts = dict(rendered.facts)
        item.warnings = list(rendered.warnings)
    return out
