"""The rule solver: options per parameter, consistent combinations, pins, forms, broken rules."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from jsonschema import Draft202012Validator

from runware_testkit.strategies import ABSENT, PRESENT, UnsupportedSchema
from runware_testkit.strategies.rules import PAIR, VALUE, holds_on
from runware_testkit.strategies.scenarios import analyse, rules_of
from runware_testkit.strategies.schema_walk import Compiler, compile_schema

from .test_rules import TASK


def _clause(kind, paths):
    return next(c for c in rules_of(TASK).clauses if c.kind == kind and c.paths == paths)


def test_width_and_height_are_one_unit_whose_options_follow_the_rules():
    analysis = analyse(TASK)
    (unit,) = [v for v in analysis.variables if len(v.members) > 1]
    assert unit.members == ("width", "height")
    kinds = {(o.kind, tuple(sorted(o.present))) for o in unit.options}
    assert ("absent", ()) in kinds and ("tuples", ("height", "width")) in kinds
    duration = next(v for v in analysis.variables if v.members == ("duration",))
    narrowed = [o.data for o in duration.options if o.kind == "schema"]
    # Split by the rule's const: "auto", and the integers (an open domain, narrowed).
    assert narrowed == [{"enum": ["auto"]}, {"type": "integer", "minimum": 4}]


def test_every_combination_keeps_every_rule():
    analysis = analyse(TASK)
    assert analysis.solutions and all(analysis.solutions)
    clauses = rules_of(TASK).clauses

    @settings(max_examples=150, database=None, deadline=None)
    @given(compile_schema(TASK))
    def check(task):
        assert Draft202012Validator(TASK).is_valid(task), task
        assert all(holds_on(c.formula, task) for c in clauses)

    check()


@pytest.mark.parametrize(
    ("kind", "paths"),
    [(PAIR, ("width", "height")), (VALUE, ("duration",))],
)
def test_a_broken_clause_is_the_only_one_false(kind, paths):
    broken = _clause(kind, paths)
    others = [c for c in rules_of(TASK).clauses if c is not broken]

    @settings(max_examples=60, database=None, deadline=None)
    @given(compile_schema(TASK, broken=broken))
    def check(task):
        assert not holds_on(broken.formula, task)
        false = [c for c in others if not holds_on(c.formula, task)]
        # The then-required height says what the broken pair says: it may fail with it.
        assert all(c.paths == ("height",) for c in false), (task, [c.paths for c in false])

    check()


def test_a_clause_no_task_can_break_alone_is_refused():
    schema = {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
        "required": ["a"],
        "dependentRequired": {"b": ["a"]},
    }
    (pair,) = rules_of(schema).clauses
    with pytest.raises(UnsupportedSchema, match="breaks this rule"):
        analyse(schema, pair)


@settings(max_examples=60, database=None, deadline=None)
@given(compile_schema(TASK, pinned={"inputs.video": PRESENT}))
def test_pins_are_solved_around(task):
    assert "video" in task["inputs"]
    assert "width" not in task and "height" not in task


@settings(max_examples=60, database=None, deadline=None)
@given(compile_schema(TASK, pinned={"settings.operation": "edit", "duration": ABSENT}))
def test_value_pins_pick_the_options_that_hold_them(task):
    assert task["settings"]["operation"] == "edit"
    assert "video" in task["inputs"] and "duration" not in task


def test_contradicting_pins_are_refused():
    with pytest.raises(UnsupportedSchema, match="pins leave no way"):
        compile_schema(TASK, pinned={"inputs.video": PRESENT, "width": 16})


def test_minimal_and_maximal_forms_take_the_smallest_and_largest_consistent_sets():
    analysis = analyse(TASK)
    minimal = Compiler("minimal").plan(analysis, "")
    maximal = Compiler("maximal").plan(analysis, "")

    def present_sets(plan):
        out = set()
        for order, trie in plan.tries:
            stack = [(trie, 0, frozenset())]
            while stack:
                node, depth, held = stack.pop()
                if node is None:
                    out.add(held)
                    continue
                keys, children, _ = node
                for key in keys:
                    option = plan.options[order[depth]][key]
                    stack.append((children[key], depth + 1, held | option.present))
        return out

    assert present_sets(minimal) == {frozenset()}
    largest = present_sets(maximal)
    assert all(not (a < b) for a in largest for b in largest)
    assert {"resolution", "width"} & set().union(*largest)
