"""Base classes and shared field types of the wire models.

Field names are the wire names (``taskUUID``, ``NSFWContent``). Optional fields default to None
and mean "not sent"; `WireModel.to_wire` drops them, so a parsed request dumps back unchanged.
Requests forbid unknown keys where the schemas do (``additionalProperties: false``); replies
keep unknown keys, so a newer server field does not break parsing.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, StringConstraints

__all__ = ["Request", "Response", "UUIDStr", "WireModel", "exactly", "is_uuid4", "multiple_of"]

_UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

UUIDStr = Annotated[str, StringConstraints(pattern=_UUID)]
"""A canonical hyphenated UUID, kept as a string."""

_UUID_RE = re.compile(_UUID)


class WireModel(BaseModel):
    """Common configuration: strict types, wire field names."""

    model_config = ConfigDict(strict=True, populate_by_name=True)

    def to_wire(self) -> dict[str, Any]:
        """The JSON object as sent on the wire (fields left unset or None are omitted)."""
        return self.model_dump(mode="json", exclude_none=True)


class Request(WireModel):
    """A request object: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")


class Response(WireModel):
    """A reply object: unknown keys are kept (see ``model_extra``)."""

    model_config = ConfigDict(extra="allow")


def multiple_of(step: str) -> AfterValidator:
    """A validator that a number is a whole multiple of ``step``, in decimal arithmetic."""
    unit = Decimal(step)

    def check(value: float | None) -> float | None:
        if value is None:
            return value
        try:
            ok = Decimal(repr(value)) % unit == 0
        except InvalidOperation:
            ok = False
        if not ok:
            raise ValueError(f"expected a multiple of {step}; found {value!r}")
        return value

    return AfterValidator(check)


def is_uuid4(value: str) -> bool:
    """True for a canonical UUID string whose version digit is 4."""
    return _UUID_RE.match(value) is not None and value[14] == "4"


def exactly(*values: Any) -> Any:
    """``Literal[values]`` that also checks the JSON type (``true`` is not ``1``)."""
    kinds = {type(value) for value in values}

    def check(value: Any) -> Any:
        if type(value) not in kinds:
            raise ValueError(f"expected one of {list(values)}; found {value!r}")
        return value

    return Annotated[Literal[values], BeforeValidator(check)]
