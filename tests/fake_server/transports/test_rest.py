"""POST /v1: authentication, submit and poll, errors, batches, dry run, bad bodies, limits.

Every test runs twice: in-process and against a live uvicorn server.
"""

from __future__ import annotations

import json
import re

import pytest

from runware_testkit.fake_server.config import Limits
from runware_testkit.fake_server.faults.scenarios import Scenario

from ..harness import ALEPH, ALEPH2, Harness, new_uuid, poll_task, video_data_uri, video_task

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


# -- authentication ---------------------------------------------------------------------------


async def test_bearer_key_is_accepted(server: Harness) -> None:
    status, body = await server.call({"taskType": "ping", "ping": True})
    assert status == 200
    assert body == {"data": [{"taskType": "ping", "pong": True}]}


async def test_leading_authentication_task_is_accepted(server: Harness) -> None:
    status, body = await server.call(
        {"taskType": "authentication", "apiKey": "rw-testkit-dev-key"},
        {"taskType": "ping", "ping": True},
        key=None,
    )
    assert (status, body) == (200, {"data": [{"taskType": "ping", "pong": True}]})


@pytest.mark.parametrize(
    ("key", "auth_task", "code"),
    [
        (None, None, "missingApiKey"),
        ("wrong-key", None, "invalidApiKey"),
        (None, "wrong-key", "invalidApiKey"),
        (None, "", "missingApiKey"),
    ],
)
async def test_bad_or_missing_key_is_401(
    server: Harness, key: str | None, auth_task: str | None, code: str
) -> None:
    tasks = [{"taskType": "ping", "ping": True}]
    if auth_task is not None:
        tasks.insert(0, {"taskType": "authentication", "apiKey": auth_task})
    status, body = await server.call(*tasks, key=key)
    assert status == 401
    (error,) = body["errors"]
    assert error["code"] == code
    assert error["taskType"] == "authentication"
    assert error["parameter"] == "apiKey"
    assert "data" not in body


async def test_empty_key_set_accepts_any_non_empty_key(make_server) -> None:
    server = make_server(api_keys=frozenset())
    assert (await server.call({"taskType": "ping", "ping": True}, key="anything"))[0] == 200
    assert (await server.call({"taskType": "ping", "ping": True}, key=None))[0] == 401


async def test_tasks_of_one_key_are_invisible_to_another(make_server) -> None:
    server = make_server(api_keys=frozenset({"key-a", "key-b"}))
    task = video_task()
    assert (await server.call(task, key="key-a"))[0] == 200
    status, body = await server.call(poll_task(task["taskUUID"]), key="key-b")
    assert status == 404
    assert body["errors"][0]["code"] == "taskNotFound"


# -- submit and poll --------------------------------------------------------------------------


@pytest.mark.parametrize("model", [ALEPH, ALEPH2])
async def test_submit_acknowledges_then_poll_succeeds(server: Harness, model: str) -> None:
    hook = f"{server.base_url}/__testkit/sink/rest-{model.replace(':', '-').replace('@', '-')}"
    task = video_task(model, webhookURL=hook, includeCost=True)
    status, body = await server.call(task)
    assert status == 200
    assert body == {"data": [{"taskType": "videoInference", "taskUUID": task["taskUUID"]}]}

    body = await server.poll(task["taskUUID"])
    (item,) = body["data"]
    assert item["status"] == "success"
    assert item["taskType"] == "videoInference"
    assert item["taskUUID"] == task["taskUUID"]
    assert UUID_RE.match(item["videoUUID"])
    assert item["videoURL"] == f"{server.base_url}/media/{item['videoUUID']}.mp4"
    assert isinstance(item["seed"], int)
    assert item["NSFWContent"] is False
    assert item["cost"] == (0.7563 if model == ALEPH else 1.4)
    assert "errors" not in body


async def test_rest_polling_is_cumulative(server: Harness) -> None:
    task = video_task()
    first = await server.run_to_end(task)
    again = await server.poll(task["taskUUID"])
    assert again == first


async def test_polls_progression_reports_climbing_progress(make_server) -> None:
    server = make_server(progression="polls:3")
    task = video_task()
    await server.call(task)
    seen = []
    for _ in range(3):
        (item,) = (await server.poll(task["taskUUID"]))["data"]
        assert set(item) == {"taskType", "taskUUID", "status", "progress"}
        assert item["status"] == "processing"
        seen.append(item["progress"])
    assert seen == sorted(seen) and seen[0] > 0 and seen[-1] < 100
    assert (await server.poll(task["taskUUID"]))["data"][0]["status"] == "success"


async def test_time_progression_follows_the_manual_clock(make_server) -> None:
    server = make_server(progression="time:10")
    task = video_task()
    await server.call(task)
    assert (await server.poll(task["taskUUID"]))["data"][0]["progress"] == 0
    server.clock.advance(4)
    item = (await server.poll(task["taskUUID"]))["data"][0]
    assert (item["status"], item["progress"]) == ("processing", 40)
    server.clock.advance(6)
    assert (await server.poll(task["taskUUID"]))["data"][0]["status"] == "success"


async def test_number_results_gives_distinct_videos_and_seeds(server: Harness) -> None:
    task = video_task(numberResults=4, seed=4294967294)
    body = await server.run_to_end(task)
    items = body["data"]
    assert len(items) == 4
    assert len({i["videoUUID"] for i in items}) == 4
    assert [i["seed"] for i in items] == [4294967294, 4294967295, 0, 1]
    assert all(i["status"] == "success" for i in items)


async def test_random_seed_when_none_given(server: Harness) -> None:
    items = (await server.run_to_end(video_task(numberResults=2)))["data"]
    assert items[1]["seed"] == (items[0]["seed"] + 1) % 2**32


async def test_output_format_sets_the_url_extension(server: Harness) -> None:
    item = (await server.run_to_end(video_task(outputFormat="WEBM")))["data"][0]
    assert item["videoURL"].endswith(".webm")


async def test_nsfw_scenario_flags_results(server: Harness) -> None:
    task = video_task(positivePrompt="a dance [[testkit:nsfw]]")
    item = (await server.run_to_end(task))["data"][0]
    assert item["NSFWContent"] is True


async def test_reused_task_uuid_is_a_conflict(server: Harness) -> None:
    task = video_task()
    await server.call(task)
    status, body = await server.call(task)
    assert status == 400
    (error,) = body["errors"]
    assert error["code"] == "conflictTaskUUID"
    assert error["taskUUID"] == task["taskUUID"]


async def test_reused_task_uuid_within_one_request(server: Harness) -> None:
    task = video_task()
    status, body = await server.call(task, dict(task))
    assert status == 200
    assert body["data"] == [{"taskType": "videoInference", "taskUUID": task["taskUUID"]}]
    assert [e["code"] for e in body["errors"]] == ["conflictTaskUUID"]


async def test_unknown_task_uuid_is_task_not_found(server: Harness) -> None:
    uuid = new_uuid()
    status, body = await server.call(poll_task(uuid))
    assert status == 404
    (error,) = body["errors"]
    assert error["code"] == "taskNotFound"
    assert error["taskUUID"] == uuid
    assert error["taskType"] == "getResponse"


# -- errors -----------------------------------------------------------------------------------


async def test_validation_errors_are_runware_objects(server: Harness) -> None:
    task = video_task(outputQuality=5)
    del task["positivePrompt"]
    status, body = await server.call(task)
    assert status == 400
    assert "data" not in body
    by_code = {e["code"]: e for e in body["errors"]}
    assert set(by_code) == {"missingPositivePrompt", "invalidOutputQuality"}
    for error in body["errors"]:
        assert error["taskUUID"] == task["taskUUID"]
        assert error["taskType"] == "videoInference"
        assert isinstance(error["message"], str) and error["message"]
    assert by_code["invalidOutputQuality"]["parameter"] == "outputQuality"


async def test_unknown_model_lists_the_known_ones(server: Harness) -> None:
    status, body = await server.call(video_task("runway:9@9"))
    assert status == 400
    (error,) = body["errors"]
    assert error["code"] == "unknownModel"
    assert set(error["allowedValues"]) >= {ALEPH, ALEPH2}


async def test_mixed_batch_runs_the_valid_tasks(server: Harness) -> None:
    good, bad = video_task(), video_task(numberResults=9)
    status, body = await server.call(good, bad, {"taskType": "ping", "ping": True})
    assert status == 200
    assert body["data"] == [
        {"taskType": "videoInference", "taskUUID": good["taskUUID"]},
        {"taskType": "ping", "pong": True},
    ]
    assert [(e["code"], e["taskUUID"]) for e in body["errors"]] == [
        ("invalidNumberResults", bad["taskUUID"])
    ]
    assert (await server.poll(good["taskUUID"]))["data"][0]["status"] == "success"
    assert (await server.call(poll_task(bad["taskUUID"])))[0] == 404


async def test_all_tasks_failing_with_different_statuses_is_400(server: Harness) -> None:
    status, body = await server.call(poll_task(new_uuid()), video_task(numberResults=0))
    assert status == 400
    assert [e["code"] for e in body["errors"]] == ["taskNotFound", "invalidNumberResults"]


async def test_submit_phase_error_scenario(server: Harness) -> None:
    task = video_task(positivePrompt="x [[testkit:error=insufficientCredits]]")
    status, body = await server.call(task)
    assert status == 402
    (error,) = body["errors"]
    assert error["code"] == "insufficientCredits"
    assert error["taskUUID"] == task["taskUUID"]
    assert (await server.call(poll_task(task["taskUUID"])))[0] == 404


async def test_processing_phase_error_reports_both_forms(server: Harness) -> None:
    server.state.scenarios.add(
        Scenario(phase="processing", error_code="timeoutProvider", prompt_contains="boat")
    )
    task = video_task()
    status, body = await server.call(task)
    assert status == 200
    body = await server.poll(task["taskUUID"])
    (item,) = body["data"]
    assert item["status"] == "error"
    assert item["error"]["code"] == "timeoutProvider"
    assert item["code"] == "timeoutProvider"
    assert "videoURL" not in item
    (error,) = body["errors"]
    assert (error["code"], error["taskUUID"]) == ("timeoutProvider", task["taskUUID"])
    assert server.state.journal.entries("scenario")


async def test_unknown_magic_token_is_a_prompt_error(server: Harness) -> None:
    status, body = await server.call(video_task(positivePrompt="x [[testkit:explode]]"))
    assert status == 400
    assert body["errors"][0]["code"] == "invalidPositivePrompt"


async def test_magic_token_with_an_unknown_error_code_is_a_prompt_error(server: Harness) -> None:
    task = video_task(positivePrompt="x [[testkit:error=insufficentCredits]]")
    status, body = await server.call(task)
    assert status == 400
    (error,) = body["errors"]
    assert error["code"] == "invalidPositivePrompt"
    assert "did you mean 'insufficientCredits'?" in error["message"]
    assert not server.state.engine.all_tasks()


async def test_queued_scenario_with_http_status(server: Harness) -> None:
    server.state.scenarios.add(Scenario(http_status=503))
    status, body = await server.call(video_task())
    assert status == 503
    assert body["errors"][0]["code"] == "serviceUnavailable"
    assert (await server.call(video_task()))[0] == 200


async def test_malformed_body_scenario(server: Harness) -> None:
    response = await server.post([video_task(positivePrompt="x [[testkit:malformed]]")])
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)
    assert (await server.call({"taskType": "ping", "ping": True}))[0] == 200


async def test_unexpected_exception_becomes_internal_server_error(
    server: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("kaput")

    monkeypatch.setattr(server.state.engine, "poll", boom)
    status, body = await server.call(poll_task(new_uuid()))
    assert status == 500
    (error,) = body["errors"]
    assert error["code"] == "internalServerError"
    assert "Traceback" not in json.dumps(body)
    assert any("kaput" in e["error"] for e in server.state.journal.entries("error"))
    assert (await server.call({"taskType": "ping", "ping": True}))[0] == 200


# -- dry run ----------------------------------------------------------------------------------


async def test_dry_run_validates_and_prices_without_running(server: Harness) -> None:
    source = await server.upload(video_data_uri(3.0))
    good = video_task(ALEPH2, source["mediaUUID"], numberResults=2)
    bad = video_task(numberResults=7)
    status, body = await server.call(good, bad, headers={"X-Runware-Dry-Run": "1"})
    assert status == 200
    assert body["data"] == [
        {
            "taskType": "videoInference",
            "taskUUID": good["taskUUID"],
            "dryRun": True,
            "numberResults": 2,
            "cost": 1.68,
        }
    ]
    assert body["errors"][0]["code"] == "invalidNumberResults"
    assert (await server.call(poll_task(good["taskUUID"])))[0] == 404
    assert server.state.engine.all_tasks() == []


# -- bad bodies and limits --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b"this is not json", 400, "invalidJson"),
        (b"", 400, "invalidJson"),
        (b'{"taskType": "ping"}', 400, "invalidRequestBody"),
        (b"[]", 400, "invalidRequestBody"),
        (b'"ping"', 400, "invalidRequestBody"),
        (b"\xff\xfe\x00", 400, "invalidJson"),
        (b"[1, 2]", 400, "invalidTask"),
        (b'[{"taskType": "ping", "ping": NaN}]', 400, "invalidJson"),
        (b"[" * 100_000 + b"]" * 100_000, 400, "invalidJson"),
    ],
)
async def test_bad_bodies_get_runware_errors(
    server: Harness, content: bytes, status: int, code: str
) -> None:
    response = await server.post(content=content)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.json()["errors"][0]["code"] == code
    assert (await server.call({"taskType": "ping", "ping": True}))[0] == 200


async def test_wrong_content_type_is_415(server: Harness) -> None:
    response = await server.post(content=b"a=1", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert response.json()["errors"][0]["code"] == "unsupportedContentType"


async def test_huge_body_is_413_and_server_keeps_serving(make_server) -> None:
    server = make_server(limits=Limits(max_body_bytes=2048))
    task = video_task(positivePrompt="x" * 4000)
    response = await server.post([task])
    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "maxPayloadSizeExceeded"
    assert (await server.call({"taskType": "ping", "ping": True}))[0] == 200


async def test_too_many_tasks(make_server) -> None:
    server = make_server(limits=Limits(max_tasks_per_request=3))
    status, body = await server.call(*[{"taskType": "ping", "ping": True}] * 4)
    assert status == 400
    assert body["errors"][0]["code"] == "maxTasksPerRequestExceeded"


async def test_open_task_cap_is_429(make_server) -> None:
    server = make_server(progression="polls:5", limits=Limits(max_open_tasks=2))
    assert (await server.call(video_task(), video_task()))[0] == 200
    status, body = await server.call(video_task())
    assert status == 429
    assert body["errors"][0]["code"] == "rateLimitExceeded"


async def test_unknown_route_and_method_are_runware_shaped(server: Harness) -> None:
    response = await server.http.get("/v2/things")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "notFound"
    response = await server.http.get("/v1")
    assert response.status_code in (404, 405)
    assert "errors" in response.json()


async def test_requests_and_responses_are_journaled(server: Harness) -> None:
    await server.call({"taskType": "ping", "ping": True})
    (request,) = server.state.journal.entries("request")
    assert request["body"] == [{"taskType": "ping", "ping": True}]
    (response,) = server.state.journal.entries("response")
    assert response["status"] == 200
