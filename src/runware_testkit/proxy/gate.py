"""`TaskGate`: what the proxy decides about each task before anything leaves for the upstream.

1. ``authentication`` passes unchecked (the upstream judges keys).
2. Every other task goes through the fake's own door to the contract (`contract_check.check_task`,
   Runware's one-error reply unless ``error_reply="all"``); a task that breaks the contract is
   refused with that Runware error and its HTTP status, as the fake would answer it.
3. A valid task with a ``model`` is priced by the kit's rule (`pricing.request_cost`); when
   that would take the run's spend past the budget it is refused with `BUDGET_EXCEEDED_CODE`
   (HTTP 402, the status Runware gives an insufficient balance [C, PROTOCOL.md]). A dry run
   (``X-Runware-Dry-Run: 1`` / ``dryRun=1``) is never charged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..contract import Contract, load_contract
from ..fake_server.faults.scenarios import error_status
from ..fake_server.handlers.pricing import request_cost
from ..fake_server.protocol.contract_check import check_task
from ..fake_server.protocol.wire import error_object, is_one_of, task_head
from .ledger import Charge, SpendLedger, key_label

BUDGET_EXCEEDED_CODE = "budgetExceeded"
"""The error code of a task refused because it would take the run past ``--budget``."""
BUDGET_EXCEEDED_STATUS = 402
UNCHECKED_TASK_TYPES: frozenset[str] = frozenset({"authentication"})


@dataclass(frozen=True)
class Verdict:
    """A task's fate: ``errors`` (empty: forward it) with their HTTP ``status``, and the
    ``charge`` made for it (None when it costs nothing or was refused)."""

    errors: list[dict[str, Any]]
    status: int = 200
    charge: Charge | None = None

    @property
    def refused(self) -> bool:
        return bool(self.errors)


class TaskGate:
    """Checks and prices tasks against ``contract`` (default: the registry) into ``ledger``."""

    def __init__(
        self, ledger: SpendLedger, *, contract: Contract | None = None, error_reply: str = "first"
    ) -> None:
        self.ledger = ledger
        self.contract = contract if contract is not None else load_contract()
        self.error_reply = error_reply

    def admit(self, task: Any, *, api_key: str | None, dry_run: bool = False) -> Verdict:
        """Check, price and charge one task (see the module docstring)."""
        if isinstance(task, dict) and is_one_of(task.get("taskType"), UNCHECKED_TASK_TYPES):
            return Verdict([])
        checked = check_task(task, contract=self.contract, mode=self.error_reply)
        if checked.errors:
            head = task_head(task)
            errors = [
                {**error, **{k: v for k, v in head.items() if k not in error}}
                for error in checked.errors
            ]
            return Verdict(errors, _status(errors))
        if dry_run or not isinstance(task, dict) or not isinstance(task.get("model"), str):
            return Verdict([])
        model = self.contract.model(task["model"])
        usd = request_cost(task, model)
        if usd <= 0:
            return Verdict([])
        charge = Charge(
            task_uuid=str(task.get("taskUUID")),
            task_type=str(task.get("taskType")),
            model=task["model"],
            key=key_label(api_key),
            usd=usd,
        )
        if not self.ledger.reserve(charge):
            return Verdict([self._over_budget(task, usd)], BUDGET_EXCEEDED_STATUS)
        return Verdict([], 200, charge)

    def _over_budget(self, task: dict[str, Any], usd: float) -> dict[str, Any]:
        spent = self.ledger.total_usd
        budget = self.ledger.budget_usd or 0.0
        count = task.get("numberResults", 1)
        return error_object(
            code=BUDGET_EXCEEDED_CODE,
            message=(
                f"This task would cost ${usd:.4f} ({task['model']}, {count} result(s)), taking "
                f"this run's spend from ${spent:.4f} to ${spent + usd:.4f}, past the proxy's "
                f"budget of ${budget:.4f}; it was not sent upstream. Raise --budget to send it."
            ),
            parameter="model",
            **task_head(task),
        )


def _status(errors: list[dict[str, Any]]) -> int:
    statuses = {error_status(str(e.get("code", ""))) for e in errors}
    if statuses == {404}:
        return 400
    return statuses.pop() if len(statuses) == 1 else 400
