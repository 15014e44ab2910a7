import math
import time

import pytest

from runware_testkit.fake_server.engine.clock import Clock, ManualClock, SystemClock


def test_system_clock_follows_wall_time():
    before = time.time()
    now = SystemClock().now()
    assert before <= now <= time.time()


def test_manual_clock_starts_at_a_fixed_default():
    assert ManualClock().now() == 1_700_000_000.0
    assert ManualClock(start=10).now() == 10.0


def test_manual_clock_stands_still_until_moved():
    clock = ManualClock()
    assert clock.now() == clock.now()


def test_advance_moves_forward_and_returns_the_new_time():
    clock = ManualClock(start=100.0)
    assert clock.advance(2.5) == 102.5
    assert clock.advance(0) == 102.5
    assert clock.now() == 102.5


def test_advance_rejects_negative_amounts():
    clock = ManualClock(start=100.0)
    with pytest.raises(ValueError, match="negative"):
        clock.advance(-0.001)
    assert clock.now() == 100.0


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_non_finite_times_are_rejected(bad):
    clock = ManualClock()
    with pytest.raises(ValueError):
        clock.advance(bad)
    with pytest.raises(ValueError):
        clock.set(bad)
    with pytest.raises(ValueError):
        ManualClock(start=bad)


def test_non_numbers_are_rejected():
    with pytest.raises(TypeError):
        ManualClock().advance("1")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ManualClock().set(True)  # type: ignore[arg-type]


def test_set_puts_the_clock_anywhere():
    clock = ManualClock()
    clock.set(5.0)
    assert clock.now() == 5.0
    clock.set(2_000_000_000)
    assert clock.now() == 2_000_000_000.0


def test_both_clocks_satisfy_the_protocol():
    assert isinstance(SystemClock(), Clock)
    assert isinstance(ManualClock(), Clock)
