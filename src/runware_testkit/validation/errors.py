"""`RunwareError`: one validation problem, convertible to Runware's wire error object.

`ValidationWarning` is the kit's own second channel: something the validator accepted but
that a user may want to fix (an enum value in another letter case). Runware sends no warnings;
a warning never becomes part of an error reply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["RunwareError", "ValidationWarning"]

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
    several fields, a list of them (``["width", "height"]``). ``type`` is the parameter's API
    type name (``"string"``, ``"integer"``, ``"float"``, ``"boolean"``, ``"object"``,
    ``"array"``) when the contract gives one, as real Runware errors carry it (PROTOCOL.md "The
    error object" [C]). ``pointer`` (a JSON pointer into the task,
    ``/inputs/frameImages/2/frame``), ``kind`` (see `codes.Kind`) and ``failure`` (the failed
    rule, a key of `codes.RULES`) are for tools and are not part of `to_dict`.
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
    failure: str | None = field(default=None, compare=False)

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


@dataclass(frozen=True)
class ValidationWarning:
    """Something accepted that has a canonical form: ``value`` was read as ``canonical``.

    ``code`` names the kind of warning (``nonCanonicalValue``: an enum value spelled in another
    letter case); ``parameter`` is the dotted path, ``pointer`` the JSON pointer into the task.
    """

    code: str
    message: str
    parameter: str
    value: Any = None
    canonical: Any = None
    taskType: str | None = None
    taskUUID: str | None = None
    documentation: str | None = None
    pointer: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON object in the style of the error object (fields that are None omitted)."""
        out: dict[str, Any] = {}
        for name in (
            "code",
            "message",
            "parameter",
            "value",
            "canonical",
            "taskType",
            "taskUUID",
            "documentation",
        ):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value
