"""Network faults on both transports, in-process and live: half-open sockets, answers cut in
the middle, results in parts, results replayed after a reconnect, late authentication and the
simulated model queue (429 / 503 with Retry-After, 504)."""

from __future__ import annotations

import time

import httpx
import pytest

from runware_testkit.fake_server.faults.scenarios import Scenario

from ..harness import ALEPH2, Harness, image_task, poll_task, video_task

FLUX = "bfl:flux@3-image"  # sync by default
PING = {"taskType": "ping", "ping": True}
SILENCE = 0.3
"""Seconds a test waits to see that nothing arrives."""


def prompt(tokens: str) -> str:
    return f"a paper boat [[testkit:{tokens}]]"


def assert_silent(ws, seconds: float = SILENCE) -> None:
    """Nothing arrives on `ws` within `seconds`."""
    with pytest.raises(TimeoutError):
        ws.recv(timeout=seconds)


def closed_abnormally(server: Harness, code: int | None) -> bool:
    """Live: the socket ended without a closing handshake; in-process: closed with 1011."""
    return code is None if server.mode == "live" else code == 1011


# -- half-open WebSocket ----------------------------------------------------------------------


def test_half_open_socket_acknowledges_then_goes_silent(server: Harness) -> None:
    task = video_task(positivePrompt=prompt("half-open"))
    with server.ws() as ws:
        ws.auth()
        ws.send([task])
        assert ws.recv()["data"][0]["taskUUID"] == task["taskUUID"]
        ws.send([PING])
        ws.send([poll_task(task["taskUUID"])])
        assert_silent(ws)
    unanswered = [e for e in server.state.journal.entries("frame_in") if e.get("half_open")]
    assert [e["data"] for e in unanswered][-2:] == [[PING], [poll_task(task["taskUUID"])]]
    with server.ws() as ws:
        ws.auth()
        ws.send([poll_task(task["taskUUID"])])
        assert ws.recv()["data"][0]["status"] == "success"


def test_half_open_in_the_processing_phase_starts_after_the_first_poll(
    make_server,
) -> None:
    server = make_server(progression="polls:3")
    server.state.scenarios.add(Scenario(phase="processing", half_open=True))
    task = video_task()
    with server.ws() as ws:
        ws.auth()
        ws.send([task])
        ws.recv()
        ws.send([poll_task(task["taskUUID"])])
        assert ws.recv()["data"][0]["status"] == "processing"
        ws.send([PING])
        assert_silent(ws)
    with server.ws() as ws:
        ws.auth()
        ws.send([poll_task(task["taskUUID"])])
        assert ws.recv()["data"][0]["status"] == "processing"
        ws.send([PING])
        assert ws.recv()["data"][0]["pong"] is True


async def test_half_open_changes_nothing_over_rest(server: Harness) -> None:
    task = video_task(positivePrompt=prompt("half-open"))
    body = await server.run_to_end(task)
    assert body["data"][0]["status"] == "success"


# -- answers cut in the middle ----------------------------------------------------------------


async def test_rest_answer_cut_in_the_middle_is_a_protocol_error(server: Harness) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        await server.call(video_task(positivePrompt=prompt("cut")))
    (entry,) = [e for e in server.state.journal.entries("response") if e.get("truncated")]
    assert entry["status"] == 200
    assert len(server.state.engine.all_tasks()) == 1  # the task was taken before the cut


def test_websocket_frame_cut_in_the_middle_drops_the_connection(server: Harness) -> None:
    with server.ws() as ws:
        ws.auth()
        ws.send([video_task(positivePrompt=prompt("cut"))])
        assert closed_abnormally(server, ws.wait_closed())
    (entry,) = [e for e in server.state.journal.entries("frame_out") if e.get("truncated")]
    assert entry["closed"] is True


# -- results in parts -------------------------------------------------------------------------


async def test_rest_results_arrive_in_parts(server: Harness) -> None:
    task = video_task(ALEPH2, numberResults=2, positivePrompt=prompt("partial"))
    status, _ = await server.call(task)
    assert status == 200
    first = await server.poll(task["taskUUID"])
    second = await server.poll(task["taskUUID"])
    assert [i["status"] for i in first["data"]] == ["success"]
    assert [i["status"] for i in second["data"]] == ["success", "success"]
    assert first["data"][0]["videoUUID"] == second["data"][0]["videoUUID"]


def test_websocket_results_arrive_in_parts(server: Harness) -> None:
    task = video_task(ALEPH2, numberResults=3, positivePrompt=prompt("partial"))
    with server.ws() as ws:
        ws.auth()
        ws.send([task])
        ws.recv()
        ws.send([poll_task(task["taskUUID"])])
        assert len(ws.recv()["data"]) == 1
        ws.send([poll_task(task["taskUUID"])])
        assert len({i["videoUUID"] for i in ws.recv()["data"]}) == 3


# -- results replayed after a reconnect -------------------------------------------------------


def test_results_are_replayed_to_a_resumed_session(server: Harness) -> None:
    task = video_task(ALEPH2, numberResults=2, positivePrompt=prompt("replay"))
    with server.ws() as ws:
        session = ws.auth()["data"][0]["connectionSessionUUID"]
        ws.send([task])
        ws.recv()
        ws.send([poll_task(task["taskUUID"])])
        delivered = ws.recv()["data"]
        assert closed_abnormally(server, ws.wait_closed())
    server.wait_detached(session)
    with server.ws() as ws:
        assert ws.auth(connectionSessionUUID=session)["data"][0]["connectionSessionUUID"] == session
        replayed = ws.recv()["data"]
        ws.send([PING])
        assert ws.recv()["data"][0]["pong"] is True
    assert [i["videoUUID"] for i in replayed] == [i["videoUUID"] for i in delivered]
    assert len(delivered) == 2


def test_a_partial_delivery_is_replayed_in_full_to_a_resumed_session(server: Harness) -> None:
    task = video_task(ALEPH2, numberResults=2, positivePrompt=prompt("partial, replay"))
    with server.ws() as ws:
        session = ws.auth()["data"][0]["connectionSessionUUID"]
        ws.send([task, poll_task(task["taskUUID"])])
        ws.recv()
        (first,) = ws.recv()["data"]
        assert closed_abnormally(server, ws.wait_closed())
    server.wait_detached(session)
    with server.ws() as ws:
        ws.auth(connectionSessionUUID=session)
        replayed = ws.recv()["data"]
    assert [i["status"] for i in replayed] == ["success", "success"]
    assert first["videoUUID"] in {i["videoUUID"] for i in replayed}


def test_replay_happens_once(server: Harness) -> None:
    task = video_task(positivePrompt=prompt("replay"))
    with server.ws() as ws:
        ws.auth()
        ws.send([task, poll_task(task["taskUUID"])])
        ws.recv()
        ws.recv()
        ws.wait_closed()
    with server.ws() as ws:
        ws.auth()
        ws.send([poll_task(task["taskUUID"]), PING])
        assert ws.recv()["data"][0]["status"] == "success"
        assert ws.recv()["data"][0]["pong"] is True


async def test_replay_changes_nothing_over_rest(server: Harness) -> None:
    task = video_task(positivePrompt=prompt("replay"))
    await server.run_to_end(task)
    again = await server.poll(task["taskUUID"])
    assert again["data"][0]["status"] == "success"


# -- late, refused or broken authentication ---------------------------------------------------


def test_websocket_authentication_answered_late(server: Harness) -> None:
    server.state.scenarios.add(Scenario(phase="connect", latency_ms=150))
    with server.ws() as ws:
        started = time.monotonic()
        assert "connectionSessionUUID" in ws.auth()["data"][0]
        assert time.monotonic() - started >= 0.145  # timer granularity, see below
        ws.send([PING])
        assert ws.recv()["data"][0]["pong"] is True
    assert server.state.scenarios.pending() == []  # used up: the next authentication is on time
    played = server.state.journal.entries("scenario")
    assert [e["scenario"]["latency_ms"] for e in played] == [150]


def test_auth_latency_token_delays_the_next_authentication(server: Harness) -> None:
    with server.ws() as ws:
        ws.auth()
        ws.send([video_task(positivePrompt=prompt("auth-latency=150"))])
        ws.recv()
    assert [s.latency_ms for s in server.state.scenarios.pending()] == [150]
    with server.ws() as ws:
        started = time.monotonic()
        ws.auth()
        # The server's event loop keeps timers to the millisecond (uvloop), so its 150 ms wait
        # may end a fraction of a millisecond early on this thread's clock.
        assert time.monotonic() - started >= 0.145
    assert server.state.scenarios.pending() == []


@pytest.mark.parametrize("code", ["serviceUnavailable", "invalidApiKey"])
def test_websocket_authentication_refused_by_a_connect_scenario(server: Harness, code: str) -> None:
    server.state.scenarios.add(Scenario(phase="connect", error_code=code))
    with server.ws() as ws:
        (error,) = ws.auth()["errors"]
        assert (error["code"], error["taskType"]) == (code, "authentication")
        assert "connectionSessionUUID" in ws.auth()["data"][0]


def test_websocket_authentication_never_answered_on_a_half_open_socket(server: Harness) -> None:
    server.state.scenarios.add(Scenario(phase="connect", half_open=True))
    with server.ws() as ws:
        ws.send([{"taskType": "authentication", "apiKey": "rw-testkit-dev-key"}])
        assert_silent(ws)


def test_websocket_authentication_cut_in_the_middle(server: Harness) -> None:
    server.state.scenarios.add(Scenario(phase="connect", truncate_frame=True))
    with server.ws() as ws:
        ws.send([{"taskType": "authentication", "apiKey": "rw-testkit-dev-key"}])
        assert closed_abnormally(server, ws.wait_closed())


async def test_rest_request_answered_late_refused_or_dropped(server: Harness) -> None:
    scenarios = server.state.scenarios
    scenarios.add(Scenario(phase="connect", latency_ms=150))
    started = time.monotonic()
    status, _ = await server.call(PING)
    assert (status, time.monotonic() - started >= 0.145) == (200, True)
    scenarios.add(Scenario(phase="connect", error_code="serviceUnavailable"))
    status, body = await server.call(PING)
    assert (status, body["errors"][0]["code"]) == (503, "serviceUnavailable")
    for broken in (Scenario(phase="connect", drop_connection=True),
                   Scenario(phase="connect", truncate_frame=True)):  # fmt: skip
        scenarios.add(broken)
        with pytest.raises(httpx.RemoteProtocolError):
            await server.call(PING)
    assert (await server.call(PING))[0] == 200


# -- the simulated model queue ----------------------------------------------------------------


async def test_rest_queue_answers_429_with_retry_after_and_drains_on_the_clock(
    server: Harness,
) -> None:
    server.state.scenarios.add(Scenario(queue_capacity=2, queue_drain_per_s=0.5))
    answers = [await server.post([video_task()]) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    refused = answers[2]
    assert refused.headers["retry-after"] == "2"
    (error,) = refused.json()["errors"]
    assert (error["code"], error["taskType"]) == ("rateLimitExceeded", "videoInference")
    assert "retry-after" not in answers[0].headers
    assert len(server.state.engine.all_tasks()) == 2
    server.clock.advance(2)
    assert (await server.post([video_task()])).status_code == 200


async def test_rest_queue_may_answer_503(server: Harness) -> None:
    tokens = prompt("queue=1, queue-full=503, drain=0.25")
    first = await server.post([video_task(positivePrompt=tokens)])
    second = await server.post([video_task(positivePrompt=tokens)])
    assert (first.status_code, second.status_code) == (200, 503)
    assert second.headers["retry-after"] == "4"
    assert second.json()["errors"][0]["code"] == "serviceUnavailable"
    assert (await server.post([video_task()])).status_code == 200  # no token, no queue


async def test_rest_sync_task_waiting_past_the_bound_gets_504(server: Harness) -> None:
    tokens = prompt("queue=10, drain=1, max-wait=1")
    statuses = [
        (await server.post([image_task(FLUX, positivePrompt=tokens)])).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 504]
    late = await server.post([image_task(FLUX, positivePrompt=tokens)])
    assert late.json()["errors"][0]["code"] == "timeout"
    assert "retry-after" not in late.headers
    async_task = image_task(FLUX, positivePrompt=tokens, deliveryMethod="async")
    assert (await server.post([async_task])).status_code == 200


def test_websocket_queue_answers_the_error_in_its_frame(server: Harness) -> None:
    server.state.scenarios.add(Scenario(queue_capacity=1, queue_drain_per_s=1.0))
    with server.ws() as ws:
        ws.auth()
        ws.send([video_task(), video_task()])
        assert "data" in ws.recv()
        (error,) = ws.recv()["errors"]
        assert error["code"] == "rateLimitExceeded"
        assert "retry after 1 s" in error["message"]


async def test_the_queue_is_listed_and_cleared_with_the_scenarios(server: Harness) -> None:
    server.state.scenarios.add(Scenario(queue_capacity=1))
    assert [s.queue_capacity for s in server.state.scenarios.pending()] == [1]
    await server.call(video_task())
    server.state.scenarios.clear()
    assert (await server.post([video_task()])).status_code == 200
