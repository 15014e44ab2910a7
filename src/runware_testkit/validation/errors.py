"""`RunwareError`: one validation problem, convertible to Runware's wire error object."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["RunwareError"]

_WIRE_FIELDS = (
    "code",
    "message",
    "parameter",
    "type",
    "taskType",
    "taskUUID",
    "documentation",
    "allowedValues",
)


@dataclass(frozen=True)
class RunwareError:
    """One problem found in a request, shaped like Runware's error object.

    ``parameter`` is a dotted path (``inputs.frameImages.2.frame``) or, for a rule that spans
    several fields, a list of them (``["width", "height"]``). ``pointer`` (a JSON pointer into the
    task, ``/inputs/frameImages/2/frame``) and ``kind`` (see `codes.Kind`) are for tools and are
    not part of `to_dict`.
    """

    code: str
    message: str
    parameter: str | list[str] | None = None
    taskType: str | None = None
    taskUUID: str | None = None
    documentation: str | None = None
    allowedValues: list[Any] | None = None
    type: str | None = None
    pointer: str = ""
    kind: str | None = None

    def __hash__(self) -> int:
        return hash((self.code, self.message, _frozen(self.parameter), self.taskUUID, self.pointer))

    def to_dict(self) -> dict[str, Any]:
        """The wire error object: the Runware fields, omitting those that are None."""
        out: dict[str, Any] = {}
        for name in _WIRE_FIELDS:
            value = getattr(self, name)
            if value is not None:
                out[name] = list(value) if isinstance(value, list) else value
        return out

    @property
    def parameters(self) -> list[str]:
        """The parameter path(s) as a list (empty when the error names no parameter)."""
        if self.parameter is None:
            return []
        return [self.parameter] if isinstance(self.parameter, str) else list(self.parameter)


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value
