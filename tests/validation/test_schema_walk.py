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
