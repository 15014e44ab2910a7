"""Pydantic v2 models of the Runware wire shapes (requests, replies, errors, webhooks).

They mirror the generated and platform schemas (a test keeps field names, required fields and
unknown-key policy in step with them). For Runware-shaped error lists use the validator; the
models raise pydantic's ValidationError.
"""

from __future__ import annotations

from .envelope import Acknowledgement, Envelope, WebhookItem, WebhookPayload
from .errors import RunwareErrorModel
from .platform import (
    AuthenticationRequest,
    AuthenticationResponse,
    GetTaskDetailsRequest,
    GetTaskDetailsResponse,
    ImageUploadRequest,
    ImageUploadResponse,
    MediaStorageRequest,
    MediaStorageResponse,
    Ping,
    Pong,
)
from .polling import (
    GetResponseRequest,
    PollError,
    PollErrorDetail,
    PollItem,
    PollProcessing,
    PollSuccess,
)
from .video import (
    ContentModeration,
    FrameImage,
    Inputs,
    ProviderSettings,
    ResultItem,
    RunwaySettings,
    Safety,
    VideoInferenceTask,
)

__all__ = [
    "Acknowledgement",
    "AuthenticationRequest",
    "AuthenticationResponse",
    "ContentModeration",
    "Envelope",
    "FrameImage",
    "GetResponseRequest",
    "GetTaskDetailsRequest",
    "GetTaskDetailsResponse",
    "ImageUploadRequest",
    "ImageUploadResponse",
    "Inputs",
    "MediaStorageRequest",
    "MediaStorageResponse",
    "Ping",
    "PollError",
    "PollErrorDetail",
    "PollItem",
    "PollProcessing",
    "PollSuccess",
    "Pong",
    "ProviderSettings",
    "ResultItem",
    "RunwareErrorModel",
    "RunwaySettings",
    "Safety",
    "VideoInferenceTask",
    "WebhookItem",
    "WebhookPayload",
]
