"""The proxy over WebSocket: forwarding, local refusals, budget, unreachable upstream."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

from runware_testkit.cassettes import read_cassette
from runware_testkit.proxy import BUDGET_EXCEEDED_CODE, UPSTREAM_UNREACHABLE_CODE, ProxyServer

from .conftest import edit_task, upstream_tasks


def exchange(ws: ClientConnection, *tasks: Any) -> dict[str, Any]:
    ws.send(json.dumps(list(tasks)))
    return json.loads(ws.recv(timeout=10))


def authenticate(ws: ClientConnection, key: str) -> dict[str, Any]:
    return exchange(ws, {"taskType": "authentication", "apiKey": key})


def test_a_websocket_session_is_forwarded_and_recorded(
    start_proxy, upstream, tmp_path: Path
) -> None:
    cassette = tmp_path / "ws.jsonl"
    proxy = start_proxy(cassette=cassette)
    task = edit_task(deliveryMethod="async")
    poll = {"taskType": "getResponse", "taskUUID": task["taskUUID"]}
    with connect(proxy.ws_url) as ws:
        session = authenticate(ws, upstream.api_key)["data"][0]["connectionSessionUUID"]
        assert exchange(ws, task)["data"] == [
            {"taskType": "videoInference", "taskUUID": task["taskUUID"]}
        ]
        assert exchange(ws, poll)["data"][0]["status"] == "processing"
        assert exchange(ws, poll)["data"][0]["status"] == "success"
        assert exchange(ws, {"taskType": "ping", "ping": True}) == {
            "data": [{"taskType": "ping", "pong": True}]
        }
    proxy.stop()
    lines = read_cassette(cassette).interactions
    assert [(i.transport, i.connection, i.task, i.task_type) for i in lines] == [
        ("websocket", 1, None, "authentication"),
        ("websocket", 1, "t1", "videoInference"),
        ("websocket", 1, "t1", "getResponse"),
        ("websocket", 1, "t1", "getResponse"),
        ("websocket", 1, None, "ping"),
    ]
    assert lines[0].response["data"][0]["connectionSessionUUID"] == "{{session:s1}}"
    assert session not in cassette.read_text()
    assert all(line.direction == "client" and line.status is None for line in lines)


def test_an_invalid_task_in_a_frame_is_answered_locally(start_proxy, upstream) -> None:
    proxy = start_proxy()
    good, bad = edit_task(), edit_task(positivePrompt="")
    with connect(proxy.ws_url) as ws:
        authenticate(ws, upstream.api_key)
        ws.send(json.dumps([bad, good]))
        frames = [json.loads(ws.recv(timeout=10)) for _ in range(2)]
    refusal = next(frame for frame in frames if "errors" in frame)
    assert refusal["errors"][0]["taskUUID"] == bad["taskUUID"]
    assert refusal["errors"][0]["parameter"] == "positivePrompt"
    sent = [
        t.get("taskUUID") for t in upstream_tasks(upstream) if t["taskType"] != "authentication"
    ]
    assert sent == [good["taskUUID"]]


def test_the_budget_holds_over_websocket(start_proxy, upstream) -> None:
    proxy = start_proxy(budget_usd=1.0)
    with connect(proxy.ws_url) as ws:
        authenticate(ws, upstream.api_key)
        assert "data" in exchange(ws, edit_task())
        over = edit_task()
        (error,) = exchange(ws, over)["errors"]
    assert error["code"] == BUDGET_EXCEEDED_CODE and error["taskUUID"] == over["taskUUID"]
    assert over["taskUUID"] not in [t.get("taskUUID") for t in upstream_tasks(upstream)]


def test_an_unreachable_websocket_upstream_is_a_runware_error_frame() -> None:
    with (
        ProxyServer(
            upstream_rest="http://127.0.0.1:9/v1", upstream_ws="ws://127.0.0.1:9/v1"
        ) as proxy,
        connect(proxy.ws_url) as ws,
    ):
        (error,) = json.loads(ws.recv(timeout=10))["errors"]
    assert error["code"] == UPSTREAM_UNREACHABLE_CODE
    assert "ws://127.0.0.1:9/v1" in error["message"]


def test_a_binary_frame_is_read_like_a_text_one(start_proxy, upstream) -> None:
    proxy = start_proxy()
    with connect(proxy.ws_url) as ws:
        ws.send(json.dumps([{"taskType": "authentication", "apiKey": upstream.api_key}]).encode())
        assert "data" in json.loads(ws.recv(timeout=10))
        ws.send(b"not json")
        assert json.loads(ws.recv(timeout=10))["errors"][0]["code"] == "invalidJson"
