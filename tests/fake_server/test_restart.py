"""``runware-testkit serve --state FILE``: tasks and results survive a ``kill -9`` and restart."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reliability.served import Served

from .harness import poll_task, video_task


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
        returncode = second.stop()
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status tells why.
    assert returncode in (0, -signal.SIGTERM)
