"""Worker processes for web conversions: a bounded queue, a time limit, and a killed worker replaced."""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
from multiprocessing.connection import Connection
from typing import Any

import anyio.to_thread

from .work import Job, Outcome, run

JOBS_PER_WORKER = 200
"""Conversions before a worker is replaced by a fresh one, so what a library keeps cached cannot pile up."""


class Busy(Exception):
    """Every worker is busy and the queue is full."""


class TimedOut(Exception):
    """A conversion ran past the time limit (its worker was killed)."""


class WorkerLost(Exception):
    """A worker died during a conversion (killed from outside, out of memory)."""


def _serve(conn: Connection) -> None:
    """A worker's loop: a job in, its outcome out, until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(run(job))


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, context: Any) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True, name="exporter-web-worker")
        self.process.start()
        child.close()
        self.jobs = 0

    def call(self, job: Job, timeout: float) -> Outcome:
        """Run ``job`` in this worker and wait at most ``timeout`` seconds (blocking: call it from a thread)."""
        self.jobs += 1
        try:
            self.conn.send(job)
            if not self.conn.poll(timeout):
                raise TimedOut
            outcome: Outcome = self.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            raise WorkerLost from exc
        return outcome

    def stop(self) -> None:
        """Kill the process and close the pipe."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class Pool:
    """``workers`` processes, at most ``queue`` requests waiting for one, ``timeout`` seconds per conversion."""

    def __init__(self, workers: int, queue: int, timeout: float) -> None:
        self.size, self.queue, self.timeout = workers, queue, timeout
        # forkserver: workers fork from a clean single-threaded process with the renderers preloaded, not
        # from the server with its threads and event loop.
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["exporter.web.preload"])
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._workers: list[_Worker] = []
        self._pending = 0

    def pids(self) -> list[int]:
        """The process ids of the live workers (the benchmark reads their memory)."""
        return [w.process.pid for w in self._workers if w.process.pid is not None]

    async def start(self) -> None:
        """Start the workers (they fork in a thread: starting the fork server takes a moment)."""
        for _ in range(self.size):
            worker = await anyio.to_thread.run_sync(_Worker, self._context)
            self._workers.append(worker)
            self._idle.put_nowait(worker)

    async def close(self) -> None:
        """Stop every worker."""
        for worker in self._workers:
            await anyio.to_thread.run_sync(worker.stop)
        self._workers.clear()

    async def run(self, job: Job) -> Outcome:
        """Run ``job`` in a free worker; ``Busy`` when the queue is full, ``TimedOut`` past the limit."""
        if self._pending >= self.size + self.queue:
            raise Busy
        self._pending += 1
        try:
            worker = await self._idle.get()
            try:
                return await anyio.to_thread.run_sync(worker.call, job, self.timeout, abandon_on_cancel=False)
            except (TimedOut, WorkerLost):
                worker = await self._replace(worker)
                raise
            finally:
                if worker.jobs >= JOBS_PER_WORKER:
                    worker = await self._replace(worker)
                self._idle.put_nowait(worker)
        finally:
            self._pending -= 1

    async def _replace(self, worker: _Worker) -> _Worker:
        await anyio.to_thread.run_sync(worker.stop)
        fresh = await anyio.to_thread.run_sync(_Worker, self._context)
        self._workers[self._workers.index(worker)] = fresh
        return fresh
