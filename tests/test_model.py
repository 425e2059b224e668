"""The canonical model: JSON round-trip, schema, sanitising."""

from __future__ import annotations

import json

import msgspec
from hypothesis import given, settings
from strategies import any_text, documents, documents_v3

from exporter.model import SCHEMA_VERSION, Document, figures, from_builtins, json_schema, to_builtins, to_json
from exporter.readers.base import sanitised
from exporter.sanitize import clean_text, clean_tree


@settings(deadline=None)
@given(documents())
def test_json_round_trip_is_lossless(doc: Document) -> None:
    encoded = to_json(doc)
    assert msgspec.json.decode(encoded, type=Document) == doc
    assert from_builtins(json.loads(encoded)) == doc
    assert to_json(from_builtins(json.loads(encoded))) == encoded


@settings(deadline=None)
@given(documents())
def test_json_validates_against_the_generated_schema(doc: Document) -> None:
    import jsonschema  # imported here: collection should not pay for it

    jsonschema.validate(json.loads(to_json(doc)), json_schema())


def test_json_contract_has_the_documented_keys(sample_txt_doc: Document) -> None:
    data = to_builtins(sample_txt_doc)
    assert list(data) == ["schema", "meta", "key_points", "sections", "commentary", "resources"]
    assert data["schema"] == SCHEMA_VERSION == 3
    for key in ("title", "kicker", "date", "language", "authors", "source", "tags", "marking", "memo"):
        assert key in data["meta"]
    assert set(data["meta"]["memo"]) == {"to", "from", "cc"}
    assert all(set(s) == {"heading", "blocks", "id"} for s in data["sections"])
    assert set(data["commentary"]) == {"title", "sections"}


def test_schema_is_generated_from_the_types() -> None:
    schema = json_schema()
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(schema)
    defs = schema["$defs"]
    for node in ("Paragraph", "BulletList", "OrderedList", "Quote", "Table", "CodeBlock", "SubHeading",
                 "Text", "Emph", "Strong", "Code", "Link", "LineBreak", "Meta", "Section", "Part"):  # fmt: skip
        assert node in defs


@given(any_text)
def test_clean_text_removes_exactly_the_illegal_characters(text: str) -> None:
    cleaned, count = clean_text(text)
    assert len(cleaned) + count == len(text)
    for ch in cleaned:
        code = ord(ch)
        assert code in (9, 10, 13) or code >= 0x20
        assert not 0xD800 <= code <= 0xDFFF and code not in (0xFFFE, 0xFFFF)


def test_clean_tree_counts_every_string() -> None:
    tree = {"a": ["x\x00y", {"b": "\ud800\x0b"}], "c\x08": 3}
    cleaned, count = clean_tree(tree)
    assert cleaned == {"a": ["xy", {"b": ""}], "c": 3}
    assert count == 4


@settings(deadline=None)
@given(documents(any_text))
def test_sanitising_leaves_only_legal_text_and_reports_the_count(doc: Document) -> None:
    result = sanitised(doc, [])
    text = to_json(result.document).decode("utf-8")  # lone surrogates would fail here
    _, removed = clean_tree(to_builtins(doc))
    if removed:
        assert any(f"removed {removed} character" in w for w in result.warnings)
    else:
        assert result.warnings == () and result.document == doc
    assert clean_text(text)[1] == 0


def test_schema_1_json_still_reads_and_is_written_back_as_the_current_schema(sample_txt_doc: Document) -> None:
    from exporter.pipeline import parse

    data = to_builtins(sample_txt_doc)
    data["schema"] = 1
    document = parse(json.dumps(data), name="old.json").document
    assert document.schema == SCHEMA_VERSION
    assert document.sections == sample_txt_doc.sections


@settings(deadline=None)
@given(documents(schema2=True))
def test_schema2_nodes_round_trip_and_validate(doc: Document) -> None:
    """The schema 2 nodes (the Markdown reader's footnotes, task lists, rules ...) survive JSON and match the schema."""
    import jsonschema

    encoded = to_json(doc)
    assert from_builtins(json.loads(encoded)) == doc
    jsonschema.validate(json.loads(encoded), json_schema())


@settings(deadline=None, max_examples=40)
@given(documents_v3())
def test_figures_and_resources_round_trip_and_validate(doc: Document) -> None:
    """Schema 3: figures and the base64 resources table survive JSON, match the schema, and the reader keeps them."""
    import jsonschema

    from exporter.pipeline import parse

    encoded = to_json(doc)
    assert from_builtins(json.loads(encoded)) == doc
    jsonschema.validate(json.loads(encoded), json_schema())
    again = parse(encoded, name="doc.json").document
    assert again.resources == doc.resources
    assert [f.key for f in figures(again)] == [f.key for f in figures(doc)]
