"""The example app against ``runware_mock``: in-process, no sockets, production URLs."""

from __future__ import annotations

import httpx
import pytest
import respx

from .conftest import SOURCE
from .videoedit import VideoEditClient, WebhookStore, webhook_app
from .videoedit.client import ALEPH, ALEPH_2, RunwareAPIError

HOOK = "https://videoedit.example/hooks/runware?token=s3cret"


def test_edit_round_trip_downloads_the_video(mock_client: VideoEditClient, runware_mock) -> None:
    results = mock_client.run(SOURCE, "a paper boat on a rainy street")

    assert len(results) == 1
    assert results[0].video_url.startswith("https://api.runware.ai/media/")
    video = mock_client.download(results[0])
    assert video[4:8] == b"ftyp"
    runware_mock.assert_task_submitted(
        model=ALEPH, positivePrompt="a paper boat on a rainy street", inputs={"video": SOURCE}
    )
    runware_mock.assert_all_tasks_valid()
    runware_mock.assert_no_unfinished_tasks()


@pytest.mark.runware(progression="polls:3")
def test_polling_backs_off(mock_client: VideoEditClient, sleeps: list[float]) -> None:
    mock_client.run(SOURCE, "a lighthouse at dusk", model=ALEPH_2)

    assert sleeps == [0.5, 0.75, 1.125]


def test_submit_error_carries_the_runware_code(mock_client: VideoEditClient, runware_mock) -> None:
    runware_mock.fail_next("insufficientCredits")

    with pytest.raises(RunwareAPIError) as caught:
        mock_client.edit(SOURCE, "a kite")

    assert (caught.value.code, caught.value.status) == ("insufficientCredits", 402)


@pytest.mark.runware(scenarios=[{"phase": "processing", "error_code": "timeoutProvider"}])
def test_processing_failure_surfaces_from_polling(mock_client: VideoEditClient) -> None:
    task_uuid = mock_client.edit(SOURCE, "a kite")

    with pytest.raises(RunwareAPIError) as caught:
        mock_client.wait(task_uuid)

    assert (caught.value.code, caught.value.task_uuid) == ("timeoutProvider", task_uuid)


def test_magic_prompt_token(mock_client: VideoEditClient) -> None:
    with pytest.raises(RunwareAPIError) as caught:
        mock_client.run(SOURCE, "a kite [[testkit:error=contentPolicyViolation]]")

    assert caught.value.code == "contentPolicyViolation"


def test_validation_error_names_the_parameter(mock_client: VideoEditClient, runware_mock) -> None:
    with pytest.raises(RunwareAPIError) as caught:
        mock_client.edit(SOURCE, "a kite", numberResults=9)

    assert (caught.value.code, caught.value.parameter) == ("invalidNumberResults", "numberResults")
    with pytest.raises(AssertionError, match=r"invalidNumberResults \(numberResults\)"):
        runware_mock.assert_all_tasks_valid()


@pytest.mark.runware(api_keys=["team-key"])
def test_only_the_marked_keys_are_accepted(runware_mock) -> None:
    assert runware_mock.api_key == "team-key"
    client = VideoEditClient("someone-else", base_url=runware_mock.base_url)

    with pytest.raises(RunwareAPIError) as caught:
        client.edit(SOURCE, "a kite")

    assert (caught.value.code, caught.value.status) == ("invalidApiKey", 401)


def test_webhook_reaches_the_apps_receiver(
    mock_client: VideoEditClient, runware_mock, respx_mock: respx.MockRouter
) -> None:
    store = WebhookStore()
    receiver = respx_mock.post(url__startswith="https://videoedit.example/hooks/runware").mock(
        side_effect=respx.ASGIHandler(webhook_app(store, token="s3cret"))
    )

    results = mock_client.run(SOURCE, "a kite", webhook_url=HOOK)

    runware_mock.assert_webhook_delivered(HOOK, count=1, status=204)
    assert receiver.call_count == 1
    assert store.results[results[0].task_uuid][0]["videoURL"] == results[0].video_url


def test_unmocked_webhook_is_a_failed_delivery(mock_client: VideoEditClient, runware_mock) -> None:
    mock_client.run(SOURCE, "a kite", webhook_url=HOOK)

    with pytest.raises(AssertionError) as caught:
        runware_mock.assert_webhook_delivered(HOOK)

    message = str(caught.value)
    assert "attempt 5: failed" in message
    assert "not mocked" in message


def test_webhook_retried_until_the_sink_accepts(mock_client: VideoEditClient, runware_mock) -> None:
    runware_mock.fail_webhooks("edits", times=2, status=503)

    mock_client.run(SOURCE, "a kite", webhook_url=runware_mock.webhook_url("edits"))

    runware_mock.assert_webhook_delivered("edits", count=1, status="success")
    outcomes = [a["outcome"] for a in runware_mock.journal("webhook_attempt")]
    assert outcomes == ["retry", "retry", "delivered"]
    assert [w["status"] for w in runware_mock.webhooks("edits")] == [503, 503, 200]


@pytest.mark.runware(progression="time:30", clock="manual")
def test_backoff_moves_the_manual_clock(runware_mock) -> None:
    waited: list[float] = []

    def sleep(seconds: float) -> None:
        waited.append(seconds)
        runware_mock.advance(seconds)

    client = VideoEditClient(runware_mock.api_key, base_url=runware_mock.base_url, sleep=sleep)
    results = client.run(SOURCE, "a kite")

    assert len(results) == 1
    assert sum(waited[:-1]) < 30 <= sum(waited)


def test_unserved_runware_path_is_explained(runware_mock) -> None:
    with pytest.raises(AssertionError, match="the fake serves no GET /v2"):
        httpx.get("https://api.runware.ai/v2")


async def test_async_clients_work_too(runware_mock) -> None:
    headers = {"Authorization": f"Bearer {runware_mock.api_key}"}
    task = {
        "taskType": "videoInference",
        "taskUUID": "0b5c3a8e-3f0e-4a57-9d5e-2f1f6f0b8b11",
        "model": ALEPH,
        "positivePrompt": "a kite",
        "inputs": {"video": SOURCE},
    }
    async with httpx.AsyncClient() as http:
        ack = await http.post(runware_mock.base_url, json=[task], headers=headers)
        poll = [{"taskType": "getResponse", "taskUUID": task["taskUUID"]}]
        done = await http.post(runware_mock.base_url, json=poll, headers=headers)

    assert ack.status_code == 200
    assert "videoUUID" in done.json()["data"][0]
