"""Body parsing, envelopes and HTTP status of an answer."""

from __future__ import annotations

import json

import pytest

from runware_testkit.fake_server.protocol.wire import (
    BatchError,
    TaskReply,
    decode_json,
    encode_json,
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


def test_bytes_and_text_read_alike() -> None:
    """Bytes take the fast parser, text the standard one: the values must be the same."""
    body = '[{"a": [1.0, 2.5, -0.0, 1e2], "b": {"c": "v2.5"}, "n": 123456789012345678901234567890}]'
    from_bytes, from_text = decode_json(body.encode()), decode_json(body)
    assert (
        from_bytes
        == from_text
        == [{"a": [1, 2.5, 0, 100], "b": {"c": "v2.5"}, "n": 123456789012345678901234567890}]
    )
    assert [type(x) for x in from_bytes[0]["a"]] == [int, float, int, int]


def test_encode_json_writes_what_json_dumps_would() -> None:
    reply = {"data": [{"taskUUID": "t", "cost": 0.25, "seed": 2**40, "text": "\u00e9"}]}
    assert json.loads(encode_json(reply)) == reply
    assert encode_json({"n": 2**70}) == b'{"n":1180591620717411303424}'
    assert encode_json({1: "x"}) == b'{"1":"x"}'


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
