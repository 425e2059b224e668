"""Run the web application with uvicorn: its options checked, its access log on stderr."""

from __future__ import annotations

import logging
import os
import signal
import sys
from types import FrameType

from .app import Config, create_app


def default_workers() -> int:
    """One worker per CPU this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def serve(host: str, port: int, config: Config) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM stop the workers and the server cleanly)."""
    import uvicorn

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s exporter.web: %(message)s"))
    log = logging.getLogger("exporter.web")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    app = create_app(config)
    # uvicorn stops cleanly on SIGTERM, then raises the signal again for the previous handler: this one
    # makes that an ordinary exit, so the fork server's socket folder in $TMPDIR is removed at exit.
    signal.signal(signal.SIGTERM, _exit)
    uvicorn.run(
        app,
        host=host,
        port=port,
        access_log=False,  # the guard writes one line per request, without query strings or content
        log_level="info",
        server_header=False,
        timeout_graceful_shutdown=5,
    )
