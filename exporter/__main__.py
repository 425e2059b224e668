"""The console-script entry point (also ``python -m exporter``): Ctrl-C at any moment is one clean exit 130."""

from __future__ import annotations

import signal
import sys
from typing import NoReturn


def _interrupted() -> NoReturn:
    sys.stderr.write("exporter: interrupted\n")
    sys.stderr.flush()
    raise SystemExit(130)


def run() -> NoReturn:
    """Import the command line and run it; a Ctrl-C while it starts or stops is handled like one while it works."""
    try:
        # The command line's imports take a good part of a second: an interruption there is no traceback either.
        from .cli import main

        code = main()
    except KeyboardInterrupt:
        _interrupted()
    # Everything is written: a Ctrl-C from here on must not turn a finished run into a traceback at exit.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(code)


if __name__ == "__main__":
    run()
