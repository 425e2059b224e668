"""Where tasks run: in this process, in a local process pool, or on a Dask cluster."""

from __future__ import annotations

import contextlib
import gc
import importlib
import multiprocessing
import signal
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

from .conversion import Converted, Settings, Task, convert, read_task
from .errors import ExporterError, UsageError
from .readers.base import ReadResult

_SETTINGS: Settings | None = None
# Tasks kept in flight per worker: enough to keep workers busy, few enough to bound memory.
_WINDOW_PER_WORKER = 4
_CAN_BLOCK = hasattr(signal, "pthread_sigmask")


def _init_worker(settings: Settings) -> None:
    """Keep the settings for every task of this worker; leave Ctrl-C to the parent."""
    global _SETTINGS
    _SETTINGS = settings
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _CAN_BLOCK:
        # Forked with SIGINT blocked (see _forking): a Ctrl-C that came meanwhile is dropped now, not raised.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextlib.contextmanager
def _forking() -> Iterator[None]:
    """Block SIGINT in this thread while workers are forked from it.

    A forked worker inherits the parent's Python handler until its initializer ignores SIGINT; a Ctrl-C to the
    process group in between would print a worker traceback. Blocked, it waits: the workers then drop it,
    and this process receives it as KeyboardInterrupt once the block is lifted.
    """
    if not _CAN_BLOCK:
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _convert_in_worker(task: Task) -> Converted:
    assert _SETTINGS is not None
    return convert(task, _SETTINGS)


def _serial(tasks: Sequence[Task], settings: Settings) -> Iterator[Converted]:
    for task in tasks:
        yield convert(task, settings)


def _context() -> Any:
    # fork starts workers in milliseconds with the parent's imports; spawn where fork is missing, and once
    # this process has run the Typst engine (a forked worker would wait forever for Typst's threads).
    methods = multiprocessing.get_all_start_methods()
    typst = sys.modules.get("exporter.renderers.typst.engine")
    forked_typst_hangs = typst is not None and typst.used_here()
    return multiprocessing.get_context("fork" if "fork" in methods and not forked_typst_hangs else "spawn")


_WARM_PROSE = "A paragraph of English prose that says nothing, so that the readers and renderers load what they need."
_WARM_SAMPLES = {
    ".md": f"""---
title: "Warm-up: a memo that is never written"
date: 2025-02-08
author: exporter
---

# Warm-up

## Key points

- One point, with a [link](https://example.org/) and "quotes".

## Section

{_WARM_PROSE}
""",
    ".txt": f"Warm-up: a memo that is never written\nOne point.\n\nSection\n{_WARM_PROSE}\n",
}
"""Small articles converted in the parent before the workers are forked (``_warm``), by source kind."""


def _warm(tasks: Sequence[Task], settings: Settings) -> None:
    """Convert a small article in this process, so that forked workers start with what every conversion loads.

    Imports, the style's fonts and cmaps, the memo's base package: each worker would otherwise load them
    itself, once per worker instead of once per batch. Nothing is written; a failure here is left to the tasks.
    """
    formats = tuple(dict.fromkeys(fmt for task in tasks for fmt in task.formats))
    pdf = settings.render_options.get("pdf")
    if (getattr(pdf, "engine", None) or settings.style.pdf.engine) == "typst":
        # A process that ran Typst cannot fork workers that use it (see _context): the PDF is left cold.
        formats = tuple(fmt for fmt in formats if fmt != "pdf")
    kinds = sorted({task.source.suffix.lower() for task in tasks} & set(_WARM_SAMPLES)) or [".md"]
    for kind in kinds:
        with contextlib.suppress(Exception):
            convert(Task(-1, Path(f"warm{kind}"), formats, data=_WARM_SAMPLES[kind].encode()), settings)
        formats = ()  # one conversion warms the renderers; the other samples only their reader


def _local(tasks: Sequence[Task], settings: Settings, workers: int) -> Iterator[Converted]:
    queue = deque(tasks)
    context = _context()
    forked = context.get_start_method() == "fork"
    if forked and len(tasks) > workers:
        # Only when every worker will run several tasks: the warm-up then replaces work each would repeat.
        _warm(tasks, settings)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(settings,))
    running: set[Future[Converted]] = set()
    try:
        if forked:
            # What exists now is never collected in a worker, so its collector leaves those pages shared.
            gc.freeze()
        try:
            with _forking():  # the pool forks every worker at its first task
                running.add(pool.submit(_convert_in_worker, queue.popleft()))
        finally:
            if forked:
                gc.unfreeze()
        while queue or running:
            while queue and len(running) < workers * _WINDOW_PER_WORKER:
                running.add(pool.submit(_convert_in_worker, queue.popleft()))
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _dask(tasks: Sequence[Task], settings: Settings, workers: int, scheduler: str | None) -> Iterator[Converted]:
    try:
        # Imported as a plain module object: distributed ships no complete type hints.
        distributed: Any = importlib.import_module("distributed")
    except ImportError:
        raise UsageError("--executor dask needs the dask extra: pip install 'exporter[dask]'") from None
    cluster = None
    if scheduler:
        client = distributed.Client(scheduler)
    else:
        cluster = distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        )
        client = distributed.Client(cluster)
    try:
        remote_settings = client.scatter(settings, broadcast=True)
        futures = []
        read: dict[int, ReadResult] = {}
        for task in tasks:
            # Workers need no shared filesystem: the source is read here, its images with it (the model
            # carries their bytes), and only rendering is sent; the bytes come back.
            try:
                if task.index not in read:
                    read[task.index] = read_task(task, settings)
            except ExporterError:
                yield convert(task, settings)  # the same error, found here without a round trip
                continue
            shipped = Task(task.index, task.source, task.formats, read=read[task.index])
            futures.append(client.submit(convert, shipped, remote_settings, pure=False))
        for future in distributed.as_completed(futures):
            yield future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_tasks(
    tasks: Sequence[Task], settings: Settings, *, workers: int, executor: str = "local", scheduler: str | None = None
) -> Iterator[Converted]:
    """Run every task and yield each result as it completes (in any order)."""
    if executor == "dask":
        return _dask(tasks, settings, workers, scheduler)
    if executor != "local":
        raise UsageError(f"unknown executor {executor!r} (local or dask)")
    if workers <= 1 or len(tasks) <= 1:
        return _serial(tasks, settings)
    return _local(tasks, settings, workers)
