"""The plugin's cassette marker and ``--runware-record``: replay by default, record through the
proxy under ``--runware-live --runware-record``, a bad cassette failing the test readably."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

CASSETTES = Path(__file__).parents[1] / "fake_server" / "replay" / "cassettes"

CLIENT_TEST = """
import json, uuid
import httpx
import pytest

TASK = json.loads(open(__file__.replace("test_edit.py", "cassettes/edit.jsonl")).readlines()[1])[
    "request"
]


@pytest.mark.runware(cassette="cassettes/edit.jsonl", replay="strict")
def test_edit(runware_server):
    task = {**TASK, "taskUUID": str(uuid.uuid4())}
    headers = {"Authorization": f"Bearer {runware_server.api_key}"}
    with httpx.Client(trust_env=False) as http:
        ack = http.post(runware_server.base_url, json=[task], headers=headers)
        assert ack.status_code == 200, ack.text
        statuses = []
        while not statuses or statuses[-1] == "processing":
            poll = [{"taskType": "getResponse", "taskUUID": task["taskUUID"]}]
            item = http.post(runware_server.base_url, json=poll, headers=headers).json()["data"][0]
            assert item["taskUUID"] == task["taskUUID"]
            statuses.append(item["status"])
    assert statuses[0] == "processing" and statuses[-1] == "success"
"""


@pytest.fixture
def project(downstream: pytest.Pytester) -> pytest.Pytester:
    (downstream.path / "cassettes").mkdir()
    shutil.copy(CASSETTES / "video_rest.jsonl", downstream.path / "cassettes" / "edit.jsonl")
    downstream.makepyfile(test_edit=CLIENT_TEST)
    return downstream


def test_a_marked_test_replays_its_cassette_relative_to_the_test_file(
    project: pytest.Pytester,
) -> None:
    project.runpytest().assert_outcomes(passed=1)


def test_record_without_live_replays(project: pytest.Pytester) -> None:
    project.runpytest("--runware-record").assert_outcomes(passed=1)


def test_a_bad_cassette_errors_the_test_naming_file_and_line(project: pytest.Pytester) -> None:
    path = project.path / "cassettes" / "edit.jsonl"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], lines[1], "{not json"]) + "\n")
    result = project.runpytest("-rN")
    result.assert_outcomes(errors=1)
    text = result.stdout.str()
    assert f"{path} line 3: not JSON" in text
    assert "Traceback" not in text


def test_record_with_live_writes_the_cassette_through_the_proxy(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The upstream is a fake standing in for Runware; the test then replays what it recorded."""
    project.makeconftest(
        """
import pytest
from runware_testkit import pytest_plugin
from runware_testkit.testing.options import FakeOptions
from runware_testkit.testing.server_fixture import RunwareServer


@pytest.fixture(autouse=True, scope="session")
def upstream():
    fake = RunwareServer(FakeOptions(progression="polls:1")).start()
    pytest_plugin._record_upstream = lambda: (fake.base_url, fake.ws_url)
    yield fake
    fake.stop()
"""
    )
    cassette = project.path / "cassettes" / "edit.jsonl"
    monkeypatch.setenv("RUNWARE_API_KEY", "rw-testkit-dev-key")
    project.runpytest("--runware-live", "--runware-record").assert_outcomes(passed=1)
    recorded = cassette.read_text().splitlines()
    assert json.loads(recorded[0])["upstream"]["rest"].startswith("http://127.0.0.1:")
    assert len(recorded) >= 4
    monkeypatch.delenv("RUNWARE_API_KEY")
    project.runpytest().assert_outcomes(passed=1)
