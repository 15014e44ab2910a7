"""Errors raised by the task engine, each carrying the Runware error `code` it stands for.

`http_status` is the status a REST answer should use; `parameter` names the offending request
field where there is one. `to_error()` gives the Runware error object (``code``, ``message``, and
``parameter`` / ``taskUUID`` when known).

`TooManyOpenTasks` uses ``rateLimitExceeded`` with HTTP 429, Runware's answer when the queue
capacity of an account is exceeded. `TaskFinished` is the fake's own control-plane error (no
Runware equivalent): a task that already ended cannot be forced to end again.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "DuplicateTask",
    "EngineError",
    "MediaExpired",
    "MediaNotFound",
    "TaskFinished",
    "TaskNotFound",
    "TooManyOpenTasks",
]


class EngineError(Exception):
    """Base class: an engine refusal with a Runware error `code`."""

    code: str = "unknownError"
    http_status: int = 500
    parameter: str | None = None

    def __init__(self, message: str, *, task_uuid: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.task_uuid = task_uuid

    def to_error(self) -> dict[str, Any]:
        """Return the Runware error object for this error."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.parameter is not None:
            error["parameter"] = self.parameter
        if self.task_uuid is not None:
            error["taskUUID"] = self.task_uuid
        return error


class DuplicateTask(EngineError):
    """A task with this taskUUID was already submitted (under any API key)."""

    code = "conflictTaskUUID"
    http_status = 400
    parameter = "taskUUID"

    def __init__(self, task_uuid: str) -> None:
        super().__init__(f"A task with taskUUID {task_uuid} already exists.", task_uuid=task_uuid)


class TaskNotFound(EngineError):
    """No task with this taskUUID is visible to the caller."""

    code = "taskNotFound"
    http_status = 404
    parameter = "taskUUID"

    def __init__(self, task_uuid: str) -> None:
        super().__init__(f"No task found with taskUUID {task_uuid}.", task_uuid=task_uuid)


class TooManyOpenTasks(EngineError):
    """The API key already has `limit` tasks still processing."""

    code = "rateLimitExceeded"
    http_status = 429

    def __init__(self, task_uuid: str, limit: int) -> None:
        super().__init__(
            f"Too many tasks in progress: at most {limit} may be processing at once.",
            task_uuid=task_uuid,
        )
        self.limit = limit


class TaskFinished(EngineError):
    """The task already ended, so it cannot be completed, failed or given a failure again."""

    code = "taskAlreadyFinished"
    http_status = 409
    parameter = "taskUUID"

    def __init__(self, task_uuid: str, status: str) -> None:
        super().__init__(f"Task {task_uuid} has already ended ({status}).", task_uuid=task_uuid)
        self.status = status


class MediaNotFound(EngineError):
    """No media with this UUID exists (or it was deleted)."""

    code = "mediaNotFound"
    http_status = 404
    parameter = "mediaUUID"

    def __init__(self, media_uuid: str) -> None:
        super().__init__(f"No media found with UUID {media_uuid}.")
        self.media_uuid = media_uuid


class MediaExpired(EngineError):
    """The media existed but its time-to-live has run out."""

    code = "mediaExpired"
    http_status = 404
    parameter = "mediaUUID"

    def __init__(self, media_uuid: str, expired_at: float) -> None:
        super().__init__(f"Media {media_uuid} has expired.")
        self.media_uuid = media_uuid
        self.expired_at = expired_at
