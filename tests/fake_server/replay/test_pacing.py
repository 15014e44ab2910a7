"""Which recorded state a poll sees, and when a delivery goes out."""

from __future__ import annotations

import pytest

from runware_testkit.fake_server.replay.pacing import COMPRESSION, delivery_time, poll_index

TIMES = [4.0, 8.0, 12.5]


def test_compressed_steps_one_recorded_answer_per_poll() -> None:
    seen = [
        poll_index(TIMES, polls_before=n, elapsed=0.0, timing="compressed", manual=False)
        for n in range(5)
    ]
    assert seen == [0, 1, 2, 2, 2]


@pytest.mark.parametrize(("timing", "manual"), [("real", False), ("compressed", True)])
def test_real_times_and_manual_clocks_follow_the_elapsed_time(timing: str, manual: bool) -> None:
    def at(elapsed: float) -> int:
        return poll_index(TIMES, polls_before=9, elapsed=elapsed, timing=timing, manual=manual)

    assert [at(0.0), at(7.9), at(8.0), at(12.4), at(60.0)] == [0, 0, 1, 1, 2]


def test_deliveries_are_compressed_only_on_the_wall_clock() -> None:
    assert delivery_time(100.0, 41.0, timing="compressed", manual=False) == 100 + 41 / COMPRESSION
    assert delivery_time(100.0, 41.0, timing="compressed", manual=True) == 141.0
    assert delivery_time(100.0, 41.0, timing="real", manual=False) == 141.0


def test_no_recorded_answers_is_an_error() -> None:
    with pytest.raises(ValueError, match="no recorded poll answers"):
        poll_index([], polls_before=0, elapsed=0.0, timing="real", manual=False)
