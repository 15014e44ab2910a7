"""Finished tasks call their webhookURL (POST per result) and uploadEndpoint (PUT of the video),
here received by the built-in sink; in-process and live."""

from __future__ import annotations

import hashlib

import pytest

from ..harness import Harness, video_task


def sink_url(server: Harness, name: str) -> str:
    return f"{server.base_url}/__testkit/sink/{name}"


@pytest.fixture
def no_backoff(server: Harness) -> list[float]:
    """Replace the delivery's waits between attempts with a recorder (no real sleeping)."""
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    server.state.delivery.sleep = record
    return waits


async def test_one_webhook_post_per_result(server: Harness) -> None:
    task = video_task(numberResults=2, webhookURL=sink_url(server, "hooks"))
    body = await server.run_to_end(task)
    await server.state.drain()
    received = server.state.sink.received("hooks")
    assert [r["method"] for r in received] == ["POST", "POST"]
    payloads = [r["body"] for r in received]
    assert all(list(p) == ["data"] and len(p["data"]) == 1 for p in payloads)
    items = [p["data"][0] for p in payloads]
    assert {i["videoUUID"] for i in items} == {i["videoUUID"] for i in body["data"]}
    assert all(i["videoURL"].startswith(server.base_url + "/media/") for i in items)
    assert all("status" not in i for i in items)


async def test_failed_task_webhook_carries_the_error(server: Harness) -> None:
    task = video_task(
        positivePrompt="x [[testkit:error=processingFailed@processing]]",
        webhookURL=sink_url(server, "failed"),
    )
    await server.run_to_end(task)
    await server.state.drain()
    (received,) = server.state.sink.received("failed")
    (item,) = received["body"]["data"]
    assert item["status"] == "error"
    assert item["error"]["code"] == "processingFailed"


async def test_upload_endpoint_gets_the_video_bytes(server: Harness) -> None:
    task = video_task(uploadEndpoint=sink_url(server, "bucket") + "?X-Amz-Signature=abc")
    item = (await server.run_to_end(task))["data"][0]
    await server.state.drain()
    (put,) = server.state.sink.received("bucket")
    video = (await server.http.get(item["videoURL"])).content
    assert put["method"] == "PUT"
    assert put["content_type"] == "video/mp4"
    assert put["query"] == {"X-Amz-Signature": "abc"}
    assert put["sha256"] == hashlib.sha256(video).hexdigest()


async def test_webhook_failures_are_retried(server: Harness, no_backoff: list[float]) -> None:
    task = video_task(
        positivePrompt="x [[testkit:webhook-fail=2]]", webhookURL=sink_url(server, "retry")
    )
    await server.run_to_end(task)
    await server.state.drain()
    attempts = server.state.journal.entries("webhook_attempt")
    assert [a["outcome"] for a in attempts] == ["retry", "retry", "delivered"]
    assert [a["sent"] for a in attempts] == [False, False, True]
    assert no_backoff == [0.5, 1.0]
    assert len(server.state.sink.received("retry")) == 1


async def test_webhook_to_a_host_off_the_allowlist_is_refused(server: Harness) -> None:
    task = video_task(webhookURL="https://hooks.example.com/runware")
    body = await server.run_to_end(task)
    assert body["data"][0]["status"] == "success"
    await server.state.drain()
    (attempt,) = server.state.journal.entries("webhook_attempt")
    assert attempt["outcome"] == "refused"
