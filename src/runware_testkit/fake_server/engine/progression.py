"""Progression policies: how long a task stays `processing` before it finishes.

A policy is chosen per task and written as a short string:

- ``immediate``: the task is finished the first time it is read (a poll, a peek, a sweep), so the
  first ``getResponse`` already answers ``success``.
- ``polls:N`` (N >= 0): the first N polls answer ``processing`` with a climbing progress
  (poll k of N reports ``k * 100 // (N + 1)``), poll N + 1 answers ``success``. Reads that are
  not polls never move such a task forward.
- ``time:S`` (S >= 0, seconds, may be fractional): the task is ``processing`` until S seconds of
  clock time have passed since submission; meanwhile progress is ``elapsed / S * 100`` clamped
  to 0..99.

The state is never stored as a running counter: it is derived when the task is read, from the
task's own poll count and the time elapsed since its submission (see `Progression.state`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "Immediate",
    "Polls",
    "ProgressState",
    "Progression",
    "Time",
    "parse_progression",
]


@dataclass(frozen=True, slots=True)
class ProgressState:
    """Where a task stands: finished or not, and its progress (int, 0-100)."""

    done: bool
    progress: int


class Progression(Protocol):
    """A progression policy; `str(policy)` gives back its canonical spec."""

    def state(self, *, polls: int, elapsed: float) -> ProgressState:
        """Derive the state from the task's poll count (this poll included) and its age."""
        ...

    def finish_after(self) -> float | None:
        """Seconds after submission at which the task is finished with no further poll;
        None when only polls can finish it."""
        ...


@dataclass(frozen=True, slots=True)
class Immediate:
    """Finished as soon as the task is read."""

    def state(self, *, polls: int, elapsed: float) -> ProgressState:
        """Always finished."""
        return ProgressState(done=True, progress=100)

    def finish_after(self) -> float | None:
        """At once."""
        return 0.0

    def __str__(self) -> str:
        return "immediate"


@dataclass(frozen=True, slots=True)
class Polls:
    """Finished on poll number ``count + 1``; the polls before report climbing progress."""

    count: int

    def __post_init__(self) -> None:
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 0:
            raise ValueError(f"polls:N needs an integer N >= 0, got {self.count!r}")

    def state(self, *, polls: int, elapsed: float) -> ProgressState:
        """Finished once more than `count` polls were made."""
        if polls > self.count:
            return ProgressState(done=True, progress=100)
        return ProgressState(done=False, progress=_clamp(polls * 100 // (self.count + 1)))

    def finish_after(self) -> float | None:
        """At once for ``polls:0``; otherwise never without polls."""
        return 0.0 if self.count == 0 else None

    def __str__(self) -> str:
        return f"polls:{self.count}"


@dataclass(frozen=True, slots=True)
class Time:
    """Finished once `seconds` of clock time have passed since submission."""

    seconds: float

    def __post_init__(self) -> None:
        ok = not isinstance(self.seconds, bool) and isinstance(self.seconds, int | float)
        if not ok or not math.isfinite(self.seconds) or self.seconds < 0:
            raise ValueError(f"time:S needs finite seconds S >= 0, got {self.seconds!r}")

    def state(self, *, polls: int, elapsed: float) -> ProgressState:
        """Finished once `elapsed >= seconds`; progress follows the elapsed fraction."""
        if elapsed >= self.seconds:
            return ProgressState(done=True, progress=100)
        return ProgressState(done=False, progress=_clamp(int(elapsed / self.seconds * 100)))

    def finish_after(self) -> float | None:
        """After `seconds`."""
        return float(self.seconds)

    def __str__(self) -> str:
        seconds = float(self.seconds)
        return f"time:{int(seconds)}" if seconds.is_integer() else f"time:{seconds!r}"


_INT = re.compile(r"[0-9]+")
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_FORMS = "expected 'immediate', 'polls:N' (integer N >= 0) or 'time:S' (seconds S >= 0)"


def parse_progression(spec: str) -> Progression:
    """Parse a policy spec (``immediate``, ``polls:N``, ``time:S``); raise ValueError if bad.

    Surrounding blanks and the letter case of the policy name are ignored.
    """
    if not isinstance(spec, str):
        raise ValueError(f"progression spec must be a string, got {type(spec).__name__}")
    kind, sep, arg = (part.strip() for part in spec.strip().partition(":"))
    kind = kind.lower()
    if kind == "immediate" and not sep:
        return Immediate()
    if kind == "polls" and sep:
        if not _INT.fullmatch(arg):
            raise ValueError(f"bad progression {spec!r}: N in polls:N must be an integer >= 0")
        return Polls(int(arg))
    if kind == "time" and sep:
        if not _NUMBER.fullmatch(arg):
            raise ValueError(f"bad progression {spec!r}: S in time:S must be a number >= 0")
        seconds = float(arg)
        if not math.isfinite(seconds):
            raise ValueError(f"bad progression {spec!r}: S in time:S must be finite")
        return Time(seconds)
    raise ValueError(f"bad progression {spec!r}: {_FORMS}")


def _clamp(progress: int) -> int:
    return max(0, min(99, progress))
