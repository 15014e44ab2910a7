"""`ControlRefusal`: a control request the fake cannot act on, answered as a Runware error."""

from __future__ import annotations

from typing import Any

__all__ = ["ControlRefusal"]


class ControlRefusal(Exception):
    """A control request (or a setting in it) the server cannot act on.

    The control API answers it with HTTP `status` and ``{"errors": [{"code", "message",
    "parameter", **extra}]}``; ``code`` defaults to ``invalidParameter``.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalidParameter",
        parameter: str | None = None,
        status: int = 400,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.parameter = parameter
        self.status = status
        self.extra = extra
