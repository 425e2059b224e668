"""Copied as ``sitecustomize.py`` for CLI runs under test: logs file, network and process events (PEP 578).

Every Python process of the run (the CLI and any worker it starts) loads it through PYTHONPATH and appends
one JSON line per event to ``$EXPORTER_AUDIT_LOG``; the tests then check what was read, written, fetched
or executed. It does nothing when that variable is unset.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

_WATCHED = frozenset(
    {
        "open",
        "os.rename",
        "os.remove",
        "os.rmdir",
        "os.mkdir",
        "os.symlink",
        "os.link",
        "os.chmod",
        "os.chown",
        "os.truncate",
        "os.utime",
        "shutil.rmtree",
        "shutil.copyfile",
        "shutil.move",
        "socket.connect",
        "socket.bind",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.sendto",
        "urllib.Request",
        "http.client.connect",
        "ftplib.connect",
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.fork",
        "os.forkpty",
        "os.kill",
        "webbrowser.open",
        "ctypes.dlopen",
    }
)
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return os.fsdecode(value)
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value[:8]]
    return type(value).__name__


def _install(log: str) -> None:
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    inside = False

    def hook(event: str, args: tuple[Any, ...]) -> None:
        nonlocal inside
        if event not in _WATCHED or inside:
            return
        inside = True
        try:
            record: dict[str, Any] = {"pid": os.getpid(), "event": event}
            if event == "open":
                path, mode, flags = args
                if isinstance(path, int):
                    return
                path = os.path.abspath(os.fsdecode(path))
                write = any(c in (mode or "") for c in "wax+") or bool((flags or 0) & _WRITE_FLAGS)
                record.update(path=path, write=write)
            else:
                if event.startswith(("os.", "shutil.")):
                    args = tuple(os.path.abspath(os.fsdecode(a)) if isinstance(a, str | bytes) else a for a in args)
                record.update(args=[_plain(a) for a in args])
            os.write(fd, (json.dumps(record) + "\n").encode())
        finally:
            inside = False

    sys.addaudithook(hook)


if os.environ.get("EXPORTER_AUDIT_LOG"):
    _install(os.environ["EXPORTER_AUDIT_LOG"])
