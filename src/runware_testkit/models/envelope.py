"""The reply envelope, the async acknowledgement and the webhook body."""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, model_validator

from .base import Response, UUIDStr
from .errors import RunwareErrorModel

__all__ = ["Acknowledgement", "Envelope", "WebhookItem", "WebhookPayload"]

_RESULT_KEY = re.compile(r"(URL|Base64Data|DataURI)$")


class Envelope(Response):
    """A reply frame: ``data`` items, ``errors``, or both (platform schema ``envelope``)."""

    data: list[dict[str, Any]] | None = None
    errors: list[RunwareErrorModel] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _data_or_errors(self) -> Envelope:
        if self.data is None and self.errors is None:
            raise ValueError("expected 'data' or 'errors'; found neither")
        for item in self.data or ():
            if not isinstance(item.get("taskType"), str):
                raise ValueError("expected every data item to have a string 'taskType'")
        return self


class Acknowledgement(Response):
    """The immediate reply to an async task (platform schema ``acknowledgement``).

    It must not look like a finished result: no key ending in ``URL``, ``Base64Data`` or
    ``DataURI`` and no ``status: "success"``.
    """

    taskType: str
    taskUUID: UUIDStr
    status: str | None = None

    @model_validator(mode="after")
    def _not_a_result(self) -> Acknowledgement:
        if self.status == "success":
            raise ValueError("an acknowledgement must not have status 'success'")
        keys = [k for k in (self.model_extra or {}) if _RESULT_KEY.search(k)]
        if keys:
            raise ValueError(f"an acknowledgement must not carry result keys; found {keys}")
        return self


class WebhookItem(Response):
    """The one item of a webhook POST."""

    taskType: str
    taskUUID: str


class WebhookPayload(Response):
    """The body of a webhook POST: ``{"data": [item]}`` (platform schema ``webhook-payload``)."""

    data: list[WebhookItem] = Field(min_length=1, max_length=1)
