"""Plugin registries: entry-point discovery, lazy loading, clear errors for unknown or broken plugins."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib.metadata import EntryPoint, distribution

import pytest

from exporter import registry
from exporter.errors import PluginError, UsageError
from exporter.model import Document, from_builtins
from exporter.readers.base import Reader
from exporter.renderers.base import Renderer, RenderOptions
from exporter.style import Style


@pytest.fixture
def fresh_registry() -> Iterator[None]:
    caches = (registry.reader_targets, registry.renderer_targets, registry.get_reader, registry.get_renderer)
    for cache in caches:
        cache.cache_clear()
    yield
    for cache in caches:
        cache.cache_clear()


def test_installed_entry_points_are_registered(fresh_registry: None) -> None:
    assert {"txt", "md", "json"} <= set(registry.reader_targets())
    assert "json" in registry.renderer_targets()
    for name in registry.reader_targets():
        assert isinstance(registry.get_reader(name), Reader)
    assert isinstance(registry.get_renderer("json"), Renderer)


def test_installed_distribution_declares_every_builtin() -> None:
    """pyproject.toml's entry points, as installed, name exactly the built-ins, and each one loads.

    The registry falls back to its built-in table, so without this a broken entry point would go unnoticed
    here and break only for tools that read the distribution's metadata.
    """
    dist = distribution("exporter")
    declared = {(ep.group, ep.name): ep for ep in dist.entry_points}
    expected = {("exporter.readers", n): t for n, t in registry._BUILTIN_READERS.items()} | {
        ("exporter.renderers", n): t for n, t in registry._BUILTIN_RENDERERS.items()
    }
    plugin_groups = {
        key: ep.value for key, ep in declared.items() if key[0] in ("exporter.readers", "exporter.renderers")
    }
    assert plugin_groups == expected
    for (group, name), ep in declared.items():
        if group == "console_scripts":
            assert callable(ep.load()), name
            continue
        if group not in ("exporter.readers", "exporter.renderers"):
            continue
        loaded = ep.load()
        instance = loaded() if isinstance(loaded, type) else loaded
        assert isinstance(instance, Reader if group == "exporter.readers" else Renderer), (group, name)
    assert ("console_scripts", "exporter") in declared


def test_readers_are_chosen_by_extension() -> None:
    assert registry.reader_for("a.TXT") is registry.get_reader("txt")
    assert registry.reader_for("b.markdown") is registry.get_reader("md")
    assert registry.reader_for("c.json") is registry.get_reader("json")
    assert registry.reader_for("d.docx") is registry.get_reader("docx")
    assert registry.reader_for("e.odt") is None
    assert {".txt", ".md", ".json", ".docx", ".docm", ".dotx"} <= registry.source_extensions()


def test_unknown_names_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="unknown format 'nope'"):
        registry.get_renderer("nope")
    with pytest.raises(UsageError, match="unknown source format"):
        registry.get_reader("nope")


class ShoutRenderer:
    """A third-party renderer used to prove the entry-point group is honoured."""

    name = "shout"
    extension = ".shout"
    media_type = "text/plain"

    def render(self, document: Document, style: Style, options: RenderOptions) -> object:
        from exporter.renderers.base import RenderResult

        return RenderResult(data=document.meta.title.upper().encode())


def test_third_party_renderer_and_broken_plugin(
    fresh_registry: None, monkeypatch: pytest.MonkeyPatch, default_style: Style
) -> None:
    def fake_entry_points(group: str) -> list[EntryPoint]:
        if group == "exporter.renderers":
            return [
                EntryPoint("shout", f"{__name__}:ShoutRenderer", group),
                EntryPoint("broken", f"{__name__}:DoesNotExist", group),
            ]
        return []

    monkeypatch.setattr(registry, "entry_points", fake_entry_points)
    assert {"shout", "broken", "json"} <= set(registry.renderer_targets())
    doc = from_builtins({"meta": {"title": "quiet", "date": "2025-01-01"}})
    assert registry.get_renderer("shout").render(doc, default_style, RenderOptions()).data == b"QUIET"
    with pytest.raises(PluginError, match="broken"):
        registry.get_renderer("broken")


def test_json_renderer_writes_the_model(sample_txt_doc: Document, default_style: Style) -> None:
    result = registry.get_renderer("json").render(sample_txt_doc, default_style, RenderOptions())
    assert from_builtins(json.loads(result.data)) == sample_txt_doc
