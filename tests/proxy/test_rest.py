"""The proxy over REST: forwarding, local refusals, budget, unreachable upstream, recording."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from runware_testkit.cassettes import read_cassette
from runware_testkit.proxy import BUDGET_EXCEEDED_CODE, UPSTREAM_UNREACHABLE_CODE, ProxyServer

from .conftest import ALEPH, ALEPH_PRICE, edit_task, post, upstream_tasks


def test_a_rest_session_is_forwarded_and_recorded(start_proxy, upstream, tmp_path: Path) -> None:
    cassette = tmp_path / "rest.jsonl"
    proxy = start_proxy(cassette=cassette)
    task = edit_task(includeCost=True)
    auth = {"taskType": "authentication", "apiKey": upstream.api_key}
    ack = post(proxy.rest_url, auth, task)
    assert ack.status_code == 200
    assert ack.json() == {"data": [{"taskType": "videoInference", "taskUUID": task["taskUUID"]}]}
    poll = {"taskType": "getResponse", "taskUUID": task["taskUUID"]}
    assert post(proxy.rest_url, poll, key=upstream.api_key).json()["data"][0]["status"] == (
        "processing"
    )
    (result,) = post(proxy.rest_url, poll, key=upstream.api_key).json()["data"]
    assert result["status"] == "success" and result["cost"] == ALEPH_PRICE
    assert result["videoURL"].startswith(proxy.base_url + "/__proxy/media/")
    download = httpx.get(result["videoURL"], trust_env=False)
    assert download.status_code == 200 and download.content[4:8] == b"ftyp"
    proxy.stop()

    assert upstream.tasks()[0]["request"] == task
    lines = read_cassette(cassette).interactions
    assert [(i.transport, i.task, i.task_type) for i in lines] == [
        ("rest", None, "authentication"),
        ("rest", "t1", "videoInference"),
        ("rest", "t1", "getResponse"),
        ("rest", "t1", "getResponse"),
        ("media", "t1", None),
    ]
    assert lines[1].request["taskUUID"] == "{{task:t1}}"
    assert lines[3].response["data"][0]["videoURL"] == "{{url:u1}}"
    assert lines[4].request == {"method": "GET", "url": "{{url:u1}}"}
    assert lines[4].response["bytes"] == len(download.content)
    assert "/response/data/0/cost" in lines[3].volatile
    assert proxy.ledger.total_usd == ALEPH_PRICE


def test_an_invalid_task_is_refused_locally_and_never_forwarded(start_proxy, upstream) -> None:
    proxy = start_proxy()
    bad = edit_task(positivePrompt=42)
    answer = post(proxy.rest_url, bad, key=upstream.api_key)
    direct = post(upstream.base_url, bad, key=upstream.api_key)
    assert answer.status_code == direct.status_code == 400
    assert answer.json() == direct.json()
    upstream.reset()
    post(proxy.rest_url, bad, key=upstream.api_key)
    assert upstream_tasks(upstream) == []
    assert proxy.ledger.total_usd == 0


def test_a_batch_forwards_its_valid_tasks_and_adds_the_local_errors(start_proxy, upstream) -> None:
    proxy = start_proxy()
    good, bad = edit_task(), edit_task(model="no-such:model@1")
    answer = post(proxy.rest_url, good, bad, key=upstream.api_key)
    assert answer.status_code == 200
    body = answer.json()
    assert body["data"] == [{"taskType": "videoInference", "taskUUID": good["taskUUID"]}]
    assert [(e["code"], e["taskUUID"]) for e in body["errors"]] == [
        ("unknownModel", bad["taskUUID"])
    ]
    assert [t["taskUUID"] for t in upstream_tasks(upstream)] == [good["taskUUID"]]


def test_the_budget_refuses_the_task_that_would_cross_it(start_proxy, upstream) -> None:
    proxy = start_proxy(budget_usd=2.0)
    first, second, third = edit_task(), edit_task(), edit_task()
    assert post(proxy.rest_url, first, second, key=upstream.api_key).status_code == 200
    refused = post(proxy.rest_url, third, key=upstream.api_key)
    assert refused.status_code == 402
    (error,) = refused.json()["errors"]
    assert error["code"] == BUDGET_EXCEEDED_CODE
    assert error["taskUUID"] == third["taskUUID"]
    assert "$0.7563" in error["message"] and "$2.0000" in error["message"]
    assert [t["taskUUID"] for t in upstream_tasks(upstream)] == [
        first["taskUUID"],
        second["taskUUID"],
    ]
    assert proxy.ledger.total_usd == round(2 * ALEPH_PRICE, 4)
    assert proxy.ledger.by_model() == {ALEPH: round(2 * ALEPH_PRICE, 4)}


def test_a_task_the_upstream_refuses_is_refunded(start_proxy, upstream) -> None:
    proxy = start_proxy(budget_usd=1.0)
    upstream.fail_next("invalidPositivePrompt")
    failed = post(proxy.rest_url, edit_task(), key=upstream.api_key)
    assert failed.status_code == 400
    assert proxy.ledger.total_usd == 0
    assert post(proxy.rest_url, edit_task(), key=upstream.api_key).status_code == 200
    assert proxy.ledger.total_usd == ALEPH_PRICE


def test_a_dry_run_is_never_charged(start_proxy, upstream) -> None:
    proxy = start_proxy(budget_usd=0.5)
    headers = {"Authorization": f"Bearer {upstream.api_key}", "X-Runware-Dry-Run": "1"}
    priced = httpx.post(proxy.rest_url, json=[edit_task()], headers=headers, trust_env=False)
    assert priced.status_code == 200
    assert priced.json()["data"][0]["dryRun"] is True
    assert proxy.ledger.total_usd == 0


def test_an_unreachable_upstream_is_a_runware_error(tmp_path: Path) -> None:
    dead = "http://127.0.0.1:9/v1"
    with ProxyServer(upstream_rest=dead, upstream_ws="ws://127.0.0.1:9/v1", budget_usd=5) as proxy:
        answer = post(proxy.rest_url, edit_task(), key="k")
        assert proxy.ledger.total_usd == 0
    assert answer.status_code == 502
    (error,) = answer.json()["errors"]
    assert error["code"] == UPSTREAM_UNREACHABLE_CODE and dead in error["message"]


def test_a_body_that_is_no_task_array_gets_the_fakes_error(start_proxy, upstream) -> None:
    proxy = start_proxy()
    answer = httpx.post(proxy.rest_url, content=b"{oops", trust_env=False)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["code"] == "invalidJson"
    assert (
        httpx.get(proxy.base_url + "/nowhere", trust_env=False).json()["errors"][0]["code"]
        == "notFound"
    )
    assert upstream_tasks(upstream) == []


def test_a_malformed_upstream_answer_passes_through_and_a_dropped_one_is_a_502(
    start_proxy, upstream, tmp_path: Path
) -> None:
    cassette = tmp_path / "bad.jsonl"
    proxy = start_proxy(cassette=cassette)
    broken = post(
        proxy.rest_url, edit_task(positivePrompt="boat [[testkit:malformed]]"), key=upstream.api_key
    )
    assert broken.content.startswith(b'{"data": [{"taskType"')
    with pytest.raises(ValueError):
        broken.json()
    dropped = post(
        proxy.rest_url, edit_task(positivePrompt="boat [[testkit:drop]]"), key=upstream.api_key
    )
    assert dropped.status_code == 502
    assert dropped.json()["errors"][0]["code"] == UPSTREAM_UNREACHABLE_CODE
    proxy.stop()
    lines = read_cassette(cassette).interactions
    # The upstream's garbage is recorded as it came; the 502 was the proxy's own answer.
    assert [(line.status, line.response) for line in lines] == [(200, None)]


@pytest.mark.parametrize("task_type", [["videoInference"], {"videoInference": True}])
def test_a_task_type_of_another_json_type_is_refused_by_the_proxy(
    start_proxy, upstream, task_type: Any
) -> None:
    proxy = start_proxy()
    answer = post(proxy.rest_url, edit_task(taskType=task_type), key=upstream.api_key)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["code"] == "unsupportedTaskType"
    assert upstream_tasks(upstream) == []


def test_the_upstream_retry_after_reaches_the_client(start_proxy, upstream) -> None:
    """A full queue upstream (429 with Retry-After) is passed back with its header."""
    proxy = start_proxy()
    prompt = "boat [[testkit:queue=1, drain=0.01]]"
    answers = [
        post(proxy.rest_url, edit_task(positivePrompt=prompt), key=upstream.api_key)
        for _ in range(3)
    ]
    full = [answer for answer in answers if answer.status_code == 429]
    assert full, [answer.status_code for answer in answers]
    assert int(full[0].headers["Retry-After"]) >= 1
