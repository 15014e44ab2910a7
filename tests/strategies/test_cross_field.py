"""Labels of tasks that break one cross-field rule, on the published rules of two models."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from runware_testkit.strategies import invalid_requests
from runware_testkit.strategies.cross_field import (
    breakable_clauses,
    clause_label,
    reached_objects,
)
from runware_testkit.strategies.rules import PAIR, REQUIRE
from runware_testkit.strategies.scenarios import rules_of

from .support import full_contract, upstream_items

SEEDANCE = "bytedance:seedance@2.5"
MINIMAX = "minimax:h3@0"


def _clause(air: str, kind: str, paths: tuple[str, ...]):
    items = upstream_items(air)
    return items, next(c for c in rules_of(items).clauses if c.kind == kind and c.paths == paths)


def test_labels_name_what_a_validator_reports():
    items, pair = _clause(SEEDANCE, PAIR, ("height", "width"))
    assert clause_label(pair, items, {"height": 480}, "")[:2] == (
        "missingWidth",
        ["width", "height"],
    )
    exclusion = next(c for c in rules_of(items).clauses if c.origin == "<root>/allOf/1/not")
    task = {"inputs": {"frameImages": ["a"], "video": "v"}}
    assert clause_label(exclusion, items, task, "")[:2] == (
        "incompatibleParameters",
        ["inputs.frameImages", "inputs.video"],
    )
    duration = next(c for c in rules_of(items).clauses if c.paths == ("duration",))
    assert clause_label(duration, items, {"duration": 5}, "")[:2] == (
        "invalidDuration",
        "duration",
    )
    _, video = _clause(SEEDANCE, REQUIRE, ("inputs.video",))
    assert clause_label(video, items, {"inputs": {}}, "")[:2] == ("missingVideo", "inputs.video")


def test_a_then_requirement_a_pair_already_makes_is_not_broken_on_its_own():
    items = upstream_items(SEEDANCE)
    broken = {c.paths for c in breakable_clauses(items) if c.kind == REQUIRE}
    assert ("width",) not in broken and ("height",) not in broken
    assert ("positivePrompt",) in broken


def test_objects_the_rules_look_into_keep_their_type():
    assert reached_objects(upstream_items(SEEDANCE)) == {"inputs", "settings"}


@settings(max_examples=40, database=None, deadline=None)
@given(invalid_requests(MINIMAX, kinds=["broken condition"], contract=full_contract()))
def test_a_broken_alternative_requirement_names_its_trigger_then_the_alternatives(example):
    (violation,) = example.violations
    task = example.task
    held = set(task.get("inputs", {}))
    missing = [
        p for p in violation.parameter if p.startswith("inputs.") and p.split(".")[-1] not in held
    ]
    trigger = [p for p in violation.parameter if p not in missing]
    assert missing and trigger
    assert all(p.split(".")[-1] in task or p.split(".")[-1] in held for p in trigger)
    name = missing[0].split(".")[-1]
    assert violation.code == f"missing{name[0].upper()}{name[1:]}"


@pytest.mark.parametrize("kind", ["broken pair", "bad preset"])
def test_aleph_cross_field_kinds_keep_their_labels(kind):
    strategy = invalid_requests("runway:2@1", kinds=[kind])

    @settings(max_examples=20, database=None, deadline=None)
    @given(strategy)
    def check(example):
        (violation,) = example.violations
        assert violation.parameter == ["width", "height"]
        assert violation.code in {"missingWidth", "missingHeight", "unsupportedDimensions"}

    check()
