"""@runware/sdk-js, unmodified, against a ``runware-testkit serve`` process (WebSocket).

The SDK is installed with npm under ``.sdk-node/`` (see `node_env`) and driven by
``js/drive.mjs``; each test gets a namespace of its own on the server (`connect`), so its
WebSocket URL is ``ws://127.0.0.1:PORT/ns/<name>/v1``. The SDK polls every 2 s, so a success
costs about 2 s. Without node the tests skip with the reason (fail under CI).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from reliability.served import Served
from runware_testkit.testing import RemoteFake, connect

from .node_env import DRIVER, node, sdk_dir

pytestmark = pytest.mark.sdk

ALEPH = "runway:2@1"
ALEPH2 = "runway:aleph@2.0"
DRIVER_TIMEOUT = 90.0


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with Served(None, progression="immediate") as server:
        yield server


@pytest.fixture
def fake(served: Served) -> Iterator[RemoteFake]:
    with connect(served.base_url) as server, server.namespace(progression="immediate") as ns:
        yield ns


def run_sdk(fake: RemoteFake, **task: Any) -> dict[str, Any]:
    """Run one videoInference through the SDK; its outcome object."""
    where = sdk_dir()
    script = where / DRIVER.name
    shutil.copyfile(DRIVER, script)  # resolves @runware/sdk-js from where it is installed
    argument = json.dumps({"url": fake.ws_url, "apiKey": fake.api_key, "task": task})
    done = subprocess.run(
        [node(), str(script), argument],
        capture_output=True,
        text=True,
        timeout=DRIVER_TIMEOUT,
        cwd=where,
        check=False,
    )
    assert done.returncode == 0, f"the driver broke:\n{done.stdout}\n{done.stderr}"
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, f"the driver printed no outcome:\n{done.stdout}\n{done.stderr}"
    return json.loads(lines[-1])


def video(model: str, **fields: Any) -> dict[str, Any]:
    return {
        "model": model,
        "positivePrompt": "a lighthouse at dusk",
        "inputs": {"video": "https://cdn.example.com/in.mp4"},
        **fields,
    }


@pytest.mark.parametrize("model", [ALEPH, ALEPH2])
def test_video_inference_succeeds_with_two_results(fake: RemoteFake, model: str) -> None:
    outcome = run_sdk(fake, **video(model, numberResults=2))
    assert outcome["ok"], outcome
    results = outcome["results"]
    assert len(results) == 2
    assert len({r["videoUUID"] for r in results}) == 2
    assert all(r["status"] == "success" for r in results)
    assert all(r["videoURL"].startswith(f"{fake.origin}/media/") for r in results)
    fake.assert_task_submitted(model=model, numberResults=2, deliveryMethod="async")
    fake.assert_all_tasks_valid()
    fake.assert_no_unfinished_tasks()


@pytest.mark.parametrize(
    ("phase", "code"), [("submit", "insufficientCredits"), ("processing", "timeoutProvider")]
)
def test_an_injected_error_surfaces_with_its_code(fake: RemoteFake, phase: str, code: str) -> None:
    fake.fail_next(code, phase=phase)
    outcome = run_sdk(fake, **video(ALEPH))
    assert not outcome["ok"], outcome
    assert outcome["error"]["code"] == code
    held = [(t["status"], (t["error"] or {}).get("code")) for t in fake.tasks()]
    assert held == ([] if phase == "submit" else [("error", code)])


def test_a_validation_error_names_its_parameter(fake: RemoteFake) -> None:
    outcome = run_sdk(fake, **video(ALEPH, outputFormat="AVI"))
    assert not outcome["ok"]
    error = outcome["error"]
    assert (error["code"], error["parameter"]) == ("invalidOutputFormat", "outputFormat")
    assert "AVI" in error["message"]
