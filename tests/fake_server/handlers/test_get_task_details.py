"""getTaskDetails: a finished, a failed, a running and an unknown task, over REST and
WebSocket, in-process and live."""

from __future__ import annotations

from ..harness import Harness, new_uuid, poll_task, video_task


def details_task(task_uuid: str) -> dict:
    return {"taskType": "getTaskDetails", "taskUUID": task_uuid}


async def details(server: Harness, task_uuid: str, **kwargs) -> tuple[int, dict]:
    return await server.call(details_task(task_uuid), **kwargs)


async def test_a_finished_task_shows_its_request_and_final_reply(server: Harness) -> None:
    task = video_task(numberResults=2, seed=3)
    polled = await server.run_to_end(task)
    status, body = await details(server, task["taskUUID"])
    assert status == 200
    (item,) = body["data"]
    assert item == {
        "taskType": "getTaskDetails",
        "taskUUID": task["taskUUID"],
        "request": [task],
        "response": polled,
    }
    assert [i["status"] for i in item["response"]["data"]] == ["success", "success"]


async def test_a_failed_task_shows_the_error_envelope(server: Harness) -> None:
    task = video_task(positivePrompt="x [[testkit:error=timeoutProvider@processing]]")
    polled = await server.run_to_end(task)
    status, body = await details(server, task["taskUUID"])
    assert status == 200
    response = body["data"][0]["response"]
    assert response == polled
    (error,) = response["errors"]
    assert (error["code"], error["taskUUID"]) == ("timeoutProvider", task["taskUUID"])
    assert response["data"][0]["status"] == "error"


async def test_reading_details_counts_no_poll(make_server) -> None:
    server = make_server(progression="polls:1")
    task = video_task()
    await server.call(task)
    for _ in range(3):
        (item,) = (await details(server, task["taskUUID"]))[1]["data"]
        assert item["response"]["data"][0]["status"] == "processing"
    assert server.state.engine.peek(task["taskUUID"]).polls == 0


async def test_unknown_and_other_keys_tasks_are_not_found(make_server) -> None:
    server = make_server(api_keys=frozenset({"key-a", "key-b"}))
    task = video_task()
    await server.call(task, key="key-a")
    for uuid, key in ((new_uuid(), "key-a"), (task["taskUUID"], "key-b")):
        status, body = await details(server, uuid, key=key)
        assert status == 404
        (error,) = body["errors"]
        assert error["code"] == "taskFailedOrNotFound"
        assert (error["taskType"], error["taskUUID"], error["parameter"]) == (
            "getTaskDetails",
            uuid,
            "taskUUID",
        )


async def test_its_task_uuid_never_conflicts_with_the_inspected_task(server: Harness) -> None:
    task = video_task()
    status, body = await server.call(task, details_task(task["taskUUID"]))
    assert status == 200
    assert "errors" not in body
    assert body["data"][0] == {"taskType": "videoInference", "taskUUID": task["taskUUID"]}
    assert body["data"][1]["request"] == [task]
    assert (await details(server, task["taskUUID"]))[0] == 200
    assert (await server.call(poll_task(task["taskUUID"])))[0] == 200


async def test_dry_run_checks_the_task_only(server: Harness) -> None:
    task = video_task()
    await server.run_to_end(task)
    status, body = await details(server, task["taskUUID"], headers={"X-Runware-Dry-Run": "1"})
    assert (status, body["data"]) == (
        200,
        [{"taskType": "getTaskDetails", "taskUUID": task["taskUUID"], "dryRun": True}],
    )


async def test_over_websocket_finished_failed_and_unknown(server: Harness) -> None:
    done = video_task()
    failed = video_task(positivePrompt="x [[testkit:error=inferenceError@processing]]")
    unknown = new_uuid()
    with server.ws() as ws:
        ws.auth()
        ws.send([done, failed])
        ws.recv(), ws.recv()
        ws.send([poll_task(done["taskUUID"]), poll_task(failed["taskUUID"])])
        polled_done, polled_failed = ws.recv(), ws.recv()
        ws.send([details_task(done["taskUUID"]), details_task(failed["taskUUID"])])
        got_done, got_failed = ws.recv(), ws.recv()
        ws.send([details_task(unknown)])
        missing = ws.recv()
    assert got_done["data"][0]["request"] == [done]
    assert got_done["data"][0]["response"] == polled_done
    assert got_failed["data"][0]["response"] == polled_failed
    assert got_failed["data"][0]["response"]["errors"][0]["code"] == "inferenceError"
    assert missing["errors"][0]["code"] == "taskFailedOrNotFound"
    journaled = [e["data"] for e in server.state.journal.entries("frame_out")]
    assert got_done in journaled and missing in journaled
