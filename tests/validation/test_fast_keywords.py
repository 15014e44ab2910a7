"""Skipping passing subschemas changes nothing: the fast error search finds what jsonschema does."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema.validators import Draft202012Validator

from runware_testkit.contract import load_contract
from runware_testkit.strategies import invalid_requests
from runware_testkit.validation import Validator
from runware_testkit.validation.compiled import build_registry, compile_schema
from runware_testkit.validation.fast_keywords import SubschemaChecks, fast_engine

CONTRACT = load_contract()
REGISTRY = build_registry(CONTRACT)
FAST, SLOW = Validator(CONTRACT), Validator(CONTRACT, fast=False)


def _raw(errors: Any) -> list[Any]:
    """Everything of jsonschema errors the translator reads, nested alternatives included."""
    return [
        (
            e.message,
            e.validator,
            list(e.absolute_path),
            list(e.absolute_schema_path),
            _raw(e.context),
        )
        for e in errors
    ]


@settings(max_examples=150, database=None, deadline=None)
@given(
    st.sampled_from(sorted(CONTRACT.models)).flatmap(
        lambda air: st.integers(1, 3).flatmap(
            lambda n: invalid_requests(air, count=n, contract=CONTRACT)
        )
    )
    | st.sampled_from(sorted(CONTRACT.models)).flatmap(
        lambda air: invalid_requests(air, contract=CONTRACT)
    )
)
def test_both_searches_report_the_same(example):
    task = example.task
    target_fast = FAST._requests.get(task.get("model"))
    target_slow = SLOW._requests.get(task.get("model"))
    if target_fast is not None:
        assert _raw(target_fast.iter_errors(task)) == _raw(target_slow.iter_errors(task))
    for mode in ("first", "all"):
        fast = FAST.check_task(task, seen_task_uuids=set(example.seen_task_uuids), mode=mode)
        slow = SLOW.check_task(task, seen_task_uuids=set(example.seen_task_uuids), mode=mode)
        assert fast == slow


def test_only_a_failing_property_is_searched():
    schema = {
        "type": "object",
        "properties": {"a": {"type": "integer"}, "b": {"type": "string", "minLength": 2}},
        "allOf": [{"if": {"required": ["a"]}, "then": {"required": ["b"]}}],
    }
    compiled = compile_schema("t", schema, REGISTRY)
    plain = Draft202012Validator(schema)
    for instance in ({"a": 1}, {"a": "x", "b": "y"}, {"b": 3}, {"a": 1, "b": "ok"}):
        assert _raw(compiled.iter_errors(instance)) == _raw(plain.iter_errors(instance))


def test_alternatives_keep_their_branch_errors():
    schema = {
        "oneOf": [
            {"type": "string", "maxLength": 1},
            {"type": "integer", "minimum": 0},
            {"const": 5},
        ],
        "anyOf": [{"type": "string"}, {"type": "integer", "maximum": 3}],
        "not": {"const": 7},
        "items": {"type": "integer"},
    }
    compiled = compile_schema("t", schema, REGISTRY)
    plain = Draft202012Validator(schema)
    for instance in ("abc", -1, 5, 7, 2, [1, "x"], None):
        assert _raw(compiled.iter_errors(instance)) == _raw(plain.iter_errors(instance))


def test_a_reference_is_left_to_the_python_engine():
    checks = SubschemaChecks()
    assert fast_engine({"$ref": "#/$defs/x"}) is None
    assert not checks.passes({"$ref": "#/$defs/x"}, 1)
    assert checks.decides({"$ref": "#/$defs/x"}, 1) is None
    assert checks.passes({"type": "integer"}, 1)
    assert checks.decides({"type": "integer"}, "x") is False


def test_a_value_the_fast_engine_cannot_read_is_searched_in_python():
    checks = SubschemaChecks()
    assert not checks.passes({"type": "array"}, {1, 2})
    assert checks.decides({"type": "array"}, {1, 2}) is None
    compiled = compile_schema("t", {"properties": {"a": {"type": "array"}}}, REGISTRY)
    assert [e.validator for e in compiled.iter_errors({"a": {1, 2}})] == ["type"]
