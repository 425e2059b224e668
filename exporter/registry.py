"""Plugin registries for readers and renderers, keyed by name and loaded lazily."""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import import_module
from importlib.util import find_spec
from pathlib import PurePath
from typing import Any

from .errors import PluginError, UsageError
from .readers.base import Reader
from .renderers.base import Renderer

# Built-ins double as a fallback when the package runs from a checkout without being installed.
_BUILTIN_READERS = {
    "txt": "exporter.readers.plaintext:PlainTextReader",
    "md": "exporter.readers.markdown:MarkdownReader",
    "json": "exporter.readers.json:JsonReader",
    "html": "exporter.readers.html:HtmlReader",
    "docx": "exporter.readers.docx:DocxReader",
}
_BUILTIN_RENDERERS = {
    "json": "exporter.renderers.json:JsonRenderer",
    "docx": "exporter.renderers.docx:DocxRenderer",
    "pdf": "exporter.renderers.pdf:PdfRenderer",
    "epub": "exporter.renderers.epub:EpubRenderer",
}

# The extensions of the built-in readers, so picking a reader by file name imports nothing.
_BUILTIN_EXTENSIONS = {
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".json": "json",
    ".docx": "docx", ".docm": "docx", ".dotx": "docx",
}  # fmt: skip
_BUILTIN_EXTENSIONS |= {".html": "html", ".htm": "html", ".xhtml": "html"}


def entry_points(group: str) -> list[Any]:
    """The installed entry points of ``group`` (importlib.metadata is imported only when asked)."""
    from importlib.metadata import entry_points as installed

    return list(installed(group=group))


def _targets(group: str, builtin: dict[str, str]) -> dict[str, str]:
    # Plugins add names; a built-in name always means the built-in, so using one never scans plugins.
    found = {ep.name: ep.value for ep in entry_points(group) if ep.name not in builtin}
    return {**builtin, **found}


def _load(kind: str, name: str, target: str) -> Any:
    module_name, _, attr = target.partition(":")
    try:
        obj = import_module(module_name)
        for part in attr.split("."):
            obj = getattr(obj, part)
        return obj() if isinstance(obj, type) else obj
    except Exception as exc:  # a broken plugin must not bring down the CLI with a traceback
        raise PluginError(f"the {kind} {name!r} ({target}) cannot be loaded: {type(exc).__name__}: {exc}") from None


@lru_cache(maxsize=1)
def reader_targets() -> dict[str, str]:
    """Reader names and their ``module:Class`` targets."""
    return _targets("exporter.readers", _BUILTIN_READERS)


@lru_cache(maxsize=1)
def renderer_targets() -> dict[str, str]:
    """Renderer names and their ``module:Class`` targets, only those whose module is present."""
    found = _targets("exporter.renderers", _BUILTIN_RENDERERS)
    out = {}
    for name, target in found.items():
        module_name = target.partition(":")[0]
        try:
            present = find_spec(module_name) is not None
        except (ImportError, ValueError):
            present = False
        if present:
            out[name] = target
    return out


@cache
def get_reader(name: str) -> Reader:
    """The reader registered under ``name``."""
    targets = _BUILTIN_READERS if name in _BUILTIN_READERS else reader_targets()
    if name not in targets:
        raise UsageError(f"unknown source format {name!r} (known: {', '.join(sorted(reader_targets()))})")
    reader: Reader = _load("reader", name, targets[name])
    return reader


@cache
def get_renderer(name: str) -> Renderer:
    """The renderer registered under ``name``; imports only that renderer."""
    targets = _BUILTIN_RENDERERS if name in _BUILTIN_RENDERERS else renderer_targets()
    if name not in targets:
        raise UsageError(f"unknown format {name!r} (available: {', '.join(sorted(renderer_targets()))})")
    renderer: Renderer = _load("renderer", name, targets[name])
    return renderer


def format_for_output(path: str) -> str | None:
    """The format whose renderer writes files with the extension of ``path``, or None."""
    suffix = PurePath(path).suffix.lower()
    if not suffix:
        return None
    # Built-ins first, so a usual name never imports plugins; a plugin that cannot load matches nothing.
    for names in (list(_BUILTIN_RENDERERS), [n for n in renderer_targets() if n not in _BUILTIN_RENDERERS]):
        for name in names:
            try:
                if get_renderer(name).extension.lower() == suffix:
                    return name
            except PluginError:
                continue
    return None


def reader_for(filename: str) -> Reader | None:
    """The reader for a file name by its extension, or None when no reader takes it."""
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix in _BUILTIN_EXTENSIONS:
        return get_reader(_BUILTIN_EXTENSIONS[suffix])
    for name in reader_targets():
        if name not in _BUILTIN_READERS and suffix in get_reader(name).extensions:
            return get_reader(name)
    return None


def source_extensions() -> frozenset[str]:
    """Every file extension some reader takes."""
    exts = set(_BUILTIN_EXTENSIONS)
    for name in reader_targets():
        if name not in _BUILTIN_READERS:
            exts.update(get_reader(name).extensions)
    return frozenset(exts)
