"""Subschemas and documentation anchors along a path."""

from __future__ import annotations

from runware_testkit.contract import load_contract
from runware_testkit.validation.schema_walk import documentation_at, node_at, object_keys

from .conftest import ALEPH2, DOC2

SCHEMA = load_contract().model(ALEPH2).request


def test_node_at_goes_through_array_items_and_any_of():
    assert node_at(SCHEMA, ["inputs", "frameImages", 3, "timestamp"])["x-step"] == 0.01
    assert node_at(SCHEMA, ["inputs", "nope"]) is None
    assert node_at(SCHEMA, []) is SCHEMA


def test_documentation_is_the_nearest_anchor():
    assert documentation_at(SCHEMA, ["inputs", "frameImages", 0, "frame"]) == (
        f"{DOC2}#request-inputs-frameimages-frame"
    )
    assert documentation_at(SCHEMA, ["inputs", "frameImages", 0]) == (
        f"{DOC2}#request-inputs-frameimages"
    )
    assert documentation_at(SCHEMA, ["inputs"]) == DOC2
    assert documentation_at(SCHEMA, ["inputs", "zz", "yy"]) == DOC2


def test_object_keys():
    assert object_keys(SCHEMA, ["inputs"]) == ["frameImages", "video"]
    assert object_keys(SCHEMA, ["inputs", "frameImages", 0]) == ["image", "frame", "timestamp"]


def test_api_type():
    from runware_testkit.validation.schema_walk import api_type

    assert api_type({"type": "number"}) == "float"
    assert api_type({"type": "integer"}) == "integer"
    assert api_type({"type": ["array", "null"]}) == "array"
    assert api_type({"type": ["integer", "string"]}) is None
    assert api_type({"oneOf": [{"const": "a"}, {"const": "b"}]}) == "string"
    assert api_type({"enum": ["first", 0]}) is None
    assert api_type({"anyOf": [{"type": "string"}, {"type": "string", "format": "uri"}]}) == (
        "string"
    )
    assert api_type({"anyOf": [{"format": "uri"}]}) is None
    assert api_type(None) is None
    assert api_type(SCHEMA["properties"]["inputs"]) == "object"


def test_required_leaf():
    from runware_testkit.validation.schema_walk import required_leaf

    assert required_leaf(SCHEMA["properties"]["inputs"]) == ["video"]
    deep = {"required": ["a"], "properties": {"a": {"required": ["b"], "properties": {"b": {}}}}}
    assert required_leaf(deep) == ["a", "b"]
    assert required_leaf({"properties": {"x": {}}}) == []
    assert required_leaf(None, {"required": ["z"]}) == ["z"]
