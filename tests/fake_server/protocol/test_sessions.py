"""WebSocket session registry: open, resume, expiry on the clock."""

from __future__ import annotations

import itertools

from runware_testkit.fake_server.engine.clock import ManualClock
from runware_testkit.fake_server.protocol.sessions import SessionRegistry


def registry(clock: ManualClock, window: float = 120.0) -> SessionRegistry:
    counter = itertools.count(1)
    return SessionRegistry(now=clock.now, window=window, new_uuid=lambda: f"s{next(counter)}")


def test_open_gives_new_sessions() -> None:
    reg = registry(ManualClock())
    first, resumed = reg.open("k")
    second, _ = reg.open("k")
    assert (first.uuid, second.uuid, resumed) == ("s1", "s2", False)
    assert len(reg) == 2


def test_detached_session_resumes_within_the_window() -> None:
    clock = ManualClock()
    reg = registry(clock)
    session, _ = reg.open("k")
    session.note_task("t1")
    reg.detach(session)
    clock.advance(120)
    again, resumed = reg.open("k", session.uuid)
    assert resumed and again is session and again.attached
    assert again.undelivered_tasks() == ["t1"]


def test_resume_needs_the_same_key_and_a_detached_session() -> None:
    reg = registry(ManualClock())
    session, _ = reg.open("k")
    assert reg.open("k", session.uuid)[1] is False  # still attached elsewhere
    reg.detach(session)
    assert reg.open("other", session.uuid)[1] is False


def test_session_expires_after_the_window() -> None:
    clock = ManualClock()
    reg = registry(clock, window=10)
    session, _ = reg.open("k")
    reg.detach(session)
    clock.advance(10.5)
    assert reg.get(session.uuid) is None
    assert reg.open("k", session.uuid)[1] is False


def test_delivered_tasks_are_not_pending() -> None:
    session, _ = registry(ManualClock()).open("k")
    for uuid in ("a", "b", "a"):
        session.note_task(uuid)
    session.delivered.add("a")
    assert session.undelivered_tasks() == ["b"]
