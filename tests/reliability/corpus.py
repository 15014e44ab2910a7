"""The bad-input corpus of the reliability suite and the helpers its tests share.

Every case is named and carries the exact Runware error it must get: HTTP status and ``code``
over REST, the ``code`` of the error frame over WebSocket. The sizes are relative to
`CORPUS_LIMITS`, small enough to keep the huge cases cheap and large enough that 100,000-deep
nesting (up to 500,000 bytes) is refused for its nesting, not its size.

Helpers: `error_of` (checks the envelope is exactly one Runware error), `fresh_client` (another
connection to the same server), `assert_still_serves` (a good task from another client runs to
success and a task accepted before the bad input is still there), raw HTTP for paths an HTTP
client would normalise, and `OutgoingSpy`, which records (and blocks) every outgoing request,
connection and DNS lookup that does not go to the server itself.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import urllib.parse
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from fake_server.harness import MODES, Harness, make_state, poll_task, video_task
from runware_testkit.fake_server.config import DEV_API_KEY, Limits

__all__ = [
    "CORPUS_LIMITS",
    "ERROR_FIELDS",
    "MODES",
    "REST_CORPUS",
    "WS_CORPUS",
    "FrameCase",
    "OutgoingSpy",
    "RestCase",
    "asgi_request",
    "assert_still_serves",
    "bad_frame_cases",
    "error_codes",
    "error_of",
    "fresh_client",
    "raw_http",
    "running",
    "submit_earlier",
]

CORPUS_LIMITS = Limits(max_body_bytes=600_000, max_tasks_per_request=50, max_ws_frame_bytes=600_000)
"""Limits of the servers the corpus runs against."""

ERROR_FIELDS = {"code", "message", "parameter", "type", "taskType", "taskUUID", "documentation"}
"""Keys a Runware error object of a body-level refusal may hold."""

DEEP = 100_000
PING = {"taskType": "ping", "ping": True}


def _nested(depth: int, open_: str = "[", close: str = "]", core: str = "") -> str:
    return open_ * depth + core + close * depth


def _padded_ping(size: int) -> bytes:
    """A one-ping array of exactly `size` bytes (the padding is an extra string field)."""
    bare = len(json.dumps([{**PING, "pad": ""}]))
    body = json.dumps([{**PING, "pad": "a" * (size - bare)}]).encode()
    assert len(body) == size
    return body


@dataclass(frozen=True)
class RestCase:
    """A bad REST body (or header) and the exact answer it gets."""

    name: str
    body: bytes
    status: int
    codes: tuple[str, ...]
    """The codes of the ``errors`` array, in order."""
    content_type: str = "application/json"


@dataclass(frozen=True)
class FrameCase:
    """A bad WebSocket frame and the code of the error frame it gets, before and after the
    connection authenticated."""

    name: str
    frame: str | bytes
    code: str
    code_before_auth: str | None = None
    """When it differs: a frame that parses as a task array is ``missingApiKey`` before auth."""
    modes: tuple[str, ...] = MODES
    """Where the frame can be sent at all (a lone surrogate has no UTF-8 form on a socket)."""

    def expected(self, authenticated: bool) -> str:
        """The code of the error frame on a connection in that state."""
        if authenticated or self.code_before_auth is None:
            return self.code
        return self.code_before_auth


_TASK_OBJECT = json.dumps(video_task()).encode()
_UTF16 = json.dumps([PING]).encode("utf-16")
_LONE_SURROGATE = b'[{"taskType": "ping", "ping": true, "note": "\\ud800"}]'

REST_CORPUS: tuple[RestCase, ...] = (
    RestCase("not-json", b"this is not json", 400, ("invalidJson",)),
    RestCase("empty-body", b"", 400, ("invalidJson",)),
    RestCase("whitespace-body", b" \r\n\t ", 400, ("invalidJson",)),
    RestCase("truncated-json", b'[{"taskType": "ping", "ping": tr', 400, ("invalidJson",)),
    RestCase("nan-constant", b'[{"taskType": "ping", "ping": NaN}]', 400, ("invalidJson",)),
    RestCase("object-not-array", _TASK_OBJECT, 400, ("invalidRequestBody",)),
    RestCase("null-body", b"null", 400, ("invalidRequestBody",)),
    RestCase("string-body", b'"[]"', 400, ("invalidRequestBody",)),
    RestCase("empty-array", b"[]", 400, ("invalidRequestBody",)),
    RestCase("non-object-tasks", b'[1, "two", null]', 400, ("invalidTask",) * 3),
    RestCase("deep-arrays", _nested(DEEP).encode(), 400, ("invalidJson",)),
    RestCase("deep-objects", _nested(DEEP, '{"":', "}", "1").encode(), 400, ("invalidJson",)),
    RestCase(
        "deep-inside-task",
        b'[{"taskType": "ping", "ping": true, "x": ' + _nested(DEEP).encode() + b"}]",
        400,
        ("invalidJson",),
    ),
    RestCase(
        "huge-string-over-limit",
        _padded_ping(CORPUS_LIMITS.max_body_bytes + 1),
        413,
        ("maxPayloadSizeExceeded",),
    ),
    RestCase(
        "huge-array-over-task-limit",
        json.dumps([PING] * (CORPUS_LIMITS.max_tasks_per_request + 1)).encode(),
        400,
        ("maxTasksPerRequestExceeded",),
    ),
    RestCase(
        "huge-array-over-size-limit",
        json.dumps([0] * CORPUS_LIMITS.max_body_bytes).encode(),
        413,
        ("maxPayloadSizeExceeded",),
    ),
    RestCase(
        "text-plain", json.dumps([PING]).encode(), 415, ("unsupportedContentType",), "text/plain"
    ),
    RestCase(
        "form-encoded",
        b"taskType=ping&ping=true",
        415,
        ("unsupportedContentType",),
        "application/x-www-form-urlencoded",
    ),
    RestCase(
        "multipart",
        b"--b\r\n\r\n[]\r\n--b--\r\n",
        415,
        ("unsupportedContentType",),
        "multipart/form-data; boundary=b",
    ),
    RestCase("invalid-utf8", b'[{"taskType": "ping", "x": "\xff\xfe"}]', 400, ("invalidJson",)),
    RestCase("overlong-utf8", b'[{"taskType": "ping", "x": "\xc0\xaf"}]', 400, ("invalidJson",)),
    RestCase("utf16-body", _UTF16, 400, ("invalidJson",)),
    RestCase("utf8-bom", b"\xef\xbb\xbf" + json.dumps([PING]).encode(), 400, ("invalidJson",)),
    RestCase("lone-surrogate-escape", _LONE_SURROGATE, 400, ("invalidJson",)),
    RestCase(
        "lone-surrogate-echoed",
        b'[{"taskType": "getResponse", "taskUUID": "\\udc00"}]',
        400,
        ("invalidJson",),
    ),
)

WS_CORPUS: tuple[FrameCase, ...] = (
    FrameCase("binary-frame", b"\x00\x01\x02", "unsupportedFrameType"),
    FrameCase("binary-json-frame", json.dumps([PING]).encode(), "unsupportedFrameType"),
    FrameCase("not-json", "this is not json", "invalidJson"),
    FrameCase("empty-frame", "", "invalidJson"),
    FrameCase("object-not-array", json.dumps(video_task()), "invalidRequestBody"),
    FrameCase(
        "auth-object-not-array",
        json.dumps({"taskType": "authentication", "apiKey": DEV_API_KEY}),
        "invalidRequestBody",
    ),
    FrameCase("empty-array", "[]", "invalidRequestBody"),
    FrameCase("non-object-task", "[1]", "invalidTask", "missingApiKey"),
    FrameCase("deep-arrays", _nested(DEEP), "invalidJson"),
    FrameCase("deep-objects", _nested(DEEP, '{"":', "}", "1"), "invalidJson"),
    FrameCase(
        "too-many-tasks",
        json.dumps([PING] * (CORPUS_LIMITS.max_tasks_per_request + 1)),
        "maxTasksPerRequestExceeded",
    ),
    FrameCase(
        "oversized-frame",
        _padded_ping(CORPUS_LIMITS.max_ws_frame_bytes + 1).decode(),
        "maxPayloadSizeExceeded",
    ),
    FrameCase(
        "oversized-multibyte-frame",
        json.dumps(
            [{**PING, "pad": "é" * (CORPUS_LIMITS.max_ws_frame_bytes // 2)}], ensure_ascii=False
        ),
        "maxPayloadSizeExceeded",
    ),
    FrameCase("lone-surrogate-escape", _LONE_SURROGATE.decode(), "invalidJson"),
    FrameCase("utf8-bom", "\ufeff" + json.dumps([PING]), "invalidJson"),
    FrameCase(
        "lone-surrogate-char",
        '[{"taskType": "ping", "ping": true, "x": "\ud800"}]',
        "invalidJson",
        modes=("inprocess",),
    ),
    FrameCase("task-before-auth", json.dumps([video_task()]), "", "missingApiKey"),
)
"""Frames with ``code`` "" are only bad before authentication (see `bad_frame_cases`)."""


def error_of(body: Any, code: str) -> dict[str, Any]:
    """The one error of a Runware error envelope, checked to carry `code`, a message and
    nothing but Runware error fields."""
    assert isinstance(body, dict) and set(body) == {"errors"}, body
    (error,) = body["errors"]
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"].strip(), error
    assert set(error) <= ERROR_FIELDS | {"allowedValues", "mediaUUID"}, error
    return error


def error_codes(body: Any) -> tuple[str, ...]:
    """The codes of an envelope holding only errors, each with a message."""
    assert isinstance(body, dict) and set(body) == {"errors"}, body
    for error in body["errors"]:
        assert isinstance(error.get("message"), str) and error["message"].strip(), error
    return tuple(error["code"] for error in body["errors"])


@asynccontextmanager
async def running(mode: str, **config: Any) -> AsyncIterator[Harness]:
    """A fake server in `mode` (``inprocess`` or ``live``), stopped afterwards."""
    harness = Harness(mode, make_state(**config))
    try:
        yield harness
    finally:
        await harness.aclose()


@asynccontextmanager
async def fresh_client(harness: Harness) -> AsyncIterator[httpx.AsyncClient]:
    """A second client of `harness` on a connection of its own."""
    if harness.live is not None:
        client = httpx.AsyncClient(base_url=harness.base_url, trust_env=False, timeout=30)
    else:
        transport = httpx.ASGITransport(app=harness.app)
        client = httpx.AsyncClient(transport=transport, base_url=harness.base_url, timeout=30)
    async with client:
        yield client


async def _call(client: httpx.AsyncClient, *tasks: dict[str, Any]) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {DEV_API_KEY}"}
    response = await client.post("/v1", json=list(tasks), headers=headers)
    return response.status_code, response.json()


async def submit_earlier(harness: Harness) -> str:
    """Submit a good task before the bad input; its taskUUID."""
    task = video_task()
    status, body = await harness.call(task)
    assert status == 200, body
    assert body == {"data": [{"taskType": "videoInference", "taskUUID": task["taskUUID"]}]}
    return task["taskUUID"]


async def assert_still_serves(harness: Harness, earlier: str | None = None) -> None:
    """Another client's good task is acknowledged and polls to success, the task accepted
    before the bad input (`earlier`) is still pollable, and nothing failed inside the server."""
    async with fresh_client(harness) as client:
        task = video_task()
        status, body = await _call(client, task)
        assert (status, body) == (
            200,
            {"data": [{"taskType": "videoInference", "taskUUID": task["taskUUID"]}]},
        )
        for uuid in (task["taskUUID"], earlier):
            if uuid is None:
                continue
            status, body = await _call(client, poll_task(uuid))
            assert status == 200, body
            (item,) = body["data"]
            assert (item["taskUUID"], item["status"]) == (uuid, "success")
    assert harness.state.journal.entries("error") == []


async def asgi_request(
    app: Any,
    method: str,
    raw_path: bytes,
    *,
    client: tuple[str, int] = ("127.0.0.1", 50000),
    headers: list[tuple[bytes, bytes]] | None = None,
) -> tuple[int, bytes]:
    """One request straight into the ASGI app with `raw_path` untouched (an HTTP client would
    normalise ``..``); (status, body)."""
    path_bytes, _, query = raw_path.partition(b"?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": urllib.parse.unquote(path_bytes.decode("latin-1")),
        "raw_path": path_bytes,
        "query_string": query,
        "headers": [(b"host", b"testserver"), *(headers or [])],
        "client": client,
        "server": ("testserver", 80),
        "root_path": "",
    }
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await app(scope, receive, send)
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return start["status"], body


def raw_http(port: int, request_line: bytes, timeout: float = 10.0) -> tuple[int, bytes]:
    """Send one raw HTTP/1.1 request to 127.0.0.1:`port` (the request line as given, bytes
    untouched); (status, body). Bounded by `timeout` seconds per socket operation."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request_line + b"\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


_LOOPBACK_NAMES = {"localhost", "testserver", "127.0.0.1", "::1"}


def _is_loopback(host: object) -> bool:
    if not isinstance(host, str):
        return False
    host = host.strip("[]").lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class OutgoingSpy:
    """Records, and refuses, every attempt to reach a host that is not loopback: an httpx
    request, a socket ``connect`` or a DNS lookup. Also records every httpx request, so a test
    can see what the server sent where."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.requests: list[tuple[str, str]] = []
        """(method, URL) of every httpx request, in order."""
        self.escapes: list[str] = []
        """What tried to leave loopback."""
        spy = self
        original_send = httpx.AsyncClient.send

        async def send(client: httpx.AsyncClient, request: httpx.Request, **kwargs: Any) -> Any:
            spy.requests.append((request.method, str(request.url)))
            if not _is_loopback(request.url.host):
                spy.escapes.append(f"httpx {request.method} {request.url}")
                raise httpx.ConnectError("blocked by the test", request=request)
            return await original_send(client, request, **kwargs)

        original_connect = socket.socket.connect
        original_connect_ex = socket.socket.connect_ex
        original_getaddrinfo = socket.getaddrinfo

        def guard(address: Any) -> None:
            host = address[0] if isinstance(address, tuple) else None
            if isinstance(address, tuple) and not _is_loopback(host):
                spy.escapes.append(f"connect {address!r}")
                raise OSError("blocked by the test")

        def connect(sock: socket.socket, address: Any) -> Any:
            guard(address)
            return original_connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> Any:
            guard(address)
            return original_connect_ex(sock, address)

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            name = host.decode() if isinstance(host, bytes) else host
            if name is not None and not _is_loopback(name):
                spy.escapes.append(f"getaddrinfo {name!r}")
                raise socket.gaierror(socket.EAI_NONAME, "blocked by the test")
            return original_getaddrinfo(host, *args, **kwargs)

        monkeypatch.setattr(httpx.AsyncClient, "send", send)
        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    def sent_to(self, predicate: Callable[[str], bool]) -> list[tuple[str, str]]:
        """The recorded requests whose URL satisfies `predicate`."""
        return [(method, url) for method, url in self.requests if predicate(url)]


def bad_frame_cases() -> Iterator[tuple[FrameCase, bool]]:
    """(case, authenticated) pairs worth running: every frame before and after auth, except
    frames that are only bad before authentication."""
    for case in WS_CORPUS:
        yield case, False
        if case.code:
            yield case, True
