"""The structural check of imported schemas: the first broken keyword, by JSON pointer."""

from __future__ import annotations

import pytest

from runware_testkit.schemagen.model import DocumentError
from runware_testkit.schemagen.schema_shape import check_schema, subschemas

from .documents import DOCUMENTS, document


@pytest.mark.parametrize("slug", DOCUMENTS)
def test_published_documents_pass(slug):
    check_schema(document(slug)["components"]["schemas"], "doc.json", "/components/schemas")


@pytest.mark.parametrize(
    ("schema", "pointer", "words"),
    [
        ([], "/s", "expected a schema (object or boolean), found a list"),
        ({"type": "text"}, "/s/type", "expected a JSON type name"),
        ({"type": ["string", "string"]}, "/s/type", "expected a JSON type name"),
        ({"minimum": "1"}, "/s/minimum", 'expected a number, found a string "1"'),
        ({"minimum": True}, "/s/minimum", "expected a number, found a boolean"),
        ({"multipleOf": 0}, "/s/multipleOf", "above 0"),
        ({"maxItems": 1.5}, "/s/maxItems", "non-negative integer"),
        ({"maxItems": -1}, "/s/maxItems", "non-negative integer"),
        ({"pattern": "(unclosed"}, "/s/pattern", "does not compile"),
        ({"enum": "a"}, "/s/enum", "expected a list"),
        ({"anyOf": []}, "/s/anyOf", "non-empty list of schemas"),
        ({"properties": []}, "/s/properties", "expected an object"),
        ({"properties": {"a/b": 1}}, "/s/properties/a~1b", "expected a schema"),
        ({"dependentRequired": {"w": "h"}}, "/s/dependentRequired/w", "unique strings"),
        ({"patternProperties": {"[": {}}}, "/s/patternProperties/[", "does not compile"),
        ({"allOf": [{"if": {"not": {"type": 3}}}]}, "/s/allOf/0/if/not/type", "JSON type"),
        ({"title": 7}, "/s/title", "expected a string"),
        ({"uniqueItems": "yes"}, "/s/uniqueItems", "true or false"),
    ],
)
def test_broken_keywords_are_named(schema, pointer, words):
    with pytest.raises(DocumentError) as info:
        check_schema(schema, "doc.json", "/s")
    assert info.value.pointer == pointer
    assert words in str(info.value)


def test_data_keywords_are_not_read_as_schemas():
    check_schema(
        {"const": {"type": 3}, "default": [1], "x-constraints": [{"minimum": "a"}]}, "d", ""
    )
    check_schema(True, "d", "")


def test_subschemas_lists_every_place_a_schema_sits():
    node = {
        "properties": {"a": {}},
        "items": {},
        "anyOf": [{}, {}],
        "not": {},
        "$defs": {"x": {}},
        "const": {},
    }
    assert [p for p, _ in subschemas(node)] == [
        "/properties/a",
        "/items",
        "/anyOf/0",
        "/anyOf/1",
        "/not",
        "/$defs/x",
    ]
