"""Incremental batches: the manifest in the output directory and the test that a source's outputs are up to date."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .fsio import write_atomic
from .images import FileLoader, Loader

MANIFEST = ".exporter-manifest.json"
"""The manifest's file name in the output directory."""
FORMAT = 1
"""The manifest's layout version: a manifest of another version is rebuilt from scratch."""
MISSING = "missing"
"""What a touched file's digest is recorded as when it could not be read (its appearing later is a change)."""


def digest(data: bytes) -> str:
    """The SHA-256 of ``data`` in hex."""
    return hashlib.sha256(data).hexdigest()


class RecordingLoader:
    """A loader that remembers each file a read asked for, by reference, with the digest of what it got."""

    def __init__(self, inner: Loader) -> None:
        self.inner = inner
        self.touched: dict[str, str] = {}

    def load(self, reference: str, max_bytes: int) -> bytes:
        """The inner loader's bytes for ``reference`` (its refusal, too), recorded."""
        try:
            data: bytes = self.inner.load(reference, max_bytes)
        except Exception:
            self.touched[reference] = MISSING
            raise
        self.touched[reference] = digest(data)
        return data


def touched_again(loader: FileLoader, touched: Mapping[str, str], max_bytes: int) -> bool:
    """Whether every file a read touched still resolves to the same bytes (or is still missing)."""
    for reference, known in touched.items():
        try:
            now = digest(loader.load(reference, max_bytes))
        except Exception:
            now = MISSING
        if now != known:
            return False
    return True


def plugin_versions() -> list[tuple[str, str, str]]:
    """The installed reader and renderer plugins: name, target and distribution version."""
    from .registry import entry_points

    out = []
    for group in ("exporter.readers", "exporter.renderers"):
        for ep in entry_points(group):
            dist = getattr(ep, "dist", None)
            out.append((f"{group}:{ep.name}", ep.value, getattr(dist, "version", "") or ""))
    return sorted(out)


def run_key(
    formats: Sequence[str],
    style: Any,
    read_options: Mapping[str, Any],
    render_options: Mapping[str, Any],
    max_input_bytes: int,
) -> str:
    """The digest of everything besides a source that its outputs depend on (today's date apart).

    The resolved style is hashed with the bytes it loaded (custom fonts, logo); the options with the
    reference document's bytes; the exporter's and every plugin's version.
    """
    parts = {
        "exporter": __version__,
        "plugins": plugin_versions(),
        "formats": list(formats),
        "style": digest(pickle.dumps(style, protocol=5)),
        "style_files": style_files(style),
        "read": read_options,
        "render": render_options,
        "max_input_bytes": max_input_bytes,
    }
    return digest(json.dumps(parts, sort_keys=True, default=str).encode())


def style_files(style: Any) -> dict[str, str]:
    """The digest of each file a style names, as it is on disk now (the style holds them as it processed them)."""
    out = {}
    for name in (style.path, style.brand.logo, style.docx.reference):
        if name:
            try:
                out[name] = digest(Path(name).read_bytes())
            except OSError:
                out[name] = MISSING
    return out


@dataclass
class Entry:
    """What one source's outputs were made from, and the files they are (size and modification time)."""

    key: str
    """The run key (see ``run_key``) of the run that made them."""
    source: str
    """The SHA-256 of the source's bytes."""
    touched: dict[str, str] = field(default_factory=dict)
    date: str = ""
    """The document's date when it was today's (an undated source): another day rebuilds it."""
    outputs: dict[str, list[Any]] = field(default_factory=dict)
    """Format → [path, size, mtime_ns]: an output replaced or removed since is a change."""


def output_stamp(path: Path) -> list[Any] | None:
    """[path, size, mtime_ns] of an output file, or None when it is not a regular file."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [os.path.abspath(path), info.st_size, info.st_mtime_ns]


class Manifest:
    """The ``.exporter-manifest.json`` of an output directory: one entry per source (by absolute path)."""

    def __init__(self, directory: Path, entries: dict[str, Entry] | None = None) -> None:
        self.path = directory / MANIFEST
        self.entries: dict[str, Entry] = entries or {}
        self.damaged = False

    @classmethod
    def load(cls, directory: Path) -> Manifest:
        """The manifest of ``directory``; an absent or damaged one is empty (so everything is rebuilt)."""
        found = cls(directory)
        try:
            raw = json.loads(found.path.read_bytes())
            if raw.get("format") != FORMAT:
                raise ValueError("another manifest format")
            found.entries = {name: Entry(**value) for name, value in raw["entries"].items()}
            for entry in found.entries.values():
                if not (isinstance(entry.key, str) and isinstance(entry.outputs, dict)):
                    raise ValueError("malformed entry")
        except FileNotFoundError:
            pass
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            found.entries, found.damaged = {}, True
        return found

    def save(self, *, durable: bool = False) -> None:
        """Write the manifest atomically."""
        data = {"format": FORMAT, "entries": {name: asdict(entry) for name, entry in sorted(self.entries.items())}}
        write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True).encode() + b"\n", durable=durable)

    def up_to_date(
        self,
        source: Path,
        key: str,
        formats: Sequence[str],
        today: str,
        read: Callable[[Path], bytes],
        loader: Callable[[Path], FileLoader],
        max_bytes: int,
    ) -> bool:
        """Whether ``source``'s outputs in ``formats`` were made by a run with ``key`` from its current inputs."""
        entry = self.entries.get(source_name(source))
        if entry is None or entry.key != key or (entry.date and entry.date != today):
            return False
        for fmt in formats:
            stamp = entry.outputs.get(fmt)
            if stamp is None or output_stamp(Path(stamp[0])) != stamp:
                return False
        try:
            if digest(read(source)) != entry.source:
                return False
        except Exception:
            return False
        return touched_again(loader(source), entry.touched, max_bytes)

    def orphans(self) -> list[str]:
        """Outputs recorded for sources that no longer exist."""
        return sorted(
            stamp[0]
            for name, entry in self.entries.items()
            if not os.path.lexists(name)
            for stamp in entry.outputs.values()
        )


def source_name(source: Path) -> str:
    """A source's key in the manifest: its absolute path."""
    return os.path.abspath(source)
