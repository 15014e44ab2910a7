"""`SwitchableClock`: the clock of a fake that is reused across tests, each picking its own mode.

A session-wide fake cannot swap the clock object its engine, journal and sink hold, so the
fixtures give it this one and switch it per test between the wall clock (``"system"``) and a
manual clock that only moves on `advance` (``"manual"``). It lives with the engine's clocks
(the shared server's namespaces use it too); this module is where the fixtures name it.
"""

from __future__ import annotations

from ..fake_server.engine.clock import CLOCK_MODES, ClockMode, SwitchableClock

__all__ = ["CLOCK_MODES", "ClockMode", "SwitchableClock"]
