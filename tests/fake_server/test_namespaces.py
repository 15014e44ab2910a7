"""Namespaces of the shared server: each a fake of its own under /ns/<name>/, in-process (ASGI)."""

from __future__ import annotations

import uuid

import httpx
import pytest

from runware_testkit.fake_server.config import DEV_API_KEY, ServerConfig
from runware_testkit.fake_server.namespaces import NamespacedApp, create_shared_app

AUTH = {"Authorization": f"Bearer {DEV_API_KEY}"}


def video_task(prompt: str = "a kite over the dunes") -> dict:
    return {
        "taskType": "videoInference",
        "taskUUID": str(uuid.uuid4()),
        "model": "runway:2@1",
        "positivePrompt": prompt,
        "inputs": {"video": "https://example.com/in.mp4"},
    }


def client_for(app: NamespacedApp, host: str = "127.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(host, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8765")


@pytest.fixture
def app() -> NamespacedApp:
    return create_shared_app(ServerConfig())


async def test_a_namespace_is_a_fake_of_its_own(app):
    async with client_for(app) as client:
        created = await client.post("/__testkit/namespaces", json={"progression": "polls:1"})
        assert created.status_code == 201
        info = created.json()
        path = info["path"]
        assert path == f"/ns/{info['namespace']}" and len(info["namespace"]) == 32
        assert (info["api_key"], info["progression"]) == (DEV_API_KEY, "polls:1")
        task = video_task()
        ack = await client.post(f"{path}/v1", json=[task], headers=AUTH)
        assert ack.json()["data"][0]["taskUUID"] == task["taskUUID"]
        poll = [{"taskType": "getResponse", "taskUUID": task["taskUUID"]}]
        assert (await client.post(f"{path}/v1", json=poll, headers=AUTH)).json()["data"][0][
            "status"
        ] == "processing"
        done = (await client.post(f"{path}/v1", json=poll, headers=AUTH)).json()["data"][0]
        assert done["status"] == "success"
        assert done["videoURL"].startswith(f"http://127.0.0.1:8765{path}/media/")
        video = await client.get(done["videoURL"])
        assert video.status_code == 200 and video.content
        in_namespace = (await client.get(f"{path}/__testkit/tasks")).json()["tasks"]
        assert [t["task_uuid"] for t in in_namespace] == [task["taskUUID"]]
        assert (await client.get("/__testkit/tasks")).json()["tasks"] == []
        unknown = await client.post("/v1", json=poll, headers=AUTH)
        assert unknown.status_code == 404


async def test_namespaces_do_not_see_each_other(app):
    async with client_for(app) as client:
        paths = [
            (await client.post("/__testkit/namespaces", json={"clock": "manual"})).json()["path"]
            for _ in range(2)
        ]
        sent = {}
        for path in paths:
            task = video_task(f"sent to {path}")
            sent[path] = task["taskUUID"]
            await client.post(f"{path}/v1", json=[task], headers=AUTH)
            await client.post(f"{path}/__testkit/scenarios", json={"error_code": "timeout"})
        for path in paths:
            tasks = (await client.get(f"{path}/__testkit/tasks")).json()["tasks"]
            assert [t["task_uuid"] for t in tasks] == [sent[path]]
            entries = (await client.get(f"{path}/__testkit/journal?kind=request")).json()
            prompts = [e["body"][0]["positivePrompt"] for e in entries["entries"]]
            assert prompts == [f"sent to {path}"]
            assert len((await client.get(f"{path}/__testkit/scenarios")).json()["scenarios"]) == 1
        await client.post(f"{paths[0]}/__testkit/clock/advance", json={"seconds": 5})
        clocks = [(await client.get(f"{p}/__testkit/clock")).json()["now"] for p in paths]
        assert clocks[0] == clocks[1] + 5


async def test_websocket_clients_reach_their_namespace(app):
    from starlette.testclient import TestClient
    from starlette.websockets import WebSocketDisconnect

    with TestClient(app) as client:
        path = client.post("/__testkit/namespaces").json()["path"]
        with client.websocket_connect(f"{path}/v1") as ws:
            ws.send_json([{"taskType": "authentication", "apiKey": DEV_API_KEY}])
            assert "connectionSessionUUID" in ws.receive_json()["data"][0]
            task = video_task()
            ws.send_json([task])
            assert ws.receive_json()["data"][0]["taskUUID"] == task["taskUUID"]
        tasks = client.get(f"{path}/__testkit/tasks").json()["tasks"]
        assert [t["task_uuid"] for t in tasks] == [task["taskUUID"]]
        with pytest.raises(WebSocketDisconnect), client.websocket_connect("/ns/nope/v1"):
            pass


async def test_settings_are_checked_and_keys_apply(app):
    async with client_for(app) as client:
        bad = await client.post("/__testkit/namespaces", json={"progression": "often"})
        assert bad.status_code == 400
        assert bad.json()["errors"][0]["parameter"] == "progression"
        info = (await client.post("/__testkit/namespaces", json={"api_keys": ["team"]})).json()
        assert info["api_key"] == "team"
        task = video_task()
        refused = await client.post(f"{info['path']}/v1", json=[task], headers=AUTH)
        assert refused.status_code == 401
        ok = await client.post(
            f"{info['path']}/v1", json=[task], headers={"Authorization": "Bearer team"}
        )
        assert ok.status_code == 200


async def test_closing_and_unknown_namespaces(app):
    async with client_for(app) as client:
        name = (await client.post("/__testkit/namespaces")).json()["namespace"]
        listed = (await client.get("/__testkit/namespaces")).json()["namespaces"]
        assert [ns["namespace"] for ns in listed] == [name]
        assert (await client.delete(f"/__testkit/namespaces/{name}")).json() == {"closed": name}
        gone = await client.post(f"/ns/{name}/v1", json=[video_task()], headers=AUTH)
        assert gone.status_code == 404
        error = gone.json()["errors"][0]
        assert error["code"] == "namespaceNotFound"
        assert "POST /__testkit/namespaces" in error["message"]
        again = await client.delete(f"/__testkit/namespaces/{name}")
        assert again.status_code == 404


async def test_the_oldest_unused_namespace_makes_room():
    app = NamespacedApp(create_shared_app(ServerConfig()).root, max_namespaces=2)
    async with client_for(app) as client:
        first, second = [
            (await client.post("/__testkit/namespaces")).json()["namespace"] for _ in range(2)
        ]
        await client.get(f"/ns/{first}/__testkit/health")
        third = (await client.post("/__testkit/namespaces")).json()["namespace"]
        names = {
            ns["namespace"]
            for ns in (await client.get("/__testkit/namespaces")).json()["namespaces"]
        }
        assert names == {first, third}
        assert second not in names


async def test_namespace_routes_follow_the_control_rules():
    app = create_shared_app(ServerConfig(control_token="T", control_loopback_only=False))
    async with client_for(app, host="203.0.113.9") as remote:
        refused = await remote.post("/__testkit/namespaces")
        assert refused.status_code == 403
        created = await remote.post("/__testkit/namespaces", headers={"X-Testkit-Token": "T"})
        assert created.status_code == 201
        path = created.json()["path"]
        assert (await remote.get(f"{path}/__testkit/tasks")).status_code == 403
        tasks = await remote.get(f"{path}/__testkit/tasks", headers={"X-Testkit-Token": "T"})
        assert tasks.status_code == 200
    loopback_only = create_shared_app(ServerConfig())
    async with client_for(loopback_only, host="203.0.113.9") as remote:
        assert (await remote.post("/__testkit/namespaces")).status_code == 403


async def test_the_index_names_the_namespace_routes(app):
    async with client_for(app) as client:
        rows = (await client.get("/__testkit/")).json()["routes"]
        paths = {row["path"] for row in rows}
        assert {"/__testkit/namespaces", "/ns/{name}/...", "/v1", "/__testkit/reset"} <= paths
        path = (await client.post("/__testkit/namespaces")).json()["path"]
        inner = {row["path"] for row in (await client.get(f"{path}/__testkit/")).json()["routes"]}
        assert f"{path}/v1" in inner and f"{path}/__testkit/journal" in inner
