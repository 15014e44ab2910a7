"""The simulated model queue: capacity, drain on the clock, 429 / 503 with Retry-After, 504."""

from __future__ import annotations

import pytest

from runware_testkit.fake_server.faults.capacity import CapacityQueue


def test_admits_up_to_capacity_then_refuses_with_429_and_retry_after() -> None:
    queue = CapacityQueue(2, drain_per_s=0.5)
    assert queue.admit(100.0) is None
    assert queue.admit(100.0) is None
    refusal = queue.admit(100.0)
    assert refusal is not None
    assert (refusal.status, refusal.code, refusal.retry_after) == (429, "rateLimitExceeded", 2)
    assert "retry after 2 s" in refusal.message


def test_the_queue_drains_on_the_clock() -> None:
    queue = CapacityQueue(1, drain_per_s=1.0)
    assert queue.admit(0.0) is None
    assert queue.admit(0.5) is not None
    assert queue.level(0.5) == pytest.approx(0.5)
    assert queue.admit(1.0) is None
    assert queue.level(10.0) == 0.0


def test_a_clock_going_backwards_drains_nothing() -> None:
    queue = CapacityQueue(1, drain_per_s=1.0)
    assert queue.admit(10.0) is None
    assert queue.admit(5.0) is not None
    assert queue.level(10.5) == pytest.approx(0.5)


def test_a_full_queue_may_answer_503() -> None:
    queue = CapacityQueue(1, full_status=503)
    queue.admit(0.0)
    refusal = queue.admit(0.0)
    assert refusal is not None
    assert (refusal.status, refusal.code) == (503, "serviceUnavailable")


def test_a_sync_task_waiting_past_the_bound_gets_504_an_async_one_queues() -> None:
    queue = CapacityQueue(10, drain_per_s=1.0, max_wait_s=2.0)
    for _ in range(3):
        assert queue.admit(0.0) is None
    refusal = queue.admit(0.0, sync=True)
    assert refusal is not None
    assert (refusal.status, refusal.code, refusal.retry_after) == (504, "timeout", None)
    assert queue.admit(0.0) is None
    assert queue.admit(3.0, sync=True) is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"capacity": 0}, "queue_capacity must be an integer >= 1"),
        ({"capacity": True}, "queue_capacity must be an integer >= 1"),
        ({"capacity": 1, "drain_per_s": 0}, "queue_drain_per_s must be a number > 0"),
        ({"capacity": 1, "drain_per_s": float("inf")}, "queue_drain_per_s must be a number"),
        ({"capacity": 1, "full_status": 500}, "queue_full_status must be 429 or 503"),
        ({"capacity": 1, "max_wait_s": -1}, "queue_max_wait_s must be a number > 0 or null"),
    ],
)
def test_bad_settings_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CapacityQueue(**kwargs)
