"""A simulated model queue: capacity, drain rate and the 429 / 503 / 504 it answers when full.

Runware has no hard rate limits: tasks wait in shared per-model queues, and under load the API
answers 429 (queue capacity exceeded), 503 (temporary capacity) or 504 (maximum queue wait
exceeded) [C, PROTOCOL.md "Limits"]. `CapacityQueue` models one such queue on the fake's clock
(a leaky bucket), so a client's backoff can be tested without real load:

- the queue holds at most ``capacity`` tasks; each admitted task adds one;
- it drains at ``drain_per_s`` tasks per second of the fake clock (the wall clock, or a manual
  clock the test moves with ``advance``);
- a task arriving when the queue is full is refused with ``full_status`` (429
  ``rateLimitExceeded`` or 503 ``serviceUnavailable``) and ``Retry-After``: the whole seconds
  until one place frees;
- with ``max_wait_s`` set, a task the client waits on (``deliveryMethod: "sync"``) whose turn
  would come later than that (the tasks ahead of it divided by the drain rate) is refused with
  504 ``timeout`` (the maximum queue wait); an async task is only refused when the queue is
  full.

The ``Retry-After`` value, the 504 rule and the error codes are the kit's choices: Runware
documents the statuses, not their headers or codes [U].
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

__all__ = ["FULL_STATUSES", "CapacityQueue", "QueueRefusal"]

FULL_STATUSES = (429, 503)
"""The statuses a full queue may answer with."""

_FULL_CODES = {429: "rateLimitExceeded", 503: "serviceUnavailable"}


@dataclass(frozen=True, slots=True)
class QueueRefusal:
    """Why a task was not admitted: HTTP ``status``, Runware ``code``, ``message`` and the
    whole seconds the client should wait (``retry_after``, None for a 504)."""

    status: int
    code: str
    message: str
    retry_after: int | None


class CapacityQueue:
    """One simulated queue (see the module docstring). Thread-safe.

    ``capacity``: tasks (>= 1); ``drain_per_s``: tasks per second (> 0); ``full_status``: 429
    or 503; ``max_wait_s``: seconds (> 0) or None. Raises ValueError on a bad value.
    """

    def __init__(
        self,
        capacity: int,
        drain_per_s: float = 1.0,
        full_status: int = 429,
        max_wait_s: float | None = None,
    ) -> None:
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            raise ValueError(f"queue_capacity must be an integer >= 1, got {capacity!r}")
        if not _positive(drain_per_s):
            raise ValueError(f"queue_drain_per_s must be a number > 0, got {drain_per_s!r}")
        if full_status not in FULL_STATUSES:
            raise ValueError(f"queue_full_status must be 429 or 503, got {full_status!r}")
        if max_wait_s is not None and not _positive(max_wait_s):
            raise ValueError(f"queue_max_wait_s must be a number > 0 or null, got {max_wait_s!r}")
        self.capacity = capacity
        self.drain_per_s = float(drain_per_s)
        self.full_status = full_status
        self.max_wait_s = None if max_wait_s is None else float(max_wait_s)
        self._level = 0.0
        self._at: float | None = None
        self._lock = threading.Lock()

    def level(self, now: float) -> float:
        """Tasks in the queue at `now` (Unix seconds on the fake clock)."""
        with self._lock:
            return self._drained(now)

    def admit(self, now: float, *, sync: bool = False) -> QueueRefusal | None:
        """Admit one task at `now`; None when admitted, else the refusal. `sync`: the client
        waits on the answer (only such a task can exceed ``max_wait_s``)."""
        with self._lock:
            level = self._drained(now)
            if sync and self.max_wait_s is not None:
                wait = level / self.drain_per_s
                if wait > self.max_wait_s:
                    return QueueRefusal(
                        504,
                        "timeout",
                        f"The task would wait {wait:g} s in the queue; the maximum queue wait "
                        f"is {self.max_wait_s:g} s.",
                        None,
                    )
            if level + 1 > self.capacity + 1e-9:
                retry = max(1, math.ceil((level + 1 - self.capacity) / self.drain_per_s))
                return QueueRefusal(
                    self.full_status,
                    _FULL_CODES[self.full_status],
                    f"The model's queue is full ({self.capacity} tasks); retry after {retry} s.",
                    retry,
                )
            self._level = level + 1
            return None

    def _drained(self, now: float) -> float:
        if self._at is not None and now > self._at:
            self._level = max(0.0, self._level - (now - self._at) * self.drain_per_s)
        if self._at is None or now > self._at:
            self._at = now
        return self._level


def _positive(value: object) -> bool:
    return (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and math.isfinite(value)
        and value > 0
    )
