from __future__ import annotations

from runware_testkit.cassettes import match_request, requests_match

RECORDED = {
    "taskType": "videoInference",
    "taskUUID": "{{task:t1}}",
    "webhookURL": "{{webhook:w1}}",
    "inputImage": "https://me.example/in.png?sig=[scrubbed]",
    "duration": 5,
    "prompts": ["a", "b"],
}


def _live(**changes: object) -> dict:
    live = {
        "duration": 5,
        "prompts": ["a", "b"],
        "taskType": "videoInference",
        "taskUUID": "live-uuid-1",
        "webhookURL": "https://me.example/hook?token=real",
        "inputImage": "https://me.example/in.png?sig=other-signature",
    }
    return live | changes


def test_placeholders_bind_live_values_unscrubbed() -> None:
    assert match_request(RECORDED, _live()) == {
        "{{task:t1}}": "live-uuid-1",
        "{{webhook:w1}}": "https://me.example/hook?token=real",
    }


def test_a_changed_value_or_order_does_not_match() -> None:
    assert not requests_match(RECORDED, _live(duration=10))
    assert not requests_match(RECORDED, _live(prompts=["b", "a"]))
    assert not requests_match(RECORDED, _live(extra=True))
    assert not requests_match({"n": 1}, {"n": True})
    assert requests_match({"n": 1}, {"n": 1.0})


def test_a_placeholder_keeps_its_binding() -> None:
    assert match_request(RECORDED, _live(), {"{{task:t1}}": "another"}) is None
    poll = {"taskType": "getResponse", "taskUUID": "{{task:t1}}"}
    live_poll = {"taskType": "getResponse", "taskUUID": "live-uuid-1"}
    assert match_request(poll, live_poll, {"{{task:t1}}": "live-uuid-1"}) is not None


def test_api_keys_and_placeholders_inside_urls() -> None:
    auth = {"taskType": "authentication", "apiKey": "[scrubbed]"}
    assert requests_match(auth, {"taskType": "authentication", "apiKey": "anything"})
    inside = {"url": "https://h/tasks/{{task:t1}}/log?k=[scrubbed]"}
    assert match_request(inside, {"url": "https://h/tasks/abc/log?k=zz"}) == {"{{task:t1}}": "abc"}
