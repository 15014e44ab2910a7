"""ServerState: background jobs from any thread, drain, public URLs, reset."""

from __future__ import annotations

import asyncio

import httpx

from runware_testkit.fake_server.app import create_app
from runware_testkit.fake_server.config import ServerConfig
from runware_testkit.fake_server.state import ServerState

from .harness import make_state, poll_task, video_task

AUTH = {"Authorization": "Bearer rw-testkit-dev-key"}


def client_for(state: ServerState) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(state=state))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_task_finished_from_another_thread_still_notifies() -> None:
    state = make_state(progression="polls:5")
    async with client_for(state) as client:
        task = video_task(webhookURL="http://testserver/__testkit/sink/thread")
        await client.post("/v1", json=[task], headers=AUTH)
        await asyncio.to_thread(state.engine.complete, task["taskUUID"])
        await state.drain(10)
    (received,) = state.sink.received("thread")
    assert received["body"]["data"][0]["taskUUID"] == task["taskUUID"]


def test_spawn_without_any_loop_runs_in_a_thread() -> None:
    state = ServerState()
    done: list[int] = []

    async def job() -> None:
        done.append(1)

    state.spawn(job())
    asyncio.run(state.drain(5))
    assert done == [1]
    assert state.pending_jobs() == 0


async def test_configured_base_url_is_used_for_links() -> None:
    state = ServerState(ServerConfig(base_url="https://fake.example:9443/"))
    async with client_for(state) as client:
        task = video_task()
        await client.post("/v1", json=[task], headers=AUTH)
        body = (await client.post("/v1", json=[poll_task(task["taskUUID"])], headers=AUTH)).json()
    assert body["data"][0]["videoURL"].startswith("https://fake.example:9443/media/")


async def test_reset_forgets_everything_but_the_clock() -> None:
    state = make_state()
    async with client_for(state) as client:
        await client.post("/v1", json=[video_task()], headers=AUTH)
    state.clock.advance(5)
    now = state.clock.now()
    state.reset()
    assert state.engine.all_tasks() == []
    assert len(state.journal) == 0
    assert state.clock.now() == now
