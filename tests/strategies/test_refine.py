"""Narrowing schemas: conjoin, exclude and finite value sets, checked against jsonschema."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from runware_testkit.strategies.refine import (
    UnsupportedSchema,
    accepts,
    conjoin,
    exclude,
    finite_values,
)
from runware_testkit.strategies.schema_walk import compile_schema

DURATION = {
    "type": ["integer", "string"],
    "default": 5,
    "oneOf": [{"type": "integer", "minimum": 4, "maximum": 30}, {"const": "auto"}],
}
FRAME = {"oneOf": [{"const": "first"}, {"const": "last"}, {"const": 0}, {"const": -1}]}
FRAME_ITEMS = {
    "anyOf": [
        {"type": "string", "anyOf": [{"format": "uuid"}, {"format": "uri"}]},
        {
            "type": "object",
            "properties": {"image": {"type": "string", "minLength": 1}, "frame": FRAME},
            "required": ["image"],
            "additionalProperties": False,
        },
    ]
}
NOT_LAST = {
    "not": {
        "type": "object",
        "properties": {"frame": {"enum": ["last", -1]}},
        "required": ["frame"],
        "additionalProperties": True,
    }
}


def test_finite_values_keep_json_types_apart_and_put_the_default_first():
    values = finite_values(DURATION)
    assert values[0] == 5
    assert set(values[1:]) == set(range(4, 31)) - {5} | {"auto"}
    assert finite_values({"enum": [0, False, 1, True]}) == [0, False, 1, True]
    assert finite_values({"type": "boolean"}) == [False, True]
    assert finite_values({"type": "integer", "minimum": 0}) is None
    assert finite_values({"type": "string"}) is None


def test_conjoin_narrows_finite_and_open_domains():
    assert conjoin(DURATION, {"const": "auto"}) == {"enum": ["auto"]}
    assert conjoin({"type": "integer"}, {"const": 1168}) == {"enum": [1168]}
    assert conjoin({"type": "integer", "minimum": 1}, {"maximum": 10}) == {
        "type": "integer",
        "minimum": 1,
        "maximum": 10,
    }
    assert conjoin({"type": "integer", "minimum": 20}, {"maximum": 10}) is None
    assert conjoin(FRAME, {"enum": ["middle"]}) is None


def test_conjoin_narrows_nested_objects_and_items():
    boxes = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"id": {"type": "string"}, "box": {"type": ["array", "null"]}},
            "required": ["id"],
            "additionalProperties": False,
        },
    }
    narrowed = conjoin(
        boxes, {"items": {"properties": {"id": False, "box": {"type": "array"}}, "required": []}}
    )
    assert narrowed["items"] is False  # id is required and forbidden: only [] is left
    narrowed = conjoin(boxes, {"items": {"properties": {"box": {"type": "array"}}}})
    assert narrowed["items"]["properties"]["box"]["type"] == "array"


@settings(max_examples=100, database=None, deadline=None)
@given(data=st.data())
def test_exclude_keeps_exactly_the_values_the_first_accepts_and_the_second_rejects(data):
    narrowed = exclude(FRAME_ITEMS, NOT_LAST["not"])
    value = data.draw(compile_schema(narrowed))
    assert Draft202012Validator(FRAME_ITEMS).is_valid(value)
    assert not Draft202012Validator(NOT_LAST["not"]).is_valid(value)


@settings(max_examples=100, database=None, deadline=None)
@given(data=st.data())
def test_contains_witnesses_satisfy_both_the_items_and_contains(data):
    witness = data.draw(compile_schema(conjoin(FRAME_ITEMS, NOT_LAST)))
    assert Draft202012Validator(FRAME_ITEMS).is_valid(witness)
    assert Draft202012Validator(NOT_LAST).is_valid(witness)


def test_forms_outside_the_supported_ones_are_refused():
    with pytest.raises(UnsupportedSchema, match="propertyNames"):
        conjoin({"type": "object"}, {"propertyNames": {"maxLength": 3}})
    with pytest.raises(UnsupportedSchema):
        exclude({"type": "array"}, {"items": {"type": "string"}})


def test_accepts_compares_with_json_schema_equality():
    assert accepts({"const": 1}, 1.0)
    assert not accepts({"const": 1}, True)
    assert accepts({"enum": ["a", 0]}, 0)
    assert not accepts({"enum": ["a", 0]}, False)
