"""`FakeControl`: the Python mirror of the control API, shared by the live and in-process fakes.

It acts on the fake's `ServerState` directly (both fixtures run the fake in the test's own
process), so every call is synchronous and needs no HTTP round trip; the HTTP control API under
``/__testkit`` stays available to clients in other processes. Reads that depend on background
work (webhooks, uploads, the journal) first wait, bounded, for that work to finish.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import urllib.parse
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from ..fake_server.control.sink import SINK_PATH, valid_sink_name
from ..fake_server.faults.scenarios import Scenario, check_error_code, describe_error
from ..fake_server.outbound.delivery import Delivery
from ..fake_server.state import ServerState
from . import assertions
from .options import FakeOptions

__all__ = ["DRAIN_TIMEOUT", "FakeControl"]

DRAIN_TIMEOUT = 10.0
"""Longest wait (seconds) for background work (webhooks, uploads) before a read."""

_MATCH_KEYS = {
    "model": "model",
    "task_uuid": "task_uuid",
    "taskUUID": "task_uuid",
    "task_type": "task_type",
    "taskType": "task_type",
    "prompt_contains": "prompt_contains",
    "positivePrompt": "prompt_contains",
}


async def _no_wait(seconds: float) -> None:
    """Stands in for the wait between webhook retries: tests never sleep for real."""
    await asyncio.sleep(0)


class FakeControl:
    """Drive and inspect one fake Runware server: the control API as Python methods.

    Subclasses say where the fake is reachable (`base_url`, `origin`, `ws_url`) and how to run
    a coroutine on its event loop (`_run`).
    """

    mode: str = "fake"
    """``"server"`` (live, on a socket) or ``"mock"`` (in-process); ``"live"`` for the real API."""

    def __init__(self, state: ServerState, options: FakeOptions | None = None) -> None:
        self.state = state
        self._base_config = state.config
        self.options = options if options is not None else FakeOptions()
        self._install_delivery()

    # -- where the fake is ---------------------------------------------------------------------

    @property
    def origin(self) -> str:
        """Scheme, host and port of the fake, e.g. ``http://127.0.0.1:51234``."""
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        """The REST endpoint clients should use (``.../v1``)."""
        raise NotImplementedError

    @property
    def ws_url(self) -> str:
        """The WebSocket endpoint clients should use (``ws://.../v1``)."""
        raise NotImplementedError

    @property
    def api_key(self) -> str:
        """An API key the fake accepts in this test."""
        return self.options.api_key

    def webhook_url(self, name: str = "default", *, fail: int = 0, fail_status: int = 500) -> str:
        """A URL of the built-in sink: give it as ``webhookURL``; read it with `webhooks`.

        ``fail=N`` makes the sink answer the first N requests with HTTP `fail_status`.
        """
        if not valid_sink_name(name):
            raise ValueError(
                f"sink names are 1-128 characters of A-Z a-z 0-9 . _ ~ -, got {name!r}"
            )
        url = f"{self.origin}{SINK_PATH}/{name}"
        query = {}
        if fail:
            query["fail"] = str(fail)
            if fail_status != 500:
                query["fail_status"] = str(fail_status)
        return url + ("?" + urllib.parse.urlencode(query) if query else "")

    def upload_url(self, name: str = "uploads", *, fail: int = 0, fail_status: int = 500) -> str:
        """A sink URL to give as ``uploadEndpoint``; read what it got with `uploads`."""
        return self.webhook_url(name, fail=fail, fail_status=fail_status)

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
        state.config = self._base_config.replace(api_keys=frozenset(keys))
        state.engine.default_progression = options.progression
        state.engine.reseed(options.seed)
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

    def requests(self) -> list[dict[str, Any]]:
        """Every task object the fake received (REST bodies and WebSocket messages), in order;
        `authentication`, `ping` and `getResponse` tasks included."""
        found: list[dict[str, Any]] = []
        for entry in self.state.journal.entries():
            if entry["kind"] == "request":
                body = entry.get("body")
            elif entry["kind"] == "frame_in":
                body = entry.get("data")
            else:
                continue
            if isinstance(body, list):
                found.extend(task for task in body if isinstance(task, dict))
        return found

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

    def fail_next(
        self,
        code: str,
        *,
        match: str | Mapping[str, Any] | None = None,
        phase: str = "submit",
        message: str | None = None,
        times: int | None = 1,
        http_status: int | None = None,
    ) -> Scenario:
        """Make the next matching task fail with Runware error `code`.

        `match` picks the tasks: a string is looked for in ``positivePrompt``; a dict may hold
        ``model``, ``taskUUID``, ``taskType`` and ``positivePrompt`` (substring) or the
        `Scenario` field names. ``phase="processing"`` accepts the task and fails it later.
        A `code` the kit does not know raises ValueError with the closest known one ("did you
        mean"); give `http_status` too to inject a code the kit does not list.
        """
        __tracebackhide__ = True
        fields: dict[str, Any] = {}
        if isinstance(match, str):
            fields["prompt_contains"] = match
        elif match is not None:
            for key, value in match.items():
                if key not in _MATCH_KEYS:
                    raise ValueError(
                        f"fail_next(match=...) knows {', '.join(sorted(_MATCH_KEYS))}; got {key!r}"
                    )
                fields[_MATCH_KEYS[key]] = value
        return self.scenario(
            error_code=code,
            error_message=message,
            phase=phase,
            times=times,
            http_status=http_status,
            **fields,
        )

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

    # -- assertions ----------------------------------------------------------------------------

    def assert_task_submitted(
        self, model: str | None = None, *, count: int | None = None, **fields: Any
    ) -> dict[str, Any]:
        """Assert a task with `model` and `fields` (subset match) was sent; return it.

        See `assertions.assert_task_submitted`.
        """
        __tracebackhide__ = True
        return assertions.assert_task_submitted(self, model, count=count, **fields)

    def assert_webhook_delivered(
        self, target: str = "default", *, count: int | None = None, status: int | str | None = None
    ) -> list[dict[str, Any]]:
        """Assert webhooks reached `target` (a sink name or a URL); see
        `assertions.assert_webhook_delivered`."""
        __tracebackhide__ = True
        return assertions.assert_webhook_delivered(self, target, count=count, status=status)

    def assert_all_tasks_valid(self) -> None:
        """Assert every task the fake received passes the contract; see
        `assertions.assert_all_tasks_valid`."""
        __tracebackhide__ = True
        assertions.assert_all_tasks_valid(self)

    def assert_no_unfinished_tasks(self) -> None:
        """Assert no accepted task is still processing; see
        `assertions.assert_no_unfinished_tasks`."""
        __tracebackhide__ = True
        assertions.assert_no_unfinished_tasks(self)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.base_url}>"
