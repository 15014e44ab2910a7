"""Request schemas of the platform tasks the kit accepts beyond those of ``contract/platform.json``.

``imageUpload`` and ``getTaskDetails`` are checked here, in code, so that adding them needs no
regeneration of ``schemas/``; a contract whose ``platform`` holds a request schema for the same
task type (``"taskType": {"const": ...}``) takes precedence over these.

- ``imageUpload`` (PROTOCOL.md "Media inputs" [C]): ``{taskType, taskUUID, image}`` and nothing
  else; ``image`` is an http(s) URL, a data URI or raw base64 (an existing imageUUID is not an
  upload source).
- ``getTaskDetails`` (PROTOCOL.md "Task details" [C]): ``{taskType, taskUUID}`` and nothing
  else; like ``getResponse``, its taskUUID names another task, so it claims nothing in the
  taskUUID history.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BUILTIN_PLATFORM_REQUESTS", "REFERENCING_TASK_TYPES"]

# Task types whose taskUUID names an earlier task instead of a new one.
REFERENCING_TASK_TYPES = frozenset({"getResponse", "getTaskDetails"})

_TASK_UUID = {"type": "string", "format": "uuid"}

_IMAGE_SOURCE = {
    "title": "image",
    "description": "The image to upload: an http(s) URL, a data URI or raw base64.",
    "type": "string",
    "minLength": 1,
    "anyOf": [
        {"title": "URL", "type": "string", "format": "uri", "pattern": "^https?://"},
        {
            "title": "Data URI",
            "type": "string",
            "pattern": "^data:image/[A-Za-z0-9.+-]+;base64,[A-Za-z0-9+/]+={0,2}$",
        },
        {"title": "Base64", "type": "string", "pattern": "^[A-Za-z0-9+/]+={0,2}$"},
    ],
}

BUILTIN_PLATFORM_REQUESTS: dict[str, dict[str, Any]] = {
    "image-upload-request": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:runware-testkit:builtin:image-upload-request",
        "x-source": "PROTOCOL.md: Media inputs, imageUpload [C]",
        "title": "imageUpload task",
        "type": "object",
        "additionalProperties": False,
        "required": ["taskType", "taskUUID", "image"],
        "properties": {
            "taskType": {"const": "imageUpload"},
            "taskUUID": _TASK_UUID,
            "image": _IMAGE_SOURCE,
        },
    },
    "get-task-details-request": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:runware-testkit:builtin:get-task-details-request",
        "x-source": "PROTOCOL.md: Task details [C]",
        "title": "getTaskDetails task",
        "type": "object",
        "additionalProperties": False,
        "required": ["taskType", "taskUUID"],
        "properties": {
            "taskType": {"const": "getTaskDetails"},
            "taskUUID": {**_TASK_UUID, "description": "The taskUUID of the task to inspect."},
        },
    },
}
