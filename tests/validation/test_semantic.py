"""x-uuid-version and x-step, collected from the schema once."""

from __future__ import annotations

import pytest

from runware_testkit.contract import load_contract
from runware_testkit.validation.semantic import SemanticRule, collect, failures, on_step

from .conftest import ALEPH, ALEPH2, UUID4


def test_rules_are_collected_from_the_generated_schemas():
    contract = load_contract()
    assert collect(contract.model(ALEPH).request) == (
        SemanticRule(("taskUUID",), "x-uuid-version", 4),
    )
    assert collect(contract.model(ALEPH2).request) == (
        SemanticRule(("taskUUID",), "x-uuid-version", 4),
        SemanticRule(("inputs", "frameImages", None, "timestamp"), "x-step", 0.01),
    )
    result_rules = collect(contract.model(ALEPH).result)
    assert {r.path for r in result_rules} == {("taskUUID",), ("videoUUID",)}


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (0.29, True), (0.291, False), (30, True), (1e-2, True), (0.1 + 0.2, False), (1e300, True),
        (float("inf"), False), (float("nan"), False), ("0.291", True), (True, True),
    ],
)  # fmt: skip
def test_on_step(value, ok):
    assert on_step(value, 0.01) is ok


def test_failures_walk_array_items_and_skip_other_shapes():
    rules = collect(load_contract().model(ALEPH2).request)
    task = {
        "taskUUID": "aac49721-1964-181a-ae78-8a4e29b91402",
        "inputs": {"frameImages": [UUID4, {"image": UUID4, "timestamp": 0.291}, {"timestamp": 1}]},
    }
    found = [(rule.keyword, path, value) for rule, path, value in failures(rules, task)]
    assert found == [
        ("x-uuid-version", ["taskUUID"], "aac49721-1964-181a-ae78-8a4e29b91402"),
        ("x-step", ["inputs", "frameImages", 1, "timestamp"], 0.291),
    ]
    assert list(failures(rules, {"taskUUID": "nope", "inputs": "x"})) == []
