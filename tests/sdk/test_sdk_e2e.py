"""End to end: the official SDKs run videoInference against the ``runware_server`` fixture.

``runware`` 0.5.24 (WebSocket) and ``runware-sdk`` 1.8.0 (REST and WebSocket) each run in their
own venv through the drivers in ``drivers/``, pointed at the fixture's ``ws_url`` and
``base_url``. The fake is reset before every test, with immediate progression (a task is done
at its first poll) and seed 99; ``live=False`` keeps these tests on the fake under
``--runware-live``, since they rely on its magic prompt tokens.
"""

from __future__ import annotations

import base64
import json
import subprocess
import uuid
from typing import Any

import httpx
import pytest

from runware_testkit.fake_server.media.probe import probe_video
from runware_testkit.fake_server.media.video import render_video
from runware_testkit.testing import RunwareServer

from .envs import SdkEnvError, driver_path, sdk_python
from .unavailable import setup_unavailable

pytestmark = [
    pytest.mark.sdk,
    pytest.mark.runware(progression="immediate", seed=99, live=False),
]

ALEPH = "runway:2@1"
ALEPH2 = "runway:aleph@2.0"
CLIENTS = ("legacy-ws", "sdk-rest", "sdk-ws")
DRIVER_TIMEOUT = 60.0


@pytest.fixture
def fake(runware_server: RunwareServer) -> RunwareServer:
    """The fake the SDKs talk to (the plugin's live server, reset for this test)."""
    return runware_server


@pytest.fixture(scope="module")
def source_clip() -> bytes:
    """A 3 s MP4 clip (a valid Aleph 2.0 source), encoded once for the module."""
    return render_video("MP4", 320, 176, duration=3.0, quality=30)


@pytest.fixture
def source_video(fake: RunwareServer, source_clip: bytes) -> str:
    """The mediaUUID of the clip, uploaded with mediaStorage (the fake forgets media between
    tests, so every test uploads it)."""
    task = {
        "taskType": "mediaStorage",
        "taskUUID": str(uuid.uuid4()),
        "operation": "upload",
        "media": "data:video/mp4;base64," + base64.b64encode(source_clip).decode(),
    }
    response = httpx.post(
        fake.base_url,
        json=[task],
        headers={"Authorization": f"Bearer {fake.api_key}"},
        trust_env=False,
    )
    response.raise_for_status()
    return response.json()["data"][0]["mediaUUID"]


def run_client(
    client: str, fake: RunwareServer, *extra: str, key: str | None = None
) -> dict[str, Any]:
    """Run one SDK driver; its JSON outcome line."""
    try:
        if client == "legacy-ws":
            python = sdk_python("runware-0.5.24")
            args = [
                str(driver_path("legacy_ws")),
                "--url",
                fake.ws_url,
                "--poll-delay-ms",
                "20",
                "--response-timeout-ms",
                "2000",
            ]
        else:
            python = sdk_python("runware-sdk-1.8.0")
            transport = "rest" if client == "sdk-rest" else "websocket"
            args = [
                str(driver_path("sdk_v1")),
                "--transport",
                transport,
                "--url",
                fake.ws_url,
                "--http-url",
                fake.base_url,
                "--max-poll-delay",
                "0.05",
            ]
    except SdkEnvError as exc:
        setup_unavailable(f"SDK venv unavailable: {exc}")
    command = [str(python), *args, "--api-key", key or fake.api_key, "--timeout", "20", *extra]
    proc = subprocess.run(
        command, capture_output=True, text=True, timeout=DRIVER_TIMEOUT, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert lines, proc.stderr[-3000:]
    return json.loads(lines[-1])


def raw_code(outcome: dict[str, Any]) -> str | None:
    """The Runware error code the SDK raised with (runware-sdk maps it to a category)."""
    return outcome.get("raw_code") or outcome.get("code")


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("model", [ALEPH, ALEPH2])
def test_video_inference_succeeds(
    client: str, model: str, fake: RunwareServer, source_video: str
) -> None:
    seed = ["--seed", "7"] if model == ALEPH else []  # Aleph 2.0 takes no seed
    outcome = run_client(
        client,
        fake,
        "--model",
        model,
        "--prompt",
        "a lighthouse at dusk",
        "--video",
        source_video,
        "--number-results",
        "2",
        *seed,
    )
    assert outcome["ok"] is True, outcome
    results = outcome["results"]
    assert len(results) == 2
    assert len({r["videoUUID"] for r in results}) == 2
    seeds = sorted(r["seed"] for r in results)
    assert seeds[1] == seeds[0] + 1
    if model == ALEPH:
        assert seeds == [7, 8]
    for result in results:
        assert result["videoURL"].startswith(f"{fake.origin}/media/")
    video = httpx.get(results[0]["videoURL"], trust_env=False)
    facts = probe_video(video.content)
    expected = (320, 176) if model == ALEPH2 else (1280, 720)
    assert (facts.width, facts.height) == expected
    fake.assert_task_submitted(
        model=model,
        taskType="videoInference",
        positivePrompt="a lighthouse at dusk",
        numberResults=2,
        inputs={"video": source_video},
    )
    fake.assert_all_tasks_valid()
    fake.assert_no_unfinished_tasks()


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("phase", ["submit", "processing"])
def test_injected_error_surfaces_as_the_sdk_error(
    client: str, phase: str, fake: RunwareServer
) -> None:
    prompt = f"a lighthouse [[testkit:error=insufficientCredits@{phase}]]"
    outcome = run_client(
        client,
        fake,
        "--model",
        ALEPH,
        "--prompt",
        prompt,
        "--video",
        "https://example.com/source.mp4",
    )
    assert outcome["ok"] is False, outcome
    assert raw_code(outcome) == "insufficientCredits"
    if client == "legacy-ws":
        assert outcome["error_type"] == "RunwareAPIError"
        assert outcome["sdk_code"] == "insufficientCredits"
    else:
        assert (outcome["error_type"], outcome["code"]) == ("RunwareError", "quota")


@pytest.mark.parametrize("client", CLIENTS)
def test_validation_error_surfaces_with_its_parameter(client: str, fake: RunwareServer) -> None:
    outcome = run_client(
        client,
        fake,
        "--model",
        ALEPH,
        "--prompt",
        "x",
        "--video",
        "https://example.com/source.mp4",
        "--number-results",
        "9",
    )
    assert outcome["ok"] is False, outcome
    assert raw_code(outcome) == "invalidNumberResults"
    if client != "legacy-ws":
        assert (outcome["code"], outcome["parameter"]) == ("validation", "numberResults")


@pytest.mark.parametrize("client", CLIENTS)
def test_bad_api_key_is_an_authentication_failure(client: str, fake: RunwareServer) -> None:
    outcome = run_client(
        client,
        fake,
        "--model",
        ALEPH,
        "--prompt",
        "x",
        "--video",
        "https://example.com/source.mp4",
        key="not-a-key",
    )
    assert outcome["ok"] is False, outcome
    if client == "legacy-ws":
        assert outcome["error_type"] == "ConnectionError"
        assert "Invalid API key" in outcome["message"]
    else:
        assert outcome["code"] == "auth"


@pytest.mark.parametrize("client", ["sdk-rest", "sdk-ws"])
@pytest.mark.runware(progression="polls:5", seed=99, live=False)
def test_sync_image_inference_is_answered_in_one_reply(client: str, fake: RunwareServer) -> None:
    sync = json.dumps({"taskType": "imageInference", "deliveryMethod": "sync"})
    outcome = run_client(
        client,
        fake,
        "--model",
        "bfl:flux@3-image",
        "--prompt",
        "a lighthouse at dusk",
        "--number-results",
        "2",
        "--extra-json",
        sync,
    )
    assert outcome["ok"] is True, outcome
    results = outcome["results"]
    assert len({r["imageUUID"] for r in results}) == 2
    assert all(r["imageURL"].startswith(f"{fake.origin}/media/") for r in results)
    assert [t["taskType"] for t in fake.requests() if t["taskType"] != "authentication"] == [
        "imageInference"
    ]
    fake.assert_no_unfinished_tasks()
