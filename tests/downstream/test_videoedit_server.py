"""The example app against ``runware_server``: a live fake on 127.0.0.1 (any client works)."""

from __future__ import annotations

import json

import pytest
import websockets.sync.client

from .conftest import SOURCE
from .videoedit import VideoEditClient, WebhookStore, handle_webhook
from .videoedit.client import ALEPH


def test_edit_round_trip(server_client: VideoEditClient, runware_server) -> None:
    results = server_client.run(SOURCE, "a paper boat")

    assert results[0].video_url.startswith(runware_server.origin + "/media/")
    assert server_client.download(results[0])[4:8] == b"ftyp"
    runware_server.assert_task_submitted(model=ALEPH, positivePrompt="a paper boat")


def test_webhook_lands_in_the_sink(server_client: VideoEditClient, runware_server) -> None:
    hook = runware_server.webhook_url("edits") + "?token=s3cret"

    results = server_client.run(SOURCE, "a kite", webhook_url=hook, numberResults=2)

    runware_server.assert_webhook_delivered("edits", count=2)
    store = WebhookStore()
    for call in runware_server.webhooks("edits"):
        handle_webhook(store, call["body"], call["query"], token="s3cret")
    stored = store.results[results[0].task_uuid]
    assert sorted(item["videoUUID"] for item in stored) == sorted(r.video_uuid for r in results)


@pytest.mark.runware(seed=7)
def test_seeded_fake_repeats_its_ids(server_client: VideoEditClient, runware_server) -> None:
    first = server_client.run(SOURCE, "a kite")[0]
    runware_server.reset(seed=7)
    second = server_client.run(SOURCE, "a kite")[0]

    assert (first.video_uuid, first.seed) == (second.video_uuid, second.seed)


def test_websocket_clients_reach_the_same_fake(runware_server) -> None:
    with websockets.sync.client.connect(runware_server.ws_url, proxy=None) as ws:
        ws.send(json.dumps([{"taskType": "authentication", "apiKey": runware_server.api_key}]))
        assert "connectionSessionUUID" in json.loads(ws.recv(timeout=5))["data"][0]
        ws.send(json.dumps([{"taskType": "ping", "ping": True}]))
        assert json.loads(ws.recv(timeout=5)) == {"data": [{"taskType": "ping", "pong": True}]}


@pytest.mark.runware(progression="polls:5")
async def test_async_test_can_finish_tasks_by_hand(runware_server) -> None:
    import httpx

    headers = {"Authorization": f"Bearer {runware_server.api_key}"}
    task = {
        "taskType": "videoInference",
        "taskUUID": "5a0c7d44-8f2e-4f5b-9e8a-0d6a1c2b3e4f",
        "model": ALEPH,
        "positivePrompt": "a kite",
        "inputs": {"video": SOURCE},
        "webhookURL": runware_server.webhook_url("done"),
    }
    async with httpx.AsyncClient(trust_env=False) as http:
        await http.post(runware_server.base_url, json=[task], headers=headers)
        runware_server.complete(task["taskUUID"])
        runware_server.assert_webhook_delivered("done", count=1, status="success")
        poll = [{"taskType": "getResponse", "taskUUID": task["taskUUID"]}]
        done = await http.post(runware_server.base_url, json=poll, headers=headers)

    assert "videoUUID" in done.json()["data"][0]
