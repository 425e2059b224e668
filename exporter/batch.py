"""Many sources to many outputs: planning, conversion in workers, atomic writes in the parent, the report."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal

from .conversion import Converted, OutputRecord, Settings, SourceRecord, Task
from .errors import OutputError, UsageError
from .executors import run_tasks
from .fsio import read_bytes, remove_stale_temps, sync_all, write_atomic
from .images import FileLoader
from .incremental import Entry, Manifest, output_stamp, run_key, source_name
from .model import default_date
from .paths import SourceItem, check_output_dir, collect_sources, output_path
from .registry import get_renderer, source_extensions

__all__ = [
    "Converted",
    "ExecutorName",
    "Job",
    "OutputRecord",
    "Report",
    "Settings",
    "SourceRecord",
    "Task",
    "default_jobs",
    "export",
    "plan",
    "plan_one",
    "split_tasks",
    "write_outputs",
]

ExecutorName = Literal["local", "dask"]
"""Where conversions run: a local process pool, or a Dask cluster."""

STDOUT = Path("-")
"""The output path recorded for an output written to stdout."""

# The PDF costs several times the other formats: it goes first and alone when formats are split.
_COST = {"pdf": 10, "docx": 2, "epub": 1}


@dataclass(frozen=True)
class Job:
    """One source and the output path of each requested format."""

    source: Path
    outputs: tuple[tuple[str, Path], ...]


@dataclass
class Report:
    """The outcome of an export run."""

    sources: list[SourceRecord] = field(default_factory=list)
    seconds: float = 0.0
    planned: int = 0
    settings: dict[str, Any] = field(default_factory=dict)
    up_to_date: list[str] = field(default_factory=list)
    """Sources an incremental run left alone: their outputs were up to date."""
    orphans: list[str] = field(default_factory=list)
    """Outputs the manifest records for sources that no longer exist (an incremental run lists, never deletes)."""

    @property
    def failed(self) -> int:
        """Sources with at least one failure."""
        return sum(1 for s in self.sources if s.status != "ok")

    @property
    def ok(self) -> bool:
        """True when every planned source was converted (or up to date) and every output written."""
        return self.failed == 0 and len(self.sources) + len(self.up_to_date) == self.planned

    def totals(self) -> dict[str, Any]:
        """The counts of the report's ``totals`` (what the summary line prints), without copying the records."""
        outputs = [o for s in self.sources for o in s.outputs]
        done = len(self.sources)
        return {
            "sources": self.planned,
            "converted": done - self.failed,
            "failed": self.failed,
            "up_to_date": len(self.up_to_date),
            "skipped": self.planned - done - len(self.up_to_date),
            "outputs_written": sum(1 for o in outputs if o.status == "ok"),
            "outputs_failed": sum(1 for o in outputs if o.status != "ok"),
            "bytes": sum(o.bytes for o in outputs),
            "seconds": round(self.seconds, 3),
            "articles_per_second": round(done / self.seconds, 2) if self.seconds > 0 else 0.0,
        }

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data, with totals."""
        return {
            "totals": self.totals(),
            "settings": self.settings,
            "sources": [_reported(s) for s in self.sources],
            "up_to_date": self.up_to_date,
            "orphans": self.orphans,
        }


def _reported(record: SourceRecord) -> dict[str, Any]:
    # The traceback is for -v on a terminal; the report keeps the one-line error and its code.
    data = {name: _copied(getattr(record, name)) for name in _SOURCE_FIELDS}
    data["outputs"] = [{name: _copied(getattr(o, name)) for name in _OUTPUT_FIELDS} for o in record.outputs]
    return data


_SOURCE_FIELDS = tuple(f.name for f in dataclasses.fields(SourceRecord) if f.name != "traceback")
_OUTPUT_FIELDS = tuple(f.name for f in dataclasses.fields(OutputRecord) if f.name != "traceback")
_SCALARS = (str, int, float, bool, type(None))


def _copied(value: Any) -> Any:
    """``value`` copied as ``dataclasses.asdict`` copies a field, in fewer steps for the JSON-like data of a record."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, list):
        return [_copied(item) for item in value]
    if isinstance(value, dict):
        return {_copied(key): _copied(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(_copied(item) for item in value)
    return asdict(_Box(value))["value"]  # anything else (a named tuple, a set): asdict's own copy


@dataclass
class _Box:
    """One value, for ``asdict`` to copy the rare kinds ``_copied`` leaves to it."""

    value: Any


def plan(
    sources: Sequence[Path], formats: Sequence[str], output_dir: Path, extensions: frozenset[str] | None = None
) -> list[Job]:
    """Map sources to output paths; two sources meeting at one output path are an error."""
    # Plugins are looked up only when a directory has to be searched for every known extension.
    if extensions is None:
        extensions = source_extensions() if any(p.is_dir() for p in sources) else frozenset()
    items: list[SourceItem] = collect_sources(list(sources), extensions)
    seen: dict[str, Path] = {}
    jobs: list[Job] = []
    resolved: dict[Path, Path] = {}
    for item in items:
        outputs = []
        for fmt in formats:
            target = output_path(output_dir, item.stem, get_renderer(fmt).extension, resolved)
            key = str(target).casefold()
            if key in seen and seen[key] != item.path:
                raise OutputError(f"{seen[key]} and {item.path} would both be written to {target}")
            seen[key] = item.path
            outputs.append((fmt, target))
        jobs.append(Job(item.path, tuple(outputs)))
    return jobs


def split_tasks(jobs: Sequence[Job], workers: int) -> list[Task]:
    """One task per job; when jobs are fewer than workers, a job's formats are spread over them."""
    tasks: list[Task] = []
    for index, job in enumerate(jobs):
        formats = tuple(fmt for fmt, _ in job.outputs)
        share = max(1, workers // max(1, len(jobs)))
        if share < 2 or len(formats) < 2:
            tasks.append(Task(index, job.source, formats))
            continue
        groups: list[list[str]] = [[] for _ in range(min(share, len(formats)))]
        for fmt in sorted(formats, key=lambda f: -_COST.get(f, 1)):
            min(groups, key=lambda g: sum(_COST.get(f, 1) for f in g)).append(fmt)
        tasks.extend(Task(index, job.source, tuple(g)) for g in groups)
    return tasks


def _merge(job: Job, parts: list[Converted]) -> Converted:
    """Join the parts of a job split over workers into one record, outputs in the requested order."""
    first = parts[0]
    record = SourceRecord(source=str(job.source), warnings=list(first.record.warnings))
    failed = next((p.record for p in parts if p.record.error), None)
    if failed is not None:
        record.status, record.error, record.code = "failed", failed.error, failed.code
        record.traceback = failed.traceback
        return Converted(first.index, record)
    by_format = {o.format: o for p in parts for o in p.record.outputs}
    payloads = {fmt: data for p in parts for fmt, data in p.payloads.items()}
    for fmt, target in job.outputs:
        item = by_format[fmt]
        item.path = str(target)
        record.outputs.append(item)
    if any(o.status != "ok" for o in record.outputs):
        record.status = "failed"
    return Converted(first.index, record, payloads)


def write_outputs(converted: Converted, stdout: BinaryIO | None = None, *, durable: bool = False) -> int:
    """Write every rendered output atomically (or to ``stdout`` when given); a failed write fails that output.

    ``durable`` flushes each file to disk before its rename; returns the count of files written.
    """
    written = 0
    for item in converted.record.outputs:
        payload = converted.payloads.get(item.format)
        if payload is None:
            continue
        try:
            if stdout is not None:
                stdout.write(payload)
                stdout.flush()
            else:
                write_atomic(Path(item.path), payload, durable=durable)
                written += 1
        except OSError as exc:
            item.status, item.code = "failed", OutputError.code
            item.error = f"cannot write {item.path}: {exc.strerror or exc}"
            converted.record.status = "failed"
    return written


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def plan_one(sources: Sequence[Path], formats: Sequence[str], target: Path | None) -> Job:
    """The one job of a run writing one file (``target``), or to stdout (None): one source file, one format."""
    where = str(target) if target is not None else "stdout"
    if len(formats) != 1:
        raise UsageError(f"writing to {where} takes exactly one format, not {len(formats)} ({', '.join(formats)})")
    if len(sources) != 1 or sources[0].is_dir():
        given = f"{len(sources)} sources" if len(sources) != 1 else "a directory"
        raise UsageError(f"writing to {where} takes exactly one source file, not {given}")
    return Job(sources[0], ((formats[0], target if target is not None else STDOUT),))


def export(
    sources: Sequence[Path],
    *,
    formats: Sequence[str],
    output_dir: Path | None = None,
    output_file: Path | None = None,
    stdout: BinaryIO | None = None,
    settings: Settings,
    jobs: int = 1,
    executor: ExecutorName = "local",
    scheduler: str | None = None,
    on_done: Callable[[SourceRecord], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    fail_fast: bool = False,
    durable: bool = False,
    incremental: bool = False,
    force: bool = False,
) -> Report:
    """Convert every source to every format under ``output_dir``; the report says what happened.

    Instead of ``output_dir``, ``output_file`` or ``stdout`` (a binary stream) takes the one output of one
    source file in one format. Workers read and render; only this process writes, each file atomically, and
    the run ends with one ``os.sync()`` (``durable`` instead flushes each file and its directory as written).

    ``incremental`` skips the sources whose outputs the output directory's manifest shows up to date (see
    exporter/incremental.py); ``force`` rebuilds them all and records them anew.
    """
    started = time.perf_counter()
    if sum(x is not None for x in (output_dir, output_file, stdout)) != 1:
        raise UsageError("export() writes to exactly one of output_dir, output_file or stdout")
    if incremental and output_dir is None:
        where = "stdout" if output_file is None else f"one file ({output_file})"
        raise UsageError(
            f"--incremental needs an output directory (its manifest records what is up to date), not {where}"
        )
    if force and not incremental:
        raise UsageError("--force goes with --incremental")
    for fmt in formats:
        get_renderer(fmt)
    if output_dir is not None:
        job_list = plan(list(sources), formats, output_dir)
        check_output_dir(output_dir)
        remove_stale_temps(output_dir)
    else:
        job_list = [plan_one(list(sources), formats, output_file)]
        if output_file is not None:
            if output_file.is_dir():
                raise OutputError(f"output file {output_file} is a directory")
            remove_stale_temps(output_file.parent, output_file.name)
    # Undated sources get one date, fixed here, so every worker (on any machine) agrees on it.
    if settings.read_options.today is None:
        options = dataclasses.replace(settings.read_options, today=default_date())
        settings = dataclasses.replace(settings, read_options=options)
    report = Report(planned=len(job_list), settings=_describe(formats, settings, jobs, executor))
    manifest: Manifest | None = None
    key = ""
    if incremental and output_dir is not None:
        manifest = Manifest.load(output_dir)
        key = _run_key(formats, settings)
        report.orphans = manifest.orphans()
        if not force:
            fresh = _up_to_date(manifest, job_list, key, settings)
            report.up_to_date = [str(job.source) for job in job_list if job.source in fresh]
            job_list = [job for job in job_list if job.source not in fresh]
    workers = max(1, min(jobs, len(job_list) * len(formats)))
    tasks = split_tasks(job_list, workers)
    parts_left = {i: 0 for i in range(len(job_list))}
    for task in tasks:
        parts_left[task.index] += 1
    if on_start is not None:
        on_start(len(job_list))
    pending: dict[int, list[Converted]] = {}
    results: dict[int, SourceRecord] = {}
    written = 0
    recorded = False
    stream: Iterator[Converted] = (
        run_tasks(tasks, settings, workers=workers, executor=executor, scheduler=scheduler) if tasks else iter(())
    )
    try:
        for part in stream:
            pending.setdefault(part.index, []).append(part)
            if len(pending[part.index]) < parts_left[part.index]:
                continue
            parts = pending.pop(part.index)
            converted = _merge(job_list[part.index], parts)
            written += write_outputs(converted, stdout, durable=durable)
            if manifest is not None:
                _record(manifest, key, job_list[part.index], converted, parts)
                recorded = True
            results[part.index] = converted.record
            if on_done is not None:
                on_done(converted.record)
            if fail_fast and converted.record.status != "ok":
                break
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()
        # Also when interrupted: the manifest then records the sources finished so far, and only those.
        if manifest is not None and (recorded or manifest.damaged or not manifest.path.exists()):
            manifest.save(durable=durable)
        if written and not durable and stdout is None:
            sync_all()
    report.sources = [results[i] for i in sorted(results)]
    report.seconds = time.perf_counter() - started
    return report


def _run_key(formats: Sequence[str], settings: Settings) -> str:
    read = dict(asdict(dataclasses.replace(settings.read_options, loader=None, today=None)))
    render = {fmt: _plain(asdict(options)) for fmt, options in settings.render_options.items() if fmt in formats}
    return run_key(formats, settings.style, read, render, settings.max_input_bytes)


def _up_to_date(manifest: Manifest, jobs: Sequence[Job], key: str, settings: Settings) -> set[Path]:
    """The sources whose outputs the manifest shows made from their current inputs by a run like this one."""
    options = settings.read_options
    today = options.today.isoformat() if options.today is not None else ""
    fresh = set()
    for job in jobs:
        formats = [fmt for fmt, _ in job.outputs]
        if manifest.up_to_date(
            job.source,
            key,
            formats,
            today,
            lambda path: read_bytes(path, max_input_bytes=settings.max_input_bytes),
            lambda path: FileLoader(path.parent, options.resource_paths),
            settings.max_input_bytes,
        ):
            fresh.add(job.source)
    return fresh


def _record(manifest: Manifest, key: str, job: Job, converted: Converted, parts: list[Converted]) -> None:
    """Record a converted source in the manifest; a failed one is dropped (it is rebuilt next time)."""
    name = source_name(job.source)
    inputs = parts[0].inputs
    stamps = {item.format: output_stamp(Path(item.path)) for item in converted.record.outputs}
    if converted.record.status != "ok" or inputs is None or any(stamp is None for stamp in stamps.values()):
        manifest.entries.pop(name, None)
        return
    touched = {ref: value for p in parts if p.inputs is not None for ref, value in p.inputs.touched.items()}
    outputs = {fmt: stamp for fmt, stamp in stamps.items() if stamp is not None}
    manifest.entries[name] = Entry(key, inputs.source, touched, inputs.today, outputs)


def _describe(formats: Sequence[str], settings: Settings, jobs: int, executor: str) -> dict[str, Any]:
    return {
        "formats": list(formats),
        "style": settings.style.name,
        "style_path": settings.style.path,
        "jobs": jobs,
        "executor": executor,
        "options": {fmt: _plain(asdict(options)) for fmt, options in settings.render_options.items() if fmt in formats},
    }


def _plain(options: dict[str, Any]) -> dict[str, Any]:
    # Bytes (a reference document) are reported by size and digest, not inlined into the JSON report.
    return {
        key: {"bytes": len(value), "sha256": hashlib.sha256(value).hexdigest()} if isinstance(value, bytes) else value
        for key, value in options.items()
    }
