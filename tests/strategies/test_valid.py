"""requests(): every example is valid, pins are honoured, minimal and maximal forms hold."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runware_testkit import validate_request
from runware_testkit.contract import load_contract
from runware_testkit.strategies import ABSENT, request_batches, requests
from runware_testkit.strategies.schema_walk import object_rules

from .support import ALEPH, ALEPH2, MODELS, on_aleph, request_schema, schema_errors


def _assert_valid(task: dict[str, Any]) -> None:
    errors = validate_request(task)
    assert not errors, [e.to_dict() for e in errors]
    assert not schema_errors(request_schema(task["model"]), task)


@settings(max_examples=200, database=None, deadline=None)
@given(on_aleph(requests))
def test_every_request_is_valid(task):
    _assert_valid(task)


@pytest.mark.parametrize("air", MODELS)
@settings(max_examples=60, database=None, deadline=None)
@given(data=st.data())
def test_every_request_of_each_model_is_valid_in_every_form(air, data):
    form = data.draw(st.sampled_from(["any", "minimal", "maximal"]))
    task = data.draw(requests(air, form=form))
    assert task["model"] == air
    _assert_valid(task)


@settings(max_examples=50, database=None, deadline=None)
@given(requests(ALEPH, numberResults=4, pinned={"inputs.video": "https://example.com/a.mp4"}))
def test_keyword_and_dotted_pins_are_honoured(task):
    assert task["numberResults"] == 4
    assert task["inputs"]["video"] == "https://example.com/a.mp4"
    _assert_valid(task)


@settings(max_examples=50, database=None, deadline=None)
@given(on_aleph(requests, seed=st.integers(0, 9), outputFormat="WEBM", webhookURL=ABSENT))
def test_strategy_and_absent_pins(task):
    assert task["model"] == ALEPH  # only runway:2@1 has a seed
    assert 0 <= task["seed"] <= 9
    assert task["outputFormat"] == "WEBM"
    assert "webhookURL" not in task


@settings(max_examples=30, database=None, deadline=None)
@given(on_aleph(requests, width=720))
def test_pinning_width_keeps_a_preset(task):
    assert (task["width"], task["height"]) == (720, 1280)


@settings(max_examples=40, database=None, deadline=None)
@given(requests(ALEPH2, form="maximal", **{"inputs.frameImages.timestamp": 1.5}))
def test_pinning_an_item_field_applies_to_object_items(task):
    for item in task["inputs"]["frameImages"]:
        if isinstance(item, dict):
            assert item["timestamp"] == 1.5 and "frame" not in item
    _assert_valid(task)


def _only_required(schema: dict[str, Any], value: Any) -> None:
    if isinstance(value, dict) and "properties" in schema:
        assert set(value) <= set(schema.get("required", [])), value
        for name, child in value.items():
            _only_required(schema["properties"][name], child)


@settings(max_examples=60, database=None, deadline=None)
@given(on_aleph(requests, form="minimal"))
def test_minimal_form_holds_only_required_fields(task):
    _only_required(request_schema(task["model"]), task)


def _all_present(schema: dict[str, Any], value: Any, path: str = "") -> None:
    if isinstance(value, dict) and "properties" in schema:
        exclusive = {n for group in object_rules(schema).exclusive for n in group}
        missing = set(schema["properties"]) - set(value) - exclusive
        assert not missing, (path, missing)
        for name, child in value.items():
            _all_present(schema["properties"][name], child, f"{path}.{name}")
    if isinstance(value, list):
        assert value, path
        items = schema.get("items", {})
        for item in value:
            for choice in items.get("anyOf", [items]):
                if isinstance(item, dict) and choice.get("type") == "object":
                    _all_present(choice, item, path + ".*")


@settings(max_examples=60, database=None, deadline=None)
@given(on_aleph(requests, form="maximal"))
def test_maximal_form_holds_every_optional_field(task):
    _all_present(request_schema(task["model"]), task)


@settings(max_examples=50, database=None, deadline=None)
@given(on_aleph(requests))
def test_task_uuid_is_a_uuid4(task):
    assert task["taskUUID"][14] == "4"


@settings(max_examples=30, database=None, deadline=None)
@given(on_aleph(request_batches, max_size=4))
def test_batches_have_distinct_task_uuids(body):
    uuids = [task["taskUUID"] for task in body]
    assert len(set(uuids)) == len(uuids)
    assert not schema_errors(load_contract().request_array, body)


def test_unknown_pins_are_refused_with_a_suggestion():
    with pytest.raises(ValueError, match="did you mean 'numberResults'"):
        requests(numberResult=3)
    with pytest.raises(ValueError, match="no model"):
        requests(ALEPH2, width=1280)
    with pytest.raises(ValueError, match="unknown model"):
        requests("runway:9@9")
