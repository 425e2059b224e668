"""Reader for the model's own JSON, validated against the types with errors naming the path."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import msgspec

from ..errors import ParseError
from ..images import DEFAULT_LIMITS, Budget, ImageError, ImageRefused, Picture
from ..images.verify import verify
from ..model import READABLE_SCHEMAS, SCHEMA_VERSION, Document, default_date, figures, from_builtins, to_builtins
from ..sanitize import clean_tree
from .base import (
    ReadOptions,
    ReadResult,
    decode,
    document_language,
    merge_meta,
    normalise_meta,
    require_text,
    sanitised,
)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ParseError(f"JSON object has the key {key!r} twice")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ParseError(f"JSON holds {name}, which is not a number JSON allows")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > 18:
        raise ParseError(f"JSON holds an integer with {len(text.lstrip('-'))} digits; at most 18 are allowed")
    return int(text)


def _bounded_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ParseError(f"JSON number {text[:20]} is out of range")
    return value


def _unknown_paths(raw: Any, known: Any, path: str = "$") -> list[str]:
    """Keys present in the input but not in the model's re-encoding of it."""
    found: list[str] = []
    if isinstance(raw, dict) and isinstance(known, dict):
        for key, value in raw.items():
            if key not in known:
                found.append(f"{path}.{key}")
            else:
                found.extend(_unknown_paths(value, known[key], f"{path}.{key}"))
    elif isinstance(raw, list) and isinstance(known, list):
        for index, (a, b) in enumerate(zip(raw, known, strict=False)):
            found.extend(_unknown_paths(a, b, f"{path}[{index}]"))
    return found


class JsonReader:
    """The model's own JSON (``.json``), as ``exporter inspect`` prints it."""

    name = "json"
    extensions = (".json",)

    def read(self, data: bytes, *, name: str, options: ReadOptions) -> ReadResult:
        """Parse and validate a document in the model's JSON form."""
        text = decode(data)
        require_text(text)
        try:
            raw = json.loads(
                text,
                object_pairs_hook=_no_duplicates,
                parse_constant=_no_constant,
                parse_int=_bounded_int,
                parse_float=_bounded_float,
            )
        except json.JSONDecodeError as exc:
            raise ParseError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
        except RecursionError:
            raise ParseError("JSON is nested too deeply") from None
        if not isinstance(raw, dict):
            raise ParseError("JSON must be an object with `schema`, `meta` and the document parts")
        schema = raw.get("schema", SCHEMA_VERSION)
        if isinstance(schema, bool) or schema not in READABLE_SCHEMAS:
            readable = ", ".join(str(v) for v in sorted(READABLE_SCHEMAS))
            raise ParseError(f"JSON `schema` is {schema!r}; this version reads schema {readable}")
        cleaned, removed = clean_tree(raw)
        # Older schemas are subsets of this one: read them as this version (what inspect will write back).
        cleaned["schema"] = SCHEMA_VERSION
        meta = cleaned.get("meta")
        if isinstance(meta, dict) and "date" not in meta:
            meta["date"] = default_date(options.today).isoformat()
        try:
            document = from_builtins(cleaned)
        except msgspec.ValidationError as exc:
            raise ParseError(f"invalid document: {exc}") from None
        except RecursionError:
            raise ParseError("JSON is nested too deeply") from None
        warnings: list[str] = []
        for path in _unknown_paths(cleaned, to_builtins(document)):
            message = f"unknown field `{path}`"
            if options.strict:
                raise ParseError(message)
            warnings.append(message + " (ignored)")
        document = _checked_resources(document, warnings, strict=options.strict)
        # A document that names no language has the reader detect it, as the text readers do.
        named = isinstance(meta, dict) and bool(meta.get("language"))
        document = _apply_options(document, options, warnings, detect=not named)
        return sanitised(document, warnings, already_removed=removed)


def _checked_resources(document: Document, warnings: list[str], *, strict: bool) -> Document:
    """The document with only resources that pass the image checks and that a figure shows.

    A refused resource is one warning (an error when strict); its figures keep their alt text.
    """
    if not document.resources and not any(f.key for f in figures(document)):
        return document
    shown = {f.key for f in figures(document) if f.key}
    budget = Budget(DEFAULT_LIMITS)
    kept: list[Picture] = []
    seen: set[str] = set()
    for picture in document.resources:
        if picture.key in seen:
            continue
        seen.add(picture.key)
        try:
            verify(picture, DEFAULT_LIMITS)
            budget.charge(picture.key, len(picture.data))
        except ImageRefused as exc:
            message = f"resource {picture.key[:16]}: {exc.reason}; its figures keep their alt text"
            if strict:
                raise ImageError(message) from None
            warnings.append(message)
            continue
        if picture.key in shown:
            kept.append(picture)
        else:
            warnings.append(f"resource {picture.key[:16]} is shown by no figure (left out)")
    for key in sorted(shown - seen):
        message = f"no resource has the key {key[:16]}: its figures keep their alt text"
        if strict:
            raise ImageError(message)
        warnings.append(message)
    if len(kept) == len(document.resources):
        return document
    data = to_builtins(document)
    data["resources"] = [msgspec.to_builtins(p) for p in kept]
    return from_builtins(data)


_PROSE = frozenset({"title", "kicker", "summary", "heading", "text", "alt"})
"""The fields that hold the document's prose (not names, tags, URLs, keys or the JSON's own words)."""


def _prose(value: Any, key: str = "") -> Iterator[str]:
    """Every prose string of a document's builtins, in reading order."""
    if isinstance(value, str):
        if key in _PROSE:
            yield value
    elif isinstance(value, dict):
        for name, item in value.items():
            if name != "resources":
                yield from _prose(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _prose(item, key)


def _apply_options(document: Document, options: ReadOptions, warnings: list[str], *, detect: bool) -> Document:
    """The document with ``--set`` and ``--lang`` applied, and its language detected when it names none.

    Detection's warning (too little text to tell, no detector) goes to ``warnings``.
    """
    if not options.overrides and not options.lang and not detect:
        return document
    meta = msgspec.to_builtins(document.meta)
    if detect:
        meta["language"] = ""
    if options.overrides:
        extra, _ = normalise_meta(options.overrides, strict=True, where="--set")
        meta = merge_meta(meta, msgspec.to_builtins(extra))
    text = "\n".join(_prose(to_builtins(document)))
    meta["language"] = document_language(meta, text, options, warnings)
    data = to_builtins(document)
    data["meta"] = meta
    return from_builtins(data)
