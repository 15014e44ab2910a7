"""invalid_requests(): the validator reports exactly the labelled violations, no more."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runware_testkit import validate_request
from runware_testkit.strategies import KINDS, InvalidExample, invalid_requests

from .support import MODELS, on_aleph, request_schema, schema_errors


def _reported(example: InvalidExample) -> set[tuple[str, object]]:
    errors = validate_request(example.task, seen_task_uuids=set(example.seen_task_uuids))
    return {
        (e.code, tuple(e.parameter) if isinstance(e.parameter, list) else e.parameter)
        for e in errors
    }


def _assert_exact(example: InvalidExample) -> None:
    reported = _reported(example)
    assert reported == example.expected(), (
        f"labels {sorted(example.expected(), key=str)} != reported {sorted(reported, key=str)}"
        f" for {[v.detail for v in example.violations]}"
    )


@settings(max_examples=200, database=None, deadline=None)
@given(on_aleph(invalid_requests))
def test_one_violation_is_reported_exactly(example):
    assert len(example.violations) == 1
    _assert_exact(example)


@settings(max_examples=150, database=None, deadline=None)
@given(st.one_of([on_aleph(invalid_requests, count=n) for n in (2, 3, 4)]))
def test_several_violations_do_not_interfere(example):
    _assert_exact(example)
    params = [
        p
        for v in example.violations
        for p in (v.parameter if isinstance(v.parameter, list) else [v.parameter])
    ]
    for a in params:
        for b in params:
            if a is not b:
                assert not (a + ".").startswith(b + "."), (a, b)


@settings(max_examples=100, database=None, deadline=None)
@given(on_aleph(invalid_requests, count=2))
def test_invalid_tasks_fail_the_plain_schema_too(example):
    if all(v.kind == "conflict" for v in example.violations):
        return  # a reused taskUUID is only visible with the history
    schema = request_schema(example.model)
    assert schema_errors(schema, example.task)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("air", MODELS)
def test_each_kind_alone(air, kind):
    try:
        strategy = invalid_requests(air, kinds=[kind])
    except ValueError:
        pytest.skip(f"{air} has no site for {str(kind)!r}")

    @settings(max_examples=15, database=None, deadline=None)
    @given(strategy)
    def check(example):
        assert [v.kind for v in example.violations] == [kind]
        assert example.model == air
        _assert_exact(example)

    check()


def test_every_kind_applies_to_some_model():
    for kind in KINDS:
        usable = []
        for air in MODELS:
            try:
                invalid_requests(air, kinds=[kind])
                usable.append(air)
            except ValueError:
                pass
        assert usable, kind


@settings(max_examples=30, database=None, deadline=None)
@given(
    on_aleph(
        invalid_requests, "runway:2@1", kinds=["too long", "bad format", "broken pair"], count=3
    )
)
def test_aliases_and_exact_count(example):
    assert {v.kind for v in example.violations} <= {"bad length", "format", "broken pair"}
    assert len(example.violations) == 3
    _assert_exact(example)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="unknown violation kind"):
        invalid_requests(kinds=["typo"])
    with pytest.raises(ValueError, match="independent violations"):
        invalid_requests("runway:2@1", kinds=["broken pair"], count=2)
    with pytest.raises(ValueError, match="at least 1"):
        invalid_requests(count=0)
