"""LiveServer: uvicorn in a thread on a loopback socket."""

from __future__ import annotations

import httpx

from runware_testkit.fake_server.app import create_app
from runware_testkit.fake_server.uvicorn_thread import LiveServer


def test_serves_and_stops() -> None:
    with LiveServer(create_app()) as live:
        assert live.rest_url == f"http://127.0.0.1:{live.port}/v1"
        assert live.ws_url == f"ws://127.0.0.1:{live.port}/v1"
        response = httpx.get(f"{live.base_url}/registry.json", trust_env=False)
        assert response.status_code == 200
    try:
        httpx.get(f"{live.base_url}/registry.json", trust_env=False, timeout=1)
    except httpx.TransportError:
        pass
    else:
        raise AssertionError("the server still answers after stop()")


def test_stop_without_start_releases_the_port() -> None:
    live = LiveServer(create_app())
    live.stop()
    assert live._socket.fileno() == -1
