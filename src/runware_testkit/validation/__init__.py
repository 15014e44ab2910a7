"""Validate Runware requests against the generated contract, with Runware-shaped errors.

``validate_request(task)`` and ``validate_batch(body)`` report every problem (for a user fixing
a file); ``check_task(task)`` answers the way Runware does: at most one error, from the first
failing check in Runware's order, plus the warnings (enum values in another letter case) and
the task as checked. All use one shared `Validator` built on first use from the shipped
schemas; build your own `Validator` for another contract or to keep a taskUUID history across
calls.

A server answering like Runware (one error per bad task) calls, per task::

    check = validator_for(contract).check_task(task, seen_task_uuids=seen)  # mode="first"
    check.errors    # () or (RunwareError,): reply with [e.to_dict() for e in check.errors]
    check.warnings  # ValidationWarning objects (enum case); never part of the reply
    check.task      # the task with canonical enum spellings, to run when check.ok

``validate_request`` (every error) stays the call for reporting everything.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ..contract import Contract, load_contract
from .codes import RULES, Kind, code_for
from .errors import RunwareError, ValidationWarning
from .order import Category, category_of, first_error, runware_order
from .validator import Mode, TaskCheck, TaskReport, Validator

__all__ = [
    "RULES",
    "Category",
    "Kind",
    "Mode",
    "RunwareError",
    "TaskCheck",
    "TaskReport",
    "ValidationWarning",
    "Validator",
    "category_of",
    "check_task",
    "code_for",
    "default_validator",
    "first_error",
    "runware_order",
    "validate_batch",
    "validate_request",
    "validate_result",
    "validator_for",
]


def default_validator() -> Validator:
    """The shared validator over the model registry in force (`load_contract()`): the shipped
    models plus user contract directories; built once per registry, on first use."""
    return validator_for(load_contract())


_VALIDATORS: dict[int, tuple[Contract, Validator]] = {}


def validator_for(contract: Contract) -> Validator:
    """The shared validator of ``contract`` (built once per contract object)."""
    held = _VALIDATORS.get(id(contract))
    if held is None or held[0] is not contract:
        held = (contract, Validator(contract))
        _VALIDATORS[id(contract)] = held
    return held[1]


def check_task(
    task: Any, *, seen_task_uuids: Collection[str] | None = None, mode: Mode = "first"
) -> TaskCheck:
    """One task checked the way Runware answers it (see `Validator.check_task`)."""
    return default_validator().check_task(task, seen_task_uuids=seen_task_uuids, mode=mode)


def validate_request(
    task: Any, *, seen_task_uuids: Collection[str] | None = None
) -> list[RunwareError]:
    """Every problem of one task object; empty when valid. Never raises on bad input."""
    return default_validator().validate_request(task, seen_task_uuids=seen_task_uuids)


def validate_batch(
    body: Any, *, seen_task_uuids: Collection[str] | None = None, mode: Mode = "all"
) -> list[TaskReport]:
    """One `TaskReport` per task of a request body (see `Validator.validate_batch`)."""
    return default_validator().validate_batch(body, seen_task_uuids=seen_task_uuids, mode=mode)


def validate_result(item: Any, *, model: str) -> list[RunwareError]:
    """Every problem of one result item of ``model``; empty when valid."""
    return default_validator().validate_result(item, model=model)
