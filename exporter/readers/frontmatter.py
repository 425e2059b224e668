"""YAML front matter: decide whether a source has it (pandoc's rule), split it off, load it safely (no aliases)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..errors import MetadataError

_MAX_FRONT_MATTER = 64 * 1024


@cache
def _loader() -> Any:
    """A safe loader that refuses aliases, so an alias bomb cannot expand into a huge structure."""
    import yaml  # imported on the first front matter: most plain-text sources have none

    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise MetadataError(
                    f"front matter line {event.start_mark.line + 2}: YAML aliases (*name) are not supported"
                )
            return super().compose_node(parent, index)

    return NoAliasLoader


@dataclass(frozen=True)
class Top:
    """The top of a text source: its front matter fields (empty when it has none), the body, and warnings."""

    fields: dict[str, Any]
    body: str
    warnings: tuple[str, ...] = ()


def _fence(line: str) -> str:
    return line.rstrip(" \t")


def split_front_matter(text: str, *, is_field: Callable[[object], bool], strict: bool = False) -> Top:
    """Split off front matter the way pandoc decides it; anything else stays Markdown (or text) as it is.

    A ``---`` line is front matter only at the very top, when the next line is not blank, when a ``---`` or
    ``...`` line closes it, and when its content is a YAML mapping with at least one known field (``is_field``).
    A mapping of unknown keys only, or content that is not valid YAML, stays text with a warning naming why
    (``strict``: a ``MetadataError``); a scalar or a list (``---`` / ``Foo`` / ``---`` is a setext heading) is text.
    """
    if not text.startswith("---"):
        return Top({}, text)
    lines = text.split("\n")
    if _fence(lines[0]) != "---" or len(lines) < 2 or not lines[1].strip():
        return Top({}, text)
    close = next((i for i in range(1, len(lines)) if _fence(lines[i]) in ("---", "...")), None)
    if close is None:
        return Top({}, text)
    block = "\n".join(lines[1:close])
    try:
        data = load_yaml(block)
    except MetadataError as exc:
        return _not_front_matter(text, exc.message, strict)
    if not isinstance(data, dict) or not data:
        return Top({}, text)
    if not any(is_field(key) for key in data):
        keys = ", ".join(f"`{key}`" for key in data)
        return _not_front_matter(text, f"none of its keys is a known field ({keys})", strict)
    return Top(data, "\n".join(lines[close + 1 :]))


def _not_front_matter(text: str, why: str, strict: bool) -> Top:
    if strict:
        raise MetadataError(f"the --- block at the top is not front matter: {why} (without --strict it is Markdown)")
    return Top({}, text, (f"the --- block at the top is read as Markdown, not as front matter: {why}",))


def load_yaml(block: str) -> Any:
    """Load a front-matter block with PyYAML's safe loader (None when empty); ``MetadataError`` when it cannot."""
    if len(block) > _MAX_FRONT_MATTER:
        raise MetadataError("front matter is larger than 64 KiB")
    import yaml

    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None and "*" not in block:
        # libyaml parses ten times faster; without a `*` there is no alias to refuse. Whatever it cannot load
        # goes to the pure-Python loader below, which words the error (and the nesting limit) as always.
        try:
            return yaml.load(block, Loader=fast)
        except (yaml.YAMLError, RecursionError):
            pass
    try:
        data = yaml.load(block, Loader=_loader())
    except MetadataError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = exc.problem or str(exc)
        raise MetadataError(f"front matter is not valid YAML{where}: {problem}") from None
    except yaml.YAMLError as exc:
        raise MetadataError(f"front matter is not valid YAML: {exc}") from None
    except RecursionError:
        raise MetadataError("front matter is nested too deeply") from None
    return data
