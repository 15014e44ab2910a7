"""`SwitchableClock`: the clock of a fake that is reused across tests, each picking its own mode.

A session-wide fake cannot swap the clock object its engine, journal and sink hold, so the
fixtures give it this one and switch it per test between the wall clock (``"system"``) and a
manual clock that only moves on `advance` (``"manual"``).
"""

from __future__ import annotations

import time
from typing import Any, Literal

from ..fake_server.engine.clock import ManualClock

__all__ = ["CLOCK_MODES", "ClockMode", "SwitchableClock"]

ClockMode = Literal["system", "manual"]
CLOCK_MODES: tuple[str, ...] = ("system", "manual")


class SwitchableClock:
    """Delegates to the wall clock or to a `ManualClock`, per `mode`. Thread-safe.

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
