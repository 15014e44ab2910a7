"""invalid_requests(): the validator reports exactly the labelled violations, no more."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import Phase, given, seed, settings
from hypothesis import strategies as st

from runware_testkit import validate_request
from runware_testkit.strategies import KINDS, InvalidExample, invalid_requests
from runware_testkit.validation import Validator

from .support import (
    MODELS,
    UPSTREAM_MODELS,
    full_contract,
    on_aleph,
    request_schema,
    schema_errors,
    strict_oracle,
    upstream_items,
)

CROSS_FIELD = {"broken pair", "bad preset", "incompatible", "broken condition"}
RULE_KEYWORDS = {"not", "oneOf", "anyOf", "dependentRequired", "required"}


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


NO_SITE = {
    ("runway:2@1", "too many items"),
    ("runway:2@1", "too few items"),
    ("runway:2@1", "bad step"),
    ("runway:2@1", "pattern"),
    ("runway:2@1", "incompatible"),
    ("runway:2@1", "broken condition"),
    ("runway:2@1", "missing item"),
    ("runway:aleph@2.0", "broken pair"),
    ("runway:aleph@2.0", "bad preset"),
    ("runway:aleph@2.0", "pattern"),
    ("runway:aleph@2.0", "broken condition"),
    ("runway:aleph@2.0", "missing item"),
}
"""(model, violation kind) pairs the model's schema offers no place for. Any other pair must
draw; a pair listed here must be refused, so a site gained or lost fails the test."""


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("air", MODELS)
def test_each_kind_alone(air, kind):
    if (air, str(kind)) in NO_SITE:
        with pytest.raises(ValueError, match="no model offers 1 independent violations"):
            invalid_requests(air, kinds=[kind])
        return
    strategy = invalid_requests(air, kinds=[kind])

    @settings(max_examples=15, database=None, deadline=None)
    @given(strategy)
    def check(example):
        assert [v.kind for v in example.violations] == [kind]
        assert example.model == air
        _assert_exact(example)

    check()


def test_every_kind_applies_to_some_model():
    contract = full_contract()
    for kind in KINDS:
        usable = []
        for air in (*MODELS, *UPSTREAM_MODELS):
            try:
                invalid_requests(air, kinds=[kind], contract=contract)
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


# -- Runware's published documents (upstream data) -------------------------------------------
def _labelled_paths(example: InvalidExample) -> list[list[str]]:
    found = []
    for violation in example.violations:
        params = (
            violation.parameter if isinstance(violation.parameter, list) else [violation.parameter]
        )
        found += [p.split(".") for p in params]
    return found


def _related(location: list[str], labelled: list[list[str]]) -> bool:
    return any(location[: len(p)] == p or p[: len(location)] == location for p in labelled)


def _names(rule: Any) -> str:
    return json.dumps(rule)


def _assert_oracle_agrees(air: str, example: InvalidExample) -> None:
    """Plain jsonschema (the kit's uuid/uri checks) rejects the task, for the labelled reasons:
    every error lies at or around a labelled parameter, an error from the cross-field rules
    comes from a rule naming a labelled parameter, and a cross-field label is seen as one."""
    errors = list(strict_oracle(air).iter_errors(example.task))
    kinds = {str(v.kind) for v in example.violations}
    if kinds == {"conflict"}:
        assert not errors  # a reused taskUUID is only visible with the history
        return
    assert errors, example
    labelled = _labelled_paths(example)
    items = upstream_items(air)
    from_rules = []
    for error in errors:
        location = [str(p) for p in error.absolute_path]
        assert _related(location, labelled), (location, error.message[:300], example)
        if list(error.relative_schema_path)[:1] == ["allOf"]:
            rule = _names(items["allOf"][error.relative_schema_path[1]])
            names = [p[-1] for p in labelled if not p[-1].isdigit()]
            assert any(f'"{n}"' in rule for n in names), (rule[:300], example)
            from_rules.append(error)
    if kinds & CROSS_FIELD and kinds <= CROSS_FIELD | {"unknown key", "conflict"}:
        assert from_rules or any(len(p) > 1 for p in labelled), example


@pytest.mark.parametrize("air", UPSTREAM_MODELS)
@settings(max_examples=60, database=None, deadline=None)
@given(data=st.data())
def test_invalid_tasks_fail_the_published_schema_for_the_labelled_reasons(air, data):
    count = data.draw(st.sampled_from([1, 1, 2, 3]))
    example = data.draw(invalid_requests(air, count=count, contract=full_contract()))
    assert example.model == air and len(example.violations) == count
    _assert_oracle_agrees(air, example)


def _cross_field_kinds(air: str) -> list[str]:
    found = []
    for kind in sorted(CROSS_FIELD):
        try:
            invalid_requests(air, kinds=[kind], contract=full_contract())
            found.append(kind)
        except ValueError:
            pass
    return found


ALL_CROSS_FIELD = sorted(CROSS_FIELD)
CROSS_FIELD_KINDS = {
    "bfl:flux@3-image": ALL_CROSS_FIELD,
    "bytedance:seedance@2.5": ALL_CROSS_FIELD,
    "bytedance:50@1": [],  # the upscaler's document has no cross-field rule
    "lightricks:ltx@2.5-fast": ALL_CROSS_FIELD,
    "meta:muse@image": ALL_CROSS_FIELD,
    "minimax:h3@0": ALL_CROSS_FIELD,
}
"""The cross-field kinds each published document offers a place for."""


def test_cross_field_table_covers_every_upstream_model():
    assert sorted(CROSS_FIELD_KINDS) == sorted(UPSTREAM_MODELS)


@pytest.mark.parametrize("air", UPSTREAM_MODELS)
def test_each_cross_field_rule_is_broken_alone(air):
    kinds = _cross_field_kinds(air)
    assert kinds == CROSS_FIELD_KINDS[air]
    if not kinds:
        return
    seen: set[str] = set()

    @settings(max_examples=40, database=None, deadline=None)
    @given(invalid_requests(air, kinds=kinds, contract=full_contract()))
    def check(example):
        (violation,) = example.violations
        seen.add(violation.code)
        errors = list(strict_oracle(air).iter_errors(example.task))
        # Only cross-field rules fail: the task object's allOf, or an object's own rule.
        assert errors, example
        for error in errors:
            keywords = [str(k) for k in error.relative_schema_path]
            assert keywords[:1] == ["allOf"] or keywords[-1] in RULE_KEYWORDS, (
                keywords,
                error.message[:300],
            )
        _assert_oracle_agrees(air, example)

    check()
    assert seen


EXPECTED_CROSS_FIELD_CODES = {
    "bfl:flux@3-image": {
        "missingHeight",
        "missingWidth",
        "incompatibleParameters",
        "unsupportedDimensions",
        "missingReferenceImages",  # a resolution needs reference images (inputs too)
        "missingText",  # a watermark with neither text nor image
        "missingReferenceIndex",  # a bounding box's sourceBox without its referenceIndex
    },
    "bytedance:seedance@2.5": {
        "missingHeight",
        "missingWidth",
        "incompatibleParameters",  # exclusions, and a duration other than "auto" for an edit
        "unsupportedDimensions",
        "missingPositivePrompt",  # no input at all
        "missingVideo",  # an operation needs the source video
    },
    "lightricks:ltx@2.5-fast": {
        "missingHeight",
        "missingWidth",
        "incompatibleParameters",  # exclusions, and durations over 10 s at 48/50 fps or 2K/4K
        "unsupportedDimensions",
        "missingReferenceImages",
        "missingAudio",
    },
    "meta:muse@image": {
        "missingHeight",
        "missingWidth",
        "incompatibleParameters",
        "unsupportedDimensions",
        "missingReferenceImages",
        "missingText",
    },
    "minimax:h3@0": {
        "missingHeight",
        "missingWidth",
        "incompatibleParameters",
        "unsupportedDimensions",
        "missingFrameImages",  # a resolution needs one of frame images, reference images/videos
        "missingReferenceImages",  # reference audios need reference images or videos
    },
}


@pytest.mark.parametrize("air", sorted(EXPECTED_CROSS_FIELD_CODES))
def test_cross_field_labels_on_the_published_rules(air):
    codes = EXPECTED_CROSS_FIELD_CODES[air]
    seen: set[str] = set()
    strategy = invalid_requests(air, kinds=sorted(CROSS_FIELD), contract=full_contract())
    # Short runs with fixed seeds: Hypothesis mutates later examples of a run from earlier ones.
    for run in range(8):

        @seed(run)
        @settings(max_examples=25, database=None, deadline=None, phases=[Phase.generate])
        @given(strategy)
        def collect(example):
            seen.update(v.code for v in example.violations)

        collect()
    assert seen == codes, seen ^ codes


@pytest.mark.parametrize("air", UPSTREAM_MODELS)
def test_labels_are_what_the_validator_reports(air):
    validator = Validator(full_contract())
    strategy = st.one_of(
        [invalid_requests(air, count=n, contract=full_contract()) for n in (1, 1, 2, 3)]
    )
    for run in range(4):

        @seed(run)
        @settings(max_examples=25, database=None, deadline=None, phases=[Phase.generate])
        @given(strategy)
        def check(example):
            errors = validator.validate_request(
                example.task, seen_task_uuids=set(example.seen_task_uuids)
            )
            reported = {
                (e.code, tuple(e.parameter) if isinstance(e.parameter, list) else e.parameter)
                for e in errors
            }
            assert reported == example.expected(), [v.detail for v in example.violations]

        check()
