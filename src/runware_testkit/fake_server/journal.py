"""The journal: a bounded, thread-safe log of what the fake server saw and did.

Every entry is a plain dict with ``kind``, ``seq`` (1, 2, 3 ... never reused, not even after
`Journal.clear`), ``time`` (the server clock's `now()`) and the fields given to `Journal.record`.
Kinds the server writes are listed in `KINDS`; any other non-empty string is accepted too.

When more than ``max_entries`` entries are held the oldest are dropped; `Journal.dropped`
counts them, so a reader can tell that the log it sees is incomplete.

Entries are held packed: the fields of each as one `marshal` string (zlib-compressed when
longer than `COMPRESS_OVER` bytes, e.g. a request of 100 tasks), unpacked into fresh dicts by
`Journal.entries`. Recording copies nothing in Python and a full journal holds its bodies in
about a tenth of the memory live dicts took; fields `marshal` cannot write are kept as a deep
copy.
"""

from __future__ import annotations

import copy
import marshal
import threading
import zlib
from collections import deque
from typing import Any

from .engine.clock import Clock, SystemClock

__all__ = ["DEFAULT_MAX_ENTRIES", "KINDS", "Journal"]

DEFAULT_MAX_ENTRIES = 10_000

KINDS: tuple[str, ...] = (
    "request",
    "response",
    "frame_in",
    "frame_out",
    "webhook_attempt",
    "upload_attempt",
    "scenario",
)
"""The kinds of entry the fake server records."""

_RESERVED = frozenset({"seq", "time"})
COMPRESS_OVER = 2048
"""Packed fields longer than this many bytes are kept zlib-compressed."""
_PACKED, _COMPRESSED, _COPIED = 0, 1, 2


class Journal:
    """A bounded log of entries, each stamped with a sequence number and the clock's time."""

    def __init__(self, clock: Clock | None = None, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1:
            raise ValueError(f"max_entries must be an integer >= 1, got {max_entries!r}")
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.max_entries = max_entries
        self._entries: deque[tuple[str, int, float, int, Any]] = deque()
        """(kind, seq, time, how the fields are held, the fields) per entry."""
        self._lock = threading.Lock()
        self._seq = 0
        self._dropped = 0
        self._kinds: set[str] = set()
        self._clears = 0

    def record(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Append an entry of `kind` with `fields`; return a copy of it (with ``seq``, ``time``).

        ``seq`` and ``time`` are set by the journal and may not be passed as fields.
        """
        if not isinstance(kind, str) or not kind:
            raise ValueError(f"kind must be a non-empty string, got {kind!r}")
        reserved = _RESERVED.intersection(fields)
        if reserved:
            raise ValueError(f"journal fields {sorted(reserved)} are set by the journal itself")
        now = self.clock.now()
        held = _pack(fields)
        with self._lock:
            self._seq += 1
            seq = self._seq
            self._entries.append((kind, seq, now, *held))
            self._kinds.add(kind)
            while len(self._entries) > self.max_entries:
                self._entries.popleft()
                self._dropped += 1
        if held[0] == _COPIED:
            return {"kind": kind, "seq": seq, "time": now, **copy.deepcopy(fields)}
        # the journal holds its own packed copy: the caller's values may be handed back
        return {"kind": kind, "seq": seq, "time": now, **fields}

    def entries(self, kind: str | None = None, *, since: int = 0) -> list[dict[str, Any]]:
        """Copies of the held entries with ``seq > since``, oldest first, of one `kind` or all.

        Pass the ``seq`` of the last entry already seen as `since` to read only newer ones.
        """
        if isinstance(since, bool) or not isinstance(since, int):
            raise TypeError(f"since must be an int, got {type(since).__name__}")
        with self._lock:
            picked = [
                entry
                for entry in self._entries
                if entry[1] > since and (kind is None or entry[0] == kind)
            ]
        return [
            {"kind": name, "seq": seq, "time": time, **_unpack(how, held)}
            for name, seq, time, how, held in picked
        ]

    def clear(self) -> None:
        """Drop every entry and reset `dropped`; sequence numbers keep counting up."""
        with self._lock:
            self._entries.clear()
            self._dropped = 0
            self._kinds.clear()
            self._clears += 1

    @property
    def dropped(self) -> int:
        """How many entries were dropped to stay within `max_entries` since the last clear."""
        with self._lock:
            return self._dropped

    @property
    def last_seq(self) -> int:
        """The ``seq`` of the most recent entry ever recorded (0 before the first)."""
        with self._lock:
            return self._seq

    @property
    def clears(self) -> int:
        """How many times `clear` was called: a reader caching entries rereads when it moves."""
        with self._lock:
            return self._clears

    def kinds(self) -> set[str]:
        """The kinds recorded since the last clear."""
        with self._lock:
            return set(self._kinds)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __repr__(self) -> str:
        return f"Journal(entries={len(self)}, max_entries={self.max_entries})"


def _pack(fields: dict[str, Any]) -> tuple[int, Any]:
    """How an entry's fields are held, and the held form (see the module docstring)."""
    try:
        packed = marshal.dumps(fields)
    except ValueError:
        return _COPIED, copy.deepcopy(fields)
    if len(packed) > COMPRESS_OVER:
        return _COMPRESSED, zlib.compress(packed, 1)
    return _PACKED, packed


def _unpack(how: int, held: Any) -> dict[str, Any]:
    """Fresh fields from what `_pack` held."""
    if how == _PACKED:
        return marshal.loads(held)
    if how == _COMPRESSED:
        return marshal.loads(zlib.decompress(held))
    return copy.deepcopy(held)
