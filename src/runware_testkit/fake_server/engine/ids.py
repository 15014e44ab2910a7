"""A seedable source of UUIDs and generation seeds, so a seeded fake answers the same every run."""

from __future__ import annotations

import random
import threading
import uuid

__all__ = ["UINT32_MAX", "IdSource"]

UINT32_MAX = 2**32 - 1


class IdSource:
    """Random version-4 UUID strings and uint32 seeds, deterministic when given a seed.

    With ``seed=None`` the source is seeded from the operating system's entropy. Safe to share
    between threads.
    """

    def __init__(self, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random()
        self._seed: int | None = None
        self.reseed(seed)

    @property
    def seed(self) -> int | None:
        """The seed last given to the source (None when it is seeded from entropy)."""
        return self._seed

    def reseed(self, seed: int | None) -> None:
        """Restart the sequence from `seed` (None: fresh entropy)."""
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise TypeError(f"seed must be an int or None, got {type(seed).__name__}")
        with self._lock:
            self._seed = seed
            self._rng.seed(seed)

    def uuid4(self) -> str:
        """Return a new UUID version 4 (RFC 4122 variant) as a lowercase hyphenated string."""
        with self._lock:
            bits = self._rng.getrandbits(128)
        return str(uuid.UUID(int=bits, version=4))

    def seed32(self) -> int:
        """Return a random integer in the unsigned 32-bit range (0 .. 2**32 - 1)."""
        with self._lock:
            return self._rng.getrandbits(32)

    def __repr__(self) -> str:
        return f"IdSource(seed={self._seed!r})"
