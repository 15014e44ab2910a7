"""Replay in the fake: recorded answers with the client's own values, paced on the fake's clock,
webhooks and WebSocket included; unmatched tasks fall back to the contract or are refused."""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets.sync.client

from runware_testkit.fake_server.replay.session import NO_MATCH_CODE

HERE = Path(__file__).parent
REST = "cassettes/video_rest.jsonl"
WEBHOOK = "cassettes/video_webhook.jsonl"
WEBSOCKET = "cassettes/video_websocket.jsonl"


def recorded_request(name: str, line: int = 2) -> dict[str, Any]:
    """The request of a cassette's line, with a fresh taskUUID where its placeholder was."""
    text = (HERE / name).read_text(encoding="utf-8").splitlines()[line - 1]
    request = json.loads(text)["request"]
    return {**request, "taskUUID": str(uuid.uuid4())}


def post(fake: Any, http: httpx.Client, *tasks: dict[str, Any]) -> httpx.Response:
    return http.post(
        fake.base_url, json=list(tasks), headers={"Authorization": f"Bearer {fake.api_key}"}
    )


def poll_until_done(fake: Any, http: httpx.Client, task_uuid: str) -> list[dict[str, Any]]:
    """Poll in a tight loop (no sleeping) until the task is no longer processing."""
    seen = []
    for _ in range(20):
        item = post(fake, http, {"taskType": "getResponse", "taskUUID": task_uuid}).json()
        seen.append(item["data"][0])
        if item["data"][0]["status"] != "processing":
            return seen
    raise AssertionError(f"still processing after 20 polls: {seen}")


@pytest.mark.runware(cassette=REST)
def test_a_rest_client_polling_in_a_loop_sees_processing_then_success(runware_mock) -> None:
    task = recorded_request(REST)
    with httpx.Client() as http:
        ack = post(runware_mock, http, task)
        assert ack.status_code == 200
        assert ack.json() == {
            "data": [{"taskType": "videoInference", "taskUUID": task["taskUUID"]}]
        }
        seen = poll_until_done(runware_mock, http, task["taskUUID"])
    assert [item["status"] for item in seen] == ["processing", "processing", "success"]
    assert {item["taskUUID"] for item in seen} == {task["taskUUID"]}
    done = seen[-1]
    assert done["seed"] == 2448698005
    assert done["videoURL"].endswith(f"/media/{done['videoUUID']}.mp4")


@pytest.mark.runware(cassette=REST)
def test_replayed_result_urls_serve_a_file_of_the_recorded_type(runware_mock) -> None:
    task = recorded_request(REST)
    with httpx.Client() as http:
        post(runware_mock, http, task)
        url = poll_until_done(runware_mock, http, task["taskUUID"])[-1]["videoURL"]
        video = http.get(url)
    assert video.status_code == 200
    assert video.headers["content-type"] == "video/mp4"
    assert video.content[4:8] == b"ftyp"


@pytest.mark.runware(cassette=REST, clock="manual")
def test_on_a_manual_clock_advancing_it_advances_the_replay(runware_mock) -> None:
    task = recorded_request(REST)
    uuid_ = task["taskUUID"]
    poll = {"taskType": "getResponse", "taskUUID": uuid_}
    with httpx.Client() as http:
        post(runware_mock, http, task)
        statuses = [post(runware_mock, http, poll).json()["data"][0]["status"] for _ in range(3)]
        assert statuses == ["processing"] * 3
        runware_mock.advance(12.0)
        assert post(runware_mock, http, poll).json()["data"][0]["status"] == "processing"
        runware_mock.advance(0.5)
        assert post(runware_mock, http, poll).json()["data"][0]["status"] == "success"


@pytest.mark.runware(cassette=WEBHOOK)
def test_recorded_webhooks_go_to_the_clients_url(runware_mock) -> None:
    task = {**recorded_request(WEBHOOK), "webhookURL": runware_mock.webhook_url("edits")}
    with httpx.Client() as http:
        assert post(runware_mock, http, task).status_code == 200
    received = runware_mock.webhooks("edits")
    assert len(received) == 1
    item = received[0]["body"]["data"][0]
    assert item["taskUUID"] == task["taskUUID"]
    assert item["status"] == "success"
    assert item["videoURL"].endswith(f"/media/{item['videoUUID']}.mp4")


@pytest.mark.runware(cassette=WEBHOOK, clock="manual")
def test_on_a_manual_clock_a_webhook_waits_for_its_recorded_time(runware_mock) -> None:
    task = {**recorded_request(WEBHOOK), "webhookURL": runware_mock.webhook_url("edits")}
    with httpx.Client() as http:
        post(runware_mock, http, task)
    runware_mock.advance(41.0)
    assert runware_mock.webhooks("edits") == []
    runware_mock.advance(0.2)
    assert len(runware_mock.webhooks("edits")) == 1


@pytest.mark.runware(cassette=WEBSOCKET)
def test_a_websocket_client_sees_processing_then_success(runware_server) -> None:
    task = recorded_request(WEBSOCKET, line=3)
    with websockets.sync.client.connect(runware_server.ws_url) as ws:
        ws.send(json.dumps([{"taskType": "authentication", "apiKey": runware_server.api_key}]))
        assert json.loads(ws.recv(timeout=10))["data"][0]["taskType"] == "authentication"
        ws.send(json.dumps([task]))
        ack = json.loads(ws.recv(timeout=10))
        assert ack["data"][0]["taskUUID"] == task["taskUUID"]
        seen = []
        while not seen or seen[-1]["status"] == "processing":
            ws.send(json.dumps([{"taskType": "getResponse", "taskUUID": task["taskUUID"]}]))
            seen.append(json.loads(ws.recv(timeout=10))["data"][0])
    assert [item["status"] for item in seen] == ["processing", "success"]
    assert {item["taskUUID"] for item in seen} == {task["taskUUID"]}


@pytest.mark.runware(cassette=REST, replay="strict")
def test_strict_replay_refuses_an_unrecorded_task_naming_the_closest(runware_mock) -> None:
    task = {**recorded_request(REST), "positivePrompt": "a kite over a beach"}
    with httpx.Client() as http:
        answer = post(runware_mock, http, task)
    assert answer.status_code == 400
    error = answer.json()["errors"][0]
    assert error["code"] == NO_MATCH_CODE
    assert error["taskUUID"] == task["taskUUID"]
    message = error["message"]
    assert "video_rest.jsonl line 2" in message
    assert '-  "positivePrompt": "a paper boat on a rainy street",' in message
    assert '+  "positivePrompt": "a kite over a beach",' in message
    changed = [line for line in message.splitlines() if line.startswith(("+ ", "- "))]
    assert changed == [
        '-  "positivePrompt": "a paper boat on a rainy street",',
        '+  "positivePrompt": "a kite over a beach",',
    ]


@pytest.mark.runware(cassette=REST)
def test_an_unrecorded_task_falls_back_to_the_contract_driven_fake(runware_mock) -> None:
    task = {**recorded_request(REST), "positivePrompt": "a kite over a beach"}
    with httpx.Client() as http:
        ack = post(runware_mock, http, task)
        assert ack.json() == {
            "data": [{"taskType": "videoInference", "taskUUID": task["taskUUID"]}]
        }
        done = post(runware_mock, http, {"taskType": "getResponse", "taskUUID": task["taskUUID"]})
    assert done.json()["data"][0]["status"] == "success"
    assert runware_mock.task(task["taskUUID"])["status"] == "success"


@pytest.mark.runware(cassette=REST)
def test_a_recorded_request_sent_twice_is_answered_both_times(runware_mock) -> None:
    first, second = recorded_request(REST), recorded_request(REST)
    with httpx.Client() as http:
        for task in (first, second):
            post(runware_mock, http, task)
            seen = poll_until_done(runware_mock, http, task["taskUUID"])
            assert {item["taskUUID"] for item in seen} == {task["taskUUID"]}
            assert seen[-1]["status"] == "success"


def test_media_kept_by_hash_is_served_from_the_media_folder(tmp_path: Path) -> None:
    from runware_testkit.testing import mock

    body = b"\x89PNG\r\n\x1a\n recorded picture"
    digest = hashlib.sha256(body).hexdigest()
    lines = (HERE / REST).read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0]) | {"media": "hash"}
    rows = [json.loads(line) for line in lines[1:]]
    rows[-1]["response"] = {"contentType": "image/png", "bytes": len(body), "sha256": digest}
    cassette = tmp_path / "kept.jsonl"
    cassette.write_text("\n".join(json.dumps(r) for r in [header, *rows]) + "\n")
    (tmp_path / "kept.jsonl.media").mkdir()
    (tmp_path / "kept.jsonl.media" / digest).write_bytes(body)
    task = {**rows[0]["request"], "taskUUID": str(uuid.uuid4())}
    with mock(cassette=str(cassette)) as fake, httpx.Client() as http:
        post(fake, http, task)
        url = poll_until_done(fake, http, task["taskUUID"])[-1]["videoURL"]
        served = http.get(url)
    assert url.endswith(".png")
    assert served.content == body
    assert served.headers["content-type"] == "image/png"


@pytest.mark.parametrize(
    "named", ["../../../secret.txt", "/etc/hostname", "mismatch", "link"], ids=str
)
def test_a_cassette_cannot_make_the_fake_serve_another_file(tmp_path: Path, named: str) -> None:
    """A media line naming a path, a file whose content is not its name, or a symlink in the
    media folder: the fake renders its own media instead of serving that file."""
    from runware_testkit.testing import mock

    secret = b"top secret, not media"
    (tmp_path / "secret.txt").write_bytes(secret)
    media = tmp_path / "deep" / "er" / "kept.jsonl.media"
    media.mkdir(parents=True)
    sha = hashlib.sha256(secret).hexdigest()
    if named == "mismatch":
        (media / ("b" * 64)).write_bytes(secret)
        named = "b" * 64
    elif named == "link":
        (media / sha).symlink_to(tmp_path / "secret.txt")
        named = sha
    lines = (HERE / REST).read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0]) | {"media": "hash"}
    rows = [json.loads(line) for line in lines[1:]]
    rows[-1]["response"] = {"contentType": "video/mp4", "bytes": len(secret), "sha256": named}
    cassette = media.parent / "kept.jsonl"
    cassette.write_text("\n".join(json.dumps(r) for r in [header, *rows]) + "\n")
    task = {**rows[0]["request"], "taskUUID": str(uuid.uuid4())}
    with mock(cassette=str(cassette)) as fake, httpx.Client() as http:
        post(fake, http, task)
        url = poll_until_done(fake, http, task["taskUUID"])[-1]["videoURL"]
        served = http.get(url)
    assert served.status_code == 200
    assert b"secret" not in served.content
    assert served.content[4:8] == b"ftyp"  # an MP4 the fake rendered


PUSH = "cassettes/video_ws_push.jsonl"


@pytest.mark.runware(cassette=PUSH)
def test_frames_the_server_pushed_are_pushed_again(runware_server) -> None:
    task = recorded_request(PUSH, line=3)
    with websockets.sync.client.connect(runware_server.ws_url) as ws:
        ws.send(json.dumps([{"taskType": "authentication", "apiKey": runware_server.api_key}]))
        ws.recv(timeout=10)
        ws.send(json.dumps([task]))
        ack = json.loads(ws.recv(timeout=10))["data"][0]
        pushed = json.loads(ws.recv(timeout=10))["data"][0]
    assert ack == {"taskType": "imageInference", "taskUUID": task["taskUUID"]}
    assert pushed["taskUUID"] == task["taskUUID"] and pushed["status"] == "success"
    assert pushed["imageURL"].endswith(f"/media/{pushed['imageUUID']}.png")


@pytest.mark.runware(cassette=REST, replay_timing="real")
def test_real_timing_keeps_the_recorded_times(runware_mock) -> None:
    task = recorded_request(REST)
    poll = {"taskType": "getResponse", "taskUUID": task["taskUUID"]}
    with httpx.Client() as http:
        post(runware_mock, http, task)
        statuses = [post(runware_mock, http, poll).json()["data"][0]["status"] for _ in range(5)]
    assert statuses == ["processing"] * 5  # the recording saw success only after 12.5 s


@pytest.mark.runware(cassette=[REST, WEBSOCKET])
def test_several_cassettes_keep_their_own_tasks_apart(runware_mock) -> None:
    """Both cassettes name their task t1; each replayed task follows its own recording."""
    aleph2 = recorded_request(WEBSOCKET, line=3)
    with httpx.Client() as http:
        post(runware_mock, http, aleph2)
        seen = poll_until_done(runware_mock, http, aleph2["taskUUID"])
    assert [item["status"] for item in seen] == ["processing", "success"]


@pytest.mark.runware(cassette=REST, replay="strict")
def test_strict_replay_lets_the_fake_answer_requests_that_start_no_work(runware_mock) -> None:
    """ping, and polls or details of a task the replay does not hold, are the fake's."""
    unknown = str(uuid.uuid4())
    with httpx.Client() as http:
        ping = post(runware_mock, http, {"taskType": "ping", "ping": True})
        poll = post(runware_mock, http, {"taskType": "getResponse", "taskUUID": unknown})
    assert ping.status_code == 200 and ping.json()["data"][0]["pong"] is True
    assert poll.status_code == 404
    assert poll.json()["errors"][0]["code"] == "taskNotFound"


@pytest.mark.runware(cassette=REST)
def test_a_replayed_task_uuid_cannot_be_submitted_again(runware_mock) -> None:
    task = recorded_request(REST)
    with httpx.Client() as http:
        post(runware_mock, http, task)
        poll_until_done(runware_mock, http, task["taskUUID"])
        again = post(runware_mock, http, task)
    assert again.status_code == 400
    error = again.json()["errors"][0]
    assert (error["code"], error["taskUUID"]) == ("conflictTaskUUID", task["taskUUID"])


@pytest.mark.runware(cassette=REST, api_keys=["key-of-alice-0001", "key-of-bob-00002"])
def test_another_key_cannot_poll_a_replayed_task(runware_mock) -> None:
    """Key isolation holds on replay as it does in the fake: Bob's poll of Alice's task finds
    nothing, and leaves Alice's recorded polls where they were."""
    task = recorded_request(REST)

    def as_key(http: httpx.Client, key: str, body: dict[str, Any]) -> httpx.Response:
        return http.post(
            runware_mock.base_url, json=[body], headers={"Authorization": f"Bearer {key}"}
        )

    poll = {"taskType": "getResponse", "taskUUID": task["taskUUID"]}
    with httpx.Client() as http:
        assert as_key(http, "key-of-alice-0001", task).status_code == 200
        bob = as_key(http, "key-of-bob-00002", poll)
        alice = as_key(http, "key-of-alice-0001", poll)
    assert bob.status_code == 404
    assert bob.json()["errors"][0]["code"] == "taskNotFound"
    assert alice.json()["data"][0]["status"] == "processing"
