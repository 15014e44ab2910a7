"""What a test's tasks would have cost on the real API, priced by the kit's rule.

Each task the fake accepted is priced as its handler priced it when it was submitted (the
fake's `pricing` rules: the model page's figure, the contract's ``x-pricing``, else the fake's
fallback per task type), times its ``numberResults``, whether or not the request asked for
``includeCost``. Tasks that ended in error are not counted (Runware bills results [I]); tasks
still processing are, since they would finish and be billed.

`SessionSpend` adds up the tests of a pytest session for the terminal summary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "SessionSpend",
    "Spend",
    "hand_over",
    "note_spend",
    "spend_of",
    "summary_line",
    "take_over",
]


@dataclass(frozen=True)
class Spend:
    """USD a set of tasks would have cost: ``total_usd``, ``tasks`` (how many were priced),
    ``by_model`` (AIR -> USD) and ``by_api_key`` (key as the fake reports it -> USD)."""

    total_usd: float = 0.0
    tasks: int = 0
    by_model: Mapping[str, float] = field(default_factory=dict)
    by_api_key: Mapping[str, float] = field(default_factory=dict)

    def describe(self) -> str:
        """``$1.5126 for 2 task(s): runway:2@1 $1.5126``."""
        text = f"${self.total_usd:.4f} for {self.tasks} task(s)"
        if self.by_model:
            models = ", ".join(f"{air} ${usd:.4f}" for air, usd in sorted(self.by_model.items()))
            text += f": {models}"
        return text

    def __add__(self, other: Spend) -> Spend:
        return Spend(
            total_usd=round(self.total_usd + other.total_usd, 4),
            tasks=self.tasks + other.tasks,
            by_model=_merged(self.by_model, other.by_model),
            by_api_key=_merged(self.by_api_key, other.by_api_key),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "total_usd": self.total_usd,
            "tasks": self.tasks,
            "by_model": dict(self.by_model),
            "by_api_key": dict(self.by_api_key),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Spend:
        return cls(
            total_usd=float(data.get("total_usd", 0.0)),
            tasks=int(data.get("tasks", 0)),
            by_model=dict(data.get("by_model") or {}),
            by_api_key=dict(data.get("by_api_key") or {}),
        )


def spend_of(tasks: Iterable[Mapping[str, Any]]) -> Spend:
    """The `Spend` of tasks as the fake's control API lists them (``tasks()`` dicts)."""
    total = Spend()
    for task in tasks:
        usd = task_price(task)
        if usd is None:
            continue
        model = str(task.get("model") or task.get("request", {}).get("model") or "?")
        key = str(task.get("api_key") or "?")
        total = total + Spend(usd, 1, {model: usd}, {key: usd})
    return total


def task_price(task: Mapping[str, Any]) -> float | None:
    """USD of one accepted task (None when it is not billed: it failed, or runs no model)."""
    if task.get("status") == "error":
        return None
    request = task.get("request") or {}
    if not isinstance(request, Mapping) or not isinstance(request.get("model"), str):
        return None
    facts = task.get("facts") or {}
    unit = facts.get("unit_price") if isinstance(facts, Mapping) else None
    count = request.get("numberResults", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        count = 1
    if isinstance(unit, int | float) and not isinstance(unit, bool):
        return round(unit * count, 4)
    from ..contract import load_contract
    from ..fake_server.handlers.pricing import request_cost

    return request_cost(dict(request), load_contract().model(request["model"]))


class SessionSpend:
    """The spend of every test of a session that used a fake (one per pytest process)."""

    def __init__(self) -> None:
        self.total = Spend()
        self.tests = 0

    def add(self, spend: Spend) -> None:
        if spend.tasks:
            self.total = self.total + spend
            self.tests += 1

    def summary_line(self) -> str | None:
        """The terminal summary line, or None when no test ran a priced task."""
        if not self.total.tasks:
            return None
        return (
            f"runware-testkit: the tasks of {self.tests} test(s) would have cost "
            f"{self.total.describe()} on the live API"
        )


def _merged(a: Mapping[str, float], b: Mapping[str, float]) -> dict[str, float]:
    merged = dict(a)
    for name, usd in b.items():
        merged[name] = round(merged.get(name, 0.0) + usd, 4)
    return merged


# -- the pytest session's total (the plugin's hooks call these) ----------------------------------

_STASH_KEY: Any = None


def _key() -> Any:
    global _STASH_KEY
    if _STASH_KEY is None:
        import pytest

        _STASH_KEY = pytest.StashKey[SessionSpend]()
    return _STASH_KEY


def _session(config: Any) -> SessionSpend:
    return config.stash.setdefault(_key(), SessionSpend())


def note_spend(config: Any, fake: Any) -> None:
    """Add what a test's tasks on ``fake`` would have cost to the session's total."""
    if getattr(fake, "mode", None) == "live":
        return
    try:
        spend = fake.spend
    except Exception:  # a fake that cannot list its tasks any more: nothing to add
        return
    _session(config).add(spend)


def hand_over(config: Any) -> None:
    """On an xdist worker: put the worker's total into ``workeroutput`` for the controller."""
    output = getattr(config, "workeroutput", None)
    total = config.stash.get(_key(), None)
    if output is not None and total is not None:
        output["runware_spend"] = {"tests": total.tests, **total.total.to_dict()}


def take_over(node: Any) -> None:
    """On the xdist controller: add a finished worker's total."""
    data = getattr(node, "workeroutput", {}).get("runware_spend")
    if data:
        total = _session(node.config)
        total.total = total.total + Spend.from_dict(data)
        total.tests += int(data.get("tests", 0))


def summary_line(config: Any) -> str | None:
    """The session's terminal summary line (None when no test ran a priced task)."""
    total = config.stash.get(_key(), None)
    return total.summary_line() if total is not None else None
