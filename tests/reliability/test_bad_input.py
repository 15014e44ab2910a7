"""The bad-input corpus, over REST and WebSocket, in-process and live: each bad input gets its
exact Runware error, and the server keeps serving other clients without losing what it had.

WebSocket choice (the documented behaviour of ``fake_server/websocket.py``): a bad frame gets
one error frame and the connection stays usable, before and after authentication. Only what
never reaches the app is a close: a text frame that is not UTF-8 (1007, RFC 6455) and a frame
beyond the transport's own ceiling (1009).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
import websockets
import websockets.sync.client

from fake_server.harness import Harness, poll_task, video_task
from runware_testkit.fake_server.config import DEV_API_KEY, Limits
from runware_testkit.fake_server.uvicorn_thread import uvicorn_config

from .corpus import (
    CORPUS_LIMITS,
    MODES,
    REST_CORPUS,
    WS_CORPUS,
    FrameCase,
    RestCase,
    assert_still_serves,
    bad_frame_cases,
    error_codes,
    error_of,
    running,
    submit_earlier,
)

AUTH_ERROR = {"parameter": "apiKey", "taskType": "authentication"}


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    """``inprocess`` or ``live``."""
    return request.param


@pytest.fixture
async def server(mode: str) -> AsyncIterator[Harness]:
    """A server with the corpus limits."""
    async with running(mode, limits=CORPUS_LIMITS) as harness:
        yield harness


def ack(task: dict) -> dict:
    """The acknowledgement of a submitted task."""
    return {"data": [{"taskType": task["taskType"], "taskUUID": task["taskUUID"]}]}


def padded(size: int) -> str:
    """A one-ping task array of exactly `size` bytes of UTF-8."""
    bare = len(json.dumps([{"taskType": "ping", "ping": True, "pad": ""}]))
    text = json.dumps([{"taskType": "ping", "ping": True, "pad": "a" * (size - bare)}])
    assert len(text.encode()) == size
    return text


# -- REST --------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", REST_CORPUS, ids=lambda case: case.name)
async def test_rest_bad_body_gets_its_runware_error(server: Harness, case: RestCase) -> None:
    earlier = await submit_earlier(server)
    response = await server.post(content=case.body, headers={"Content-Type": case.content_type})
    assert response.status_code == case.status, response.text[:300]
    assert response.headers["content-type"] == "application/json"
    assert error_codes(response.json()) == case.codes
    await assert_still_serves(server, earlier)


async def test_object_instead_of_array_is_refused_the_same_on_both_transports(
    server: Harness,
) -> None:
    """PROTOCOL.md: a body is always an array, even for one task; a bare object is refused
    with the same error over REST and WebSocket, and nothing is submitted."""
    task = video_task()
    response = await server.post(content=json.dumps(task))
    rest_error = error_of(response.json(), "invalidRequestBody")
    with server.ws() as ws:
        ws.auth()
        ws.send(task)
        ws_error = error_of(ws.recv(), "invalidRequestBody")
    assert rest_error == ws_error
    assert server.state.engine.store.get_task(task["taskUUID"]) is None


async def test_chunked_body_over_the_limit_is_refused_without_content_length(mode: str) -> None:
    """The limit holds on the bytes read, not on the header: a chunked body far beyond it
    (bounded: 4 MiB) is 413 and the server keeps serving."""
    limit = 1000
    async with running(mode, limits=Limits(max_body_bytes=limit)) as server:
        earlier = await submit_earlier(server)

        async def stream():
            yield b'[{"taskType": "ping", "ping": true, "pad": "'
            for _ in range(64):
                yield b"a" * 65536

        response = await server.http.post(
            "/v1",
            content=stream(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {DEV_API_KEY}"},
        )
        assert "content-length" not in response.request.headers
        assert response.request.headers["transfer-encoding"] == "chunked"
        assert response.status_code == 413
        error = error_of(response.json(), "maxPayloadSizeExceeded")
        assert str(limit) in error["message"]
        await assert_still_serves(server, earlier)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_rest_body_limit_boundary(mode: str, chunked: bool) -> None:
    """A body of exactly ``max_body_bytes`` is served; one byte more is 413."""
    limit = 2000
    async with running(mode, limits=Limits(max_body_bytes=limit)) as server:
        for size, status in ((limit, 200), (limit + 1, 413)):
            body = padded(size).encode()

            async def stream(body: bytes = body):
                for start in range(0, len(body), 300):
                    yield body[start : start + 300]

            response = await server.http.post(
                "/v1",
                content=stream() if chunked else body,
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {DEV_API_KEY}",
                },
            )
            assert response.status_code == status, (size, response.text[:200])
            if status == 200:
                assert response.json() == {"data": [{"taskType": "ping", "pong": True}]}
            else:
                error_of(response.json(), "maxPayloadSizeExceeded")
        await assert_still_serves(server)


async def test_task_count_limit_boundary(mode: str) -> None:
    """``max_tasks_per_request`` tasks are served (one reply each); one more is refused whole
    on both transports."""
    limit = 4
    async with running(mode, limits=Limits(max_tasks_per_request=limit)) as server:
        ping = {"taskType": "ping", "ping": True}
        status, body = await server.call(*[ping] * limit)
        assert (status, body) == (200, {"data": [{"taskType": "ping", "pong": True}] * limit})
        status, body = await server.call(*[ping] * (limit + 1))
        assert status == 400
        error_of(body, "maxTasksPerRequestExceeded")
        with server.ws() as ws:
            ws.auth()
            ws.send([ping] * limit)
            pong = {"data": [{"taskType": "ping", "pong": True}]}
            assert [ws.recv() for _ in range(limit)] == [pong] * limit
            ws.send([ping] * (limit + 1))
            error_of(ws.recv(), "maxTasksPerRequestExceeded")
            ws.send([ping])
            assert ws.recv() == {"data": [{"taskType": "ping", "pong": True}]}


async def test_default_limits_hold(mode: str) -> None:
    """At the shipped limits (64 MiB body and frame, 100 tasks): exactly at each limit is served,
    just over is refused, over REST and WebSocket."""
    defaults = Limits()
    async with running(mode) as server:
        assert server.state.config.limits == defaults
        at_limit = padded(defaults.max_body_bytes)
        response = await server.post(content=at_limit.encode())
        assert response.status_code == 200, response.text[:200]
        response = await server.post(content=padded(defaults.max_body_bytes + 1).encode())
        assert response.status_code == 413
        error_of(response.json(), "maxPayloadSizeExceeded")
        ping = {"taskType": "ping", "ping": True}
        status, _ = await server.call(*[ping] * defaults.max_tasks_per_request)
        assert status == 200
        status, body = await server.call(*[ping] * (defaults.max_tasks_per_request + 1))
        assert status == 400
        error_of(body, "maxTasksPerRequestExceeded")
        with server.ws() as ws:
            ws.auth()
            ws.send_text(padded(defaults.max_ws_frame_bytes))
            assert ws.recv() == {"data": [{"taskType": "ping", "pong": True}]}
            ws.send_text(padded(defaults.max_ws_frame_bytes + 1))
            error_of(ws.recv(), "maxPayloadSizeExceeded")
            ws.send([ping])
            assert ws.recv() == {"data": [{"taskType": "ping", "pong": True}]}
        await assert_still_serves(server)


# -- WebSocket ---------------------------------------------------------------------------------


FRAME_RUNS = [
    pytest.param(
        mode, case, authenticated, id=f"{mode}-{case.name}-{'authed' if authenticated else 'new'}"
    )
    for case, authenticated in bad_frame_cases()
    for mode in case.modes
]


@pytest.mark.parametrize(("mode", "case", "authenticated"), FRAME_RUNS)
async def test_ws_bad_frame_gets_an_error_frame_and_the_socket_stays_usable(
    server: Harness, case: FrameCase, authenticated: bool
) -> None:
    earlier = await submit_earlier(server)
    with server.ws() as ws:
        on_socket = None
        if authenticated:
            ws.auth()
            on_socket = video_task()
            ws.send([on_socket])
            assert ws.recv() == ack(on_socket)
        if isinstance(case.frame, bytes):
            ws.send_bytes(case.frame)
        else:
            ws.send_text(case.frame)
        code = case.expected(authenticated)
        error = error_of(ws.recv(), code)
        if code == "missingApiKey":
            assert {k: error[k] for k in AUTH_ERROR} == AUTH_ERROR
        # the same connection goes on: it authenticates (if it had not), submits and polls
        if not authenticated:
            assert ws.auth()["data"][0]["taskType"] == "authentication"
        good = video_task()
        ws.send([good])
        assert ws.recv() == ack(good)
        for task in (good, on_socket):
            if task is not None:
                ws.send([poll_task(task["taskUUID"])])
                (item,) = ws.recv()["data"]
                assert (item["taskUUID"], item["status"]) == (task["taskUUID"], "success")
    await assert_still_serves(server, earlier)


async def test_ws_frame_limit_boundary(mode: str) -> None:
    """A frame of exactly ``max_ws_frame_bytes`` (counted in UTF-8 bytes) is answered; one
    byte more gets the error frame, on the same connection."""
    limit = 3000
    async with running(mode, limits=Limits(max_ws_frame_bytes=limit)) as server:
        with server.ws() as ws:
            ws.auth()
            ws.send_text(padded(limit))
            assert ws.recv() == {"data": [{"taskType": "ping", "pong": True}]}
            ws.send_text(padded(limit + 1))
            error = error_of(ws.recv(), "maxPayloadSizeExceeded")
            assert f"{limit + 1} bytes" in error["message"]
            bare = len(json.dumps([{"taskType": "ping", "ping": True, "pad": ""}]))
            two_byte = json.dumps(
                [{"taskType": "ping", "ping": True, "pad": "é" * (limit - bare)}],
                ensure_ascii=False,
            )
            assert len(two_byte) <= limit < len(two_byte.encode())
            ws.send_text(two_byte)
            error_of(ws.recv(), "maxPayloadSizeExceeded")
            ws.send([{"taskType": "ping", "ping": True}])
            assert ws.recv() == {"data": [{"taskType": "ping", "pong": True}]}


async def test_ws_invalid_utf8_text_frame_is_closed_1007_and_others_are_served() -> None:
    """A text frame that is not UTF-8 cannot reach the app (ASGI text is str): the live server
    fails that connection with 1007 and keeps serving; tasks submitted before are kept."""
    async with running("live", limits=CORPUS_LIMITS) as server:
        assert server.live is not None
        earlier = await submit_earlier(server)
        with websockets.sync.client.connect(server.live.ws_url, proxy=None) as conn:
            conn.send(json.dumps([{"taskType": "authentication", "apiKey": DEV_API_KEY}]))
            assert "connectionSessionUUID" in json.loads(conn.recv(timeout=10))["data"][0]
            on_socket = video_task()
            conn.send(json.dumps([on_socket]))
            assert json.loads(conn.recv(timeout=10)) == ack(on_socket)
            conn.send(b'[{"taskType": "ping", "ping": "\xff\xfe"}]', text=True)
            with pytest.raises(websockets.ConnectionClosedError) as closed:
                conn.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1007
        await assert_still_serves(server, earlier)
        status, body = await server.call(poll_task(on_socket["taskUUID"]))
        assert (status, body["data"][0]["status"]) == (200, "success")


async def test_ws_frame_over_the_transport_ceiling_is_closed_1009() -> None:
    """Frames up to the transport's ceiling reach the app and get an error frame; beyond it
    (uvicorn's ``ws_max_size``, at least 16 MiB) the connection is closed with 1009 "message
    too big" and the server keeps serving."""
    async with running("live", limits=Limits(max_ws_frame_bytes=1000)) as server:
        assert server.live is not None
        ceiling = uvicorn_config(server.app).ws_max_size
        earlier = await submit_earlier(server)
        with websockets.sync.client.connect(server.live.ws_url, proxy=None, max_size=None) as conn:
            conn.send("x" * (ceiling // 2))
            frame = json.loads(conn.recv(timeout=30))
            error_of(frame, "maxPayloadSizeExceeded")
            conn.send("x" * (ceiling + 1))
            with pytest.raises(websockets.ConnectionClosedError) as closed:
                conn.recv(timeout=30)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
        await assert_still_serves(server, earlier)


async def test_every_bad_input_in_turn_leaves_one_server_serving(mode: str) -> None:
    """The whole corpus against one server, REST and WebSocket interleaved, with a task
    accepted at the start: at the end the server answers, the task is there and no request
    crashed (no ``error`` journal entries)."""
    async with running(mode, limits=CORPUS_LIMITS) as server:
        earlier = await submit_earlier(server)
        for case in REST_CORPUS:
            response = await server.post(
                content=case.body, headers={"Content-Type": case.content_type}
            )
            assert response.status_code == case.status, case.name
        with server.ws() as ws:
            for case in WS_CORPUS:
                if mode not in case.modes:
                    continue
                if isinstance(case.frame, bytes):
                    ws.send_bytes(case.frame)
                else:
                    ws.send_text(case.frame)
                error_of(ws.recv(), case.expected(False))
        await assert_still_serves(server, earlier)
