"""The Validator end to end: page examples, routing, batches, taskUUID history, odd input."""

from __future__ import annotations

import pytest

from runware_testkit.contract import load_contract
from runware_testkit.validation import validate_request, validate_result

CONTRACT = load_contract()
EXAMPLES = [(m.air, ex) for m in CONTRACT.models.values() for ex in m.examples]


@pytest.mark.parametrize(("air", "example"), EXAMPLES, ids=[e["title"] for _, e in EXAMPLES])
def test_page_example_request_is_valid(air, example):
    assert validate_request(example["request"]) == []


@pytest.mark.parametrize(("air", "example"), EXAMPLES, ids=[e["title"] for _, e in EXAMPLES])
def test_page_example_response_is_valid(air, example):
    assert validate_result(example["response"], model=air) == []
