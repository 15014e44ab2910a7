"""Network faults against the official Python SDKs: what each one actually does.

``runware`` 0.5.24 (legacy, WebSocket) and ``runware-sdk`` 1.8.0 (REST and WebSocket) run
unmodified through the drivers of `test_sdk_e2e`, against the plugin's live fake. Each test
pins down the behaviour observed, so a new SDK release that changes it fails here; the README
table "Faults and what the official SDKs do" is built from these tests and `test_sdk_js_faults`.
"""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from runware_testkit.testing import RunwareServer

from .envs import SdkEnvError, driver_path, sdk_python
from .test_sdk_e2e import ALEPH, ALEPH2, run_client

pytestmark = [
    pytest.mark.sdk,
    pytest.mark.runware(progression="immediate", seed=7, live=False),
]

VIDEO = "https://example.com/source.mp4"
FLUX = "bfl:flux@3-image"


@pytest.fixture
def fake(runware_server: RunwareServer) -> RunwareServer:
    return runware_server


def run(client: str, fake: RunwareServer, tokens: str = "", *extra: str, **opts: Any) -> dict:
    """One videoInference (Aleph 2.0, two results) through `client`, with prompt `tokens`."""
    prompt = "a lighthouse at dusk" + (f" [[testkit:{tokens}]]" if tokens else "")
    args = ["--model", ALEPH2, "--prompt", prompt, "--video", VIDEO, "--number-results", "2"]
    return run_client(client, fake, *args, *extra, **opts)


def submissions(fake: RunwareServer, task_type: str = "videoInference") -> list[dict[str, Any]]:
    """The tasks of `task_type` the fake received, in order."""
    return [t for t in fake.requests() if t.get("taskType") == task_type]


def authentications(fake: RunwareServer) -> list[dict[str, Any]]:
    return submissions(fake, "authentication")


def fill_queue(fake: RunwareServer, tokens: str) -> None:
    """Take the one place of the prompt-token queue `tokens` with a task sent directly."""
    task = {
        "taskType": "videoInference",
        "taskUUID": str(uuid.uuid4()),
        "model": ALEPH,
        "positivePrompt": f"filler [[testkit:{tokens}]]",
        "inputs": {"video": VIDEO},
    }
    answer = httpx.post(
        fake.base_url,
        json=[task],
        headers={"Authorization": f"Bearer {fake.api_key}"},
        trust_env=False,
    )
    assert answer.status_code == 200, answer.text


def distinct_videos(outcome: dict[str, Any]) -> int:
    return len({r["videoUUID"] for r in outcome["results"]})


def refused(fake: RunwareServer, status: int) -> int:
    """How many REST answers or WebSocket frames refused a task with `status`'s code."""
    codes = {429: "rateLimitExceeded", 503: "serviceUnavailable", 504: "timeout"}
    count = 0
    for entry in fake.journal():
        body = entry.get("body") if entry["kind"] == "response" else entry.get("data")
        if isinstance(body, dict):
            count += sum(1 for e in body.get("errors", []) if e.get("code") == codes[status])
    return count


# -- half-open WebSocket ----------------------------------------------------------------------


def test_legacy_recovers_from_a_half_open_socket_after_30_s_without_pong(
    fake: RunwareServer,
) -> None:
    outcome = run("legacy-ws", fake, "half-open", "--timeout", "50")
    assert outcome["ok"] is True, outcome
    assert distinct_videos(outcome) == 2
    assert outcome["elapsed"] >= 30
    assert [sorted(a) for a in authentications(fake)] == [["apiKey", "taskType"]] * 2
    silent = [e for e in fake.journal("frame_in") if e.get("half_open")]
    assert any(t.get("taskType") == "getResponse" for e in silent for t in e["data"])


def test_runware_sdk_waits_on_a_half_open_socket_past_a_12_s_deadline(
    fake: RunwareServer,
) -> None:
    outcome = run("sdk-ws", fake, "half-open", "--timeout", "12")
    assert (outcome["ok"], outcome["error_type"]) == (False, "TimeoutError"), outcome
    assert len(authentications(fake)) == 1


# -- results in parts, replayed after a reconnect ---------------------------------------------


def test_legacy_counts_a_partial_result_twice_and_loses_the_other(fake: RunwareServer) -> None:
    outcome = run("legacy-ws", fake, "partial")
    assert outcome["ok"] is True, outcome
    videos = [r["videoUUID"] for r in outcome["results"]]
    assert len(videos) == 2 and len(set(videos)) == 1
    assert len(submissions(fake, "getResponse")) == 2


@pytest.mark.parametrize("client", ["sdk-rest", "sdk-ws"])
def test_runware_sdk_waits_for_every_part(client: str, fake: RunwareServer) -> None:
    outcome = run(client, fake, "partial")
    assert outcome["ok"] is True, outcome
    assert distinct_videos(outcome) == 2
    assert len(submissions(fake, "getResponse")) == 2


def test_runware_sdk_resumes_its_session_and_drops_the_replayed_duplicate(
    fake: RunwareServer,
) -> None:
    outcome = run("sdk-ws", fake, "partial, replay")
    assert outcome["ok"] is True, outcome
    assert distinct_videos(outcome) == 2 == len(outcome["results"])
    auths = authentications(fake)
    assert len(auths) == 2
    assert auths[1]["connectionSessionUUID"] == session_uuids(fake)[0]


def test_legacy_reconnects_without_its_session_after_a_replay_drop(fake: RunwareServer) -> None:
    outcome = run("legacy-ws", fake, "partial, replay")
    assert outcome["ok"] is True, outcome
    auths = authentications(fake)
    assert [sorted(a) for a in auths] == [["apiKey", "taskType"]] * 2
    assert distinct_videos(outcome) == 2


# -- an answer cut in the middle --------------------------------------------------------------


def test_legacy_reconnects_and_resends_a_task_whose_ack_was_cut(fake: RunwareServer) -> None:
    outcome = run("legacy-ws", fake, "cut")
    assert outcome["ok"] is True, outcome
    assert distinct_videos(outcome) == 2
    first, again = submissions(fake)
    assert first["taskUUID"] == again["taskUUID"]
    assert len(authentications(fake)) == 2


def test_runware_sdk_ws_resumes_after_a_cut_ack_without_resending(fake: RunwareServer) -> None:
    outcome = run("sdk-ws", fake, "cut")
    assert outcome["ok"] is True, outcome
    assert distinct_videos(outcome) == 2
    assert len(submissions(fake)) == 1
    auths = authentications(fake)
    assert auths[1]["connectionSessionUUID"] == session_uuids(fake)[0]


def test_runware_sdk_rest_raises_the_aiohttp_error_of_a_cut_answer(fake: RunwareServer) -> None:
    outcome = run("sdk-rest", fake, "cut")
    assert (outcome["ok"], outcome["error_type"]) == (False, "ClientPayloadError"), outcome
    assert len(submissions(fake)) == 1


def test_runware_sdk_rest_retry_of_a_cut_answer_fails_on_conflict_task_uuid(
    fake: RunwareServer,
) -> None:
    outcome = run("sdk-rest", fake, "cut", "--max-retries", "2")
    assert outcome["ok"] is False, outcome
    assert (outcome["raw_code"], outcome["code"], outcome["status_code"]) == (
        "conflictTaskUUID",
        "validation",
        400,
    )
    first, again = submissions(fake)
    assert first["taskUUID"] == again["taskUUID"]
    assert len(fake.tasks()) == 1  # the task was accepted and runs; the client reports failure


# -- late authentication ----------------------------------------------------------------------


@pytest.mark.parametrize("client", ["legacy-ws", "sdk-rest", "sdk-ws"])
def test_a_late_authentication_answer_is_waited_for(client: str, fake: RunwareServer) -> None:
    fake.scenario(phase="connect", latency_ms=3000)
    outcome = run(client, fake)
    assert outcome["ok"] is True, outcome
    assert outcome["elapsed"] >= 3
    assert distinct_videos(outcome) == 2


# -- the simulated model queue ----------------------------------------------------------------

NEVER_DRAINS = "queue=1, drain=0.001"


@pytest.mark.parametrize(
    ("client", "full", "attempts", "error"),
    [
        ("legacy-ws", 429, 1, ("RunwareAPIError", "rateLimitExceeded", None)),
        ("legacy-ws", 503, 1, ("RunwareAPIError", "serviceUnavailable", None)),
        ("sdk-rest", 429, 3, ("RunwareError", "rateLimit", 429)),
        ("sdk-rest", 503, 3, ("RunwareError", "serverError", 503)),
        ("sdk-ws", 429, 1, ("RunwareError", "rateLimit", None)),
        ("sdk-ws", 503, 1, ("RunwareError", "serverError", None)),
    ],
)
def test_a_full_queue(
    client: str, full: int, attempts: int, error: tuple, fake: RunwareServer
) -> None:
    tokens = NEVER_DRAINS + (", queue-full=503" if full == 503 else "")
    fill_queue(fake, tokens)
    retries = [] if client == "legacy-ws" else ["--max-retries", "2"]
    outcome = run(client, fake, tokens, *retries)
    assert outcome["ok"] is False, outcome
    assert (outcome["error_type"], outcome["code"], outcome.get("status_code")) == error
    assert refused(fake, full) == attempts
    assert outcome["elapsed"] < 30  # Retry-After said about 1000 s


@pytest.mark.runware(progression="immediate", seed=7, live=False, clock="manual")
def test_runware_sdk_rest_retries_a_429_until_the_queue_has_room(fake: RunwareServer) -> None:
    tokens = "queue=1, drain=0.1"
    fill_queue(fake, tokens)
    driver = start_client("sdk-rest", fake, tokens, "--max-retries", "10")
    wait_until(lambda: refused(fake, 429) >= 1)
    fake.advance(10)
    outcome = finish(driver)
    assert outcome["ok"] is True, outcome
    assert distinct_videos(outcome) == 2
    sent = [t for t in submissions(fake) if "filler" not in t["positivePrompt"]]
    assert len(sent) == refused(fake, 429) + 1 >= 2
    assert len({t["taskUUID"] for t in sent}) == 1


@pytest.mark.parametrize(
    ("client", "attempts", "status"), [("sdk-rest", 3, 504), ("sdk-ws", 1, None)]
)
def test_a_sync_task_past_the_queue_wait_bound_gets_504(
    client: str, attempts: int, status: int | None, fake: RunwareServer
) -> None:
    tokens = "queue=10, drain=0.01, max-wait=1"
    fill_queue(fake, tokens)
    fill_queue(fake, tokens)
    sync = json.dumps({"taskType": "imageInference", "deliveryMethod": "sync"})
    prompt = f"a lighthouse [[testkit:{tokens}]]"
    outcome = run_client(
        client, fake, "--model", FLUX, "--prompt", prompt, "--extra-json", sync,
        "--max-retries", "2", "--timeout", "12",
    )  # fmt: skip
    assert outcome["ok"] is False, outcome
    assert (outcome["error_type"], outcome["code"], outcome["status_code"]) == (
        "RunwareError",
        "timeout",
        status,
    )
    assert refused(fake, 504) == attempts


def session_uuids(fake: RunwareServer) -> list[str]:
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


def start_client(client: str, fake: RunwareServer, tokens: str, *extra: str) -> subprocess.Popen:
    """Start a runware-sdk driver (``sdk-rest`` or ``sdk-ws``) in the background."""
    try:
        python = sdk_python("runware-sdk-1.8.0")
    except SdkEnvError as exc:
        pytest.skip(f"SDK venv unavailable: {exc}")
    prompt = f"a lighthouse at dusk [[testkit:{tokens}]]"
    command = [
        str(python), str(driver_path("sdk_v1")),
        "--transport", "rest" if client == "sdk-rest" else "websocket",
        "--url", fake.ws_url, "--http-url", fake.base_url, "--max-poll-delay", "0.05",
        "--api-key", fake.api_key, "--timeout", "20",
        "--model", ALEPH2, "--prompt", prompt, "--video", VIDEO, "--number-results", "2",
        *extra,
    ]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(driver: subprocess.Popen) -> dict[str, Any]:
    """Wait for a driver started by `start_client`; its outcome line."""
    stdout, stderr = driver.communicate(timeout=60)
    assert driver.returncode == 0, stderr[-3000:]
    return json.loads([line for line in stdout.splitlines() if line.strip()][-1])


def wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Poll `condition` (bounded) until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)
