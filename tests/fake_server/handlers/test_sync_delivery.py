"""A sync task (``deliveryMethod: "sync"``, or the model's sync default) is answered with its
finished result in the same reply, over REST and WebSocket, in-process and live; async tasks
keep their acknowledgement."""

from __future__ import annotations

import pytest

from runware_testkit.contract import load_contract
from runware_testkit.fake_server.handlers.sync_delivery import delivery_method
from runware_testkit.fake_server.transports.rest import MALFORMED_BODY

from ..harness import ALEPH, Harness, image_task, new_uuid, poll_task, video_task

FLUX = "bfl:flux@3-image"  # deliveryMethod sync | async, default sync
MUSE = "meta:muse@image"  # deliveryMethod sync | async, default sync
FAIL_WHILE_PROCESSING = "a kite [[testkit:error=insufficientCredits@processing]]"


def sink_url(server: Harness, name: str) -> str:
    return f"{server.base_url}/__testkit/sink/{name}"


@pytest.fixture
def slow(make_server) -> Harness:
    """A server whose tasks would need three polls: a sync task must not wait for them."""
    return make_server(progression="polls:3")


def assert_success_items(body: dict, task: dict, count: int) -> list[dict]:
    items = body["data"]
    assert len(items) == count and "errors" not in body, body
    for item in items:
        assert (item["taskType"], item["taskUUID"], item["status"]) == (
            "imageInference",
            task["taskUUID"],
            "success",
        )
        assert item["imageURL"].endswith(f"/media/{item['imageUUID']}.jpg")
    assert len({item["imageUUID"] for item in items}) == count
    return items


# -- which delivery --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "fields", "expected"),
    [
        (FLUX, {}, "sync"),
        (MUSE, {}, "sync"),
        (FLUX, {"deliveryMethod": "async"}, "async"),
        (MUSE, {"deliveryMethod": "sync"}, "sync"),
        ("bytedance:seedance@2.5", {}, "async"),
        (ALEPH, {}, "async"),
        ("runway:aleph@2.0", {}, "async"),
        ("nobody:unknown@1", {}, "async"),
        ("nobody:unknown@1", {"deliveryMethod": "sync"}, "sync"),
    ],
)
def test_delivery_is_the_request_value_else_the_model_default_else_async(
    model: str, fields: dict, expected: str
) -> None:
    contract = load_contract()
    task = {"taskType": "imageInference", "model": model, **fields}
    assert delivery_method(task, contract.model(model)) == expected


# -- REST ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fields", [{}, {"deliveryMethod": "sync"}])
async def test_rest_sync_reply_holds_the_results(slow: Harness, fields: dict) -> None:
    task = image_task(FLUX, numberResults=2, **fields)
    status, body = await slow.call(task)
    assert status == 200
    items = assert_success_items(body, task, 2)
    image = await slow.http.get(items[0]["imageURL"])
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    # Stored and finished: later polls and details report the same results.
    assert await slow.poll(task["taskUUID"]) == body
    record = slow.state.engine.peek(task["taskUUID"])
    assert (record.status, record.progression, record.polls) == ("success", "immediate", 1)
    _, details = await slow.call({"taskType": "getTaskDetails", "taskUUID": task["taskUUID"]})
    assert details["data"][0]["response"] == body


async def test_rest_async_tasks_keep_their_acknowledgement(slow: Harness) -> None:
    flux = image_task(FLUX, deliveryMethod="async")
    aleph = video_task(ALEPH)
    status, body = await slow.call(flux, aleph)
    assert status == 200
    assert body == {
        "data": [
            {"taskType": "imageInference", "taskUUID": flux["taskUUID"]},
            {"taskType": "videoInference", "taskUUID": aleph["taskUUID"]},
        ]
    }
    polled = await slow.poll(flux["taskUUID"])
    assert polled["data"][0]["status"] == "processing"


async def test_rest_sync_on_an_async_only_model_is_refused(server: Harness) -> None:
    status, body = await server.call(video_task(ALEPH, deliveryMethod="sync"))
    assert status == 400
    (error,) = body["errors"]
    assert error["parameter"] == "deliveryMethod"


async def test_rest_sync_failure_while_processing_is_the_reply(slow: Harness) -> None:
    task = image_task(FLUX, positivePrompt=FAIL_WHILE_PROCESSING)
    status, body = await slow.call(task)
    assert status == 402
    assert body == {
        "errors": [
            {
                "code": "insufficientCredits",
                "message": "Insufficient credits to run this task.",
                "taskType": "imageInference",
                "taskUUID": task["taskUUID"],
            }
        ]
    }
    polled = await slow.poll(task["taskUUID"])
    assert polled["data"][0]["status"] == "error"
    assert polled["errors"][0]["code"] == "insufficientCredits"
    (entry,) = slow.state.journal.entries("scenario")
    assert entry["taskUUID"] == task["taskUUID"]


async def test_rest_sync_failure_status_follows_the_scenario(server: Harness) -> None:
    prompt = "a kite [[testkit:error=processingFailed@processing,http=503]]"
    status, body = await server.call(image_task(FLUX, positivePrompt=prompt))
    assert (status, body["errors"][0]["code"]) == (503, "processingFailed")


async def test_rest_sync_submit_error_is_the_reply_as_before(server: Harness) -> None:
    task = image_task(FLUX, positivePrompt="a kite [[testkit:error=insufficientCredits]]")
    status, body = await server.call(task)
    assert status == 402
    assert body["errors"][0]["taskUUID"] == task["taskUUID"]
    assert server.state.engine.all_tasks() == []


async def test_rest_sync_reply_carries_processing_transport_effects(server: Harness) -> None:
    prompt = "a kite [[testkit:error=processingFailed@processing,malformed]]"
    response = await server.post([image_task(FLUX, positivePrompt=prompt)])
    assert response.content == MALFORMED_BODY


async def test_rest_sync_task_sends_its_webhook_per_result(server: Harness) -> None:
    task = image_task(FLUX, numberResults=2, webhookURL=sink_url(server, "sync"))
    _, body = await server.call(task)
    await server.state.drain()
    received = server.state.sink.received("sync")
    assert [r["method"] for r in received] == ["POST", "POST"]
    hooked = sorted((r["body"]["data"][0] for r in received), key=lambda i: i["imageUUID"])
    assert hooked == sorted(body["data"], key=lambda i: i["imageUUID"])


async def test_rest_sync_dry_run_is_priced_not_run(server: Harness) -> None:
    task = image_task(FLUX)
    status, body = await server.call(task, headers={"X-Runware-Dry-Run": "1"})
    assert status == 200 and body["data"][0]["dryRun"] is True
    assert server.state.engine.all_tasks() == []


# -- WebSocket -------------------------------------------------------------------------------


def test_ws_sync_frame_is_the_result(slow: Harness) -> None:
    task = image_task(MUSE, numberResults=2)
    with slow.ws() as ws:
        ws.auth()
        ws.send([task])
        frame = ws.recv()
        assert_success_items(frame, task, 2)
        ws.send([poll_task(task["taskUUID"])])
        assert ws.recv() == frame
    (session,) = list(slow.state.sessions)
    assert task["taskUUID"] in session.delivered


def test_ws_sync_failure_frame_is_the_error(slow: Harness) -> None:
    task = image_task(FLUX, positivePrompt=FAIL_WHILE_PROCESSING)
    with slow.ws() as ws:
        ws.auth()
        ws.send([task, image_task(FLUX, deliveryMethod="async", taskUUID=new_uuid())])
        failed, acked = ws.recv(), ws.recv()
    assert failed == {
        "errors": [
            {
                "code": "insufficientCredits",
                "message": "Insufficient credits to run this task.",
                "taskType": "imageInference",
                "taskUUID": task["taskUUID"],
            }
        ]
    }
    assert list(acked["data"][0]) == ["taskType", "taskUUID"]
