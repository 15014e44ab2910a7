"""The control API under ``/__testkit``: drive the fake from tests (reset, clock, scenarios ...).

Access: by default only loopback clients (``127.0.0.0/8``, ``::1``, Starlette's ``testclient``)
are answered (``config.control_loopback_only``); when ``config.control_token`` is set, every
call must also carry it, in ``X-Testkit-Token: <token>`` or ``Authorization: Bearer <token>``.
Other hosts are answered only when ``control_loopback_only`` is off **and** a token is set
(``serve --allow-remote --control-token T``): never without a token. A changing call (POST,
PUT, PATCH, DELETE) that a browser sends from a page of another origin (its ``Origin`` header
names another host) is refused, and so is any browser request (``Sec-Fetch-*`` or ``Origin``
headers) whose ``Host`` is not a loopback name when no token is set (DNS rebinding), so no web
page can drive a fake on a developer's machine.
A refusal is HTTP 403 with ``{"errors":[{"code":"forbidden","message":...}]}``.

Every bad input is answered 400 with a Runware-shaped error (``invalidRequestBody`` for a body
that is not JSON or not the right shape, ``missingParameter`` / ``invalidParameter`` with
``parameter`` for a field, ``invalidScenario`` for a scenario); engine refusals keep their own
code and status (``taskNotFound`` 404, ``taskAlreadyFinished`` 409).

=======  ==========================  ==========================================================
method   path                        does
=======  ==========================  ==========================================================
GET      /__testkit/                 index of the routes (HTML for browsers, else JSON)
GET      /__testkit/health           ``{"status": "ok"}``
POST     /__testkit/reset            forget tasks, media, journal, scenarios and sink contents;
                                    an optional settings object applies after it (`settings`)
POST     /__testkit/seed             ``{"seed": int | null}``: restart the UUID/seed sequence
GET      /__testkit/journal          ``?kind=&since=&limit=``: entries with ``seq > since``
GET      /__testkit/clock            ``{"now", "manual"}``
POST     /__testkit/clock/advance    ``{"seconds": float}``: manual clock only (else 409)
GET      /__testkit/tasks            every task (``?status=``, ``?model=`` filter)
GET      /__testkit/tasks/{uuid}     one task
POST     /__testkit/tasks/{uuid}/complete   finish it with success now
POST     /__testkit/tasks/{uuid}/fail       ``{"code", "message"?}``: finish it with an error now
POST     /__testkit/scenarios        one scenario object or a list (all or nothing)
GET      /__testkit/scenarios        pending scenarios
DELETE   /__testkit/scenarios        drop every pending scenario
DELETE   /__testkit/scenarios/{n}    drop the pending scenario at index n (0 = next taken)
POST     /__testkit/drain            ``?timeout=`` (s, default 10): wait for webhook and upload
                                    deliveries in flight; ``{"pending": n}`` left after it
=======  ==========================  ==========================================================

``reset`` calls ``state.reset()`` when the state has one (it may forget more, such as WebSocket
sessions); it neither moves the clock nor reseeds the id sequence.

The state object handed to `control_routes` needs ``config`` (``control_token``,
``control_loopback_only``), ``engine``, ``clock``, ``journal``, ``scenarios`` and ``sink``;
they are looked up on every request.
"""

from __future__ import annotations

import dataclasses
import functools
import hmac
import ipaddress
import json
import logging
import math
import urllib.parse
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..config import IN_PROCESS_HOST
from ..engine.errors import EngineError
from ..faults.scenarios import Scenario, describe_error
from ..journal import KINDS
from ..protocol.wire import BatchError, decode_json, json_type_phrase
from .index import route_index
from .refusal import ControlRefusal
from .settings import apply_settings, parse_settings

__all__ = [
    "PREFIX",
    "TOKEN_HEADER",
    "BadInput",
    "access_refusal",
    "control_routes",
    "error_response",
    "guarded",
    "is_loopback_client",
    "json_response",
    "read_json",
]

PREFIX = "/__testkit"
DRAIN_TIMEOUT = 10.0
"""Default longest wait (seconds) of ``POST /__testkit/drain``."""
MAX_DRAIN_TIMEOUT = 300.0
"""Longest wait ``POST /__testkit/drain`` accepts."""
TOKEN_HEADER = "X-Testkit-Token"

_log = logging.getLogger(__name__)
_CODE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_TASK_STATUSES = ("processing", "success", "error")

Handler = Callable[[Request], Awaitable[Response]]


class BadInput(ControlRefusal):
    """A control request the server cannot act on; rendered as a Runware error."""

    def response(self) -> Response:
        """The Runware-shaped error response for this refusal."""
        return error_response(
            self.status, self.code, self.message, parameter=self.parameter, **self.extra
        )


# -- shared helpers (also used by the sink routes) ------------------------------------------


def json_response(data: Any, status: int = 200) -> Response:
    """A JSON response; values JSON cannot hold (bytes, sets ...) are rendered readably."""
    body = json.dumps(data, default=_jsonable, ensure_ascii=False)
    return Response(body, status_code=status, media_type="application/json")


def error_response(
    status: int, code: str, message: str, *, parameter: str | None = None, **extra: Any
) -> Response:
    """``{"errors": [{"code", "message", "parameter"?, ...}]}`` with HTTP `status`."""
    error: dict[str, Any] = {"code": code, "message": message}
    if parameter is not None:
        error["parameter"] = parameter
    error.update(extra)
    return json_response({"errors": [error]}, status)


def is_loopback_client(host: str | None) -> bool:
    """True for a loopback peer address (or Starlette's TestClient); False when unknown."""
    if not host:
        return False
    if host in ("testclient", "localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def access_refusal(request: Request, state: Any) -> Response | None:
    """A 403 response if this client may not use the control API, else None."""
    config = getattr(state, "config", None)
    loopback_only = getattr(config, "control_loopback_only", True)
    token = getattr(config, "control_token", None)
    client = request.client.host if request.client else None
    if (loopback_only or not token) and not is_loopback_client(client):
        return error_response(
            403,
            "forbidden",
            f"The control API only answers loopback clients; this request came from "
            f"{client or 'an unknown address'}. Start the server with --allow-remote and "
            "--control-token TOKEN to open it to other hosts (never without a token).",
        )
    if not token and _from_a_browser(request) and not _loopback_host_header(request, config):
        return error_response(
            403,
            "forbidden",
            f"The control API answers requests addressed to a loopback host (127.0.0.1, "
            f"localhost, [::1]); this one named {request.headers.get('host')!r}. A browser page "
            "whose name was pointed at this machine (DNS rebinding) is refused this way.",
        )
    cross_site = _cross_site_origin(request)
    if cross_site is not None:
        return error_response(
            403,
            "forbidden",
            f"The control API does not take changes from a page of another origin "
            f"({cross_site}); a browser sent this request on that page's behalf.",
        )
    if token:
        given = request.headers.get(TOKEN_HEADER)
        if given is None:
            scheme, _, value = request.headers.get("authorization", "").partition(" ")
            given = value.strip() if scheme.lower() == "bearer" else None
        if not given:
            return error_response(
                403,
                "forbidden",
                f"The control API needs its token in the {TOKEN_HEADER} header.",
            )
        if not hmac.compare_digest(given.encode(), str(token).encode()):
            return error_response(403, "forbidden", "The control API token is wrong.")
    return None


def _from_a_browser(request: Request) -> bool:
    """True when a browser sent the request: browsers add ``Sec-Fetch-*`` (or ``Origin``)
    headers, which HTTP client libraries do not."""
    headers = request.headers
    return "sec-fetch-site" in headers or "sec-fetch-mode" in headers or "origin" in headers


def _loopback_host_header(request: Request, config: Any) -> bool:
    """True when the request's `Host` names a loopback address, ``localhost``, the in-process
    host or the host of the configured ``base_url``; True when there is no `Host` header.

    Without a token this is what keeps a web page away whose name the attacker pointed at
    127.0.0.1 (DNS rebinding): its browser sends the attacker's host name.
    """
    raw = request.headers.get("host")
    if raw is None:
        return True
    try:
        host = (urllib.parse.urlsplit(f"//{raw}").hostname or "").lower()
    except ValueError:
        return False
    if host in ("localhost", IN_PROCESS_HOST) or host.endswith(".localhost"):
        return True
    base_url = getattr(config, "base_url", None)
    if base_url and host == (urllib.parse.urlsplit(base_url).hostname or "").lower():
        return True
    return is_loopback_client(host)


def _cross_site_origin(request: Request) -> str | None:
    """The `Origin` of a changing request sent by a browser from another site, else None.

    A page on any site can make a browser POST to a loopback address (cross-site request
    forgery); browsers name that page in `Origin`. Clients that are not browsers send no
    `Origin`, and the Inspector's own calls carry the fake's origin. Reads (GET, HEAD) stay
    open: a browser does not let another site read their answers.
    """
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    origin = request.headers.get("origin")
    if origin is None:
        return None
    host = request.headers.get("host", "")
    if origin != "null" and origin.partition("://")[2].rstrip("/") == host:
        return None
    return origin


def guarded(state: Any, handler: Handler) -> Handler:
    """Wrap a handler: refuse clients without access; turn every failure into a Runware error."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        refusal = access_refusal(request, state)
        if refusal is not None:
            return refusal
        try:
            return await handler(request)
        except ControlRefusal as exc:  # BadInput, or SettingError from the settings
            return error_response(
                exc.status, exc.code, exc.message, parameter=exc.parameter, **exc.extra
            )
        except EngineError as exc:
            return error_response(exc.http_status, **_engine_error(exc))
        except Exception:
            _log.exception("control API %s %s failed", request.method, request.url.path)
            return error_response(
                500, "internalServerError", "The control API failed; see the server log."
            )

    return endpoint


async def read_json(request: Request, *, required: bool = True) -> Any:
    """The request's JSON body; `BadInput` (``invalidRequestBody``) if it is not JSON.

    An empty body is None when not `required`.
    """
    raw = await request.body()
    if not raw.strip():
        if required:
            raise BadInput(
                "The request body must be JSON, got an empty body.", code="invalidRequestBody"
            )
        return None
    try:
        return decode_json(raw)
    except BatchError as exc:
        raise BadInput(str(exc), code="invalidRequestBody") from None


# -- routes --------------------------------------------------------------------------------


def control_routes(state: Any) -> list[Route]:
    """The control API routes (under `PREFIX`) acting on `state`."""

    async def health(request: Request) -> Response:
        return json_response({"status": "ok"})

    async def index(request: Request) -> Response:
        return route_index(request)

    async def reset(request: Request) -> Response:
        settings = parse_settings(await read_json(request, required=False))
        whole = getattr(state, "reset", None)
        if callable(whole):
            whole()
        else:
            state.engine.reset()
            state.journal.clear()
            state.scenarios.clear()
            sink = getattr(state, "sink", None)
            if sink is not None:
                sink.clear()
        apply_settings(state, settings)
        return json_response({"reset": True})

    async def seed(request: Request) -> Response:
        body = _object(await read_json(request))
        if "seed" not in body:
            raise BadInput(
                "The body needs a seed (an integer, or null for a random one).",
                code="missingParameter",
                parameter="seed",
            )
        value = body["seed"]
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise BadInput(f"seed must be an integer or null, got {value!r}.", parameter="seed")
        _only_keys(body, {"seed"})
        state.engine.reseed(value)
        return json_response({"seed": value})

    async def journal(request: Request) -> Response:
        params = request.query_params
        _only_keys(params, {"kind", "since", "limit"}, where="query parameter")
        kind = params.get("kind") or None
        log = state.journal
        if kind is not None and kind not in KINDS and kind not in log.kinds():
            raise BadInput(
                f"Unknown journal kind {kind!r}.", parameter="kind", allowedValues=list(KINDS)
            )
        since = _int_param(params.get("since"), "since", default=0, low=0)
        limit = _int_param(params.get("limit"), "limit", default=None, low=1)
        entries = log.entries(kind, since=since)
        if limit is not None:
            entries = entries[:limit]
        return json_response({"entries": entries, "dropped": log.dropped, "last_seq": log.last_seq})

    async def clock_now(request: Request) -> Response:
        clock = state.clock
        return json_response({"now": clock.now(), "manual": _is_manual(clock)})

    async def clock_advance(request: Request) -> Response:
        clock = state.clock
        if not _is_manual(clock):
            raise BadInput(
                "The server runs on the system clock, which cannot be advanced; start it with "
                "a manual clock to move time by hand.",
                code="clockNotManual",
                status=409,
            )
        body = _object(await read_json(request))
        if "seconds" not in body:
            raise BadInput(
                "The body needs seconds (a number >= 0).",
                code="missingParameter",
                parameter="seconds",
            )
        seconds = body["seconds"]
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | float)
            or not math.isfinite(seconds)
            or seconds < 0
        ):
            raise BadInput(
                f"seconds must be a finite number >= 0, got {seconds!r}.", parameter="seconds"
            )
        _only_keys(body, {"seconds"})
        now = clock.advance(seconds)
        finished = state.engine.settle()
        state.clock_moved()
        return json_response({"now": now, "finished": [task.task_uuid for task in finished]})

    async def list_tasks(request: Request) -> Response:
        params = request.query_params
        _only_keys(params, {"status", "model"}, where="query parameter")
        status = params.get("status") or None
        if status is not None and status not in _TASK_STATUSES:
            raise BadInput(
                f"Unknown task status {status!r}.",
                parameter="status",
                allowedValues=list(_TASK_STATUSES),
            )
        model = params.get("model") or None
        tasks = [
            _task_json(task)
            for task in state.engine.all_tasks()
            if (status is None or task.status == status) and (model is None or task.model == model)
        ]
        return json_response({"tasks": tasks})

    async def get_task(request: Request) -> Response:
        return json_response(_task_json(state.engine.peek(request.path_params["uuid"])))

    async def complete_task(request: Request) -> Response:
        return json_response(_task_json(state.engine.complete(request.path_params["uuid"])))

    async def fail_task(request: Request) -> Response:
        body = _object(await read_json(request))
        _only_keys(body, {"code", "message"})
        code = body.get("code")
        if code is None:
            raise BadInput(
                "The body needs a code (a Runware error code).",
                code="missingParameter",
                parameter="code",
            )
        if not isinstance(code, str) or not code or not set(code) <= _CODE_CHARS:
            raise BadInput(
                f"code must be a Runware error code such as 'timeoutProvider', got {code!r}.",
                parameter="code",
            )
        message = body.get("message")
        if message is not None and not isinstance(message, str):
            raise BadInput(f"message must be a string, got {message!r}.", parameter="message")
        _, message = describe_error(code, message)
        task = state.engine.fail(request.path_params["uuid"], code, message)
        return json_response(_task_json(task))

    async def add_scenarios(request: Request) -> Response:
        body = await read_json(request)
        items = body if isinstance(body, list) else [body]
        if not items:
            raise BadInput(
                "The body must be a scenario object or a non-empty list of them.",
                code="invalidScenario",
            )
        scenarios = []
        for index, item in enumerate(items):
            try:
                scenarios.append(Scenario.from_dict(item))
            except (TypeError, ValueError) as exc:
                where = f"scenario {index}: " if isinstance(body, list) else ""
                raise BadInput(f"{where}{exc}.", code="invalidScenario") from None
        added = [state.scenarios.add(scenario).to_dict() for scenario in scenarios]
        return json_response({"added": added, "pending": len(state.scenarios.pending())})

    async def list_scenarios(request: Request) -> Response:
        return json_response({"scenarios": [s.to_dict() for s in state.scenarios.pending()]})

    async def clear_scenarios(request: Request) -> Response:
        count = len(state.scenarios.pending())
        state.scenarios.clear()
        return json_response({"cleared": count})

    async def remove_scenario(request: Request) -> Response:
        raw = request.path_params["index"]
        index = _int_param(raw, "index", default=None, low=0)
        try:
            removed = state.scenarios.remove(index)
        except IndexError:
            raise BadInput(
                f"No pending scenario at index {raw} ({len(state.scenarios)} pending).",
                code="scenarioNotFound",
                parameter="index",
                status=404,
            ) from None
        return json_response({"removed": removed.to_dict(), "pending": len(state.scenarios)})

    async def drain(request: Request) -> Response:
        params = request.query_params
        _only_keys(params, {"timeout"}, where="query parameter")
        timeout = _float_param(params.get("timeout"), "timeout", default=DRAIN_TIMEOUT)
        wait = getattr(state, "drain", None)
        if wait is not None:
            await wait(timeout)
        pending = getattr(state, "pending_jobs", None)
        return json_response({"pending": pending() if pending is not None else 0})

    table: list[tuple[str, Handler, list[str]]] = [
        ("", index, ["GET"]),
        ("/", index, ["GET"]),
        ("/health", health, ["GET"]),
        ("/reset", reset, ["POST"]),
        ("/seed", seed, ["POST"]),
        ("/journal", journal, ["GET"]),
        ("/clock", clock_now, ["GET"]),
        ("/clock/advance", clock_advance, ["POST"]),
        ("/tasks", list_tasks, ["GET"]),
        ("/tasks/{uuid}", get_task, ["GET"]),
        ("/tasks/{uuid}/complete", complete_task, ["POST"]),
        ("/tasks/{uuid}/fail", fail_task, ["POST"]),
        ("/scenarios", add_scenarios, ["POST"]),
        ("/scenarios", list_scenarios, ["GET"]),
        ("/scenarios", clear_scenarios, ["DELETE"]),
        ("/scenarios/{index}", remove_scenario, ["DELETE"]),
        ("/drain", drain, ["POST"]),
    ]
    return [
        Route(
            PREFIX + path,
            guarded(state, handler),
            methods=methods,
            name=f"testkit_{handler.__name__}",
        )
        for path, handler, methods in table
    ]


# -- internals -----------------------------------------------------------------------------


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadInput(
            f"The request body must be a JSON object, got {json_type_phrase(body)}.",
            code="invalidRequestBody",
        )
    return body


def _only_keys(given: Any, allowed: set[str], *, where: str = "key") -> None:
    unknown = sorted(set(given) - allowed)
    if unknown:
        raise BadInput(
            f"Unknown {where} {unknown[0]!r} (allowed: {', '.join(sorted(allowed))}).",
            code="unsupportedParameter",
            parameter=unknown[0],
        )


def _int_param(raw: str | None, name: str, *, default: int | None, low: int) -> int | None:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadInput(f"{name} must be an integer, got {raw!r}.", parameter=name) from None
    if value < low:
        raise BadInput(f"{name} must be >= {low}, got {value}.", parameter=name)
    return value


def _float_param(raw: str | None, name: str, *, default: float) -> float:
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        message = f"{name} must be a number of seconds, got {raw!r}."
        raise BadInput(message, parameter=name) from None
    if not math.isfinite(value) or value < 0 or value > MAX_DRAIN_TIMEOUT:
        raise BadInput(
            f"{name} must be between 0 and {MAX_DRAIN_TIMEOUT:g} seconds, got {raw!r}.",
            parameter=name,
        )
    return value


def _is_manual(clock: Any) -> bool:
    return callable(getattr(clock, "advance", None))


def _task_json(task: Any) -> dict[str, Any]:
    data = task.to_dict()
    key = data.pop("api_key", None)
    data["api_key"] = _mask(key)
    return data


def _mask(key: object) -> str | None:
    if not isinstance(key, str):
        return None
    return key[:4] + "..." if len(key) > 8 else "***"


def _engine_error(exc: EngineError) -> dict[str, Any]:
    error = exc.to_error()
    return {
        "code": error.pop("code"),
        "message": error.pop("message"),
        "parameter": error.pop("parameter", None),
        **error,
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(bytes(value))} bytes>"
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return repr(value)
