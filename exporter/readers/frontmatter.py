"""YAML front matter: split it off a text source and load it safely (no tags, no aliases)."""

from __future__ import annotations

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


def split_front_matter(text: str) -> tuple[dict[str, Any], str, int]:
    """Return (front matter mapping, the rest of the text, lines taken by the front matter)."""
    if not (text.startswith("---\n") or text.rstrip("\n") == "---"):
        return {}, text, 0
    lines = text.split("\n")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            block = "\n".join(lines[1:index])
            rest = "\n".join(lines[index + 1 :])
            return load_yaml(block), rest, index + 1
    raise MetadataError("front matter starts with --- but has no closing --- line")


def load_yaml(block: str) -> dict[str, Any]:
    """Load a front-matter block with PyYAML's safe loader; it must be a mapping (or empty)."""
    if len(block) > _MAX_FRONT_MATTER:
        raise MetadataError("front matter is larger than 64 KiB")
    import yaml

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
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise MetadataError("front matter must be a mapping of fields (key: value)")
    return data
