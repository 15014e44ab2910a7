"""What a test spent: `Spend` from the fake's tasks, the fixtures' ``spend`` and
``assert_spend_below``, and the session's terminal summary line (the xdist total is checked
by test_pytest_plugin's xdist run)."""

from __future__ import annotations

import textwrap

import httpx  # noqa: F401  (kept loaded across in-process runs)
import pytest

import runware_testkit.testing.mock_fixture  # noqa: F401
from runware_testkit.testing import server
from runware_testkit.testing.spend import Spend, spend_of

from .helpers import edit_task, poll, send

ALEPH_PRICE = 0.7563


def test_spend_of_prices_each_task_by_its_results_and_skips_failures() -> None:
    tasks = [
        {
            "model": "a:1@1",
            "api_key": "k1",
            "status": "success",
            "request": {"model": "a:1@1", "numberResults": 3},
            "facts": {"unit_price": 0.1},
        },
        {
            "model": "b:1@1",
            "api_key": "k2",
            "status": "processing",
            "request": {"model": "b:1@1"},
            "facts": {"unit_price": 0.25},
        },
        {
            "model": "b:1@1",
            "api_key": "k2",
            "status": "error",
            "request": {"model": "b:1@1"},
            "facts": {"unit_price": 9.0},
        },
        {
            "model": None,
            "api_key": "k1",
            "status": "success",
            "request": {"taskType": "imageUpload"},
            "facts": {},
        },
    ]
    assert spend_of(tasks) == Spend(
        total_usd=0.55,
        tasks=2,
        by_model={"a:1@1": 0.3, "b:1@1": 0.25},
        by_api_key={"k1": 0.3, "k2": 0.25},
    )


def test_a_fake_reports_what_its_tasks_would_have_cost() -> None:
    with server(progression="polls:1") as fake:
        assert fake.spend == Spend()
        send(fake, edit_task(), edit_task(numberResults=2))
        send(fake, edit_task(positivePrompt=""))  # refused: never billed
        failed = edit_task()
        fake.fail_next("timeoutProvider", phase="processing")
        send(fake, failed)
        poll(fake, failed)
        poll(fake, failed)
        spend = fake.spend
        assert spend.total_usd == round(3 * ALEPH_PRICE, 4) and spend.tasks == 2
        assert spend.by_model == {"runway:2@1": round(3 * ALEPH_PRICE, 4)}
        assert spend.by_api_key == {fake.api_key: round(3 * ALEPH_PRICE, 4)}
        assert fake.assert_spend_below(2.5) == spend
        with pytest.raises(AssertionError) as caught:
            fake.assert_spend_below(2.0)
    message = str(caught.value)
    assert "would have cost $2.2689 for 2 task(s): runway:2@1 $2.2689" in message
    assert "not below $2.0000" in message


SPENDING_TESTS = """
import uuid

import httpx
import pytest


def edit_task():
    return {
        "taskType": "videoInference",
        "taskUUID": str(uuid.uuid4()),
        "model": "runway:2@1",
        "positivePrompt": "a paper boat",
        "inputs": {"video": "https://cdn.example.com/source.mp4"},
    }


@pytest.mark.parametrize("n", range(2))
def test_spends(runware_mock, n):
    headers = {"Authorization": f"Bearer {runware_mock.api_key}"}
    with httpx.Client() as http:
        http.post(runware_mock.base_url, json=[edit_task()], headers=headers)
    assert runware_mock.spend.total_usd == 0.7563
    runware_mock.assert_spend_below(1)


def test_spends_nothing(runware_mock):
    assert runware_mock.spend.tasks == 0
"""


def test_the_session_summary_tells_what_the_tasks_would_have_cost(
    downstream: pytest.Pytester,
) -> None:
    downstream.makepyfile(test_spending=textwrap.dedent(SPENDING_TESTS))
    result = downstream.runpytest_inprocess("-q")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "runware-testkit: the tasks of 2 test(s) would have cost $1.5126 for 2 task(s): "
            "runway:2@1 $1.5126 on the live API"
        ]
    )
