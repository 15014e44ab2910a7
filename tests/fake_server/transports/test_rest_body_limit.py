"""POST /v1 over the limit, from clients that write the whole body before reading the answer.

urllib and requests send every byte of a body before they look at the reply; a server that
answered the declared size and closed with the body unread would hand them a connection reset
instead of the 413. These run against a live uvicorn server on a loopback socket.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
import requests

from runware_testkit.fake_server.app import create_app
from runware_testkit.fake_server.config import DEV_API_KEY, Limits, ServerConfig
from runware_testkit.fake_server.transports.rest import DRAIN_MARGIN_BYTES, drain_bound
from runware_testkit.fake_server.uvicorn_thread import LiveServer

LIMIT = 64 * 1024
HEADERS = {"Content-Type": "application/json", "Authorization": f"Bearer {DEV_API_KEY}"}
PING = json.dumps([{"taskType": "ping", "ping": True}]).encode()


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    config = ServerConfig(limits=Limits(max_body_bytes=LIMIT))
    with LiveServer(create_app(config)) as server:
        yield server


def big_body(size: int = 16 * 1024 * 1024) -> bytes:
    """A JSON body of `size` bytes (a ping padded with an unused field)."""
    head = b'[{"taskType": "ping", "ping": true, "pad": "'
    tail = b'"}]'
    return head + b"a" * (size - len(head) - len(tail)) + tail


def assert_payload_error(body: dict) -> None:
    (error,) = body["errors"]
    assert error["code"] == "maxPayloadSizeExceeded"
    assert str(LIMIT) in error["message"]


def test_urllib_reads_the_413_of_a_body_over_the_limit(live: LiveServer) -> None:
    request = urllib.request.Request(live.rest_url, data=big_body(), headers=HEADERS)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(request, timeout=30)
    assert answer.value.code == 413
    assert_payload_error(json.loads(answer.value.read()))


def test_requests_reads_the_413_and_the_connection_is_reused(live: LiveServer) -> None:
    with requests.Session() as session:
        session.trust_env = False
        response = session.post(live.rest_url, data=big_body(), headers=HEADERS, timeout=30)
        assert response.status_code == 413
        assert_payload_error(response.json())
        response = session.post(live.rest_url, data=PING, headers=HEADERS, timeout=30)
        assert response.json() == {"data": [{"taskType": "ping", "pong": True}]}


def test_chunked_body_over_the_limit_is_read_to_the_end_and_answered_413(
    live: LiveServer,
) -> None:
    def chunks() -> Iterator[bytes]:
        body = big_body()
        for start in range(0, len(body), 65536):
            yield body[start : start + 65536]

    with requests.Session() as session:
        session.trust_env = False
        response = session.post(live.rest_url, data=chunks(), headers=HEADERS, timeout=30)
        assert response.request.headers.get("Transfer-Encoding") == "chunked"
        assert "Content-Length" not in response.request.headers
        assert response.status_code == 413
        assert_payload_error(response.json())
        response = session.post(live.rest_url, data=PING, headers=HEADERS, timeout=30)
        assert response.status_code == 200


def test_expect_continue_is_answered_without_the_body(live: LiveServer) -> None:
    """A client waiting for ``100 Continue`` (curl with a large body) gets the 413 at once and
    never has to send the body."""
    size = 1024 * 1024
    head = (
        f"POST /v1 HTTP/1.1\r\nHost: {live.host}\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {DEV_API_KEY}\r\nContent-Length: {size}\r\n"
        "Expect: 100-continue\r\n\r\n"
    )
    with socket.create_connection((live.host, live.port), timeout=30) as sock:
        sock.sendall(head.encode())
        reply = b""
        while b"\r\n\r\n" not in reply:
            reply += sock.recv(65536)
        status_line, _, rest = reply.partition(b"\r\n")
        assert status_line.split()[1] == b"413"
        headers, _, body = rest.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in headers.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        while len(body) < length:
            body += sock.recv(65536)
    assert_payload_error(json.loads(body))


def test_drain_bound_leaves_a_generous_margin() -> None:
    assert drain_bound(LIMIT) == LIMIT + DRAIN_MARGIN_BYTES
    assert DRAIN_MARGIN_BYTES >= 256 * 1024 * 1024
