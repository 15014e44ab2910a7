from __future__ import annotations

from runware_testkit.fake_server.protocol.contract_check import check_task
from runware_testkit.proxy import BUDGET_EXCEEDED_CODE, SpendLedger, TaskGate

from .conftest import ALEPH_PRICE, edit_task


def test_the_gate_answers_like_the_fake_checker() -> None:
    gate = TaskGate(SpendLedger())
    bad = edit_task(positivePrompt=7)
    verdict = gate.admit(bad, api_key="k")
    assert verdict.refused and verdict.status == 400
    assert verdict.errors == check_task(bad).errors
    assert gate.ledger.total_usd == 0


def test_authentication_passes_unchecked_and_free() -> None:
    gate = TaskGate(SpendLedger(budget_usd=0))
    verdict = gate.admit({"taskType": "authentication", "apiKey": "x"}, api_key=None)
    assert not verdict.refused and verdict.charge is None


def test_a_task_is_priced_per_result_and_capped() -> None:
    gate = TaskGate(SpendLedger(budget_usd=2.0))
    two = gate.admit(edit_task(numberResults=2), api_key="k")
    assert two.charge is not None and two.charge.usd == round(2 * ALEPH_PRICE, 4)
    third = gate.admit(edit_task(), api_key="k")
    assert third.status == 402 and third.errors[0]["code"] == BUDGET_EXCEEDED_CODE
    assert gate.admit(edit_task(), api_key="k", dry_run=True).charge is None
