"""`FakeControl`: the control object of a fake in this process (the fixtures' live and in-process
fakes); `ControlBase` holds what it shares with `RemoteFake`.

It acts on the fake's `ServerState` directly (both fixtures run the fake in the test's own
process), so every call is synchronous and needs no HTTP round trip; the HTTP control API under
``/__testkit`` stays available to clients in other processes. Reads that depend on background
work (webhooks, uploads, the journal) first wait, bounded, for that work to finish.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Coroutine
from typing import Any

from ..fake_server.faults.scenarios import Scenario, check_error_code, describe_error
from ..fake_server.outbound.delivery import Delivery
from ..fake_server.replay.session import ReplaySession
from ..fake_server.state import ServerState
from .control_base import ControlBase
from .options import FakeOptions

__all__ = ["DRAIN_TIMEOUT", "FakeControl"]

DRAIN_TIMEOUT = 10.0
"""Longest wait (seconds) for background work (webhooks, uploads) before a read."""


async def _no_wait(seconds: float) -> None:
    """Stands in for the wait between webhook retries: tests never sleep for real."""
    await asyncio.sleep(0)


def _replay(options: FakeOptions) -> ReplaySession | None:
    """The replay session of `options`' cassettes; a `CassetteError` (a ValueError naming the
    file and line) for a bad one."""
    if not options.cassette:
        return None
    from ..fake_server.replay.load import load_session

    return load_session(
        options.cassette, strict=options.replay == "strict", timing=options.replay_timing
    )


class FakeControl(ControlBase):
    """A fake in this process, driven through its `ServerState` directly (no HTTP).

    Subclasses say where the fake is reachable (`base_url`, `origin`, `ws_url`) and how to run
    a coroutine on its event loop (`_run`).
    """

    def __init__(self, state: ServerState, options: FakeOptions | None = None) -> None:
        self.state = state
        self._base_config = state.config
        self.options = options if options is not None else FakeOptions()
        self._install_delivery()

    # -- lifecycle -----------------------------------------------------------------------------

    def reset(self, options: FakeOptions | None = None, **changes: Any) -> None:
        """Forget everything (tasks, media, journal, scenarios, sink) and apply `options`
        (default: the current ones) with `changes` (`FakeOptions` field names)."""
        options = options if options is not None else self.options
        if changes:
            options = options.merged(changes, where="reset() option")
        self.drain()
        state = self.state
        state.reset()
        clock = state.clock
        use = getattr(clock, "use", None)
        if callable(use):
            use(options.clock)
        elif options.clock == "manual" and not callable(getattr(clock, "advance", None)):
            raise ValueError("this fake was built on the wall clock; it cannot switch to manual")
        keys = self._base_config.api_keys if options.api_keys is None else options.api_keys
        state.config = self._base_config.replace(
            api_keys=frozenset(keys), error_reply=options.errors
        )
        state.engine.default_progression = options.progression
        state.engine.reseed(options.seed)
        state.replay = _replay(options)
        for scenario in options.scenarios:
            state.scenarios.add(scenario)
        self._install_delivery()
        self.options = options

    def drain(self, timeout: float = DRAIN_TIMEOUT) -> None:
        """Wait (at most `timeout` seconds) for background work: webhooks, upload PUTs."""
        if self.state.pending_jobs():
            self._run(lambda: self.state.drain(timeout), timeout + 5.0)

    def _run(self, factory: Callable[[], Coroutine[Any, Any, Any]], timeout: float) -> Any:
        """Run the coroutine made by `factory` to completion from synchronous code."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(factory())
        with concurrent.futures.ThreadPoolExecutor(1, "testkit-control") as pool:
            return pool.submit(lambda: asyncio.run(factory())).result(timeout)

    def _off_loop(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Call `fn` where no event loop runs, so the background work it may start (a task
        finishing sends its webhooks) goes to the fake's own loop, never to the test's."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return fn(*args)
        with concurrent.futures.ThreadPoolExecutor(1, "testkit-control") as pool:
            return pool.submit(fn, *args).result()

    def _install_delivery(self) -> None:
        state = self.state
        state.delivery = Delivery(
            state.journal, state.allowlist.entries, state.http_client, sleep=_no_wait
        )

    # -- reading -------------------------------------------------------------------------------

    def journal(self, kind: str | None = None, *, since: int = 0) -> list[dict[str, Any]]:
        """Journal entries (``request``, ``response``, ``frame_in``, ``frame_out``,
        ``webhook_attempt``, ``upload_attempt``, ``scenario``, ``error``), oldest first."""
        self.drain()
        return self.state.journal.entries(kind, since=since)

    def _raw_journal(self) -> list[dict[str, Any]]:
        return self.state.journal.entries()

    def now(self) -> float:
        """The fake's clock (Unix seconds)."""
        return self.state.clock.now()

    def tasks(self, status: str | None = None, model: str | None = None) -> list[dict[str, Any]]:
        """The tasks the fake accepted (as dicts: ``task_uuid``, ``status``, ``request``,
        ``results``, ``error`` ...), in submission order, states brought up to date."""
        records = self._off_loop(self.state.engine.all_tasks)
        return [
            record.to_dict()
            for record in records
            if (status is None or record.status == status)
            and (model is None or record.model == model)
        ]

    def task(self, task_uuid: str) -> dict[str, Any]:
        """One accepted task as a dict (`TaskNotFound` if the fake has none with this UUID)."""
        return self._off_loop(self.state.engine.peek, task_uuid).to_dict()

    def webhooks(self, name: str = "default") -> list[dict[str, Any]]:
        """What the sink `name` received by POST (``body``, ``headers``, ``query``, ``status``
        it answered, ``time``), oldest first."""
        self.drain()
        return [e for e in self.state.sink.received(name) if e.get("method") != "PUT"]

    def uploads(self, name: str = "uploads") -> list[dict[str, Any]]:
        """What the sink `name` received by PUT (``data`` bytes, ``content_type``, ``size``,
        ``sha256`` ...), oldest first."""
        self.drain()
        return [e for e in self.state.sink.received(name) if e.get("method") == "PUT"]

    # -- driving -------------------------------------------------------------------------------

    def advance(self, seconds: float) -> dict[str, Any]:
        """Move the manual clock forward and finish the tasks whose time has come.

        Returns ``{"now": new time, "finished": [taskUUID, ...]}`` like the control API.
        """
        advance = getattr(self.state.clock, "advance", None)
        if not callable(advance):
            raise RuntimeError(
                "advance() needs the manual clock; mark the test with "
                "@pytest.mark.runware(clock='manual') or call reset(clock='manual')"
            )
        now = advance(seconds)
        finished = self._off_loop(self.state.engine.settle)
        self._off_loop(self.state.clock_moved)
        return {"now": now, "finished": [record.task_uuid for record in finished]}

    def complete(self, task_uuid: str) -> dict[str, Any]:
        """Finish a processing task with success now; the task as a dict."""
        return self._off_loop(self.state.engine.complete, task_uuid).to_dict()

    def fail(self, task_uuid: str, code: str, message: str | None = None) -> dict[str, Any]:
        """Finish a processing task with Runware error `code` now; the task as a dict.

        Raises ValueError for a code the kit does not know (with the closest known one).
        """
        __tracebackhide__ = True
        try:
            check_error_code(code)
        except ValueError as exc:
            raise exc.with_traceback(None) from None
        _, text = describe_error(code, message)
        return self._off_loop(self.state.engine.fail, task_uuid, code, text).to_dict()

    def scenario(self, **fields: Any) -> Scenario:
        """Queue a `Scenario` built from `fields` (its field names); return it.

        Raises ValueError naming a bad field or value (an unknown error code with the closest
        known one), reported at the caller's line.
        """
        __tracebackhide__ = True
        try:
            scenario = Scenario.from_dict(fields)
        except ValueError as exc:
            raise exc.with_traceback(None) from None
        return self.state.scenarios.add(scenario)

    def scenarios(self) -> list[Scenario]:
        """The scenarios still queued."""
        return self.state.scenarios.pending()

    def clear_scenarios(self) -> int:
        """Drop every queued scenario; how many there were."""
        return self.state.scenarios.clear()

    def seed(self, n: int | None) -> None:
        """Restart the UUID and result-seed sequence from `n` (None: fresh entropy)."""
        self.state.engine.reseed(n)

    def fail_webhooks(self, name: str = "default", times: int = 1, status: int = 500) -> None:
        """Make the sink `name` answer its next `times` requests with HTTP `status`."""
        self.state.sink.fail_next(name, times, status)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.base_url}>"
