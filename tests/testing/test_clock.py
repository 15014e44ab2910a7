"""SwitchableClock: one clock object, wall or manual time per test."""

from __future__ import annotations

import time

import pytest

from runware_testkit.testing.clock import SwitchableClock


def test_system_mode_follows_the_wall_clock_and_cannot_advance() -> None:
    clock = SwitchableClock()
    assert abs(clock.now() - time.time()) < 5
    assert getattr(clock, "advance", None) is None
    with pytest.raises(AttributeError):
        clock.set(0)


def test_manual_mode_moves_only_when_told() -> None:
    clock = SwitchableClock("manual")
    start = clock.now()
    assert clock.now() == start
    assert clock.advance(2.5) == start + 2.5
    clock.set(10.0)
    assert clock.now() == 10.0


def test_switching_back_to_manual_restarts_the_manual_time() -> None:
    clock = SwitchableClock("manual")
    clock.advance(100)
    clock.use("system")
    clock.use("manual", start=5.0)
    assert (clock.mode, clock.now()) == ("manual", 5.0)


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="clock must be one of system, manual"):
        SwitchableClock("fast")  # type: ignore[arg-type]
