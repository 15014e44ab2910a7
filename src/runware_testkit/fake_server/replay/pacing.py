"""When a replayed task shows which recorded state, on the fake's clock.

Modes (`TIMINGS`):

- ``compressed`` (default): a client never waits for real. Each ``getResponse`` of a task
  answers the next recorded poll answer (the last one repeats), so a client polling in a loop
  sees ``processing`` and then ``success`` as recorded, however fast it polls. Deliveries
  nobody asked for (webhooks, pushed WebSocket frames) go out at their recorded time divided by
  `COMPRESSION` on the wall clock.
- ``real``: the recorded times as they were: a poll answers the last recorded answer whose time
  (seconds since the submit) has passed on the fake's clock; deliveries go out at their times.

On a manual clock (``clock="manual"``) both modes follow the clock with the recorded times
unscaled: advancing it by the recorded seconds moves the replay exactly that far.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["COMPRESSION", "TIMINGS", "delivery_time", "poll_index"]

TIMINGS: tuple[str, ...] = ("compressed", "real")
COMPRESSION = 1000.0
"""How many times faster than recorded compressed deliveries go out (60 s become 60 ms)."""


def poll_index(
    times: Sequence[float], *, polls_before: int, elapsed: float, timing: str, manual: bool
) -> int:
    """Which recorded poll answer (index into `times`, the recorded seconds since the submit of
    each) a poll gets: `polls_before` polls were answered already, `elapsed` seconds have passed
    on the fake's clock since the submit."""
    if not times:
        raise ValueError("no recorded poll answers")
    last = len(times) - 1
    if timing == "compressed" and not manual:
        return min(polls_before, last)
    reached = [index for index, at in enumerate(times) if at <= elapsed + 1e-9]
    return reached[-1] if reached else 0


def delivery_time(started: float, at: float, *, timing: str, manual: bool) -> float:
    """The fake-clock time at which a delivery recorded `at` seconds after its task's submit goes
    out, the task having been submitted at `started`."""
    if timing == "compressed" and not manual:
        return started + at / COMPRESSION
    return started + at
