"""The schema compiler on small schemas in the generator's style."""

from __future__ import annotations

import base64
import copy
import struct
from decimal import Decimal

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from runware_testkit.strategies.schema_walk import (
    ABSENT,
    UnsupportedSchema,
    compile_schema,
    form_of,
    media_kind,
    object_rules,
    presets,
)

PAIR_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 5},
        "width": {"type": "integer"},
        "height": {"type": "integer"},
    },
    "required": ["name"],
    "allOf": [
        {"dependentRequired": {"width": ["height"], "height": ["width"]}},
        {
            "if": {"anyOf": [{"required": ["width"]}, {"required": ["height"]}]},
            "then": {
                "required": ["width", "height"],
                "oneOf": [
                    {
                        "title": "wide",
                        "properties": {"width": {"const": 16}, "height": {"const": 9}},
                    },
                    {
                        "title": "tall",
                        "properties": {"width": {"const": 9}, "height": {"const": 16}},
                    },
                ],
            },
        },
    ],
}
ITEM_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "not": {"required": ["frame", "timestamp"]},
    "properties": {
        "image": {
            "type": "string",
            "anyOf": [
                {"title": "UUID", "type": "string", "format": "uuid"},
                {"title": "Base64", "type": "string", "pattern": "^[A-Za-z0-9+/]+={0,2}$"},
            ],
        },
        "frame": {
            "type": ["integer", "string"],
            "oneOf": [{"const": "first"}, {"const": "last"}, {"const": 0}],
        },
        "timestamp": {"type": "number", "minimum": 0, "maximum": 3, "x-step": 0.01},
    },
    "required": ["image"],
}


def _valid(schema, value) -> bool:
    return Draft202012Validator(schema).is_valid(value)


@settings(max_examples=100, database=None, deadline=None)
@given(compile_schema(PAIR_SCHEMA))
def test_pairs_are_drawn_as_presets(value):
    assert _valid(PAIR_SCHEMA, value)
    if "width" in value:
        assert (value["width"], value["height"]) in {(16, 9), (9, 16)}


@settings(max_examples=100, database=None, deadline=None)
@given(compile_schema(ITEM_SCHEMA))
def test_exclusive_fields_never_together_and_steps_are_exact(value):
    assert _valid(ITEM_SCHEMA, value)
    assert not {"frame", "timestamp"} <= set(value)
    if "timestamp" in value:
        hundredths = value["timestamp"] * 100
        assert abs(hundredths - round(hundredths)) < 1e-9
        assert repr(value["timestamp"]) == repr(round(value["timestamp"], 2))


@settings(max_examples=30, database=None, deadline=None)
@given(compile_schema(ITEM_SCHEMA, form="maximal"))
def test_maximal_form_takes_one_of_the_exclusive_fields(value):
    assert len({"frame", "timestamp"} & set(value)) == 1


@settings(database=None, deadline=None)
@given(compile_schema(PAIR_SCHEMA, form="minimal"))
def test_minimal_form_has_only_required_fields(value):
    assert set(value) == {"name"}


@settings(database=None, deadline=None)
@given(compile_schema(PAIR_SCHEMA, pinned={"width": 9}))
def test_pinning_one_member_keeps_the_pair_consistent(value):
    assert (value["width"], value["height"]) == (9, 16)


@settings(database=None, deadline=None)
@given(
    compile_schema(
        PAIR_SCHEMA,
        form="maximal",
        pinned={"width": ABSENT, "height": ABSENT, "name": st.just("abc")},
    )
)
def test_absent_and_strategy_pins(value):
    assert value == {"name": "abc"}


def test_enum_default_comes_first_so_it_shrinks_there():
    schema = {"type": "string", "default": "b", "oneOf": [{"const": "a"}, {"const": "b"}]}
    assert find(compile_schema(schema), lambda v: True) == "b"


def test_rules_and_presets_are_read_from_the_schema():
    rules = object_rules(PAIR_SCHEMA)
    assert [g.members for g in rules.groups] == [("width", "height")]
    assert [p.title for p in presets(PAIR_SCHEMA)] == ["wide", "tall"]
    assert object_rules(ITEM_SCHEMA).exclusive == [("frame", "timestamp")]


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "format": "email"},
        {"type": "object", "patternProperties": {"^x": {}}},
        {"type": "string", "oneOf": [{"type": "string", "minLength": 2}]},
        {"type": "string", "oneOf": [{"minLength": 2}, {"maxLength": 5}]},
        {"type": "integer", "not": {"const": 3}},
        {"type": "array", "items": {"type": "integer"}, "contains": {"const": 1}, "maxItems": 0},
        {"type": "number", "multipleOf": 0.01, "minimum": 0.001, "maximum": 0.009},
    ],
)
def test_constructs_outside_the_subset_are_refused(schema):
    with pytest.raises(UnsupportedSchema):
        compile_schema(schema)


def test_refusals_name_the_keyword_and_where_it_is():
    schema = {
        "type": "object",
        "properties": {
            "inputs": {
                "type": "object",
                "properties": {"video": {"type": "string", "contentEncoding": "base64"}},
            }
        },
    }
    with pytest.raises(UnsupportedSchema, match=r"inputs\.video: keyword 'contentEncoding'"):
        compile_schema(schema)


def test_media_kind_follows_the_parameter_name():
    assert media_kind("inputs.video") == "video"
    assert media_kind("inputs.frameImages.2.image") == "image"
    assert media_kind("inputs.referenceImages") == "image"


def test_unknown_form_is_refused():
    with pytest.raises(ValueError, match="form must be one of"):
        compile_schema({"type": "string"}, form="huge")  # type: ignore[arg-type]


def test_a_parameter_added_to_a_page_is_generated_without_code_changes():
    from runware_testkit.contract import load_contract

    schema = copy.deepcopy(load_contract().model("runway:2@1").request)
    schema["properties"]["inputs"]["properties"]["motionBucket"] = {
        "type": "integer",
        "minimum": 1,
        "maximum": 3,
    }
    strategy = compile_schema(schema)
    found = find(strategy, lambda task: "motionBucket" in task["inputs"])
    assert found["inputs"]["motionBucket"] in {1, 2, 3}
    assert Draft202012Validator(schema).is_valid(found)


CONTAINS = {
    "type": "array",
    "minItems": 1,
    "maxItems": 2,
    "contains": {
        "not": {
            "type": "object",
            "properties": {"frame": {"enum": ["last", -1]}},
            "required": ["frame"],
        }
    },
    "items": {
        "anyOf": [
            {"type": "string", "anyOf": [{"format": "uuid"}, {"format": "uri"}]},
            {
                "type": "object",
                "properties": {
                    "image": {"type": "string", "anyOf": [{"format": "uuid"}]},
                    "frame": {"oneOf": [{"const": "first"}, {"const": "last"}, {"const": -1}]},
                },
                "required": ["image"],
                "additionalProperties": False,
            },
        ]
    },
}


@settings(max_examples=150, database=None, deadline=None)
@given(compile_schema(CONTAINS))
def test_contains_gets_one_drawn_item_that_satisfies_it(value):
    assert _valid(CONTAINS, value)


def test_contains_arrays_can_hold_last_frames_beside_their_witness():
    found = find(
        compile_schema(CONTAINS),
        lambda v: len(v) == 2 and any(isinstance(i, dict) and i.get("frame") == "last" for i in v),
    )
    assert _valid(CONTAINS, found)


OPACITY = {"type": "number", "multipleOf": 0.01, "minimum": 0.1, "maximum": 1}


@settings(max_examples=150, database=None, deadline=None)
@given(compile_schema(OPACITY))
def test_a_fractional_multiple_of_passes_json_schemas_float_division(value):
    assert Draft202012Validator(OPACITY).is_valid(value)
    assert Decimal(repr(value)) % Decimal("0.01") == 0


@settings(max_examples=100, database=None, deadline=None)
@given(compile_schema({"type": "integer", "multipleOf": 8, "minimum": 1, "maximum": 100}))
def test_an_integer_multiple_of(value):
    assert value % 8 == 0 and 8 <= value <= 96


UNTITLED_FORMS = {
    "type": "string",
    "anyOf": [
        {"format": "uuid"},
        {"format": "uri"},
        {"pattern": "^data:image\\/[a-zA-Z]+;base64,[a-zA-Z0-9+/=]+$"},
        {"pattern": "^[a-zA-Z0-9+/=]+$"},
    ],
}


def test_untitled_input_forms_are_told_apart_by_format_and_pattern():
    assert [form_of(b) for b in UNTITLED_FORMS["anyOf"]] == ["UUID", "URL", "Data URI", "Base64"]
    strategy = compile_schema(UNTITLED_FORMS, path="inputs.referenceImages")
    png = find(strategy, lambda v: v.startswith("data:"))
    assert base64.b64decode(png.split(",", 1)[1]).startswith(b"\x89PNG")
    url = find(strategy, lambda v: v.startswith("http"))
    assert url.rsplit(".", 1)[1] in ("png", "jpg", "webp")


def test_x_constraints_make_inline_images_large_enough():
    schema = {
        "type": "object",
        "x-constraints": [
            {"operation": "width", "parameters": ["inputs.images"], "minimum": 128},
            {"operation": "height", "parameters": ["inputs.images"], "minimum": 64},
        ],
        "properties": {
            "inputs": {
                "type": "object",
                "properties": {"images": {"type": "array", "minItems": 1, "items": UNTITLED_FORMS}},
                "required": ["images"],
            }
        },
        "required": ["inputs"],
    }

    @settings(max_examples=60, database=None, deadline=None)
    @given(compile_schema(schema))
    def check(value):
        for image in value["inputs"]["images"]:
            if image.startswith("data:") or not (":" in image or "-" in image):
                data = base64.b64decode(image.split(",", 1)[-1])
                width, height = struct.unpack(">II", data[16:24])
                assert width >= 128 and height >= 64

    check()


def test_a_oneof_of_disjoint_types_and_false_properties():
    schema = {
        "type": "object",
        "properties": {
            "duration": {"oneOf": [{"type": "integer", "minimum": 4}, {"const": "auto"}]},
            "never": False,
        },
        "required": ["duration"],
    }
    assert find(compile_schema(schema), lambda v: v["duration"] == "auto") == {"duration": "auto"}
    assert find(compile_schema(schema), lambda v: isinstance(v["duration"], int))["duration"] >= 4
