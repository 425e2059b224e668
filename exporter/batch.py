"""Many sources to many outputs: planning, conversion, atomic writes and the report."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .api import parse, read_bytes
from .errors import ExporterError, InputError, OutputError
from .fsio import remove_stale_temps, write_atomic
from .paths import SourceItem, check_output_dir, collect_sources, output_path
from .readers.base import DEFAULT_MAX_INPUT_BYTES, ReadOptions
from .registry import get_renderer, source_extensions
from .renderers.base import RenderOptions
from .style import Style


@dataclass(frozen=True)
class Job:
    """One source and the output path of each requested format."""

    source: Path
    outputs: tuple[tuple[str, Path], ...]


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


@dataclass
class SourceRecord:
    """What happened to one source and its outputs."""

    source: str
    status: str = "ok"
    error: str = ""
    code: str = ""
    warnings: list[str] = field(default_factory=list)
    outputs: list[OutputRecord] = field(default_factory=list)


@dataclass
class Report:
    """The outcome of an export run."""

    sources: list[SourceRecord] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        """Sources with at least one failure."""
        return sum(1 for s in self.sources if s.status != "ok")

    @property
    def ok(self) -> bool:
        """True when every output of every source was written."""
        return self.failed == 0

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data, with totals."""
        outputs = [o for s in self.sources for o in s.outputs]
        return {
            "totals": {
                "sources": len(self.sources),
                "failed": self.failed,
                "outputs_written": sum(1 for o in outputs if o.status == "ok"),
                "outputs_failed": sum(1 for o in outputs if o.status != "ok"),
                "bytes": sum(o.bytes for o in outputs),
                "seconds": round(self.seconds, 3),
            },
            "sources": [asdict(s) for s in self.sources],
        }


def plan(
    sources: Sequence[Path], formats: Sequence[str], output_dir: Path, extensions: frozenset[str] | None = None
) -> list[Job]:
    """Map sources to output paths; two sources meeting at one output path are an error."""
    items: list[SourceItem] = collect_sources(list(sources), extensions or source_extensions())
    seen: dict[str, Path] = {}
    jobs: list[Job] = []
    for item in items:
        outputs = []
        for fmt in formats:
            target = output_path(output_dir, item.stem, get_renderer(fmt).extension)
            key = str(target).casefold()
            if key in seen and seen[key] != item.path:
                raise OutputError(f"{seen[key]} and {item.path} would both be written to {target}")
            seen[key] = item.path
            outputs.append((fmt, target))
        jobs.append(Job(item.path, tuple(outputs)))
    return jobs


@dataclass(frozen=True)
class Settings:
    """Everything a conversion needs besides the job; picklable for worker processes."""

    style: Style
    read_options: ReadOptions = field(default_factory=ReadOptions)
    render_options: RenderOptions = field(default_factory=RenderOptions)
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES


@dataclass
class Converted:
    """A converted source: its record plus the bytes of every output that rendered."""

    record: SourceRecord
    payloads: dict[str, bytes] = field(default_factory=dict)


def convert(job: Job, settings: Settings) -> Converted:
    """Read and render one source; never raises for a bad source, the record says what failed."""
    record = SourceRecord(source=str(job.source))
    out = Converted(record)
    try:
        data = read_bytes(job.source, max_input_bytes=settings.max_input_bytes)
        result = parse(data, name=job.source.name, options=settings.read_options)
    except ExporterError as exc:
        record.status, record.error, record.code = "failed", exc.message, exc.code
        return out
    except (RecursionError, MemoryError) as exc:
        record.status, record.code = "failed", InputError.code
        record.error = "too deeply nested" if isinstance(exc, RecursionError) else "out of memory"
        return out
    record.warnings.extend(result.warnings)
    for fmt, target in job.outputs:
        item = OutputRecord(format=fmt, path=str(target))
        record.outputs.append(item)
        try:
            rendered = get_renderer(fmt).render(result.document, settings.style, settings.render_options)
        except ExporterError as exc:
            item.status, item.error, item.code = "failed", exc.message, exc.code
            continue
        except Exception as exc:  # a renderer bug must fail one output, not the whole batch
            item.status, item.code = "failed", "internal"
            item.error = f"internal error in the {fmt} renderer: {type(exc).__name__}: {exc}"
            continue
        out.payloads[fmt] = rendered.data
        item.bytes = len(rendered.data)
        item.sha256 = hashlib.sha256(rendered.data).hexdigest()
        item.facts = dict(rendered.facts)
        item.warnings = list(rendered.warnings)
    if any(o.status != "ok" for o in record.outputs):
        record.status = "failed"
    return out


def write_outputs(converted: Converted) -> None:
    """Write every rendered output atomically; a failed write fails that output."""
    for item in converted.record.outputs:
        payload = converted.payloads.get(item.format)
        if payload is None:
            continue
        try:
            write_atomic(Path(item.path), payload)
        except OSError as exc:
            item.status, item.code = "failed", OutputError.code
            item.error = f"cannot write {item.path}: {exc.strerror or exc}"
            converted.record.status = "failed"


def export(
    sources: Iterable[Path],
    *,
    formats: Sequence[str],
    output_dir: Path,
    settings: Settings,
    on_done: Callable[[SourceRecord], None] | None = None,
    fail_fast: bool = False,
) -> Report:
    """Convert every source to every format under ``output_dir``; the report says what happened."""
    started = time.perf_counter()
    for fmt in formats:
        get_renderer(fmt)
    jobs = plan(list(sources), formats, output_dir)
    check_output_dir(output_dir)
    remove_stale_temps(output_dir)
    report = Report()
    for job in jobs:
        converted = convert(job, settings)
        write_outputs(converted)
        report.sources.append(converted.record)
        if on_done is not None:
            on_done(converted.record)
        if fail_fast and converted.record.status != "ok":
            break
    report.seconds = time.perf_counter() - started
    return report


def summary(report: Report) -> Mapping[str, Any]:
    """The totals of a report (for a one-line summary)."""
    totals: Mapping[str, Any] = report.to_dict()["totals"]
    return totals
