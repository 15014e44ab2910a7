"""The server's one door to the contract validator: task -> list of wire error objects.

Every check of a task against the generated schemas goes through `validate_task`, so the
server depends on the validator's interface in exactly one place.

A task the kit has no contract for (an inference task naming a model the contract does not
hold, or of an inference task type no model of the contract has) is answered with ONE error,
code ``unknownModel`` (the validator's code for an unknown model; parameter ``model``), whose
message says so and how to add the model: generate a contract directory from the model's page
or Runware's schema document, then point the server at it. Nothing else is reported for such a
task: without a contract no other check means anything.
"""

from __future__ import annotations

from collections.abc import MutableSet
from dataclasses import dataclass, field
from typing import Any

from ...contract import Contract, load_contract
from ...validation import Validator, validator_for
from .wire import is_one_of

__all__ = [
    "INFERENCE_TASK_TYPES",
    "NO_CONTRACT_CODE",
    "TaskCheck",
    "check_task",
    "no_contract_error",
    "validate_task",
]

INFERENCE_TASK_TYPES = frozenset(
    {
        "imageInference",
        "videoInference",
        "audioInference",
        "upscale",
        "imageUpscale",
        "removeBackground",
        "imageBackgroundRemoval",
        "imageCaption",
        "imageControlNetPreProcess",
        "vectorize",
    }
)
"""Runware task types that run a model (``model`` names it), older names included
(``imageUpscale``, ``imageBackgroundRemoval``); a task of one of these without a contract gets
`no_contract_error`."""
NO_CONTRACT_CODE = "unknownModel"
ADD_CONTRACT_HINT = (
    "To add one, generate a contract from the model's page or Runware's schema document "
    "(`runware-testkit generate PAGE_OR_SCHEMA --out DIR`), then run `runware-testkit serve "
    "--contract DIR` or set RUNWARE_TESTKIT_CONTRACTS=DIR."
)


@dataclass(frozen=True)
class TaskCheck:
    """The outcome of checking one task: what to answer and what to run.

    ``errors``: Runware error objects (``code``, ``message``, ``parameter``, ``type``,
    ``taskType``, ``taskUUID``, ``documentation``, ``allowedValues`` ...); empty when valid.
    ``task``: the task to run, with enum values in their documented spelling (``"mp4"`` ->
    ``"MP4"``; the object given when nothing changed). ``warnings``: such respellings as
    ``{code: "nonCanonicalValue", parameter, value, canonical}``, never sent to the client.
    """

    errors: list[dict[str, Any]]
    task: Any
    warnings: list[dict[str, Any]] = field(default_factory=list)


def check_task(
    task: Any,
    *,
    seen_task_uuids: MutableSet[str] | None = None,
    contract: Contract | None = None,
    mode: str = "first",
) -> TaskCheck:
    """Check `task` against the contract the way Runware answers.

    ``mode="first"``: at most ONE error, the first failing check in Runware's order;
    ``mode="all"``: every error. `seen_task_uuids` is the request's taskUUID history: a task
    reusing one gets ``conflictTaskUUID``, and a valid task's own taskUUID is added to it
    (``getResponse`` and ``getTaskDetails`` name an earlier task and claim nothing). A task
    without a contract gets one error (`no_contract_error`) in both modes.
    """
    validator = _validator(contract)
    checked = validator.check_task(task, seen_task_uuids=seen_task_uuids, mode=mode)
    errors = [e.to_dict() for e in checked.errors]
    if errors and isinstance(task, dict) and _without_contract(task, errors):
        errors = [no_contract_error(task, validator.contract)]
    warnings = [w.to_dict() for w in checked.warnings]
    return TaskCheck(errors, checked.task if not errors else task, warnings)


def validate_task(
    task: Any,
    *,
    seen_task_uuids: MutableSet[str] | None = None,
    contract: Contract | None = None,
) -> list[dict[str, Any]]:
    """Every problem of `task` as Runware error objects (`check_task` with ``mode="all"``)."""
    return check_task(task, seen_task_uuids=seen_task_uuids, contract=contract, mode="all").errors


def no_contract_error(task: dict[str, Any], contract: Contract) -> dict[str, Any]:
    """The one error answering a task the kit has no contract for."""
    task_type = task.get("taskType")
    model = task.get("model")
    known = sorted(air for air, m in contract.models.items() if m.task_type == task_type)
    if not isinstance(model, str):
        what = f"The task names no model, and the testkit has no contract for any {task_type} model"
    elif known:
        what = (
            f"The testkit has no contract for model {model!r} ({task_type}; its {task_type} "
            f"models: {', '.join(known)})"
        )
    else:
        what = f"The testkit has no contract for model {model!r} nor any other {task_type} model"
    error: dict[str, Any] = {
        "code": NO_CONTRACT_CODE,
        "message": f"{what}, so it can neither check nor run this task. {ADD_CONTRACT_HINT}",
        "parameter": "model",
        "taskType": task_type,
    }
    if isinstance(task.get("taskUUID"), str):
        error["taskUUID"] = task["taskUUID"]
    if known:
        error["allowedValues"] = known
    return error


def _without_contract(task: dict[str, Any], errors: list[dict[str, Any]]) -> bool:
    """True when the errors say the task's model (or its task type) has no contract."""
    codes = {error.get("code") for error in errors}
    if NO_CONTRACT_CODE in codes:
        return True
    return "unsupportedTaskType" in codes and is_one_of(task.get("taskType"), INFERENCE_TASK_TYPES)


def _validator(contract: Contract | None) -> Validator:
    return validator_for(contract if contract is not None else load_contract())
