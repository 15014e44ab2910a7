"""Result items, webhook bodies, error envelopes and acknowledgements match their schemas."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runware_testkit import validate_result
from runware_testkit.strategies import (
    acknowledgements,
    error_envelopes,
    requests,
    result_item_lists,
    result_items,
    webhook_payloads,
)

from .support import MODELS, on_aleph, platform, result_schema, schema_errors

OUTPUT = re.compile(r"(URL|Base64Data|DataURI)$")

TASKS = on_aleph(requests)


@pytest.mark.parametrize("air", MODELS)
def test_result_items_validate(air):
    @settings(max_examples=50, database=None, deadline=None)
    @given(result_items(air))
    def check(item):
        assert not schema_errors(result_schema(air), item)
        assert not validate_result(item, model=air)
        assert [k for k in item if OUTPUT.search(k)] == ["videoURL"]  # the only outputType

    check()


@settings(max_examples=100, database=None, deadline=None)
@given(st.data())
def test_result_items_answer_their_task(data):
    task = data.draw(TASKS)
    item = data.draw(result_items(task=task))
    assert not schema_errors(result_schema(task["model"]), item)
    assert not validate_result(item, model=task["model"])
    assert item["taskUUID"] == task["taskUUID"]
    assert ("cost" in item) == bool(task.get("includeCost"))
    if "seed" in task:
        assert item["seed"] == task["seed"]
    fmt = task.get("outputFormat", "MP4").lower()
    assert item["videoURL"].endswith(f"{item['videoUUID']}.{fmt}")


@settings(max_examples=50, database=None, deadline=None)
@given(st.data())
def test_result_lists_have_number_results_distinct_videos(data):
    task = data.draw(TASKS)
    items = data.draw(result_item_lists(task=task))
    assert len(items) == task.get("numberResults", 1)
    assert len({i["videoUUID"] for i in items}) == len(items)


@settings(max_examples=50, database=None, deadline=None)
@given(on_aleph(webhook_payloads))
def test_webhook_payloads_validate(body):
    assert not schema_errors(platform("webhook-payload"), body)
    assert not schema_errors(platform("envelope"), body)


@settings(max_examples=100, database=None, deadline=None)
@given(st.one_of(error_envelopes(), TASKS.flatmap(lambda t: error_envelopes(task=t))))
def test_error_envelopes_validate(body):
    assert not schema_errors(platform("envelope"), body)
    assert "data" not in body


@settings(max_examples=50, database=None, deadline=None)
@given(st.one_of(acknowledgements(), TASKS.flatmap(lambda t: acknowledgements(task=t))))
def test_acknowledgements_validate(body):
    assert not schema_errors(platform("envelope"), body)
    (item,) = body["data"]
    assert not schema_errors(platform("acknowledgement"), item)
    assert set(item) == {"taskType", "taskUUID"}
