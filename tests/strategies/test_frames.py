"""Poll replies, authentication and ping exchanges match the platform schemas."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runware_testkit.strategies import auth_frames, ping_frames, poll_frames, requests

from .support import on_aleph, platform, result_schema, schema_errors


def _check_poll(frame):
    assert not schema_errors(platform("envelope"), frame)
    for item in frame["data"]:
        assert not schema_errors(platform("get-response-item"), item)


TASKS = on_aleph(requests)


@settings(max_examples=100, database=None, deadline=None)
@given(on_aleph(poll_frames))
def test_poll_frames_validate(frame):
    _check_poll(frame)


@settings(max_examples=50, database=None, deadline=None)
@given(on_aleph(poll_frames, "processing"))
def test_processing_frames_hold_one_item_with_progress_below_100(frame):
    _check_poll(frame)
    (item,) = frame["data"]
    assert item["status"] == "processing"
    assert 0 <= item.get("progress", 0) <= 99


@settings(max_examples=50, database=None, deadline=None)
@given(st.data())
def test_success_frames_carry_every_result_once(data):
    task = data.draw(TASKS)
    frame = data.draw(poll_frames("success", task=task))
    _check_poll(frame)
    items = frame["data"]
    assert len(items) == task.get("numberResults", 1)
    assert len({i["videoUUID"] for i in items}) == len(items)
    for item in items:
        assert item["status"] == "success" and item["taskUUID"] == task["taskUUID"]
        assert not schema_errors(result_schema(task["model"]), item)


@settings(max_examples=50, database=None, deadline=None)
@given(on_aleph(poll_frames, "error"))
def test_error_frames_carry_code_and_message(frame):
    _check_poll(frame)
    (item,) = frame["data"]
    assert item["status"] == "error" and set(item["error"]) == {"code", "message"}


def test_unknown_status_is_refused():
    with pytest.raises(ValueError):
        poll_frames("done")  # type: ignore[arg-type]


@settings(max_examples=50, database=None, deadline=None)
@given(auth_frames())
def test_auth_frames_validate(exchange):
    (request,) = exchange.request
    assert not schema_errors(platform("authentication-request"), request)
    assert not schema_errors(platform("envelope"), exchange.reply)
    if "data" in exchange.reply:
        (reply,) = exchange.reply["data"]
        assert not schema_errors(platform("authentication-response"), reply)
        if "connectionSessionUUID" in request:
            assert reply["connectionSessionUUID"] == request["connectionSessionUUID"]
    else:
        (error,) = exchange.reply["errors"]
        assert error["code"] == "invalidApiKey" and error["taskType"] == "authentication"


@settings(database=None, deadline=None)
@given(auth_frames(True, api_key="k" * 32))
def test_auth_frames_pin_the_key_and_outcome(exchange):
    assert exchange.request[0]["apiKey"] == "k" * 32
    assert "data" in exchange.reply


@settings(database=None, deadline=None)
@given(ping_frames())
def test_ping_frames_validate(exchange):
    assert not schema_errors(platform("ping-request"), exchange.request[0])
    assert not schema_errors(platform("pong-response"), exchange.reply["data"][0])
