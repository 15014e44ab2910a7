"""`ControlBase`: what every fake's control object offers, whatever way it reaches the fake.

`FakeControl` acts on a fake in the test's own process; `RemoteFake` drives one in another
process over the HTTP control API (`connect`). Both give the same methods (URLs, journal,
tasks, clock, scenarios, webhooks, assertions); this class holds the part written once on top
of the primitives each subclass supplies.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from typing import Any

from ..fake_server.control.sink import SINK_PATH, valid_sink_name
from ..fake_server.faults.scenarios import Scenario
from . import assertions
from .options import FakeOptions
from .spend import Spend, spend_of

__all__ = ["ControlBase"]

_MATCH_KEYS = {
    "model": "model",
    "task_uuid": "task_uuid",
    "taskUUID": "task_uuid",
    "task_type": "task_type",
    "taskType": "task_type",
    "prompt_contains": "prompt_contains",
    "positivePrompt": "prompt_contains",
}


class ControlBase:
    """Drive and inspect one fake Runware server: the control API as Python methods.

    Subclasses supply where the fake is (`origin`, `base_url`, `ws_url`) and the primitives
    (`journal`, `tasks`, `task`, `webhooks`, `uploads`, `now`, `advance`, `complete`, `fail`,
    `scenario`, `scenarios`, `clear_scenarios`, `seed`, `fail_webhooks`, `reset`, `drain`).
    """

    mode: str = "fake"
    """``"server"`` (live, on a socket), ``"mock"`` (in-process), ``"remote"`` (another
    process, through `connect` or ``--runware-url``); ``"live"`` for the real API."""

    options: FakeOptions

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

    # -- reading -------------------------------------------------------------------------------

    def journal(self, kind: str | None = None, *, since: int = 0) -> list[dict[str, Any]]:
        """Journal entries (``request``, ``response``, ``frame_in``, ``frame_out``,
        ``webhook_attempt``, ``upload_attempt``, ``scenario``, ``error``), oldest first."""
        raise NotImplementedError

    def _raw_journal(self) -> list[dict[str, Any]]:
        """Every journal entry, without waiting for background work."""
        return self.journal()

    def now(self) -> float:
        """The fake's clock (Unix seconds)."""
        raise NotImplementedError

    def tasks(self, status: str | None = None, model: str | None = None) -> list[dict[str, Any]]:
        """The tasks the fake accepted, as dicts, in submission order."""
        raise NotImplementedError

    def scenario(self, **fields: Any) -> Scenario:
        """Queue a `Scenario` built from `fields` (its field names); return it."""
        raise NotImplementedError

    @property
    def spend(self) -> Spend:
        """What this test's tasks would have cost on the live API (`spend.Spend`: total USD,
        per model, per API key), priced by the kit's rule."""
        return spend_of(self.tasks())

    def requests(self) -> list[dict[str, Any]]:
        """Every task object the fake received (REST bodies and WebSocket messages), in order;
        `authentication`, `ping` and `getResponse` tasks included."""
        found: list[dict[str, Any]] = []
        for entry in self._raw_journal():
            if entry["kind"] == "request":
                body = entry.get("body")
            elif entry["kind"] == "frame_in":
                body = entry.get("data")
            else:
                continue
            if isinstance(body, list):
                found.extend(task for task in body if isinstance(task, dict))
        return found

    # -- driving -------------------------------------------------------------------------------

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

    def assert_spend_below(self, usd: float) -> Spend:
        """Assert this test's tasks would have cost less than `usd` USD live; return the
        `Spend`. The message gives the total and the cost per model."""
        __tracebackhide__ = True
        spend = self.spend
        if not spend.total_usd < usd:
            raise AssertionError(
                f"the tasks of this test would have cost {spend.describe()} on the live API, "
                f"not below ${usd:.4f}"
            )
        return spend

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.base_url}>"
