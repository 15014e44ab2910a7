"""The Runware error object."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from .base import Response

__all__ = ["RunwareErrorModel"]


class RunwareErrorModel(Response):
    """One entry of ``errors`` (platform schema ``error``)."""

    code: str = Field(min_length=1)
    message: str
    parameter: str | list[str] | None = None
    type: str | None = None
    taskType: str | None = None
    taskUUID: str | None = None
    documentation: str | None = None
    allowedValues: list[Any] | dict[str, Any] | None = None
