"""Where tasks run: in this process, in a local process pool, or on a Dask cluster."""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import signal
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
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


def _local(tasks: Sequence[Task], settings: Settings, workers: int) -> Iterator[Converted]:
    queue = deque(tasks)
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=_context(), initializer=_init_worker, initargs=(settings,)
    )
    running: set[Future[Converted]] = set()
    try:
        with _forking():  # the pool forks every worker at its first task
            running.add(pool.submit(_convert_in_worker, queue.popleft()))
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
