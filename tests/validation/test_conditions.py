"""Cross-field rules read back into parameter names: participants, mentions, if/then triggers."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from runware_testkit.validation.conditions import (
    instance_at,
    mentioned,
    participants,
    schema_at,
    trigger_of,
)

EXCLUSION = {
    "allOf": [
        {"required": ["resolution"]},
        {"anyOf": [{"required": ["width"]}, {"required": ["height"]}]},
    ]
}
NESTED = {
    "properties": {"inputs": {"anyOf": [{"required": ["video"]}, {"required": ["audio"]}]}},
    "required": ["inputs"],
}


def test_participants_follow_required_and_matching_branches() -> None:
    assert participants(EXCLUSION, {"resolution": "1K", "width": 1}) == ["resolution", "width"]
    assert participants(EXCLUSION, {"resolution": "1K", "width": 1, "height": 2}) == [
        "resolution",
        "width",
        "height",
    ]
    assert participants(NESTED, {"inputs": {"audio": "a"}}) == ["inputs.audio"]
    assert participants(NESTED, {"inputs": {"audio": "a"}}, ["tasks", 0]) == [
        "tasks.0.inputs.audio"
    ]
    assert participants(EXCLUSION, "not an object") == []


def test_participants_of_value_constraints() -> None:
    schema = {"properties": {"fps": {"enum": [48, 50]}}, "required": ["fps"]}
    assert participants(schema, {"fps": 50}) == ["fps"]
    assert participants({"properties": {"fps": {"enum": [48, 50]}}}, {"fps": 24}) == []


def test_mentioned_names_everything_inside() -> None:
    assert mentioned(NESTED) == ["inputs.video", "inputs.audio"]
    assert mentioned({"not": EXCLUSION}) == ["resolution", "width", "height"]


def test_paths_into_schemas_and_instances() -> None:
    assert schema_at(EXCLUSION, ["allOf", 1, "anyOf", 0]) == {"required": ["width"]}
    assert schema_at(EXCLUSION, ["allOf", 5]) is None
    assert instance_at({"a": [1, {"b": 2}]}, ["a", 1, "b"]) == 2
    assert instance_at({"a": [1]}, ["a", 3]) is None
    assert instance_at({"a": [1]}, ["a", "b"]) is None


def errors(schema: dict[str, Any], instance: Any) -> list[Any]:
    return list(Draft202012Validator(schema).iter_errors(instance))


def test_trigger_of_a_then() -> None:
    schema = {
        "allOf": [
            {
                "if": {
                    "properties": {"settings": {"properties": {"op": {"const": "edit"}}}},
                    "required": ["settings"],
                },
                "then": {"properties": {"duration": {"const": "auto"}}},
            }
        ]
    }
    instance = {"settings": {"op": "edit"}, "duration": 5}
    (error,) = errors(schema, instance)
    trigger = trigger_of(schema, instance, error)
    assert trigger is not None
    assert trigger.names == ("settings.op",)
    assert trigger.phrase == "when settings.op is 'edit'"
    assert trigger.phrase_without(["settings.op"]) == ""


def test_trigger_of_a_negated_condition() -> None:
    schema = {"if": {"not": NESTED}, "then": {"required": ["prompt"]}}
    (error,) = errors(schema, {})
    trigger = trigger_of(schema, {}, error)
    assert trigger is not None
    assert (trigger.names, trigger.absent) == ((), ("inputs.video", "inputs.audio"))
    assert trigger.phrase == "when none of inputs.video, inputs.audio is given"


def test_trigger_of_an_else_and_of_no_condition() -> None:
    schema = {"if": {"required": ["a"]}, "else": {"required": ["b"]}}
    (error,) = errors(schema, {})
    trigger = trigger_of(schema, {}, error)
    assert trigger is not None and trigger.phrase == "unless a is given"
    (plain,) = errors({"required": ["x"]}, {})
    assert trigger_of({"required": ["x"]}, {}, plain) is None


def test_a_property_named_then_is_not_a_branch() -> None:
    schema = {"properties": {"then": {"type": "integer"}}}
    (error,) = errors(schema, {"then": "x"})
    assert trigger_of(schema, {"then": "x"}, error) is None
