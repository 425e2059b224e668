"""Finding sources and mapping them to safe output paths inside the output directory."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import InputError, OutputError

# Bidi controls as well: "a\u202etxt.exe" would display as "aexe.txt" in a file manager.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
_MAX_COMPONENT_BYTES = 200


@dataclass(frozen=True)
class SourceItem:
    """A source file and the relative path (without extension) its outputs are named after."""

    path: Path
    stem: PurePosixPath


def safe_component(name: str) -> str:
    """A file-name component that is valid on Linux, macOS and Windows and never ``..``."""
    text = unicodedata.normalize("NFC", name)
    text = _UNSAFE.sub("_", text).strip().rstrip(". ")
    if not text or set(text) <= {"."}:
        text = "_"
    if _RESERVED.match(text):
        text = "_" + text
    encoded = text.encode("utf-8")
    if len(encoded) > _MAX_COMPONENT_BYTES:
        text = encoded[:_MAX_COMPONENT_BYTES].decode("utf-8", "ignore").rstrip(". ")
    return text


def collect_sources(arguments: list[Path], extensions: frozenset[str]) -> list[SourceItem]:
    """Expand files and directories (recursively, hidden entries skipped) into source items."""
    items: list[SourceItem] = []
    for arg in arguments:
        if arg.is_dir():
            found = []
            for root, dirs, files in os.walk(arg):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for file in sorted(files):
                    if file.startswith(".") or Path(file).suffix.lower() not in extensions:
                        continue
                    path = Path(root) / file
                    rel = path.relative_to(arg).with_suffix("")
                    found.append(SourceItem(path, PurePosixPath(*rel.parts)))
            if not found:
                known = ", ".join(sorted(extensions))
                raise InputError(f"{arg}: no source files ({known}) in this directory")
            items.extend(found)
        else:
            items.append(SourceItem(arg, PurePosixPath(arg.stem or arg.name)))
    return items


def output_path(
    output_dir: Path, stem: PurePosixPath, extension: str, resolved_dirs: dict[Path, Path] | None = None
) -> Path:
    """The output path for a source stem; every component made safe, always inside ``output_dir``.

    ``resolved_dirs`` remembers the folders resolved for one plan (a batch of thousands shares a few folders).
    """
    parts = [safe_component(p) for p in stem.parts if p not in ("", ".", "..")] or ["_"]
    parts[-1] = parts[-1] + extension
    target = output_dir.joinpath(*parts)
    known = {} if resolved_dirs is None else resolved_dirs
    for folder in (output_dir, target.parent):
        if folder not in known:
            known[folder] = folder.resolve()
    root = known[output_dir]
    # A safe component is a plain name: only a symbolic link by that name can move the file elsewhere.
    resolved = target.resolve() if target.is_symlink() else known[target.parent] / target.name
    if root != resolved and root not in resolved.parents:
        raise OutputError(f"output path {target} would leave the output directory")
    return target


def check_output_dir(output_dir: Path) -> None:
    """Create the output directory if missing; refuse a file, a symlink or a read-only directory."""
    if output_dir.is_symlink():
        raise OutputError(f"output directory {output_dir} is a symbolic link; give the real directory")
    if output_dir.exists() and not output_dir.is_dir():
        raise OutputError(f"output directory {output_dir} is not a directory")
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create output directory {output_dir}: {exc.strerror}") from None
    # Root passes os.access() on a read-only directory, so the mode bits are checked as well.
    if not os.access(output_dir, os.W_OK | os.X_OK) or not output_dir.stat().st_mode & 0o222:
        raise OutputError(f"output directory {output_dir} is not writable")
