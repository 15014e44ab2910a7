"""A built-in webhook and upload receiver, so tests need no server of their own.

Point a task's ``webhookURL`` at ``http://<fake>/__testkit/sink/<name>`` (or its
``uploadEndpoint``, which is PUT) and read what arrived with ``GET`` on the same path.
Names are 1-128 characters of ``A-Z a-z 0-9 . _ ~ -``; use one name per test (or per task) so
deliveries do not mix.

Receiving (open to any client, as a real receiver would be):

- ``POST /__testkit/sink/{name}`` records ``{method, headers, query, body, time, status}``
  (``body`` is the parsed JSON, else the raw text) and answers 200 ``{"received": true}``.
- ``PUT /__testkit/sink/{name}`` records ``{method, headers, query, content_type, size, sha256,
  time, status}``; the bytes themselves stay available from `WebhookSink.received` (``data``).

A failing receiver: ``?fail=N`` makes the first N requests to that name fail (counted over
every request the name has received, so the retries of one delivery see 500, 500, then 200 for
``fail=2``); ``?fail_status=503`` picks the status (default 500). `WebhookSink.fail_next`, or
``POST /__testkit/sink/{name}/fail {"times": N, "status": 503}``, does the same from the test
side. Failed requests are recorded too, with the status they were answered.

Reading (control API access rules apply, see `control`):

- ``GET /__testkit/sink/{name}``: ``{"name", "count", "received": [...]}``
- ``DELETE /__testkit/sink/{name}``: forget what that name received
- ``GET /__testkit/sink``: ``{"names": {name: count}}``
"""

from __future__ import annotations

import copy
import hashlib
import re
import threading
from collections import defaultdict, deque
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..control.api import PREFIX, BadInput, error_response, guarded, json_response, read_json
from ..engine.clock import Clock, SystemClock
from ..faults.scenarios import code_for_status
from ..protocol.wire import BatchError, decode_json

__all__ = ["MAX_UPLOAD_BYTES", "SINK_PATH", "WebhookSink", "sink_routes", "valid_sink_name"]

SINK_PATH = PREFIX + "/sink"
MAX_UPLOAD_BYTES = 512 * 1024 * 1024
_NAME_RE = re.compile(r"^[A-Za-z0-9._~-]{1,128}$")
_MAX_FAIL = 1_000_000


def valid_sink_name(name: str) -> bool:
    """True if `name` can name a sink."""
    return isinstance(name, str) and bool(_NAME_RE.match(name))


class WebhookSink:
    """What each named sink received, plus the failures it is told to answer. Thread-safe.

    Each name keeps its last ``max_per_name`` requests.
    """

    def __init__(
        self,
        clock: Clock | None = None,
        *,
        max_per_name: int = 1000,
        max_upload_bytes: int = MAX_UPLOAD_BYTES,
    ) -> None:
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.max_per_name = max_per_name
        self.max_upload_bytes = max_upload_bytes
        self._lock = threading.Lock()
        self._received: dict[str, deque[dict[str, Any]]] = {}
        self._hits: defaultdict[str, int] = defaultdict(int)
        self._failures: dict[str, list[int]] = {}

    def record(self, name: str, entry: dict[str, Any]) -> dict[str, Any]:
        """Store one received request under `name` (``time`` added); return a copy."""
        _check_name(name)
        stored = {**entry, "time": self.clock.now()}
        with self._lock:
            queue = self._received.setdefault(name, deque(maxlen=self.max_per_name))
            queue.append(stored)
            return copy.deepcopy(stored)

    def received(self, name: str) -> list[dict[str, Any]]:
        """Copies of what `name` received, oldest first (empty for an unknown name)."""
        with self._lock:
            return copy.deepcopy(list(self._received.get(name, ())))

    def names(self) -> dict[str, int]:
        """Every name that received something, with how many requests it holds."""
        with self._lock:
            return {name: len(entries) for name, entries in self._received.items()}

    def clear(self, name: str | None = None) -> None:
        """Forget what one name (or every name) received, its hit count and pending failures."""
        with self._lock:
            if name is None:
                self._received.clear()
                self._hits.clear()
                self._failures.clear()
            else:
                self._received.pop(name, None)
                self._hits.pop(name, None)
                self._failures.pop(name, None)

    def fail_next(self, name: str, times: int = 1, status: int = 500) -> None:
        """Make the next `times` requests to `name` fail with HTTP `status` (400-599)."""
        _check_name(name)
        _check_int("times", times, 1, _MAX_FAIL)
        _check_int("status", status, 400, 599)
        with self._lock:
            self._failures.setdefault(name, []).extend([status] * times)

    def pending_failures(self, name: str) -> int:
        """How many failures set with `fail_next` are still to be answered by `name`."""
        with self._lock:
            return len(self._failures.get(name, ()))

    def hit(self, name: str, fail_first: int = 0, fail_status: int = 500) -> int | None:
        """Count one incoming request to `name`; return the status to fail it with, or None.

        A failure set with `fail_next` is used first; else the request fails when it is one of
        the first `fail_first` requests `name` has seen.
        """
        with self._lock:
            seen = self._hits[name]
            self._hits[name] = seen + 1
            queued = self._failures.get(name)
            if queued:
                status = queued.pop(0)
                if not queued:
                    del self._failures[name]
                return status
            return fail_status if seen < fail_first else None


def sink_routes(state: Any) -> list[Route]:
    """Routes of the sink in ``state.sink`` (receiving: open; reading: control access rules)."""

    async def receive(request: Request) -> Response:
        name = _name(request)
        fail_first = _query_int(request, "fail", 0, 0, _MAX_FAIL)
        fail_status = _query_int(request, "fail_status", 500, 400, 599)
        sink: WebhookSink = state.sink
        if request.method == "PUT":
            data = await _read_limited(request, sink.max_upload_bytes)
            content_type = request.headers.get("content-type")
            entry: dict[str, Any] = {
                "content_type": content_type,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "data": data,
            }
        else:
            entry = {"body": _parse_body(await request.body())}
        status = sink.hit(name, fail_first, fail_status)
        sink.record(
            name,
            {
                "method": request.method,
                "headers": dict(request.headers),
                "query": dict(request.query_params),
                **entry,
                "status": status or 200,
            },
        )
        if status is not None:
            return error_response(
                status,
                code_for_status(status),
                f"The sink {name!r} is set to fail this request (HTTP {status}).",
            )
        return json_response({"received": True})

    async def read(request: Request) -> Response:
        name = _name(request)
        entries = [_public(entry) for entry in state.sink.received(name)]
        return json_response({"name": name, "count": len(entries), "received": entries})

    async def forget(request: Request) -> Response:
        name = _name(request)
        state.sink.clear(name)
        return json_response({"cleared": name})

    async def set_failures(request: Request) -> Response:
        name = _name(request)
        body = await read_json(request, required=False)
        body = {} if body is None else body
        if not isinstance(body, dict):
            raise BadInput("The request body must be a JSON object.", code="invalidRequestBody")
        unknown = sorted(set(body) - {"times", "status"})
        if unknown:
            raise BadInput(
                f"Unknown key {unknown[0]!r} (allowed: status, times).",
                code="unsupportedParameter",
                parameter=unknown[0],
            )
        times, status = body.get("times", 1), body.get("status", 500)
        try:
            state.sink.fail_next(name, times, status)
        except ValueError as exc:
            parameter = "times" if str(exc).startswith("times") else "status"
            raise BadInput(f"{exc}.", parameter=parameter) from None
        return json_response({"name": name, "pending_failures": state.sink.pending_failures(name)})

    async def names(request: Request) -> Response:
        return json_response({"names": state.sink.names()})

    async def receive_open(request: Request) -> Response:
        try:
            return await receive(request)
        except BadInput as exc:
            return exc.response()

    return [
        Route(SINK_PATH, guarded(state, names), methods=["GET"], name="testkit_sink_names"),
        Route(SINK_PATH + "/{name}", receive_open, methods=["POST", "PUT"], name="testkit_sink"),
        Route(
            SINK_PATH + "/{name}", guarded(state, read), methods=["GET"], name="testkit_sink_read"
        ),
        Route(
            SINK_PATH + "/{name}",
            guarded(state, forget),
            methods=["DELETE"],
            name="testkit_sink_forget",
        ),
        Route(
            SINK_PATH + "/{name}/fail",
            guarded(state, set_failures),
            methods=["POST"],
            name="testkit_sink_fail",
        ),
    ]


def _name(request: Request) -> str:
    name = request.path_params["name"]
    if not valid_sink_name(name):
        raise BadInput(
            f"Sink names are 1-128 characters of A-Z a-z 0-9 . _ ~ -, got {name!r}.",
            parameter="name",
        )
    return name


def _query_int(request: Request, key: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadInput(f"{key} must be an integer, got {raw!r}.", parameter=key) from None
    if not low <= value <= high:
        raise BadInput(f"{key} must be between {low} and {high}, got {value}.", parameter=key)
    return value


async def _read_limited(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BadInput(
                f"The upload is larger than the sink accepts ({limit} bytes).",
                code="payloadTooLarge",
                status=413,
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _parse_body(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return decode_json(raw)
    except BatchError:
        return raw.decode("utf-8", errors="replace")


def _public(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entry.items() if key != "data"}


def _check_name(name: str) -> None:
    if not valid_sink_name(name):
        raise ValueError(f"invalid sink name {name!r}")


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer between {low} and {high}, got {value!r}")
