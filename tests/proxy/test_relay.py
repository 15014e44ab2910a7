"""Webhook relay and media downloads through the proxy."""

from __future__ import annotations

from pathlib import Path

import httpx

from runware_testkit.cassettes import read_cassette

from .conftest import edit_task, post


def test_a_relayed_webhook_is_recorded_and_reaches_the_receiver(
    start_proxy, upstream, tmp_path: Path
) -> None:
    cassette = tmp_path / "hooks.jsonl"
    proxy = start_proxy(cassette=cassette, relay_webhooks=True)
    receiver = upstream.webhook_url("receiver")
    task = edit_task(webhookURL=receiver)
    assert post(proxy.rest_url, task, key=upstream.api_key).status_code == 200
    (sent,) = upstream.tasks()
    assert sent["request"]["webhookURL"].startswith(proxy.base_url + "/__proxy/webhook/")
    poll = {"taskType": "getResponse", "taskUUID": task["taskUUID"]}
    post(proxy.rest_url, poll, key=upstream.api_key)
    post(proxy.rest_url, poll, key=upstream.api_key)
    (delivery,) = upstream.webhooks("receiver")
    assert delivery["body"]["data"][0]["taskUUID"] == task["taskUUID"]
    (attempt,) = upstream.journal("webhook_attempt")
    assert attempt["status"] == 200
    proxy.stop()
    lines = read_cassette(cassette).interactions
    assert lines[0].request["webhookURL"] == "{{webhook:w1}}"
    (hook,) = [line for line in lines if line.transport == "webhook"]
    assert (hook.direction, hook.task, hook.attempt, hook.status) == ("server", "t1", 1, 200)
    assert hook.request["data"][0]["taskUUID"] == "{{task:t1}}"


def test_a_failing_receiver_status_goes_back_to_the_upstream(start_proxy, upstream) -> None:
    proxy = start_proxy(relay_webhooks=True)
    task = edit_task(webhookURL=upstream.webhook_url("flaky", fail=1, fail_status=503))
    post(proxy.rest_url, task, key=upstream.api_key)
    poll = {"taskType": "getResponse", "taskUUID": task["taskUUID"]}
    post(proxy.rest_url, poll, key=upstream.api_key)
    post(proxy.rest_url, poll, key=upstream.api_key)
    statuses = [entry["status"] for entry in upstream.journal("webhook_attempt")]
    assert statuses[:2] == [503, 200]


def test_an_unknown_relay_token_is_a_runware_404(start_proxy) -> None:
    proxy = start_proxy(relay_webhooks=True)
    answer = httpx.post(proxy.base_url + "/__proxy/webhook/nope", json={}, trust_env=False)
    assert answer.status_code == 404
    assert answer.json()["errors"][0]["code"] == "notFound"


def test_media_bodies_are_kept_by_hash(start_proxy, upstream, tmp_path: Path) -> None:
    cassette = tmp_path / "media.jsonl"
    proxy = start_proxy(cassette=cassette, media="hash")
    task = edit_task()
    post(proxy.rest_url, task, key=upstream.api_key)
    poll = {"taskType": "getResponse", "taskUUID": task["taskUUID"]}
    post(proxy.rest_url, poll, key=upstream.api_key)
    url = post(proxy.rest_url, poll, key=upstream.api_key).json()["data"][0]["videoURL"]
    body = httpx.get(url, trust_env=False).content
    proxy.stop()
    loaded = read_cassette(cassette)
    (media,) = [line for line in loaded.interactions if line.transport == "media"]
    assert loaded.header.media == "hash"
    assert loaded.media_path(media.response["sha256"]).read_bytes() == body


def test_an_unreachable_receiver_is_a_502_to_the_upstream_and_recorded(
    start_proxy, upstream, tmp_path: Path
) -> None:
    cassette = tmp_path / "gone.jsonl"
    proxy = start_proxy(cassette=cassette, relay_webhooks=True)
    task = edit_task(webhookURL="http://127.0.0.1:9/hook")
    post(proxy.rest_url, task, key=upstream.api_key)
    poll = {"taskType": "getResponse", "taskUUID": task["taskUUID"]}
    post(proxy.rest_url, poll, key=upstream.api_key)
    post(proxy.rest_url, poll, key=upstream.api_key)
    attempts = upstream.journal("webhook_attempt")
    assert attempts and {entry["status"] for entry in attempts} == {502}
    proxy.stop()
    hooks = [line for line in read_cassette(cassette).interactions if line.transport == "webhook"]
    assert [line.attempt for line in hooks] == list(range(1, len(attempts) + 1))
    assert {line.status for line in hooks} == {None}
