"""`connect` / `RemoteFake`: drive a fake running in another process over its HTTP control API.

A fake started with ``runware-testkit serve`` (another terminal, a CI service, a teammate's
machine) is driven with the same methods as the fixtures' fakes (journal, tasks, advance,
complete, fail, fail_next, scenarios, webhooks, uploads, the assertions)::

    from runware_testkit.testing import connect

    server = connect("http://127.0.0.1:8765", token=None)
    with server.namespace(progression="polls:2") as fake:   # an isolated fake of its own
        client = MyClient(base_url=fake.base_url, api_key=fake.api_key)
        ...
        fake.assert_task_submitted(model="runway:2@1")

`connect(url)` drives the server's own fake (what ``/v1`` answers); `RemoteFake.namespace`
creates a namespace (``/ns/<name>/``, see `fake_server.namespaces`) that no other client of
the server sees, and closes it when the block ends. The ``--runware-url`` option of the pytest
plugin gives each test such a namespace.

Errors: a fake that cannot be reached raises `RemoteFakeError` saying how to start one; a
refused call (wrong token, bad value) raises it with the server's Runware error; an unknown
taskUUID raises the engine's `TaskNotFound` and a finished task `TaskFinished`, as in-process.
"""

from __future__ import annotations

import contextlib
import os
import urllib.parse
from collections.abc import Iterator
from typing import Any

import httpx

from ..fake_server.config import DEV_API_KEY
from ..fake_server.control.api import PREFIX, TOKEN_HEADER
from ..fake_server.control.sink import SINK_PATH, valid_sink_name
from ..fake_server.engine.errors import TaskFinished, TaskNotFound
from ..fake_server.faults.scenarios import Scenario, check_error_code
from ..fake_server.namespaces import NAMESPACE_PREFIX
from .control_base import ControlBase
from .options import FakeOptions

__all__ = ["TOKEN_ENV", "URL_ENV", "RemoteFake", "RemoteFakeError", "connect"]

URL_ENV = "RUNWARE_TESTKIT_URL"
"""Environment variable: the URL of a running fake (what ``--runware-url`` defaults to)."""
TOKEN_ENV = "RUNWARE_TESTKIT_CONTROL_TOKEN"
"""Environment variable: the control token (what ``--runware-token`` and `connect` default to;
``serve`` reads the same one)."""
DEFAULT_TIMEOUT = 30.0
"""Seconds a control call may take (a drain waits up to `DRAIN_TIMEOUT` more)."""
DRAIN_TIMEOUT = 10.0


class RemoteFakeError(RuntimeError):
    """A fake in another process could not be reached, or refused a control call.

    ``error`` holds the server's Runware error object when it answered one.
    """

    def __init__(self, message: str, error: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.error = error or {}


def connect(
    url: str | None = None,
    token: str | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    check: bool = True,
) -> RemoteFake:
    """The control object of the fake at `url` (default: ``$RUNWARE_TESTKIT_URL``).

    `url` is the server's address, e.g. ``http://127.0.0.1:8765``; a trailing ``/v1`` or
    ``/__testkit`` is ignored, and a namespace's URL (``.../ns/<name>``) drives that namespace.
    `token` (default ``$RUNWARE_TESTKIT_CONTROL_TOKEN``) is sent as ``X-Testkit-Token``.
    With `check`, the fake is asked for ``/__testkit/health`` first, so a wrong URL or token
    fails here with `RemoteFakeError` rather than at the first call.
    """
    url = url or os.environ.get(URL_ENV, "").strip()
    if not url:
        raise RemoteFakeError(
            f"connect() needs the URL of a running fake (e.g. http://127.0.0.1:8765) or "
            f"${URL_ENV}; start one with `runware-testkit serve`"
        )
    if token is None:
        token = os.environ.get(TOKEN_ENV, "").strip() or None
    fake = RemoteFake(url, token, timeout=timeout)
    if check:
        fake.health()
    return fake


class RemoteFake(ControlBase):
    """A fake in another process, driven over HTTP: the same methods as the fixtures' fakes.

    Uploads read back over HTTP carry ``size``, ``sha256`` and ``content_type`` but not the
    bytes themselves (``data``).
    """

    mode = "remote"

    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        options: FakeOptions | None = None,
        api_key: str | None = None,
        owned_namespace: str | None = None,
    ) -> None:
        self._server, self._prefix = _split(url)
        self.token = token
        self.timeout = timeout
        self.options = options if options is not None else FakeOptions()
        self._api_key = api_key
        self._owned = owned_namespace
        headers = {TOKEN_HEADER: token} if token else {}
        self._http = httpx.Client(headers=headers, timeout=timeout, trust_env=False)

    # -- where the fake is ---------------------------------------------------------------------

    @property
    def server_url(self) -> str:
        """The server's address (scheme, host, port), without any namespace."""
        return self._server

    @property
    def namespace_name(self) -> str | None:
        """The namespace this object drives (None: the server's own fake)."""
        prefix = NAMESPACE_PREFIX + "/"
        return self._prefix[len(prefix) :] if self._prefix.startswith(prefix) else None

    @property
    def origin(self) -> str:
        """Where this fake's routes start: the server, plus ``/ns/<name>`` for a namespace."""
        return self._server + self._prefix

    @property
    def base_url(self) -> str:
        """The REST endpoint clients should use (``.../v1``)."""
        return self.origin + "/v1"

    @property
    def ws_url(self) -> str:
        """The WebSocket endpoint clients should use (``ws://.../v1``)."""
        return "ws" + self.base_url[len("http") :]

    @property
    def api_key(self) -> str:
        """An API key this fake accepts."""
        if self._api_key is not None:
            return self._api_key
        return self.options.api_key

    # -- the HTTP calls ------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        timeout: float | None = None,
        root: bool = False,
    ) -> Any:
        base = self._server if root else self.origin
        url = f"{base}{PREFIX}{path}"
        try:
            response = self._http.request(
                method, url, json=json, params=params, timeout=timeout or self.timeout
            )
        except httpx.HTTPError as exc:
            raise RemoteFakeError(
                f"cannot reach the fake at {self._server} ({type(exc).__name__}: {exc}); is "
                "`runware-testkit serve` running there, and is the URL right?"
            ) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.is_success:
            return body
        error = _first_error(body)
        code = error.get("code")
        message = error.get("message") or response.text[:300]
        if code == "taskNotFound":
            raise TaskNotFound(str(error.get("taskUUID") or path.rsplit("/", 2)[-2]))
        if code == "taskAlreadyFinished":
            raise TaskFinished(str(error.get("taskUUID") or ""), str(message))
        hint = ""
        if response.status_code == 403:
            hint = (
                " Pass the server's control token: connect(url, token=...), --runware-token "
                f"or ${TOKEN_ENV}."
            )
        raise RemoteFakeError(
            f"{method} {url} answered {response.status_code} {code}: {message}{hint}", error
        )

    def health(self) -> None:
        """Check the fake answers its control API (RemoteFakeError otherwise)."""
        self._call("GET", "/health")

    # -- namespaces ----------------------------------------------------------------------------

    def open_namespace(self, options: FakeOptions | None = None, **changes: Any) -> RemoteFake:
        """Create a namespace on the server: a fake of its own, seen by no other client, set
        up with `options` (and `changes`, `FakeOptions` field names). Close it with `close`."""
        options = options if options is not None else FakeOptions()
        if changes:
            options = options.merged(changes)
        answer = self._call("POST", "/namespaces", json=_settings(options), root=True)
        keys = options.api_keys
        key = keys[0] if keys else answer.get("api_key") or DEV_API_KEY
        return RemoteFake(
            self._server + answer["path"],
            self.token,
            timeout=self.timeout,
            options=options,
            api_key=key,
            owned_namespace=answer["namespace"],
        )

    @contextlib.contextmanager
    def namespace(self, options: FakeOptions | None = None, **changes: Any) -> Iterator[RemoteFake]:
        """`open_namespace` for the duration of a ``with`` block; closed at its end."""
        fake = self.open_namespace(options, **changes)
        try:
            yield fake
        finally:
            fake.close()

    def namespaces(self) -> list[dict[str, Any]]:
        """The namespaces the server holds."""
        return self._call("GET", "/namespaces", root=True)["namespaces"]

    def close(self) -> None:
        """Close the namespace this object created (if any) and the HTTP connection."""
        try:
            if self._owned is not None:
                name, self._owned = self._owned, None
                with contextlib.suppress(RemoteFakeError):
                    self._call("DELETE", f"/namespaces/{name}", root=True)
        finally:
            self._http.close()

    def __enter__(self) -> RemoteFake:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- lifecycle -----------------------------------------------------------------------------

    def reset(self, options: FakeOptions | None = None, **changes: Any) -> None:
        """Forget everything the fake holds and apply `options` (default: the current ones)
        with `changes`. ``api_keys=None`` leaves the accepted keys as they are."""
        options = options if options is not None else self.options
        if changes:
            options = options.merged(changes, where="reset() option")
        self.drain()
        self._call("POST", "/reset", json=_settings(options))
        self.options = options
        if options.api_keys is not None:
            self._api_key = options.api_keys[0] if options.api_keys else self._api_key

    def drain(self, timeout: float = DRAIN_TIMEOUT) -> None:
        """Wait (at most `timeout` seconds) for the fake's webhooks and uploads in flight."""
        self._call("POST", "/drain", params={"timeout": timeout}, timeout=self.timeout + timeout)

    # -- reading -------------------------------------------------------------------------------

    def journal(self, kind: str | None = None, *, since: int = 0) -> list[dict[str, Any]]:
        """Journal entries (``request``, ``response``, ``frame_in``, ``frame_out``,
        ``webhook_attempt``, ``upload_attempt``, ``scenario``, ``error``), oldest first."""
        self.drain()
        return self._raw_journal(kind, since)

    def _raw_journal(self, kind: str | None = None, since: int = 0) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"since": since}
        if kind:
            params["kind"] = kind
        return self._call("GET", "/journal", params=params)["entries"]

    def now(self) -> float:
        """The fake's clock (Unix seconds)."""
        return float(self._call("GET", "/clock")["now"])

    def tasks(self, status: str | None = None, model: str | None = None) -> list[dict[str, Any]]:
        """The tasks the fake accepted (dicts as in-process, ``api_key`` masked)."""
        params = {k: v for k, v in (("status", status), ("model", model)) if v}
        return self._call("GET", "/tasks", params=params)["tasks"]

    def task(self, task_uuid: str) -> dict[str, Any]:
        """One accepted task (`TaskNotFound` if the fake has none with this UUID)."""
        return self._call("GET", f"/tasks/{urllib.parse.quote(task_uuid, safe='')}")

    def webhooks(self, name: str = "default") -> list[dict[str, Any]]:
        """What the sink `name` received by POST, oldest first."""
        return [e for e in self._sink(name) if e.get("method") != "PUT"]

    def uploads(self, name: str = "uploads") -> list[dict[str, Any]]:
        """What the sink `name` received by PUT (size, sha256, content type; no bytes)."""
        return [e for e in self._sink(name) if e.get("method") == "PUT"]

    def _sink(self, name: str) -> list[dict[str, Any]]:
        if not valid_sink_name(name):
            raise ValueError(
                f"sink names are 1-128 characters of A-Z a-z 0-9 . _ ~ -, got {name!r}"
            )
        self.drain()
        return self._call("GET", SINK_PATH[len(PREFIX) :] + f"/{name}")["received"]

    # -- driving -------------------------------------------------------------------------------

    def advance(self, seconds: float) -> dict[str, Any]:
        """Move the manual clock forward; ``{"now", "finished": [taskUUID, ...]}``."""
        try:
            return self._call("POST", "/clock/advance", json={"seconds": seconds})
        except RemoteFakeError as exc:
            if exc.error.get("code") == "clockNotManual":
                raise RuntimeError(
                    "advance() needs the manual clock; mark the test with "
                    "@pytest.mark.runware(clock='manual') or call reset(clock='manual')"
                ) from None
            raise

    def complete(self, task_uuid: str) -> dict[str, Any]:
        """Finish a processing task with success now; the task as a dict."""
        return self._call("POST", f"/tasks/{urllib.parse.quote(task_uuid, safe='')}/complete")

    def fail(self, task_uuid: str, code: str, message: str | None = None) -> dict[str, Any]:
        """Finish a processing task with Runware error `code` now; the task as a dict.

        Raises ValueError for a code the kit does not know (with the closest known one).
        """
        __tracebackhide__ = True
        try:
            check_error_code(code)
        except ValueError as exc:
            raise exc.with_traceback(None) from None
        body: dict[str, Any] = {"code": code}
        if message is not None:
            body["message"] = message
        path = f"/tasks/{urllib.parse.quote(task_uuid, safe='')}/fail"
        return self._call("POST", path, json=body)

    def scenario(self, **fields: Any) -> Scenario:
        """Queue a `Scenario` built from `fields` (its field names); return it.

        Raises ValueError naming a bad field or value (an unknown error code with the closest
        known one) before anything is sent.
        """
        __tracebackhide__ = True
        try:
            scenario = Scenario.from_dict(fields)
        except ValueError as exc:
            raise exc.with_traceback(None) from None
        added = self._call("POST", "/scenarios", json=scenario.to_dict())["added"]
        return Scenario.from_dict(added[0])

    def scenarios(self) -> list[Scenario]:
        """The scenarios still queued."""
        return [Scenario.from_dict(s) for s in self._call("GET", "/scenarios")["scenarios"]]

    def clear_scenarios(self) -> int:
        """Drop every queued scenario; how many there were."""
        return int(self._call("DELETE", "/scenarios")["cleared"])

    def seed(self, n: int | None) -> None:
        """Restart the UUID and result-seed sequence from `n` (None: fresh entropy)."""
        self._call("POST", "/seed", json={"seed": n})

    def fail_webhooks(self, name: str = "default", times: int = 1, status: int = 500) -> None:
        """Make the sink `name` answer its next `times` requests with HTTP `status`."""
        path = SINK_PATH[len(PREFIX) :] + f"/{name}/fail"
        self._call("POST", path, json={"times": times, "status": status})


def _split(url: str) -> tuple[str, str]:
    """(server origin, path prefix) of a fake's URL; ValueError for what is not one."""
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError) as exc:
        raise ValueError(f"the fake's URL {url!r} is not a URL: {exc}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(
            f"the fake's URL must be http(s)://host:port (e.g. http://127.0.0.1:8765), got {url!r}"
        )
    path = parsed.path.rstrip("/")
    for tail in (PREFIX, "/v1"):
        if path.endswith(tail):
            path = path[: -len(tail)]
    if path and not path.startswith(NAMESPACE_PREFIX + "/"):
        raise ValueError(
            f"the fake's URL {url!r} has a path ({path!r}) that is neither a namespace "
            f"({NAMESPACE_PREFIX}/<name>) nor /v1"
        )
    server = str(parsed.copy_with(path="/", query=None, fragment=None)).rstrip("/")
    return server, path


def _settings(options: FakeOptions) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "progression": options.progression,
        "seed": options.seed,
        "clock": options.clock,
        "scenarios": [scenario.to_dict() for scenario in options.scenarios],
    }
    if options.api_keys is not None:
        settings["api_keys"] = list(options.api_keys)
    return settings


def _first_error(body: Any) -> dict[str, Any]:
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return errors[0]
    return {}
