"""Clocks for the task engine: the wall clock, and a manual one that tests move by hand."""

from __future__ import annotations

import math
import threading
import time
from typing import Any, Literal, Protocol, runtime_checkable

__all__ = ["CLOCK_MODES", "Clock", "ClockMode", "ManualClock", "SwitchableClock", "SystemClock"]


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


ClockMode = Literal["system", "manual"]
CLOCK_MODES: tuple[str, ...] = ("system", "manual")


class SwitchableClock:
    """The wall clock or a `ManualClock`, switched with `use`: the clock of a fake that is reused
    across tests (or shared by namespaces), each picking its own mode. Thread-safe.

    ``advance`` and ``set`` exist only in manual mode (``getattr(clock, "advance", None)`` is
    None otherwise), which is how the control API tells a manual clock from the wall clock.
    """

    def __init__(self, mode: ClockMode = "system") -> None:
        self._manual = ManualClock()
        self._mode: ClockMode = "system"
        self.use(mode)

    @property
    def mode(self) -> ClockMode:
        """``"system"`` or ``"manual"``."""
        return self._mode

    def use(self, mode: ClockMode, start: float | None = None) -> None:
        """Switch to `mode`; manual mode restarts at `start` (default: a fixed instant)."""
        if mode not in CLOCK_MODES:
            raise ValueError(f"clock must be one of {', '.join(CLOCK_MODES)}, got {mode!r}")
        if mode == "manual":
            self._manual = ManualClock() if start is None else ManualClock(start)
        self._mode = mode

    def now(self) -> float:
        """The current time in Unix seconds, from the clock in use."""
        return self._manual.now() if self._mode == "manual" else time.time()

    def __getattr__(self, name: str) -> Any:
        if name in ("advance", "set") and self.__dict__.get("_mode") == "manual":
            return getattr(self.__dict__["_manual"], name)
        raise AttributeError(name)

    def __repr__(self) -> str:
        return f"SwitchableClock(mode={self._mode!r}, now={self.now()!r})"


def _finite(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value
