"""Small request helpers shared by the tests of runware_testkit.testing."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

SOURCE = "https://cdn.example.com/source.mp4"


def edit_task(**fields: Any) -> dict[str, Any]:
    """A valid runway:2@1 task (fields override or add)."""
    task: dict[str, Any] = {
        "taskType": "videoInference",
        "taskUUID": str(uuid.uuid4()),
        "model": "runway:2@1",
        "positivePrompt": "a paper boat",
        "inputs": {"video": SOURCE},
    }
    task.update(fields)
    return task


def send(fake: Any, *tasks: Any, key: str | None = None, **kwargs: Any) -> httpx.Response:
    """POST the tasks to the fake's REST endpoint with its key (or `key`)."""
    headers = {"Authorization": f"Bearer {key or fake.api_key}"}
    return httpx.post(fake.base_url, json=list(tasks), headers=headers, trust_env=False, **kwargs)


def poll(fake: Any, task: dict[str, Any]) -> httpx.Response:
    """One getResponse for `task`."""
    return send(fake, {"taskType": "getResponse", "taskUUID": task["taskUUID"]})
