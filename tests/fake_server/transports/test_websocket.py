"""WS /v1: authentication, tasks and polls on the socket, bad frames, resume, ping, idle timeout.

Every test runs twice: through Starlette's TestClient (in-process) and with the `websockets`
client against a live uvicorn server.
"""

from __future__ import annotations

import re

import pytest

from runware_testkit.fake_server.config import Limits
from runware_testkit.fake_server.transports.websocket import IDLE_CLOSE_CODE

from ..harness import ALEPH2, Harness, new_uuid, poll_task, video_task

UUID_RE = re.compile(r"^[0-9a-f-]{36}$")


def test_authentication_returns_a_session(server: Harness) -> None:
    with server.ws() as ws:
        frame = ws.auth()
    (item,) = frame["data"]
    assert item["taskType"] == "authentication"
    assert UUID_RE.match(item["connectionSessionUUID"])
    assert "errors" not in frame


@pytest.mark.parametrize(("key", "code"), [("nope", "invalidApiKey"), ("", "missingApiKey")])
def test_bad_key_gets_an_authentication_error(server: Harness, key: str, code: str) -> None:
    with server.ws() as ws:
        frame = ws.auth(key)
        (error,) = frame["errors"]
        assert (error["code"], error["taskType"], error["parameter"]) == (
            code,
            "authentication",
            "apiKey",
        )
        assert "connectionSessionUUID" in ws.auth()["data"][0]


def test_messages_before_authentication_get_an_error(server: Harness) -> None:
    with server.ws() as ws:
        ws.send([video_task()])
        (error,) = ws.recv()["errors"]
        assert error["taskType"] == "authentication"
        assert error["code"] == "missingApiKey"
        ws.auth()
        ws.send([{"taskType": "ping", "ping": True}])
        assert ws.recv() == {"data": [{"taskType": "ping", "pong": True}]}


def test_submit_and_poll_on_the_socket(server: Harness) -> None:
    task = video_task(ALEPH2, numberResults=2)
    with server.ws() as ws:
        ws.auth()
        ws.send([task])
        assert ws.recv() == {"data": [{"taskType": "videoInference", "taskUUID": task["taskUUID"]}]}
        ws.send([poll_task(task["taskUUID"])])
        frame = ws.recv()
    items = frame["data"]
    assert [i["status"] for i in items] == ["success", "success"]
    assert len({i["videoUUID"] for i in items}) == 2
    assert all(i["videoURL"].startswith(server.base_url + "/media/") for i in items)


def test_auth_and_tasks_in_one_message(server: Harness) -> None:
    with server.ws() as ws:
        ws.send(
            [
                {"taskType": "authentication", "apiKey": "rw-testkit-dev-key"},
                {"taskType": "ping", "ping": True},
            ]
        )
        assert ws.recv()["data"][0]["taskType"] == "authentication"
        assert ws.recv() == {"data": [{"taskType": "ping", "pong": True}]}


def test_each_task_of_a_message_gets_its_own_frame(server: Harness) -> None:
    good, bad = video_task(), video_task(numberResults=0)
    with server.ws() as ws:
        ws.auth()
        ws.send([good, bad, poll_task(new_uuid())])
        first, second, third = ws.recv(), ws.recv(), ws.recv()
    assert first == {"data": [{"taskType": "videoInference", "taskUUID": good["taskUUID"]}]}
    assert second["errors"][0]["taskUUID"] == bad["taskUUID"]
    assert "data" not in second
    assert third["errors"][0]["code"] == "taskNotFound"


def test_failed_task_frame_carries_item_and_error(server: Harness) -> None:
    task = video_task(positivePrompt="x [[testkit:error=insufficientCredits@processing]]")
    with server.ws() as ws:
        ws.auth()
        ws.send([task])
        ws.recv()
        ws.send([poll_task(task["taskUUID"])])
        frame = ws.recv()
    (item,) = frame["data"]
    assert item["status"] == "error"
    assert item["error"]["code"] == item["code"] == "insufficientCredits"
    (error,) = frame["errors"]
    assert (error["code"], error["taskUUID"]) == ("insufficientCredits", task["taskUUID"])


def test_ping_before_authentication_gets_its_pong(server: Harness) -> None:
    with server.ws() as ws:
        ws.send([{"taskType": "ping", "ping": True}])
        assert ws.recv() == {"data": [{"taskType": "ping", "pong": True}]}
        assert ws.auth()["data"][0]["taskType"] == "authentication"


def test_ping_pong(server: Harness) -> None:
    with server.ws() as ws:
        ws.auth()
        for _ in range(3):
            ws.send([{"taskType": "ping", "ping": True}])
            assert ws.recv() == {"data": [{"taskType": "ping", "pong": True}]}


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        (b"\x00\x01binary", "unsupportedFrameType"),
        ("{not json", "invalidJson"),
        ('{"taskType": "ping"}', "invalidRequestBody"),
        ("[]", "invalidRequestBody"),
        ("x" * 3000, "maxPayloadSizeExceeded"),
        ("[" * 1020 + "]" * 1020, "invalidJson"),
    ],
)
def test_bad_frames_get_errors_and_the_socket_stays_usable(
    make_server, frame: bytes | str, code: str
) -> None:
    server = make_server(limits=Limits(max_ws_frame_bytes=2048))
    with server.ws() as ws:
        ws.auth()
        if isinstance(frame, bytes):
            ws.send_bytes(frame)
        else:
            ws.send_text(frame)
        assert ws.recv()["errors"][0]["code"] == code
        ws.send([{"taskType": "ping", "ping": True}])
        assert ws.recv()["data"][0]["pong"] is True


def test_resume_replays_results_finished_while_away(make_server) -> None:
    server = make_server(progression="time:5")
    task = video_task()
    with server.ws() as ws:
        session = ws.auth()["data"][0]["connectionSessionUUID"]
        ws.send([task])
        ws.recv()
    server.wait_detached(session)
    server.clock.advance(5)
    with server.ws() as ws:
        frame = ws.auth(connectionSessionUUID=session)
        assert frame["data"][0]["connectionSessionUUID"] == session
        replay = ws.recv()
        (item,) = replay["data"]
        assert (item["taskUUID"], item["status"]) == (task["taskUUID"], "success")
        ws.send([{"taskType": "ping", "ping": True}])
        assert ws.recv()["data"][0]["pong"] is True


def test_resume_does_not_replay_what_was_delivered(server: Harness) -> None:
    task = video_task()
    with server.ws() as ws:
        session = ws.auth()["data"][0]["connectionSessionUUID"]
        ws.send([task, poll_task(task["taskUUID"])])
        ws.recv()
        assert ws.recv()["data"][0]["status"] == "success"
    server.wait_detached(session)
    with server.ws() as ws:
        ws.auth(connectionSessionUUID=session)
        ws.send([{"taskType": "ping", "ping": True}])
        assert ws.recv()["data"][0]["taskType"] == "ping"


def test_resume_window_expires_on_the_clock(make_server) -> None:
    server = make_server(progression="time:5")
    with server.ws() as ws:
        session = ws.auth()["data"][0]["connectionSessionUUID"]
        ws.send([video_task()])
        ws.recv()
    server.wait_detached(session)
    server.clock.advance(121)
    with server.ws() as ws:
        fresh = ws.auth(connectionSessionUUID=session)["data"][0]["connectionSessionUUID"]
        assert fresh != session
        ws.send([{"taskType": "ping", "ping": True}])
        assert ws.recv()["data"][0]["taskType"] == "ping"


def test_idle_connection_is_closed(make_server) -> None:
    server = make_server(idle_timeout=0.3)
    with server.ws() as ws:
        ws.auth()
        assert ws.wait_closed(timeout=5) == IDLE_CLOSE_CODE
    assert any(e.get("reason") == "idle timeout" for e in server.state.journal.entries())


def test_dry_run_connection(server: Harness) -> None:
    task = video_task()
    with server.ws("dryRun=1") as ws:
        ws.auth()
        ws.send([task])
        (item,) = ws.recv()["data"]
    assert item["dryRun"] is True and item["cost"] == 0.7563
    assert server.state.engine.all_tasks() == []


def test_frames_are_journaled(server: Harness) -> None:
    with server.ws() as ws:
        ws.auth()
    kinds = [e["kind"] for e in server.state.journal.entries()]
    assert kinds[:2] == ["frame_in", "frame_out"]
