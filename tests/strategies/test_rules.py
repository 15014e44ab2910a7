"""Reading cross-field rules into clauses: kinds, named parameters, truth on concrete tasks."""

from __future__ import annotations

import pytest

from runware_testkit.strategies.refine import UnsupportedSchema
from runware_testkit.strategies.rules import (
    EXCLUSION,
    FORBID,
    PAIR,
    PRESETS,
    REQUIRE,
    REQUIRE_ONE,
    VALUE,
    holds_on,
    present_paths,
    read_clauses,
)

from .support import UPSTREAM_MODELS, upstream_items

TASK = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "inputs": {
            "type": "object",
            "properties": {
                "video": {"type": "string"},
                "frameImages": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            },
        },
        "width": {"type": "integer"},
        "height": {"type": "integer"},
        "resolution": {"enum": ["720p", "1080p"]},
        "settings": {
            "type": "object",
            "properties": {"operation": {"oneOf": [{"const": "edit"}, {"const": "extend"}]}},
        },
        "duration": {"oneOf": [{"type": "integer", "minimum": 4}, {"const": "auto"}]},
    },
    "allOf": [
        {"dependentRequired": {"width": ["height"], "height": ["width"]}},
        {"not": {"allOf": [{"required": ["resolution"]}, {"anyOf": [{"required": ["width"]}]}]}},
        {
            "if": {"properties": {"inputs": {"required": ["video"]}}, "required": ["inputs"]},
            "then": {"not": {"anyOf": [{"required": ["width"]}, {"required": ["height"]}]}},
        },
        {
            "if": {
                "properties": {"settings": {"properties": {"operation": {"const": "edit"}}}},
                "required": ["settings"],
            },
            "then": {
                "properties": {"inputs": {"required": ["video"]}, "duration": {"const": "auto"}},
                "required": ["inputs"],
            },
        },
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


def test_each_obligation_is_one_clause():
    clauses = read_clauses(TASK).clauses
    kinds = [(c.kind, c.paths) for c in clauses]
    assert (PAIR, ("width", "height")) in kinds
    assert (PAIR, ("height", "width")) in kinds
    assert (EXCLUSION, ("resolution", "width")) in kinds
    assert (FORBID, ("inputs", "inputs.video", "width", "height")) in kinds
    assert (REQUIRE, ("inputs.video",)) in kinds
    assert (REQUIRE, ("inputs",)) in kinds
    assert (VALUE, ("duration",)) in kinds
    assert (PRESETS, ("width", "height")) in kinds
    assert sum(k == REQUIRE for k, _ in kinds) == 4  # inputs, inputs.video, width, height
    presets = next(c for c in clauses if c.kind == PRESETS).schema
    assert [(p.title, p.values) for p in presets] == [
        ("wide", {"width": 16, "height": 9}),
        ("tall", {"width": 9, "height": 16}),
    ]


def test_clauses_hold_on_valid_tasks_and_fail_on_the_broken_one():
    clauses = {(c.kind, c.paths): c for c in read_clauses(TASK).clauses}
    valid = {"width": 16, "height": 9, "settings": {"operation": "extend"}}
    assert all(holds_on(c.formula, valid) for c in clauses.values())
    edit = {"settings": {"operation": "edit"}, "inputs": {"video": "v"}, "duration": 5}
    failing = [key for key, c in clauses.items() if not holds_on(c.formula, edit)]
    assert failing == [(VALUE, ("duration",))]
    both = {"resolution": "720p", "width": 16, "height": 9}
    failing = [key for key, c in clauses.items() if not holds_on(c.formula, both)]
    assert failing == [(EXCLUSION, ("resolution", "width"))]


def test_present_paths_leave_out_objects_whose_named_keys_are_held():
    task = {"inputs": {"video": "v"}, "width": 16, "height": 9}
    assert present_paths(["inputs", "inputs.video", "width", "height"], task) == [
        "inputs.video",
        "width",
        "height",
    ]


def test_an_objects_own_oneof_of_required_is_read_with_its_presence_as_guard():
    schema = {
        "type": "object",
        "properties": {
            "watermark": {
                "type": "object",
                "properties": {"text": {"type": "string"}, "image": {"type": "string"}},
                "oneOf": [{"required": ["text"]}, {"required": ["image"]}],
            }
        },
    }
    clauses = read_clauses(schema).clauses
    assert [(c.kind, c.paths) for c in clauses] == [
        (REQUIRE_ONE, ("watermark.text", "watermark.image")),
        (EXCLUSION, ("watermark.text", "watermark.image")),
    ]
    assert all(holds_on(c.formula, {}) for c in clauses)  # no watermark: nothing asked
    assert not holds_on(clauses[0].formula, {"watermark": {}})


def test_rules_outside_the_supported_forms_are_refused_with_their_place():
    narrows_an_object = {
        "type": "object",
        "properties": {"a": {"type": "object"}},
        "allOf": [{"if": {"required": ["a"]}, "then": {"properties": {"a": {"minProperties": 2}}}}],
    }
    with pytest.raises(UnsupportedSchema, match=r"^a: keyword 'minProperties'"):
        read_clauses(narrows_an_object)
    with pytest.raises(UnsupportedSchema, match=r"<root>: keyword 'patternProperties'"):
        read_clauses({"type": "object", "allOf": [{"not": {"patternProperties": {"^x": {}}}}]})
    with pytest.raises(UnsupportedSchema, match="ghost: a cross-field rule names an unknown"):
        read_clauses({"type": "object", "properties": {}, "not": {"properties": {"ghost": {}}}})


@pytest.mark.parametrize("air", UPSTREAM_MODELS)
def test_every_published_rule_is_read(air):
    items = upstream_items(air)
    clauses = read_clauses(items).clauses
    origins = {c.origin.split("/")[2] for c in clauses if c.origin.startswith("<root>/allOf/")}
    assert origins == {str(i) for i in range(len(items.get("allOf", [])))}
