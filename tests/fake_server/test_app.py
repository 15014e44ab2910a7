"""The assembled app: control API and sink mounted, transport faults, output quality; both
modes."""

from __future__ import annotations

import httpx
import pytest

from runware_testkit.fake_server.app import create_app
from runware_testkit.fake_server.config import ServerConfig
from runware_testkit.fake_server.faults.scenarios import Scenario
from runware_testkit.fake_server.state import ServerState
from runware_testkit.fake_server.transports.websocket import DROP_CLOSE_CODE

from .harness import Harness, poll_task, video_task


async def test_control_api_is_mounted(server: Harness) -> None:
    response = await server.http.get("/__testkit/health")
    assert response.json() == {"status": "ok"}


async def test_control_clock_advance_moves_tasks(make_server) -> None:
    server = make_server(progression="time:30")
    task = video_task()
    await server.call(task)
    response = await server.http.post("/__testkit/clock/advance", json={"seconds": 30})
    assert response.json()["finished"] == [task["taskUUID"]]
    assert (await server.poll(task["taskUUID"]))["data"][0]["status"] == "success"


async def test_control_scenario_fails_the_next_task(server: Harness) -> None:
    response = await server.http.post(
        "/__testkit/scenarios", json={"error_code": "modelUnavailable", "model": "runway:2@1"}
    )
    assert response.status_code == 200
    status, body = await server.call(video_task())
    assert (status, body["errors"][0]["code"]) == (503, "modelUnavailable")


async def test_control_reset_forgets_tasks_and_sessions(server: Harness) -> None:
    task = video_task()
    await server.call(task)
    with server.ws() as ws:
        ws.auth()
    assert (await server.http.post("/__testkit/reset")).status_code == 200
    assert (await server.call(poll_task(task["taskUUID"])))[0] == 404
    assert len(server.state.sessions) == 0


async def test_control_token_is_enforced(make_server) -> None:
    server = make_server(control_token="s3cret")
    assert (await server.http.get("/__testkit/health")).status_code == 403
    ok = await server.http.get("/__testkit/health", headers={"X-Testkit-Token": "s3cret"})
    assert ok.status_code == 200
    posted = await server.http.post("/__testkit/sink/open", json={"a": 1})
    assert posted.status_code == 200


async def test_control_api_refuses_remote_clients() -> None:
    app = create_app(ServerConfig())
    transport = httpx.ASGITransport(app=app, client=("10.9.8.7", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        assert (await client.get("/__testkit/health")).status_code == 403


async def test_drop_scenario_breaks_the_rest_connection(server: Harness) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        await server.post([video_task(positivePrompt="x [[testkit:drop]]")])
    assert (await server.call({"taskType": "ping", "ping": True}))[0] == 200


def test_drop_scenario_closes_the_websocket(server: Harness) -> None:
    with server.ws() as ws:
        ws.auth()
        ws.send([video_task(positivePrompt="x [[testkit:drop]]")])
        assert ws.wait_closed() == DROP_CLOSE_CODE


async def test_processing_scenario_effects_apply_to_polls_while_running(make_server) -> None:
    server = make_server(progression="polls:1")
    server.state.scenarios.add(Scenario(phase="processing", malformed_body=True))
    task = video_task()
    assert (await server.call(task))[0] == 200
    running = await server.post([poll_task(task["taskUUID"])])
    assert running.status_code == 200
    with pytest.raises(ValueError):
        running.json()
    assert (await server.poll(task["taskUUID"]))["data"][0]["status"] == "success"


async def test_output_quality_reaches_the_encoder(server: Harness) -> None:
    files = []
    for quality in (20, 99, 99):
        task = video_task(outputQuality=quality, seed=11)
        item = (await server.run_to_end(task))["data"][0]
        files.append((await server.http.get(item["videoURL"])).content)
    assert files[0] != files[1]
    assert files[1] == files[2]


async def test_seeded_servers_answer_the_same() -> None:
    answers = []
    for _ in range(2):
        state = ServerState(ServerConfig(seed=5))
        transport = httpx.ASGITransport(app=create_app(state=state))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            task = video_task()
            task["taskUUID"] = "5b0c8e4e-8a59-4a57-9a52-7f0b3b1f4c2d"
            headers = {"Authorization": "Bearer rw-testkit-dev-key"}
            await client.post("/v1", json=[task], headers=headers)
            body = (
                await client.post("/v1", json=[poll_task(task["taskUUID"])], headers=headers)
            ).json()
            answers.append(body)
        state.engine.close()
    assert answers[0] == answers[1]
