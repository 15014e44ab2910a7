"""``getResponse``: the poll request and its reply items, discriminated by ``status``."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, RootModel, model_validator

from .base import Request, Response, UUIDStr

__all__ = [
    "GetResponseRequest",
    "PollError",
    "PollErrorDetail",
    "PollItem",
    "PollProcessing",
    "PollSuccess",
]

_RESULT_KEY = re.compile(r"(URL|Base64Data|DataURI)$")


class GetResponseRequest(Request):
    """``{"taskType": "getResponse", "taskUUID": <the polled task>}``."""

    taskType: Literal["getResponse"]
    taskUUID: UUIDStr


class PollErrorDetail(Response):
    """``error`` of a failed item."""

    code: str
    message: str


class PollProcessing(Response):
    """A task still running; it carries no result keys."""

    taskType: str
    taskUUID: UUIDStr
    status: Literal["processing"]
    progress: int | None = Field(default=None, ge=0, le=100)

    @model_validator(mode="after")
    def _no_result_keys(self) -> PollProcessing:
        keys = [k for k in (self.model_extra or {}) if _RESULT_KEY.search(k)]
        if keys:
            raise ValueError(f"a processing item must not carry result keys; found {keys}")
        return self


class PollSuccess(Response):
    """A finished result; the result fields of the task type follow (``videoUUID`` ...)."""

    taskType: str
    taskUUID: UUIDStr
    status: Literal["success"]
    videoUUID: UUIDStr | None = None
    videoURL: str | None = None
    videoBase64Data: str | None = None
    videoDataURI: str | None = None
    seed: int | None = None
    NSFWContent: bool | None = None
    cost: float | None = None

    @model_validator(mode="after")
    def _no_progress(self) -> PollSuccess:
        if "progress" in (self.model_extra or {}):
            raise ValueError("a success item must not carry 'progress'")
        return self


class PollError(Response):
    """A failed task or result."""

    taskType: str
    taskUUID: UUIDStr
    status: Literal["error"]
    error: PollErrorDetail
    progress: int | None = Field(default=None, ge=0, le=100)


class PollItem(
    RootModel[Annotated[PollProcessing | PollSuccess | PollError, Field(discriminator="status")]]
):
    """One item of a poll reply; ``.root`` is the variant chosen by ``status``."""
