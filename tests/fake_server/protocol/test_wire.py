"""Body parsing, envelopes and HTTP status of an answer."""

from __future__ import annotations

import pytest

from runware_testkit.fake_server.protocol.wire import (
    BatchError,
    TaskReply,
    envelope,
    for_journal,
    http_status,
    parse_tasks,
)


def test_parse_tasks_accepts_an_array() -> None:
    assert parse_tasks(b'[{"taskType": "ping"}]', max_tasks=5) == [{"taskType": "ping"}]


def test_integral_numbers_are_integers() -> None:
    """JSON makes no difference between 2 and 2.0: an integral number is read as an int."""
    (task,) = parse_tasks(b'[{"numberResults": 2.0, "seed": 7e0, "t": 0.5}]', max_tasks=5)
    assert task == {"numberResults": 2, "seed": 7, "t": 0.5}
    assert type(task["numberResults"]) is int and type(task["seed"]) is int


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("nope", "invalidJson"),
        ("{}", "invalidRequestBody"),
        ("[]", "invalidRequestBody"),
        ("[1, 2, 3]", "maxTasksPerRequestExceeded"),
        (b"\xff", "invalidJson"),
    ],
)
def test_parse_tasks_refuses_bad_bodies(text: str | bytes, code: str) -> None:
    with pytest.raises(BatchError) as caught:
        parse_tasks(text, max_tasks=2)
    assert caught.value.error["code"] == code
    assert caught.value.status == 400


def test_envelope_shapes() -> None:
    assert envelope([], []) == {"data": []}
    assert envelope([{"a": 1}], []) == {"data": [{"a": 1}]}
    assert envelope([], [{"code": "x"}]) == {"errors": [{"code": "x"}]}
    assert envelope([{"a": 1}], [{"code": "x"}]) == {"data": [{"a": 1}], "errors": [{"code": "x"}]}


def test_http_status_rules() -> None:
    ok = TaskReply(data=[{"taskType": "ping"}])
    not_found = TaskReply.error(404, code="taskNotFound", message="m")
    invalid = TaskReply.error(400, code="invalidX", message="m")
    assert http_status([ok, not_found]) == 200
    assert http_status([not_found, not_found]) == 404
    assert http_status([not_found, invalid]) == 400
    assert http_status([]) == 200


def test_for_journal_shortens_long_strings() -> None:
    uri = "data:video/mp4;base64," + "A" * 5000
    view = for_journal([{"media": uri, "n": 1, "list": ["short"]}])
    assert view[0]["media"].endswith(f"...({len(uri)} characters)")
    assert len(view[0]["media"]) < 600
    assert view[0]["n"] == 1 and view[0]["list"] == ["short"]
