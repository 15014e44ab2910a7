"""Clocks for the task engine: the wall clock, and a manual one that tests move by hand."""

from __future__ import annotations

import math
import threading
import time
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "ManualClock", "SystemClock"]


@runtime_checkable
class Clock(Protocol):
    """Anything that tells the current time as Unix seconds."""

    def now(self) -> float:
        """Return the current time in seconds since the Unix epoch."""
        ...


class SystemClock:
    """The real wall clock (`time.time`)."""

    def now(self) -> float:
        """Return `time.time()`."""
        return time.time()

    def __repr__(self) -> str:
        return "SystemClock()"


class ManualClock:
    """A clock that stands still until it is moved with `advance` or `set`.

    Safe to share between threads.
    """

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = _finite(start, "start")
        self._lock = threading.Lock()

    def now(self) -> float:
        """Return the current manual time."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward by `seconds` (>= 0) and return the new time."""
        seconds = _finite(seconds, "seconds")
        if seconds < 0:
            raise ValueError(f"cannot advance a clock by a negative amount ({seconds!r} s)")
        with self._lock:
            self._now += seconds
            return self._now

    def set(self, t: float) -> None:
        """Put the clock at absolute time `t` (Unix seconds); going backwards is allowed."""
        t = _finite(t, "t")
        with self._lock:
            self._now = t

    def __repr__(self) -> str:
        return f"ManualClock({self._now!r})"


def _finite(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value
