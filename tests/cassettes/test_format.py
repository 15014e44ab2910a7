from __future__ import annotations

import pytest

from runware_testkit.cassettes import (
    FORMAT_NAME,
    CassetteError,
    CassetteHeader,
    Interaction,
)


def _interaction() -> Interaction:
    return Interaction(
        id=7,
        transport="rest",
        direction="client",
        task="t2",
        task_type="getResponse",
        at=4.213,
        request={"taskType": "getResponse", "taskUUID": "{{task:t2}}"},
        status=200,
        response={"data": [{"taskType": "videoInference", "status": "processing"}]},
        volatile=("/response/data/0/cost",),
    )


def test_header_is_written_in_the_documented_shape() -> None:
    header = CassetteHeader(
        recorded_at="2026-11-29T19:04:11Z",
        kit_version="0.6.0",
        upstream_rest="https://api.runware.ai/v1",
        upstream_websocket="wss://ws-api.runware.ai/v1",
        media="hash",
    )
    assert header.to_json() == {
        "format": FORMAT_NAME,
        "version": 1,
        "recorded_at": "2026-11-29T19:04:11Z",
        "kit_version": "0.6.0",
        "upstream": {
            "rest": "https://api.runware.ai/v1",
            "websocket": "wss://ws-api.runware.ai/v1",
        },
        "media": "hash",
    }
    assert CassetteHeader.from_json(header.to_json()) == header


@pytest.mark.parametrize(
    ("obj", "said"),
    [
        ({"format": "other", "version": 1}, "not a cassette header"),
        ({"format": FORMAT_NAME, "version": 2}, "version 2 is not known"),
        ({"format": FORMAT_NAME, "version": "1"}, "must be an integer"),
        (
            {
                "format": FORMAT_NAME,
                "version": 1,
                "recorded_at": "x",
                "kit_version": "1",
                "media": "all",
            },
            "media must be",
        ),
    ],
)
def test_a_wrong_header_is_refused_with_the_reason(obj: dict, said: str) -> None:
    with pytest.raises(CassetteError, match=said):
        CassetteHeader.from_json(obj)


def test_interaction_round_trips_with_the_documented_keys() -> None:
    line = _interaction().to_json()
    assert list(line) == [
        "id",
        "transport",
        "direction",
        "connection",
        "task",
        "taskType",
        "at",
        "attempt",
        "request",
        "status",
        "response",
        "volatile",
    ]
    assert line["taskType"] == "getResponse"
    assert Interaction.from_json(line) == _interaction()


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("transport", "carrier-pigeon", "transport must be one of"),
        ("direction", "sideways", "direction must be"),
        ("at", -1, "non-negative"),
        ("id", "7", "id must be an integer"),
        ("request", [1], "request must be a JSON object"),
        ("volatile", "/x", "volatile must be a list"),
    ],
)
def test_a_wrong_interaction_names_the_field(field: str, value: object, said: str) -> None:
    line = _interaction().to_json() | {field: value}
    with pytest.raises(CassetteError, match=said):
        Interaction.from_json(line)
