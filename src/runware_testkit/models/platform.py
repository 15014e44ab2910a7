"""Platform tasks: authentication, keepalive, media storage, image upload and task details,
with their replies."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from .base import Request, Response, UUIDStr, exactly

__all__ = [
    "AuthenticationRequest",
    "AuthenticationResponse",
    "GetTaskDetailsRequest",
    "GetTaskDetailsResponse",
    "ImageUploadRequest",
    "ImageUploadResponse",
    "MediaStorageRequest",
    "MediaStorageResponse",
    "Ping",
    "Pong",
]


class AuthenticationRequest(Request):
    """``{"taskType": "authentication", "apiKey": ...}``; ``connectionSessionUUID`` resumes."""

    taskType: Literal["authentication"]
    apiKey: str = Field(min_length=1)
    connectionSessionUUID: UUIDStr | None = None


class AuthenticationResponse(Response):
    """The success reply item of an authentication."""

    taskType: Literal["authentication"]
    connectionSessionUUID: UUIDStr


class Ping(Response):
    """The keepalive ``{"taskType": "ping", "ping": true}`` (its schema allows other keys)."""

    taskType: Literal["ping"]
    ping: exactly(True)


class Pong(Response):
    """The keepalive reply ``{"taskType": "ping", "pong": true}``."""

    taskType: Literal["ping"]
    pong: exactly(True)


class MediaStorageRequest(Request):
    """Upload media (URL, data URI or base64) or delete it by its mediaUUID."""

    taskType: Literal["mediaStorage"]
    taskUUID: UUIDStr
    operation: Literal["upload", "delete"]
    media: str = Field(min_length=1)


class MediaStorageResponse(Response):
    """The reply item of a mediaStorage task."""

    taskType: Literal["mediaStorage"]
    taskUUID: UUIDStr
    operation: Literal["upload", "delete"]
    mediaUUID: UUIDStr | None = None
    mediaURL: str | None = None


class ImageUploadRequest(Request):
    """Store an image (URL, data URI or base64) for later tasks."""

    taskType: Literal["imageUpload"]
    taskUUID: UUIDStr
    image: str = Field(min_length=1)


class ImageUploadResponse(Response):
    """The reply item of an imageUpload task: the stored image's UUID and URL."""

    taskType: Literal["imageUpload"]
    taskUUID: UUIDStr
    imageUUID: UUIDStr
    imageURL: str | None = None


class GetTaskDetailsRequest(Request):
    """Ask for an earlier task as sent and as answered; ``taskUUID`` names that task."""

    taskType: Literal["getTaskDetails"]
    taskUUID: UUIDStr


class GetTaskDetailsResponse(Response):
    """The reply item of getTaskDetails: the original task array and its envelope, untyped."""

    taskType: Literal["getTaskDetails"]
    taskUUID: UUIDStr
    request: list[dict[str, Any]]
    response: dict[str, Any]
