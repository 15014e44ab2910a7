"""``runware-testkit serve --state FILE``: tasks and results survive a ``kill -9`` and restart."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from runware_testkit.fake_server.config import DEV_API_KEY

from .harness import poll_task, video_task

AUTH = {"Authorization": f"Bearer {DEV_API_KEY}"}
START_TIMEOUT = 30.0


class Served:
    """A ``runware-testkit serve`` subprocess and its REST base URL."""

    def __init__(self, state: Path) -> None:
        command = [
            sys.executable,
            "-m",
            "runware_testkit.cli",
            "serve",
            "--port",
            "0",
            "--state",
            str(state),
            "--progression",
            "polls:1",
            "--log-level",
            "warning",
        ]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        self.base_url = self._read_base_url()
        self._wait_ready()

    def _read_base_url(self) -> str:
        assert self.proc.stdout is not None
        lines: queue.Queue[str] = queue.Queue()
        stdout = self.proc.stdout
        threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            match = re.search(r"REST\s+(http://\S+)/v1", line)
            if match:
                return match.group(1)
        self.proc.kill()
        raise AssertionError(f"serve did not print its URL: {self.proc.stderr.read()[-2000:]}")

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.base_url}/__testkit/health", trust_env=False, timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        raise AssertionError("serve never answered")

    def call(self, *tasks: dict) -> tuple[int, dict]:
        response = httpx.post(
            f"{self.base_url}/v1", json=list(tasks), headers=AUTH, trust_env=False, timeout=10
        )
        return response.status_code, response.json()

    def kill_hard(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def state_file(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "state" / "runware.sqlite3"


def test_tasks_survive_kill_9(state_file: Path) -> None:
    first = Served(state_file)
    try:
        finished, running, untouched = video_task(), video_task(), video_task()
        assert first.call(finished, running, untouched)[0] == 200
        first.call(poll_task(finished["taskUUID"]))
        _, done = first.call(poll_task(finished["taskUUID"]))
        assert done["data"][0]["status"] == "success"
        video_uuid = done["data"][0]["videoUUID"]
        assert first.call(poll_task(running["taskUUID"]))[1]["data"][0]["status"] == "processing"
    finally:
        first.kill_hard()
    assert state_file.exists()

    second = Served(state_file)
    try:
        _, again = second.call(poll_task(finished["taskUUID"]))
        assert again["data"][0]["videoUUID"] == video_uuid
        assert again["data"][0]["videoURL"].startswith(second.base_url)
        _, body = second.call(poll_task(running["taskUUID"]))
        assert body["data"][0]["status"] == "success"
        _, body = second.call(poll_task(untouched["taskUUID"]))
        assert body["data"][0]["status"] == "processing"
        status, body = second.call(finished)
        assert (status, body["errors"][0]["code"]) == (400, "conflictTaskUUID")
        media = httpx.get(f"{second.base_url}/media/{video_uuid}.mp4", trust_env=False)
        assert (media.status_code, media.headers["content-type"]) == (200, "video/mp4")
    finally:
        second.proc.terminate()
        second.proc.wait(15)
        for stream in (second.proc.stdout, second.proc.stderr):
            if stream is not None:
                stream.close()
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status tells why.
    assert second.proc.returncode in (0, -signal.SIGTERM)
