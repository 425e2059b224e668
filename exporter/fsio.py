"""Filesystem access for the CLI and batch layer: bounded reads, atomic writes, recognisable temp files."""

from __future__ import annotations

import glob
import os
import secrets
import stat
from pathlib import Path

from .errors import InputError
from .readers.base import DEFAULT_MAX_INPUT_BYTES

TEMP_MARK = ".exporter-tmp-"
"""Part of every temp file name, so a leftover from a killed run is recognisable."""


def read_bytes(path: Path, *, max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> bytes:
    """Read a regular file of at most ``max_input_bytes``; refuse directories, FIFOs and devices."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError("no such file") from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise InputError("not a regular file (a device, FIFO or socket)")
    if info.st_size > max_input_bytes:
        raise InputError(f"{info.st_size} bytes is larger than --max-input-bytes ({max_input_bytes})")
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_input_bytes + 1)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}") from None
    if len(data) > max_input_bytes:
        raise InputError(f"larger than --max-input-bytes ({max_input_bytes})")
    return data


def temp_path_for(target: Path) -> Path:
    """A fresh temp path in the target's own directory (same filesystem, so rename is atomic)."""
    return target.with_name(f".{target.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")


def write_atomic(target: Path, data: bytes, *, durable: bool = False) -> None:
    """Write ``data`` to ``target`` through a temp file and ``os.replace``; never leave a partial file.

    The rename alone makes the file whole or absent for any reader; ``durable`` also makes it survive a power
    loss: the file is flushed to disk before its rename and its directory after (a batch calls ``sync_all`` once).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_path_for(target)
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    if durable:
        sync_directory(target.parent)


def sync_directory(directory: Path) -> None:
    """Flush a directory's entries (a rename in it) to disk, where the platform allows opening a directory."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover - Windows cannot open a directory
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some filesystems refuse fsync on a directory
        pass
    finally:
        os.close(fd)


def sync_all() -> None:
    """Flush every written file to disk once (the end of a batch that did not fsync each file)."""
    sync = getattr(os, "sync", None)
    if sync is not None:
        sync()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temps(directory: Path, name: str | None = None) -> int:
    """Delete temp files left by killed runs below ``directory`` (only those of file ``name`` when given)."""
    removed = 0
    if not directory.is_dir():
        return 0
    # For one named file only its own directory is looked at: -o /tmp/brief.pdf must not walk all of /tmp.
    found = directory.glob(f".{glob.escape(name)}{TEMP_MARK}*") if name else directory.rglob(f".*{TEMP_MARK}*")
    for path in found:
        pid_text = path.name.rsplit(TEMP_MARK, 1)[-1].split("-", 1)[0]
        # A temp file of another run that is still going belongs to that run.
        if pid_text.isdigit() and _alive(int(pid_text)):
            continue
        if path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
            removed += 1
    return removed
