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
from typing import Any

from ...contract import Contract, load_contract
from ...validation import Validator, validator_for

__all__ = ["INFERENCE_TASK_TYPES", "NO_CONTRACT_CODE", "no_contract_error", "validate_task"]

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


def validate_task(
    task: Any,
    *,
    seen_task_uuids: MutableSet[str] | None = None,
    contract: Contract | None = None,
) -> list[dict[str, Any]]:
    """Runware error objects (``code``, ``message``, ``parameter``, ``taskType``, ``taskUUID``,
    ``documentation``, ``allowedValues`` ...) for every problem in `task`; empty when valid.

    `seen_task_uuids` is the request's taskUUID history: a task reusing one gets
    ``conflictTaskUUID``, and a valid task's own taskUUID is added to it (``getResponse`` and
    ``getTaskDetails`` name an earlier task and claim nothing). A task without a contract gets
    one error (`no_contract_error`).
    """
    validator = _validator(contract)
    errors = [
        e.to_dict() for e in validator.validate_request(task, seen_task_uuids=seen_task_uuids)
    ]
    if errors and isinstance(task, dict) and _without_contract(task, errors):
        return [no_contract_error(task, validator.contract)]
    return errors


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
    return "unsupportedTaskType" in codes and task.get("taskType") in INFERENCE_TASK_TYPES


def _validator(contract: Contract | None) -> Validator:
    return validator_for(contract if contract is not None else load_contract())
