"""End to end: the official SDKs run videoInference against a live fake server on 127.0.0.1.

``runware`` 0.5.24 (WebSocket) and ``runware-sdk`` 1.8.0 (REST and WebSocket) each run in their
own venv through the drivers in ``drivers/``; the fake uses immediate progression, so a task is
done at its first poll.
"""

from __future__ import annotations

import base64
import json
import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from runware_testkit.fake_server.app import create_app
from runware_testkit.fake_server.config import DEV_API_KEY, ServerConfig
from runware_testkit.fake_server.live import LiveServer
from runware_testkit.fake_server.probe import probe_video
from runware_testkit.fake_server.video import render_video

from .envs import SdkEnvError, driver_path, sdk_python

pytestmark = pytest.mark.sdk

ALEPH = "runway:2@1"
ALEPH2 = "runway:aleph@2.0"
CLIENTS = ("legacy-ws", "sdk-rest", "sdk-ws")
DRIVER_TIMEOUT = 60.0


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    """A live fake server (immediate progression) for every SDK test of this module."""
    config = ServerConfig(progression="immediate", seed=99)
    with LiveServer(create_app(config)) as server:
        yield server


@pytest.fixture(scope="module")
def source_video(live: LiveServer) -> str:
    """The mediaUUID of a 3 s clip uploaded with mediaStorage (a valid Aleph 2.0 source)."""
    clip = render_video("MP4", 320, 176, duration=3.0, quality=30)
    task = {
        "taskType": "mediaStorage",
        "taskUUID": str(uuid.uuid4()),
        "operation": "upload",
        "media": "data:video/mp4;base64," + base64.b64encode(clip).decode(),
    }
    response = httpx.post(
        live.rest_url,
        json=[task],
        headers={"Authorization": f"Bearer {DEV_API_KEY}"},
        trust_env=False,
    )
    response.raise_for_status()
    return response.json()["data"][0]["mediaUUID"]


def run_client(
    client: str, live: LiveServer, *extra: str, key: str = DEV_API_KEY
) -> dict[str, Any]:
    """Run one SDK driver; its JSON outcome line."""
    try:
        if client == "legacy-ws":
            python = sdk_python("runware-0.5.24")
            args = [
                str(driver_path("legacy_ws")),
                "--url",
                live.ws_url,
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
                live.ws_url,
                "--http-url",
                live.rest_url,
                "--max-poll-delay",
                "0.05",
            ]
    except SdkEnvError as exc:
        pytest.skip(f"SDK venv unavailable: {exc}")
    command = [str(python), *args, "--api-key", key, "--timeout", "20", *extra]
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
    client: str, model: str, live: LiveServer, source_video: str
) -> None:
    seed = ["--seed", "7"] if model == ALEPH else []  # Aleph 2.0 takes no seed
    outcome = run_client(
        client,
        live,
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
        assert result["videoURL"].startswith(f"{live.base_url}/media/")
    video = httpx.get(results[0]["videoURL"], trust_env=False)
    facts = probe_video(video.content)
    expected = (320, 176) if model == ALEPH2 else (1280, 720)
    assert (facts.width, facts.height) == expected


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("phase", ["submit", "processing"])
def test_injected_error_surfaces_as_the_sdk_error(
    client: str, phase: str, live: LiveServer
) -> None:
    prompt = f"a lighthouse [[testkit:error=insufficientCredits@{phase}]]"
    outcome = run_client(
        client,
        live,
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
def test_validation_error_surfaces_with_its_parameter(client: str, live: LiveServer) -> None:
    outcome = run_client(
        client,
        live,
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
def test_bad_api_key_is_an_authentication_failure(client: str, live: LiveServer) -> None:
    outcome = run_client(
        client,
        live,
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
