from __future__ import annotations

import pytest

from runware_testkit.proxy import Charge, SpendLedger, key_label


def charge(uuid: str, usd: float, model: str = "m:1@1", key: str = "key:a") -> Charge:
    return Charge(task_uuid=uuid, task_type="imageInference", model=model, key=key, usd=usd)


def test_reserve_stops_at_the_budget_and_refunds_free_room() -> None:
    ledger = SpendLedger(budget_usd=1.0)
    first = charge("a", 0.6)
    assert ledger.reserve(first)
    assert not ledger.reserve(charge("b", 0.5))
    assert ledger.reserve(charge("c", 0.4))
    assert ledger.total_usd == 1.0
    assert ledger.refund(first) is first
    assert ledger.refund(first) is None
    assert ledger.reserve(charge("b", 0.5))


def test_a_task_uuid_sent_twice_is_two_charges_and_refunding_one_keeps_the_other() -> None:
    """A resent taskUUID that the upstream refuses (conflictTaskUUID) is refunded without
    taking the first task's charge with it, so the budget still counts the task that ran."""
    ledger = SpendLedger(budget_usd=2.0)
    ran, resent = charge("u", 0.75), charge("u", 0.75)
    assert ledger.reserve(ran) and ledger.reserve(resent)
    assert ledger.total_usd == 1.5
    assert ledger.refund(resent) is resent
    assert ledger.charges == [ran] and ledger.total_usd == 0.75
    assert ledger.reserve(charge("v", 0.75))
    assert not ledger.reserve(charge("w", 0.75))


def test_totals_per_model_and_key() -> None:
    ledger = SpendLedger()
    ledger.charge(charge("a", 0.25, model="x:1@1", key="key:1"))
    ledger.charge(charge("b", 0.5, model="y:1@1", key="key:1"))
    ledger.charge(charge("c", 0.125, model="x:1@1", key="key:2"))
    assert ledger.by_model() == {"x:1@1": 0.375, "y:1@1": 0.5}
    assert ledger.by_key() == {"key:1": 0.75, "key:2": 0.125}
    assert ledger.summary()["tasks"] == 3
    assert not ledger.would_exceed(1000.0)


def test_keys_are_never_kept() -> None:
    label = key_label("sk-very-secret")
    assert label.startswith("key:") and "secret" not in label and len(label) == 12
    assert key_label(None) == "key:none"


def test_a_negative_budget_is_refused() -> None:
    with pytest.raises(ValueError, match="budget"):
        SpendLedger(budget_usd=-1)
