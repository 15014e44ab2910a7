"""The server's one door to the contract validator: task -> list of wire error objects.

Every check of a task against the generated schemas goes through `validate_task`, so the
server depends on the validator's interface in exactly one place.
"""

from __future__ import annotations

from collections.abc import MutableSet
from typing import Any

from ...contract import Contract, load_contract
from ...validation import Validator, validator_for

__all__ = ["validate_task"]


def validate_task(
    task: Any,
    *,
    seen_task_uuids: MutableSet[str] | None = None,
    contract: Contract | None = None,
) -> list[dict[str, Any]]:
    """Runware error objects (``code``, ``message``, ``parameter``, ``taskType``, ``taskUUID``,
    ``documentation``, ``allowedValues`` ...) for every problem in `task`; empty when valid.

    `seen_task_uuids` is the request's taskUUID history: a task reusing one gets
    ``conflictTaskUUID``, and a valid task's own taskUUID is added to it.
    """
    validator = _validator(contract)
    return [e.to_dict() for e in validator.validate_request(task, seen_task_uuids=seen_task_uuids)]


def _validator(contract: Contract | None) -> Validator:
    return validator_for(contract if contract is not None else load_contract())
