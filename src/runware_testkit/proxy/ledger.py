"""`SpendLedger`: what the tasks sent through the proxy cost, per API key, per model, per run.

Each accepted inference task is charged the kit's price for it (`pricing.request_cost`, from
the request alone) when it is forwarded, and refunded when the upstream's first answer about
it is an error (a task refused upstream is not billed [I]). ``budget_usd`` caps the run's
total: `would_exceed` tells whether one more charge would take the total past it.

API keys are never kept: each is named by ``key:`` and the first 8 hex digits of its sha256.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Charge:
    """One task's charge: ``usd`` for ``task_uuid`` (``model``, ``task_type``, ``key`` label)."""

    task_uuid: str
    task_type: str
    model: str
    key: str
    usd: float


def key_label(api_key: str | None) -> str:
    """``key:1a2b3c4d`` (sha256 prefix) for an API key; ``key:none`` when there is none."""
    if not api_key:
        return "key:none"
    return "key:" + hashlib.sha256(api_key.encode("utf-8")).hexdigest()[:8]


class SpendLedger:
    """The run's charges (thread-safe). ``budget_usd`` None means no cap."""

    def __init__(self, budget_usd: float | None = None) -> None:
        if budget_usd is not None and not budget_usd >= 0:
            raise ValueError(f"the budget must be a number of USD >= 0, got {budget_usd!r}")
        self.budget_usd = budget_usd
        self._charges: list[Charge] = []
        self._lock = threading.Lock()

    @property
    def total_usd(self) -> float:
        """USD charged so far in this run (rounded to 4 decimals)."""
        with self._lock:
            return round(sum(c.usd for c in self._charges), 4)

    @property
    def charges(self) -> list[Charge]:
        """Every charge still standing, in the order made."""
        with self._lock:
            return list(self._charges)

    def by_model(self) -> dict[str, float]:
        """USD per model AIR."""
        return self._grouped(lambda c: c.model)

    def by_key(self) -> dict[str, float]:
        """USD per API key label (`key_label`)."""
        return self._grouped(lambda c: c.key)

    def would_exceed(self, usd: float) -> bool:
        """True when charging ``usd`` more would take the total past the budget."""
        if self.budget_usd is None:
            return False
        return round(self.total_usd + usd, 4) > self.budget_usd

    def charge(self, charge: Charge) -> None:
        """Record ``charge``. Every charge stands on its own: a task sent twice under one
        taskUUID is two charges until one of them is refunded."""
        with self._lock:
            self._charges.append(charge)

    def refund(self, charge: Charge) -> Charge | None:
        """Drop this very charge (the object `reserve` or `charge` was given, never another
        charge for the same taskUUID); returns it, or None when it was not standing."""
        with self._lock:
            for index, standing in enumerate(self._charges):
                if standing is charge:
                    return self._charges.pop(index)
            return None

    def reserve(self, charge: Charge) -> bool:
        """Charge ``charge`` unless it would take the total past the budget (atomically);
        returns whether it was charged."""
        with self._lock:
            total = sum(c.usd for c in self._charges)
            if self.budget_usd is not None and round(total + charge.usd, 4) > self.budget_usd:
                return False
            self._charges.append(charge)
            return True

    def summary(self) -> dict[str, object]:
        """``{"total_usd", "budget_usd", "tasks", "by_model", "by_key"}`` (JSON-ready)."""
        return {
            "total_usd": self.total_usd,
            "budget_usd": self.budget_usd,
            "tasks": len(self.charges),
            "by_model": self.by_model(),
            "by_key": self.by_key(),
        }

    def _grouped(self, name: Callable[[Charge], str]) -> dict[str, float]:
        grouped: dict[str, float] = {}
        for charge in self.charges:
            grouped[name(charge)] = round(grouped.get(name(charge), 0.0) + charge.usd, 4)
        return grouped
