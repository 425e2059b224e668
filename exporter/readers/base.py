"""What every reader shares: options, result, decoding, and turning a draft into a Document."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import msgspec

from ..errors import EncodingError, MetadataError, ParseError
from ..images import Loader, Picture
from ..model import (
    Document,
    Memo,
    Meta,
    Paragraph,
    Part,
    Section,
    Source,
    default_date,
    from_builtins,
    to_builtins,
)
from ..present.detect import detect
from ..present.language import is_language_tag, parse_language
from ..sanitize import clean_text, clean_tree, may_need_cleaning
from .frontmatter import split_front_matter
from .smart import quotes_for, smarten_text

DEFAULT_MAX_INPUT_BYTES = 16 * 1024 * 1024
"""Largest source accepted unless ``--max-input-bytes`` says otherwise (16 MiB)."""

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}.*)?$")


@dataclass(frozen=True)
class ReadOptions:
    """How to read a source: language override, strictness, metadata overrides, typography."""

    lang: str | None = None
    strict: bool = False
    overrides: Mapping[str, Any] = field(default_factory=dict)
    today: datetime.date | None = None
    smart: bool | None = None
    """Typographic quotes and dashes in the document language (``--smart``); None: as the style's ``[text] smart``
    says where a style is known (a batch, ``inspect``), else off."""
    resource_paths: tuple[str, ...] = ()
    """Folders added with ``--resource-path``: searched for images after the source's folder, and allowed."""
    loader: Loader | None = None
    """Where a reader gets image bytes: a ``FileLoader`` for a source file (built by the layer that knows its
    path), a ``MemoryLoader`` for text given in code; None: no image file can be read (each keeps its alt text)."""
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    """``--max-input-bytes``: a packaged source (DOCX) may expand to ten times this, no more."""


@dataclass(frozen=True)
class ReadResult:
    """A document and the warnings met while reading it."""

    document: Document
    warnings: tuple[str, ...] = ()


@runtime_checkable
class Reader(Protocol):
    """A source format: pure bytes in, document out."""

    name: str
    extensions: tuple[str, ...]

    def read(self, data: bytes, *, name: str, options: ReadOptions) -> ReadResult:
        """Parse ``data`` (the bytes of a file called ``name``) into a document."""
        ...


@dataclass
class Draft:
    """A document under construction by a reader, before metadata and sanitising."""

    meta: dict[str, Any] = field(default_factory=dict)
    key_points: list[Paragraph] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    commentary: Part | None = None
    warnings: list[str] = field(default_factory=list)
    removed: int = 0
    resources: list[Picture] = field(default_factory=list)


# --- bytes to text ----------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """Decode UTF-8 (BOM optional) or UTF-16 with BOM; normalise line ends to LF."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise EncodingError("UTF-32 is not supported; save the file as UTF-8")
    try:
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        text = data.decode("utf-16") if utf16 else data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.encoding.startswith("utf-16"):
            raise EncodingError(f"invalid UTF-16 at byte offset {exc.start}") from None
        bad = data[exc.start]
        raise EncodingError(f"not UTF-8: byte 0x{bad:02X} at offset {exc.start} (save the file as UTF-8)") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def require_text(text: str) -> None:
    """Raise when a source holds no visible text."""
    if not text.strip():
        raise ParseError("the source is empty")


# --- language and dates -----------------------------------------------------------------------


def detect_language(text: str) -> str:
    """The language ``text`` is written in (``exporter.present.detect``), without its warning."""
    return detect(text).language


# --- metadata ---------------------------------------------------------------------------------

_ALIASES = {
    "author": "authors",
    "lang": "language",
    "keywords": "tags",
    "description": "summary",
    "classification": "marking",
    "id": "identifier",
    "url": "source_url",
    "headline": "title",
}
_KNOWN = {
    "title", "kicker", "date", "authors", "language", "tags", "summary", "marking",
    "identifier", "source", "source_url", "to", "from", "cc", "memo",
}  # fmt: skip


def _field_name(key: str) -> str:
    name = key.strip().lower()
    return _ALIASES.get(name, name)


def is_field(key: object) -> bool:
    """Whether ``key`` names a metadata field (``author`` and the other aliases included, any case)."""
    return isinstance(key, str) and _field_name(key) in _KNOWN


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a yes/no value ({str(value).lower()}); quote it to keep it as text"
    if isinstance(value, int | float):
        return "a number; quote it to keep it as text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, datetime.date):
        return "a date; quote it to keep it as text"
    return type(value).__name__


def _text(key: str, value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    raise MetadataError(f"metadata field `{key}` must be text, got {_kind(value)}")


def _text_list(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        parts = value.split(",") if key == "tags" else [value]
        return tuple(p.strip() for p in parts if p.strip())
    if isinstance(value, list):
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise MetadataError(f"metadata field `{key}[{i}]` must be text, got {_kind(item)}")
            if item.strip():
                out.append(item.strip())
        return tuple(out)
    raise MetadataError(f"metadata field `{key}` must be text or a list of text, got {_kind(value)}")


def _people(key: str, value: Any) -> str:
    return "; ".join(_text_list(key, value))


def parse_date(key: str, value: Any) -> datetime.date:
    """Accept a YAML date, a datetime (taken in UTC) or an ISO ``YYYY-MM-DD`` string."""
    if isinstance(value, datetime.datetime):
        moment: datetime.datetime = value
        if moment.tzinfo is not None:
            moment = moment.astimezone(datetime.UTC)
        return moment.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DATE.match(text):
            try:
                if len(text) == 10:
                    return datetime.date.fromisoformat(text)
                return parse_date(key, datetime.datetime.fromisoformat(text.replace("Z", "+00:00")))
            except ValueError:
                pass
        raise MetadataError(f"metadata field `{key}` must be a date like 2025-02-08, not {value!r}")
    raise MetadataError(f"metadata field `{key}` must be a date like 2025-02-08, got {_kind(value)}")


def _unknown(message: str, strict: bool, warnings: list[str]) -> None:
    if strict:
        raise MetadataError(message)
    warnings.append(message + " (ignored)")


def normalise_meta(raw: Mapping[str, Any], *, strict: bool, where: str) -> tuple[dict[str, Any], list[str]]:
    """Validate loose metadata (front matter or ``--set``) into Meta fields; return it and warnings."""
    meta: dict[str, Any] = {}
    warnings: list[str] = []
    memo: dict[str, str] = {}
    source: dict[str, str] = {}
    for raw_key, value in raw.items():
        if not isinstance(raw_key, str):
            raise MetadataError(f"{where}: keys must be text, got {_kind(raw_key)}")
        key = _field_name(raw_key)
        if key not in _KNOWN:
            _unknown(f"{where}: unknown field `{raw_key}`", strict, warnings)
            continue
        if key in ("title", "kicker", "summary", "marking", "identifier"):
            meta[key] = _text(raw_key, value)
        elif key == "language":
            lang = _text(raw_key, value)
            if not is_language_tag(lang):
                raise MetadataError(f"metadata field `{raw_key}` must be a language tag like en or ja-JP, not {lang!r}")
            meta[key] = parse_language(lang).tag
        elif key == "date":
            meta[key] = parse_date(raw_key, value)
        elif key in ("authors", "tags"):
            meta[key] = _text_list(raw_key, value)
        elif key in ("to", "from", "cc"):
            memo[key] = _people(raw_key, value)
        elif key == "memo":
            if not isinstance(value, dict):
                raise MetadataError(f"metadata field `memo` must be a mapping with to/from/cc, got {_kind(value)}")
            for sub, subvalue in value.items():
                if sub not in ("to", "from", "cc"):
                    _unknown(f"{where}: unknown field `memo.{sub}`", strict, warnings)
                    continue
                memo[sub] = _people(f"memo.{sub}", subvalue)
        elif key == "source":
            if isinstance(value, dict):
                for sub, subvalue in value.items():
                    if sub not in ("name", "url"):
                        _unknown(f"{where}: unknown field `source.{sub}`", strict, warnings)
                        continue
                    source[sub] = _text(f"source.{sub}", subvalue)
            else:
                source["name"] = _text(raw_key, value)
        elif key == "source_url":
            source["url"] = _text(raw_key, value)
    if memo:
        meta["memo"] = memo
    if source:
        meta["source"] = source
    return meta, warnings


def merge_meta(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Overlay metadata fields; ``memo`` and ``source`` merge field by field."""
    out = dict(base)
    for key, value in extra.items():
        if key in ("memo", "source") and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def language_option(tag: str) -> str:
    """The ``--lang`` tag in canonical case (``en-GB``); raises ``MetadataError`` when it is not a tag."""
    if not is_language_tag(tag):
        raise MetadataError(f"--lang must be a language tag like en or ja-JP, not {tag!r}")
    return parse_language(tag).tag


def document_language(
    meta: Mapping[str, Any], body_text: str, options: ReadOptions, warnings: list[str] | None = None
) -> str:
    """The document's language: ``--lang``, else ``--set language``, else the metadata's, else detected.

    A detection that had to guess (too little text, no detector) adds its warning to ``warnings``.
    """
    if options.lang:
        return language_option(options.lang)
    for key, value in options.overrides.items():
        if isinstance(key, str) and _field_name(key) == "language":
            return str(normalise_meta({key: value}, strict=True, where="--set")[0]["language"])
    if meta.get("language"):
        return str(meta["language"])
    found = detect(body_text)
    if found.warning and warnings is not None:
        warnings.append(found.warning)
    return found.language


def finish(draft: Draft, *, body_text: str, name: str, options: ReadOptions) -> ReadResult:
    """Apply overrides, defaults and language; sanitise every string; validate the result."""
    warnings = list(draft.warnings)
    meta = dict(draft.meta)
    if options.overrides:
        override_meta, override_warnings = normalise_meta(options.overrides, strict=True, where="--set")
        warnings.extend(override_warnings)
        meta = merge_meta(meta, override_meta)
    if not meta.get("title"):
        stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "Untitled"
        meta["title"] = stem
        warnings.append(f"no title found; using the file name {stem!r}")
    meta.setdefault("date", default_date(options.today))
    meta["language"] = document_language(meta, body_text, options, warnings)
    document = Document(
        meta=Meta(
            title=meta["title"],
            date=meta["date"],
            kicker=meta.get("kicker", ""),
            language=meta["language"],
            authors=tuple(meta.get("authors", ())),
            source=Source(**meta.get("source", {})),
            tags=tuple(meta.get("tags", ())),
            summary=meta.get("summary", ""),
            marking=meta.get("marking", ""),
            memo=Memo(**{("from_" if k == "from" else k): v for k, v in meta.get("memo", {}).items()}),
            identifier=meta.get("identifier", ""),
        ),
        key_points=tuple(draft.key_points),
        sections=tuple(draft.sections),
        commentary=draft.commentary,
        resources=tuple(draft.resources),
    )
    return sanitised(document, warnings, already_removed=draft.removed)


def sanitised(document: Document, warnings: list[str], *, already_removed: int = 0) -> ReadResult:
    """Remove XML-illegal characters from every string and report how many went."""
    removed = 0
    # The walk over every string costs most of a large read; the encoded model tells first whether it is needed.
    if may_need_cleaning(document):
        cleaned, removed = clean_tree(to_builtins(document))
        if removed:
            try:
                document = from_builtins(cleaned)
            except msgspec.ValidationError as exc:  # pragma: no cover - cleaning keeps types
                raise ParseError(f"invalid document after cleaning: {exc}") from None
    removed += already_removed
    if removed:
        warnings.append(
            f"removed {removed} character(s) that documents cannot hold "
            "(control characters, U+FFFE/U+FFFF, lone surrogates)"
        )
    return ReadResult(document=document, warnings=tuple(warnings))


def begin_text_source(data: bytes, options: ReadOptions) -> tuple[Draft, str]:
    """Decode and sanitise a text source, split off its front matter; return the draft and the body."""
    # Sanitising the whole text first means parsers never see characters a document cannot hold.
    text, removed = clean_text(decode(data))
    require_text(text)
    top = split_front_matter(text, is_field=is_field, strict=options.strict)
    draft = Draft(removed=removed)
    draft.meta, warnings = normalise_meta(top.fields, strict=options.strict, where="front matter")
    draft.warnings = [*top.warnings, *warnings]
    require_text(top.body)
    if options.smart:
        quotes = quotes_for(document_language(draft.meta, top.body, options))
        for key in _SMART_FIELDS:
            if key in draft.meta:
                draft.meta[key] = smarten_text(draft.meta[key], quotes)
    return draft, top.body


_SMART_FIELDS = ("title", "kicker", "summary")
"""Front-matter fields that are prose, made smart with the body (names and identifiers are left as written)."""
