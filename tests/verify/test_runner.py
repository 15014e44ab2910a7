"""Verifying a cassette recorded through the proxy from the fake itself finds no drift; the
recorded times drive the fake's clock, so a task finishes when the recording saw it finish."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx

from runware_testkit.proxy import ProxyServer
from runware_testkit.testing.options import FakeOptions
from runware_testkit.testing.server_fixture import RunwareServer
from runware_testkit.verify.runner import verify_cassette


def record_session(cassette: Path) -> None:
    """A raw client submits two edits (one with a bad prompt) through the proxy to a fake, polls
    the good one until done and downloads its result."""
    upstream = RunwareServer(FakeOptions(progression="polls:2")).start()
    try:
        with (
            ProxyServer(
                upstream_rest=upstream.base_url, upstream_ws=upstream.ws_url, cassette=cassette
            ) as proxy,
            httpx.Client(trust_env=False, timeout=30) as http,
        ):
            headers = {"Authorization": f"Bearer {upstream.api_key}"}
            task = {
                "taskType": "videoInference",
                "taskUUID": str(uuid.uuid4()),
                "model": "runway:2@1",
                "positivePrompt": "a paper boat on a rainy street",
                "inputs": {"video": "https://example.com/source.mp4"},
            }
            http.post(proxy.rest_url, json=[task], headers=headers)
            poll = {"taskType": "getResponse", "taskUUID": task["taskUUID"]}
            while True:
                item = http.post(proxy.rest_url, json=[poll], headers=headers).json()["data"][0]
                if item["status"] != "processing":
                    break
            http.get(item["videoURL"])
            http.post(
                proxy.rest_url,
                json=[{**task, "taskUUID": str(uuid.uuid4()), "positivePrompt": ""}],
                headers=headers,
            )
    finally:
        upstream.stop()


def test_a_cassette_recorded_from_the_fake_has_no_drift(tmp_path: Path) -> None:
    cassette = tmp_path / "fake.jsonl"
    record_session(cassette)
    lines = [json.loads(line) for line in cassette.read_text().splitlines()[1:]]
    assert {line["transport"] for line in lines} == {"rest", "media"}
    # The invalid task was refused by the proxy itself, so it is not in the cassette.
    assert not any(line["status"] == 400 for line in lines)
    result = verify_cassette(cassette)
    assert result.drifts == []
    assert result.compared == len(lines)


def test_a_recorded_error_turned_into_success_is_a_status_sequence_drift(tmp_path: Path) -> None:
    cassette = tmp_path / "fake.jsonl"
    record_session(cassette)
    rows = [json.loads(line) for line in cassette.read_text().splitlines()]
    done = next(
        row
        for row in rows[1:]
        if row["taskType"] == "getResponse" and row["response"]["data"][0]["status"] == "success"
    )
    done["response"] = {
        "data": [{"taskType": "videoInference", "taskUUID": "{{task:t1}}", "status": "error"}],
        "errors": [{"code": "insufficientCredits", "message": "m", "taskUUID": "{{task:t1}}"}],
    }
    cassette.write_text("".join(json.dumps(row) + "\n" for row in rows))
    kinds = {drift.kind for drift in verify_cassette(cassette).drifts}
    assert {"status-sequence", "envelope"} <= kinds
