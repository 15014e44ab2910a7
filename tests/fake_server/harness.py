"""One face for the fake server in both modes: in-process (ASGI, no sockets) and live (uvicorn
on 127.0.0.1), so the protocol tests run twice, like moto's suite."""

from __future__ import annotations

import base64
import json
import time
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import anyio
import httpx
import websockets.sync.client

from runware_testkit.fake_server.app import create_app
from runware_testkit.fake_server.config import DEV_API_KEY, ServerConfig
from runware_testkit.fake_server.engine.clock import ManualClock
from runware_testkit.fake_server.media.video import render_video
from runware_testkit.fake_server.state import ServerState
from runware_testkit.fake_server.uvicorn_thread import LiveServer

with warnings.catch_warnings():
    # Starlette suggests another HTTP client for its TestClient; only its WebSocket side is used.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

MODES = ("inprocess", "live")
ALEPH = "runway:2@1"
ALEPH2 = "runway:aleph@2.0"
REMOTE_VIDEO = "https://example.com/source.mp4"
RECV_TIMEOUT = 10.0


def new_uuid() -> str:
    """A fresh taskUUID."""
    return str(uuid.uuid4())


def video_task(model: str = ALEPH, video: str = REMOTE_VIDEO, **fields: Any) -> dict[str, Any]:
    """A valid videoInference task for `model` (fields override or add)."""
    task: dict[str, Any] = {
        "taskType": "videoInference",
        "taskUUID": new_uuid(),
        "model": model,
        "positivePrompt": "a paper boat on a rainy street",
        "inputs": {"video": video},
    }
    task.update(fields)
    return task


def poll_task(task_uuid: str) -> dict[str, Any]:
    """A getResponse task."""
    return {"taskType": "getResponse", "taskUUID": task_uuid}


def video_data_uri(seconds: float, width: int = 160, height: int = 96, fmt: str = "MP4") -> str:
    """A data URI holding a real clip of `seconds`."""
    data = render_video(fmt, width, height, duration=seconds, quality=20)
    mime = {"MP4": "video/mp4", "WEBM": "video/webm", "MOV": "video/quicktime"}[fmt]
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


class Harness:
    """A running fake server plus an httpx client for it."""

    def __init__(self, mode: str, state: ServerState) -> None:
        self.mode = mode
        self.state = state
        self.app = create_app(state=state)
        self.live: LiveServer | None = None
        if mode == "live":
            self.live = LiveServer(self.app).start()
            self.base_url = self.live.base_url
            self.http = httpx.AsyncClient(base_url=self.base_url, trust_env=False, timeout=30)
        else:
            self.base_url = "http://testserver"
            transport = httpx.ASGITransport(app=self.app)
            self.http = httpx.AsyncClient(transport=transport, base_url=self.base_url, timeout=30)
        self._test_client: TestClient | None = None

    @property
    def clock(self) -> ManualClock:
        """The server's manual clock."""
        assert isinstance(self.state.clock, ManualClock)
        return self.state.clock

    async def post(
        self,
        body: Any = None,
        *,
        content: bytes | str | None = None,
        key: str | None = DEV_API_KEY,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """POST /v1 with a JSON `body` (or raw `content`), bearer `key` unless None."""
        all_headers = {"Content-Type": "application/json"}
        if key is not None:
            all_headers["Authorization"] = f"Bearer {key}"
        all_headers.update(headers or {})
        if content is None:
            content = json.dumps(body)
        return await self.http.post("/v1", content=content, headers=all_headers)

    async def call(self, *tasks: dict[str, Any], **kwargs: Any) -> tuple[int, dict[str, Any]]:
        """POST the tasks; (status, JSON body)."""
        response = await self.post(list(tasks), **kwargs)
        return response.status_code, response.json()

    async def poll(self, task_uuid: str) -> dict[str, Any]:
        """One getResponse over REST; the JSON body."""
        _, body = await self.call(poll_task(task_uuid))
        return body

    async def run_to_end(self, task: dict[str, Any], max_polls: int = 20) -> dict[str, Any]:
        """Submit `task` and poll (bounded) until it is no longer processing; the last body."""
        status, body = await self.call(task)
        assert status == 200, body
        for _ in range(max_polls):
            body = await self.poll(task["taskUUID"])
            if body["data"][0].get("status") != "processing":
                return body
        raise AssertionError(f"task still processing after {max_polls} polls")

    async def upload(self, media: str) -> dict[str, Any]:
        """mediaStorage upload; the data item."""
        status, body = await self.call(
            {
                "taskType": "mediaStorage",
                "taskUUID": new_uuid(),
                "operation": "upload",
                "media": media,
            }
        )
        assert status == 200, body
        return body["data"][0]

    @contextmanager
    def ws(self, query: str = "") -> Iterator[WSClient]:
        """A WebSocket connection to /v1 (sync API, both modes)."""
        path = "/v1" + (f"?{query}" if query else "")
        if self.live is not None:
            url = self.live.ws_url + (f"?{query}" if query else "")
            with websockets.sync.client.connect(url, max_size=None, proxy=None) as conn:
                yield LiveWS(conn)
        else:
            if self._test_client is None:
                self._test_client = TestClient(self.app)
            with self._test_client.websocket_connect(path) as session:
                yield InProcessWS(session)

    def wait_detached(self, session_uuid: str, timeout: float = 5.0) -> None:
        """Wait (bounded) until the server has seen the session's connection close."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            session = self.state.sessions.get(session_uuid)
            if session is None or not session.attached:
                return
            time.sleep(0.005)
        raise AssertionError(f"session {session_uuid} still attached after {timeout} s")

    async def aclose(self) -> None:
        """Stop the server and close the client."""
        await self.state.drain(10)
        await self.http.aclose()
        if self.live is not None:
            self.live.stop(wait=False)  # background jobs are drained above
        if self._test_client is not None:
            self._test_client.close()
        self.state.engine.close()


class WSClient:
    """A WebSocket client speaking JSON."""

    def send(self, obj: Any) -> None:
        """Send `obj` as a JSON text frame."""
        self.send_text(json.dumps(obj))

    def recv(self, timeout: float = RECV_TIMEOUT) -> dict[str, Any]:
        """The next frame, parsed."""
        return json.loads(self.recv_text(timeout))

    def auth(self, key: str = DEV_API_KEY, **extra: Any) -> dict[str, Any]:
        """Authenticate; the reply frame."""
        self.send([{"taskType": "authentication", "apiKey": key, **extra}])
        return self.recv()

    def send_text(self, text: str) -> None:
        raise NotImplementedError

    def send_bytes(self, data: bytes) -> None:
        raise NotImplementedError

    def recv_text(self, timeout: float = RECV_TIMEOUT) -> str:
        raise NotImplementedError

    def wait_closed(self, timeout: float = RECV_TIMEOUT) -> int | None:
        """Wait for the server to close the socket; its close code."""
        raise NotImplementedError


class LiveWS(WSClient):
    def __init__(self, conn: websockets.sync.client.ClientConnection) -> None:
        self.conn = conn

    def send_text(self, text: str) -> None:
        self.conn.send(text)

    def send_bytes(self, data: bytes) -> None:
        self.conn.send(data)

    def recv_text(self, timeout: float = RECV_TIMEOUT) -> str:
        message = self.conn.recv(timeout=timeout)
        assert isinstance(message, str)
        return message

    def wait_closed(self, timeout: float = RECV_TIMEOUT) -> int | None:
        try:
            while True:
                self.conn.recv(timeout=timeout)
        except websockets.ConnectionClosed as exc:
            return exc.rcvd.code if exc.rcvd is not None else None


class InProcessWS(WSClient):
    def __init__(self, session: Any) -> None:
        self.session = session

    def send_text(self, text: str) -> None:
        self.session.send_text(text)

    def send_bytes(self, data: bytes) -> None:
        self.session.send_bytes(data)

    def _receive(self, timeout: float) -> dict[str, Any]:
        async def receive() -> Any:
            with anyio.fail_after(timeout):
                return await self.session._send_rx.receive()

        return self.session.portal.call(receive)

    def recv_text(self, timeout: float = RECV_TIMEOUT) -> str:
        message = self._receive(timeout)
        assert message["type"] == "websocket.send", message
        return message["text"]

    def wait_closed(self, timeout: float = RECV_TIMEOUT) -> int | None:
        while True:
            message = self._receive(timeout)
            if message["type"] == "websocket.close":
                return message.get("code")


def make_state(**config: Any) -> ServerState:
    """A server state on a manual clock with a fixed seed; `config` overrides ServerConfig."""
    config.setdefault("seed", 1234)
    return ServerState(ServerConfig(**config), clock=ManualClock())
