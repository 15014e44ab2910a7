"""Network faults against @runware/sdk-js 1.3, unmodified: what it actually does.

Same set-up as `test_sdk_js` (a ``runware-testkit serve`` process, one namespace per test, the
SDK driven by ``js/drive.mjs``). The SDK's heartbeat interval is set to its minimum (10 s) so
that a half-open socket is noticed within a test's time; everything else is its default
behaviour. Each test pins down what the SDK did, for the README table "Faults and what the
official SDKs do".
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from reliability.served import Served
from runware_testkit.testing import RemoteFake, connect

from .node_env import DRIVER, node, sdk_dir

pytestmark = pytest.mark.sdk

ALEPH = "runway:2@1"
ALEPH2 = "runway:aleph@2.0"
HEARTBEAT_MS = 10_000
"""The SDK's shortest heartbeat interval; a pong is missed 10 s after its ping."""


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with Served(None, progression="immediate") as server:
        yield server


@pytest.fixture
def fake(served: Served) -> Iterator[RemoteFake]:
    with connect(served.base_url) as server, server.namespace(progression="immediate") as ns:
        yield ns


def run_js(fake: RemoteFake, tokens: str = "", *, timeout_ms: int = 30000) -> dict[str, Any]:
    """One videoInference (Aleph 2.0, two results) with prompt `tokens`; the outcome."""
    prompt = "a lighthouse at dusk" + (f" [[testkit:{tokens}]]" if tokens else "")
    task = {
        "model": ALEPH2,
        "positivePrompt": prompt,
        "inputs": {"video": "https://cdn.example.com/in.mp4"},
        "numberResults": 2,
    }
    where = sdk_dir()
    script = where / DRIVER.name
    shutil.copyfile(DRIVER, script)
    argument = {
        "url": fake.ws_url,
        "apiKey": fake.api_key,
        "task": task,
        "timeoutMs": timeout_ms,
        "options": {"heartbeatInterval": HEARTBEAT_MS},
    }
    done = subprocess.run(
        [node(), str(script), json.dumps(argument)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=where,
        check=False,
    )
    assert done.returncode == 0, f"the driver broke:\n{done.stdout}\n{done.stderr}"
    return json.loads([line for line in done.stdout.splitlines() if line.startswith("{")][-1])


def videos(outcome: dict[str, Any]) -> list[str]:
    return [r["videoUUID"] for r in outcome["results"]]


def sent(fake: RemoteFake, task_type: str) -> list[dict[str, Any]]:
    return [t for t in fake.requests() if t.get("taskType") == task_type]


def test_half_open_socket_is_left_after_a_missed_pong_and_polled_no_more(
    fake: RemoteFake,
) -> None:
    outcome = run_js(fake, "half-open")
    assert outcome["ok"] is True, outcome
    assert len(set(videos(outcome))) == 2
    silent = [e for e in fake.journal("frame_in") if e.get("half_open")]
    pings = [e["time"] for e in silent if e["data"][0].get("taskType") == "ping"]
    polls = [e["time"] for e in silent if e["data"][0].get("taskType") == "getResponse"]
    assert pings and polls
    # a pong is missed 10 s after the first unanswered ping; no getResponse goes out after it
    # (1 s of slack for a loaded machine; a client still polling would send one every 2 s)
    assert max(polls) < pings[0] + HEARTBEAT_MS / 1000 + 1
    auths = sent(fake, "authentication")
    assert len(auths) == 2
    assert auths[1]["connectionSessionUUID"] == session_uuids(fake)[0]  # it resumes the session
    assert outcome["elapsed"] >= 2 * HEARTBEAT_MS / 1000


def test_results_in_parts_are_deduplicated(fake: RemoteFake) -> None:
    outcome = run_js(fake, "partial")
    assert outcome["ok"] is True, outcome
    assert len(videos(outcome)) == len(set(videos(outcome))) == 2
    assert len(sent(fake, "getResponse")) == 2


def test_a_replay_drop_reconnects_without_the_session_and_polls_again(fake: RemoteFake) -> None:
    outcome = run_js(fake, "partial, replay")
    assert outcome["ok"] is True, outcome
    assert len(videos(outcome)) == len(set(videos(outcome))) == 2
    auths = sent(fake, "authentication")
    assert len(auths) == 2
    assert "connectionSessionUUID" not in auths[1]


def test_a_cut_acknowledgement_fails_the_call(fake: RemoteFake) -> None:
    outcome = run_js(fake, "cut", timeout_ms=5000)
    assert outcome["ok"] is False, outcome
    assert outcome["message"] == "Response could not be received from server for video-inference"
    assert len(sent(fake, "videoInference")) == 1


def test_a_late_authentication_answer_is_waited_for(fake: RemoteFake) -> None:
    fake.scenario(phase="connect", latency_ms=3000)
    outcome = run_js(fake)
    assert outcome["ok"] is True, outcome
    assert outcome["elapsed"] >= 3


@pytest.mark.parametrize(
    ("full", "code"), [(429, "rateLimitExceeded"), (503, "serviceUnavailable")]
)
def test_a_full_queue_fails_at_once_without_retry(fake: RemoteFake, full: int, code: str) -> None:
    tokens = "queue=1, drain=0.001" + (", queue-full=503" if full == 503 else "")
    filler = {
        "taskType": "videoInference",
        "taskUUID": str(uuid.uuid4()),
        "model": ALEPH,
        "positivePrompt": f"filler [[testkit:{tokens}]]",
        "inputs": {"video": "https://cdn.example.com/in.mp4"},
    }
    headers = {"Authorization": f"Bearer {fake.api_key}"}
    assert httpx.post(fake.base_url, json=[filler], headers=headers, trust_env=False).is_success
    outcome = run_js(fake, tokens)
    assert outcome["ok"] is False, outcome
    assert outcome["error"]["code"] == code
    assert len(sent(fake, "videoInference")) == 2  # the filler and one attempt


def session_uuids(fake: RemoteFake) -> list[str]:
    """The connectionSessionUUIDs the fake handed out, in order."""
    found = []
    for entry in fake.journal("frame_out"):
        data = entry.get("data")
        if isinstance(data, dict):
            found += [
                item["connectionSessionUUID"]
                for item in data.get("data", [])
                if item.get("taskType") == "authentication"
            ]
    return found
