"""Where image bytes come from: the source's folder and --resource-path folders, or a name → bytes map.

A ``FileLoader`` looks a relative name up in the source's folder, then in each ``--resource-path``
folder in order (as pandoc does); every one of those folders is also an allowed root. The file's real
path (symbolic links resolved) must lie inside one of the roots, so a link that points outside is refused.
The file is then opened one component at a time from the root with ``O_NOFOLLOW``, so a link swapped in
after the check cannot lead the open outside either; a FIFO or device is refused without blocking.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Protocol

from .limits import amount
from .reference import local_path
from .refusal import ImageRefused

StrPath = str | os.PathLike[str]
"""A folder given as a string or a path."""

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class Loader(Protocol):
    """Anything that turns an image reference into bytes, or raises ``ImageRefused`` with the reason."""

    def load(self, reference: str, max_bytes: int) -> bytes:
        """The bytes ``reference`` names; refuse a file larger than ``max_bytes`` before reading it whole."""
        ...


def _too_large(size: int, max_bytes: int) -> ImageRefused:
    return ImageRefused(f"{size:,} bytes is over the limit of {amount(max_bytes)} per image")


class MemoryLoader:
    """Images given as a mapping of relative names to bytes, for the Python API and workers without files."""

    def __init__(self, files: Mapping[str, bytes] | None = None) -> None:
        self._files: dict[str, bytes] = {}
        for name, data in (files or {}).items():
            try:
                key = str(local_path(name))
            except ImageRefused as exc:
                raise ValueError(f"MemoryLoader: {name!r} is not a usable image name: {exc.reason}") from None
            if key in self._files:
                raise ValueError(f"MemoryLoader: {name!r} names the same image as another entry")
            self._files[key] = bytes(data)

    def load(self, reference: str, max_bytes: int) -> bytes:
        """The bytes given for ``reference`` (names compare as normalised relative paths)."""
        data = self._files.get(str(local_path(reference)))
        if data is None:
            raise ImageRefused("no image of that name was given")
        if len(data) > max_bytes:
            raise _too_large(len(data), max_bytes)
        return data


class FileLoader:
    """Images read from the source's folder and the ``--resource-path`` folders, never from outside them."""

    def __init__(self, source_dir: StrPath, resource_paths: Iterable[StrPath] = ()) -> None:
        # The roots are the user's choice, so a root that is itself a symbolic link is followed once, here.
        self.roots = tuple(dict.fromkeys(os.path.realpath(p) for p in (source_dir, *resource_paths)))

    def load(self, reference: str, max_bytes: int) -> bytes:
        """The bytes of the first file the reference names under a root; refuse one that leads outside."""
        parts = local_path(reference).parts
        for root in self.roots:
            candidate = os.path.join(root, *parts)
            if not os.path.lexists(candidate):
                continue
            real = os.path.realpath(candidate)
            home = next((r for r in self.roots if _inside(real, r)), None)
            if home is None:
                raise ImageRefused("it is a symbolic link to a file outside the allowed folders")
            return _read_beneath(home, Path(real).relative_to(home).parts, max_bytes)
        where = "the source's folder" + (" or the --resource-path folders" if len(self.roots) > 1 else "")
        raise ImageRefused(f"no such file in {where}")


def _inside(path: str, root: str) -> bool:
    try:
        return os.path.commonpath([path, root]) == root
    except ValueError:  # different drives on Windows
        return False


def _read_beneath(root: str, parts: tuple[str, ...], max_bytes: int) -> bytes:
    """Read ``root/parts…`` with no symbolic link followed on the way, at most ``max_bytes``."""
    if not parts:
        raise ImageRefused("it names a folder, not a file")
    try:
        fd = _open_beneath(root, parts)
    except OSError as exc:
        raise _os_refusal(exc) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ImageRefused("it names a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise ImageRefused("it is not a regular file (a device, FIFO or socket)")
        if info.st_size > max_bytes:
            raise _too_large(info.st_size, max_bytes)
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise _os_refusal(exc) from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # the file grew after fstat
        raise _too_large(len(data), max_bytes)
    return data


def _open_beneath(root: str, parts: tuple[str, ...]) -> int:
    final = os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC
    if os.open not in os.supports_dir_fd or not _NOFOLLOW:
        # No openat (Windows): the realpath check above is all the containment there is.
        return os.open(os.path.join(root, *parts), final | getattr(os, "O_BINARY", 0))
    fd = os.open(root, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    try:
        for part in parts[:-1]:
            inner = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=fd)
            os.close(fd)
            fd = inner
        return os.open(parts[-1], final, dir_fd=fd)
    finally:
        os.close(fd)


def _os_refusal(exc: OSError) -> ImageRefused:
    if exc.errno == errno.ELOOP or exc.errno == errno.ENOTDIR:
        # The real path had no link when it was checked: one appeared since (or a folder became a file).
        return ImageRefused("the path changed while it was opened (a symbolic link appeared); refused")
    if exc.errno == errno.ENOENT:
        return ImageRefused("no such file (it went away while it was opened)")
    return ImageRefused(f"cannot read it: {exc.strerror or exc}")
