"""A small httpx client for Runway Aleph video edits on Runware.

Submit an edit (an async ``videoInference`` task), poll ``getResponse`` with exponential backoff
until the results are there, download them. Any Runware error becomes a `RunwareAPIError`
carrying the Runware ``code`` (and ``parameter`` when the error names one).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

RUNWARE_URL = "https://api.runware.ai/v1"
ALEPH = "runway:2@1"
ALEPH_2 = "runway:aleph@2.0"


class RunwareAPIError(Exception):
    """Runware answered with an error (or not at all in a readable way)."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        parameter: str | list[str] | None = None,
        status: int | None = None,
        task_uuid: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.parameter = parameter
        self.status = status
        self.task_uuid = task_uuid


@dataclass(frozen=True)
class EditResult:
    """One generated video."""

    task_uuid: str
    video_uuid: str
    video_url: str
    seed: int | None = None
    cost: float | None = None
    nsfw: bool = False


class VideoEditClient:
    """Runs Aleph edits over Runware's REST API.

    Polling waits `first_delay` seconds, then `factor` times longer each time, at most
    `max_delay`, for at most `max_polls` polls; `sleep` does the waiting (inject a fake one in
    tests).
    """

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = RUNWARE_URL,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        first_delay: float = 0.5,
        factor: float = 1.5,
        max_delay: float = 10.0,
        max_polls: int = 240,
    ) -> None:
        self.api_key = api_key
        self.base_url = base_url
        self.http = http if http is not None else httpx.Client(timeout=30.0)
        self.sleep = sleep
        self.first_delay = first_delay
        self.factor = factor
        self.max_delay = max_delay
        self.max_polls = max_polls
        self._expected: dict[str, int] = {}

    # -- public API ----------------------------------------------------------------------------

    def edit(
        self,
        video: str,
        prompt: str,
        *,
        model: str = ALEPH,
        webhook_url: str | None = None,
        **options: Any,
    ) -> str:
        """Submit an edit of `video` (URL or media UUID) described by `prompt`; its taskUUID."""
        task: dict[str, Any] = {
            "taskType": "videoInference",
            "taskUUID": str(uuid.uuid4()),
            "model": model,
            "positivePrompt": prompt,
            "inputs": {"video": video},
            "deliveryMethod": "async",
            **options,
        }
        if webhook_url is not None:
            task["webhookURL"] = webhook_url
        return self.submit(task)

    def submit(self, task: dict[str, Any]) -> str:
        """Submit one task object as it is; its taskUUID once Runware acknowledged it."""
        task_uuid = str(task["taskUUID"])
        status, body = self._call([task])
        _raise_for(status, body, task_uuid)
        if not any(item.get("taskUUID") == task_uuid for item in body.get("data", [])):
            raise RunwareAPIError(
                "missingAcknowledgement",
                "Runware did not acknowledge the task",
                task_uuid=task_uuid,
            )
        self._expected[task_uuid] = int(task.get("numberResults", 1))
        return task_uuid

    def wait(self, task_uuid: str) -> list[EditResult]:
        """Poll until the task's results are all there; raise `RunwareAPIError` if it failed."""
        delay = self.first_delay
        expected = self._expected.get(task_uuid, 1)
        for _ in range(self.max_polls):
            status, body = self._call([{"taskType": "getResponse", "taskUUID": task_uuid}])
            _raise_for(status, body, task_uuid)
            items = [i for i in body.get("data", []) if i.get("taskUUID") == task_uuid]
            done = [i for i in items if i.get("status") == "success" or "videoUUID" in i]
            if len(done) >= expected and not any(i.get("status") == "processing" for i in items):
                return [_result(item) for item in done]
            self.sleep(delay)
            delay = min(delay * self.factor, self.max_delay)
        raise RunwareAPIError(
            "pollingTimeout", f"still processing after {self.max_polls} polls", task_uuid=task_uuid
        )

    def run(self, video: str, prompt: str, **options: Any) -> list[EditResult]:
        """`edit` then `wait`."""
        return self.wait(self.edit(video, prompt, **options))

    def download(self, result: EditResult) -> bytes:
        """The bytes of a generated video."""
        response = self.http.get(result.video_url)
        if response.status_code != 200:
            raise RunwareAPIError(
                "downloadFailed",
                f"GET {result.video_url} answered HTTP {response.status_code}",
                status=response.status_code,
                task_uuid=result.task_uuid,
            )
        return response.content

    def close(self) -> None:
        """Close the HTTP client."""
        self.http.close()

    # -- internals -----------------------------------------------------------------------------

    def _call(self, tasks: list[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
        response = self.http.post(
            self.base_url, json=tasks, headers={"Authorization": f"Bearer {self.api_key}"}
        )
        try:
            body = response.json()
        except ValueError:
            if response.status_code == 401:
                raise RunwareAPIError("invalidApiKey", "HTTP 401", status=401) from None
            raise RunwareAPIError(
                "invalidResponse",
                f"HTTP {response.status_code} with a body that is not JSON",
                status=response.status_code,
            ) from None
        if not isinstance(body, dict):
            raise RunwareAPIError("invalidResponse", "the body is not a JSON object")
        return response.status_code, body


def _raise_for(status: int, body: dict[str, Any], task_uuid: str) -> None:
    """Raise the task's error, if the answer holds one."""
    errors = [e for e in body.get("errors") or [] if isinstance(e, dict)]
    mine = [e for e in errors if e.get("taskUUID") in (task_uuid, None)]
    if mine:
        error = mine[0]
        raise RunwareAPIError(
            str(error.get("code", "unknownError")),
            str(error.get("message", "")),
            parameter=error.get("parameter"),
            status=status,
            task_uuid=task_uuid,
        )
    for item in body.get("data") or []:
        if item.get("taskUUID") == task_uuid and item.get("status") == "error":
            error = item.get("error") or {}
            raise RunwareAPIError(
                str(error.get("code", "unknownError")),
                str(error.get("message", "")),
                status=status,
                task_uuid=task_uuid,
            )


def _result(item: dict[str, Any]) -> EditResult:
    return EditResult(
        task_uuid=item["taskUUID"],
        video_uuid=item["videoUUID"],
        video_url=item["videoURL"],
        seed=item.get("seed"),
        cost=item.get("cost"),
        nsfw=bool(item.get("NSFWContent", False)),
    )
