from __future__ import annotations

import pytest

from runware_testkit.cassettes import Placeholders, fill_placeholders, parse_placeholder

SUBMIT = {
    "taskType": "videoInference",
    "taskUUID": "11111111-1111-4111-8111-111111111111",
    "webhookURL": "https://me.example/hook?token=abc",
    "inputImage": "https://me.example/in.png",
}
ANSWER = {
    "data": [
        {
            "taskType": "videoInference",
            "taskUUID": "11111111-1111-4111-8111-111111111111",
            "videoUUID": "22222222-2222-4222-8222-222222222222",
            "videoURL": "https://cdn.example/v/22222222.mp4",
        }
    ]
}


def test_identifiers_become_numbered_placeholders() -> None:
    table = Placeholders()
    request = table.substitute(SUBMIT, origin="client")
    answer = table.substitute(ANSWER, origin="server")
    assert request == {
        "taskType": "videoInference",
        "taskUUID": "{{task:t1}}",
        "webhookURL": "{{webhook:w1}}",
        "inputImage": "https://me.example/in.png",
    }
    assert answer["data"][0] | {} == {
        "taskType": "videoInference",
        "taskUUID": "{{task:t1}}",
        "videoUUID": "{{media:m1}}",
        "videoURL": "{{url:u1}}",
    }


def test_the_same_value_keeps_its_placeholder_everywhere() -> None:
    table = Placeholders()
    table.substitute(SUBMIT, origin="client")
    table.substitute(ANSWER, origin="server")
    poll = {"taskType": "getResponse", "taskUUID": SUBMIT["taskUUID"]}
    later = {"method": "GET", "url": ANSWER["data"][0]["videoURL"]}
    inside = {"note": f"https://h/tasks/{SUBMIT['taskUUID']}/log"}
    assert table.substitute(poll, origin="client")["taskUUID"] == "{{task:t1}}"
    assert table.substitute(later, origin="client")["url"] == "{{url:u1}}"
    assert table.substitute(inside, origin="client") == {"note": "https://h/tasks/{{task:t1}}/log"}
    second = {"taskType": "imageInference", "taskUUID": "33333333-3333-4333-8333-333333333333"}
    assert table.substitute(second, origin="client")["taskUUID"] == "{{task:t2}}"
    assert table.name_of(SUBMIT["taskUUID"]) == "t1"


def test_a_client_does_not_make_up_image_uuids() -> None:
    given = {"taskUUID": "t-1", "imageUUID": "client-chosen"}
    assert Placeholders().substitute(given, origin="client")["imageUUID"] == "client-chosen"


def test_placeholders_parse_and_fill() -> None:
    assert parse_placeholder("{{task:t3}}") == ("task", "t3")
    assert parse_placeholder("x{{task:t3}}") is None
    values = {"{{task:t1}}": "live-uuid"}
    filled = fill_placeholders(
        {"taskUUID": "{{task:t1}}", "videoURL": "https://h/{{media:m1}}.mp4"},
        values,
        fresh=lambda kind, name: f"new-{kind}-{name}",
    )
    assert filled == {"taskUUID": "live-uuid", "videoURL": "https://h/new-media-m1.mp4"}
    assert values["{{media:m1}}"] == "new-media-m1"
    with pytest.raises(KeyError, match=r"\{\{url:u1\}\}"):
        fill_placeholders("{{url:u1}}", {})
