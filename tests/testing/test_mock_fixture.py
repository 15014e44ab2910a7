"""RunwareMock: httpx requests answered in-process, sync and async, no sockets."""

from __future__ import annotations

import httpx
import pytest
import respx

from runware_testkit.testing import RunwareNotMocked, mock
from runware_testkit.testing.mock_fixture import RunwareMock

from .helpers import edit_task, poll, send


def test_sync_and_async_clients_share_one_fake() -> None:
    with mock() as fake:
        task = edit_task()
        assert send(fake, task).status_code == 200

        async def poll_async() -> httpx.Response:
            async with httpx.AsyncClient() as http:
                body = [{"taskType": "getResponse", "taskUUID": task["taskUUID"]}]
                headers = {"Authorization": f"Bearer {fake.api_key}"}
                return await http.post(fake.base_url, json=body, headers=headers)

        import asyncio

        reply = asyncio.run(poll_async())
        assert reply.json()["data"][0]["status"] == "success"
        assert fake.router["runware_testkit"].call_count == 2


def test_a_base_url_with_a_prefix() -> None:
    with mock(base_urls=["https://gw.example/runware/v1"]) as fake:
        assert (fake.base_url, fake.origin) == (
            "https://gw.example/runware/v1",
            "https://gw.example",
        )
        task = edit_task()
        send(fake, task)
        url = poll(fake, task).json()["data"][0]["videoURL"]
        assert url.startswith("https://gw.example/media/")
        with pytest.raises(RunwareNotMocked, match="the fake serves no GET /runware/v2"):
            httpx.get("https://gw.example/runware/v2")


def test_several_base_urls() -> None:
    bases = ["https://api.runware.ai/v1", "http://localhost:9999/v1"]
    with mock(base_urls=bases) as fake:
        assert fake.base_urls == tuple(bases)
        reply = httpx.post(
            "http://localhost:9999/v1",
            json=[edit_task()],
            headers={"Authorization": f"Bearer {fake.api_key}"},
            trust_env=False,
        )
        assert reply.status_code == 200


def test_reset_can_change_the_routed_urls() -> None:
    with mock() as fake:
        fake.reset(base_urls=["https://staging.example/v1"])
        assert fake.base_url == "https://staging.example/v1"
        assert send(fake, edit_task()).status_code == 200


def test_no_websocket_in_process() -> None:
    with mock() as fake, pytest.raises(RuntimeError, match="use the runware_server fixture"):
        _ = fake.ws_url


def test_latency_beyond_the_client_timeout_is_a_read_timeout() -> None:
    with mock() as fake:
        fake.scenario(latency_ms=5000)
        with pytest.raises(httpx.ReadTimeout, match=r"did not answer within 0\.05 s"):
            send(fake, edit_task(), timeout=0.05)


def test_dropped_connection_and_malformed_body() -> None:
    with mock() as fake:
        fake.scenario(drop_connection=True)
        with pytest.raises(httpx.RemoteProtocolError):
            send(fake, edit_task())
        fake.scenario(malformed_body=True)
        reply = send(fake, edit_task())
        with pytest.raises(ValueError):
            reply.json()


def test_other_respx_routers_keep_their_routes() -> None:
    with mock() as fake, respx.mock(assert_all_called=False) as user:
        user.get("https://api.runware.ai/v2").respond(418)
        user.get("https://elsewhere.example/").respond(204)
        assert httpx.get("https://api.runware.ai/v2").status_code == 418
        assert httpx.get("https://elsewhere.example/").status_code == 204
        assert send(fake, edit_task()).status_code == 200


def test_unrelated_hosts_are_blocked_with_what_to_do_when_asked() -> None:
    with mock(passthrough=False), pytest.raises(RunwareNotMocked) as caught:
        httpx.get("https://elsewhere.example/")
    message = str(caught.value)
    assert "runware_mock blocked GET https://elsewhere.example/ (httpx)" in message
    assert "passthrough=[..., 'elsewhere.example']" in message


def test_the_fake_calls_nothing_once_routing_stopped() -> None:
    fake = RunwareMock().open()
    try:
        fake.activate(progression="polls:5")
        task = edit_task(webhookURL="https://app.example/hook")
        send(fake, task)
        fake.deactivate()
        fake.complete(task["taskUUID"])
        fake.drain()
        attempts = fake.state.journal.entries("webhook_attempt")
        assert attempts and all("not active" in str(a["error"]) for a in attempts)
    finally:
        fake.close()


def test_activate_twice_and_close_twice() -> None:
    fake = RunwareMock()
    fake.activate()
    fake.activate(seed=3)
    assert fake.router.active and fake.options.seed == 3
    fake.close()
    fake.close()
    assert not fake.router.active


@pytest.mark.runware(
    scenarios=["partial", {"queue_capacity": 1, "queue_drain_per_s": 0.5}], clock="manual"
)
def test_the_marker_queues_network_faults_and_a_queue(runware_mock: RunwareMock) -> None:
    task = edit_task(model="runway:aleph@2.0", numberResults=2)
    assert send(runware_mock, task).status_code == 200
    refused = send(runware_mock, edit_task())
    assert (refused.status_code, refused.headers["retry-after"]) == (429, "2")
    assert len(poll(runware_mock, task).json()["data"]) == 1
    assert len(poll(runware_mock, task).json()["data"]) == 2
    runware_mock.advance(2)
    assert send(runware_mock, edit_task()).status_code == 200
