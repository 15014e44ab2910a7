"""WebSocket sessions: what a connection was doing, so a reconnect can pick it up again.

A session is created by a successful ``authentication`` message and named by its
``connectionSessionUUID``. It remembers the tasks submitted through it, which of them already
had their final result delivered, and any frame the server could not send because the socket
had gone. When the connection closes the session is *detached*; a client that authenticates
again with ``"connectionSessionUUID": <uuid>`` within the resume window (default 120 s on the
engine clock) gets the same session back, and with it every undelivered frame and the final
result of every task of the session that has finished but was never delivered. After the
window the session is forgotten and the reconnect simply starts a new session.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Session", "SessionRegistry"]


@dataclass
class Session:
    """One WebSocket session (it may outlive the connection that created it)."""

    uuid: str
    api_key: str
    task_uuids: list[str] = field(default_factory=list)
    delivered: set[str] = field(default_factory=set)
    """Tasks whose final result (success or error) reached the client."""
    pending: list[dict[str, Any]] = field(default_factory=list)
    """Frames that could not be sent; replayed in order on resume."""
    attached: bool = True
    detached_at: float | None = None

    def note_task(self, task_uuid: str) -> None:
        """Remember a task submitted through this session."""
        if task_uuid not in self.task_uuids:
            self.task_uuids.append(task_uuid)

    def undelivered_tasks(self) -> list[str]:
        """Tasks of this session whose final result has not been delivered yet."""
        return [uuid for uuid in self.task_uuids if uuid not in self.delivered]


class SessionRegistry:
    """All sessions of a server, keyed by ``connectionSessionUUID``; thread-safe."""

    def __init__(self, *, now: Callable[[], float], window: float, new_uuid: Callable[[], str]):
        self._now = now
        self._new_uuid = new_uuid
        self.window = window
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}

    def open(self, api_key: str, resume: str | None = None) -> tuple[Session, bool]:
        """Attach a session for `api_key`: the one named `resume` if it can be resumed
        (same key, detached, within the window), else a new one. Returns (session, resumed)."""
        with self._lock:
            self._sweep()
            if isinstance(resume, str):
                old = self._sessions.get(resume)
                if old is not None and old.api_key == api_key and not old.attached:
                    old.attached = True
                    old.detached_at = None
                    return old, True
            session = Session(uuid=self._new_uuid(), api_key=api_key)
            self._sessions[session.uuid] = session
            return session, False

    def detach(self, session: Session) -> None:
        """Mark the session's connection as gone; the resume window starts now."""
        with self._lock:
            session.attached = False
            session.detached_at = self._now()

    def get(self, session_uuid: str) -> Session | None:
        """The live (not expired) session with this UUID, or None."""
        with self._lock:
            self._sweep()
            return self._sessions.get(session_uuid)

    def clear(self) -> None:
        """Forget every session."""
        with self._lock:
            self._sessions.clear()

    def __len__(self) -> int:
        with self._lock:
            self._sweep()
            return len(self._sessions)

    def __iter__(self):
        with self._lock:
            self._sweep()
            return iter(list(self._sessions.values()))

    def _sweep(self) -> None:
        now = self._now()
        expired = [
            uuid
            for uuid, session in self._sessions.items()
            if not session.attached
            and session.detached_at is not None
            and now - session.detached_at > self.window
        ]
        for uuid in expired:
            del self._sessions[uuid]
