"""RunwareServer: the fake on a loopback socket, any client, with the control mirror."""

from __future__ import annotations

import httpx
import pytest

from runware_testkit.testing import server

from .helpers import edit_task, poll, send


def test_urls_point_at_loopback() -> None:
    with server() as fake:
        assert fake.origin == f"http://127.0.0.1:{fake.port}"
        assert fake.base_url == fake.origin + "/v1"
        assert fake.ws_url == f"ws://127.0.0.1:{fake.port}/v1"
        assert fake.webhook_url("a", fail=2, fail_status=503) == (
            fake.origin + "/__testkit/sink/a?fail=2&fail_status=503"
        )
        with pytest.raises(ValueError, match="sink names"):
            fake.webhook_url("no/slash")


def test_upload_endpoint_lands_in_the_sink() -> None:
    with server() as fake:
        task = edit_task(uploadEndpoint=fake.upload_url("up"), outputFormat="MOV")
        send(fake, task)
        poll(fake, task)
        (upload,) = fake.uploads("up")
        assert upload["content_type"] == "video/quicktime"
        assert upload["data"][4:8] == b"ftyp"
        assert fake.webhooks("up") == []


def test_manual_clock_is_seen_by_the_http_control_api() -> None:
    with server(clock="manual", progression="time:10") as fake:
        control = fake.origin + "/__testkit"
        assert httpx.get(control + "/clock", trust_env=False).json()["manual"] is True
        task = edit_task()
        send(fake, task)
        moved = httpx.post(control + "/clock/advance", json={"seconds": 10}, trust_env=False)
        assert moved.json()["finished"] == [task["taskUUID"]]
        fake.reset(clock="system")
        assert httpx.get(control + "/clock", trust_env=False).json()["manual"] is False
