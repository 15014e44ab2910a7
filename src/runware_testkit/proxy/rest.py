"""``POST /v1`` on the proxy: check, price, forward, record.

A body that is not a JSON array of tasks is answered locally with the fake's error for it
(``invalidJson``, ``invalidRequestBody``). Each task then goes through the `TaskGate`; refused
tasks are answered locally and never forwarded. The tasks left (with the leading
``authentication`` task, if any) go upstream in one request with the client's headers; the
upstream's envelope comes back with the local errors added to its ``errors``. When every task
but authentication was refused nothing is forwarded at all. An upstream that cannot be reached
is answered 502 ``upstreamUnreachable``. Every task gets its cassette line, with its part of
the shared answer (`split_envelope`) and the shared HTTP status.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..cassettes import Started, split_envelope
from ..fake_server.protocol.auth import bearer_key
from ..fake_server.protocol.wire import BatchError, envelope, parse_tasks
from .gate import Verdict
from .rewrite import outgoing, public_base, restore_request, rewrite_answer
from .state import UPSTREAM_UNREACHABLE_STATUS, ProxyState, unreachable_error

MAX_TASKS = 10_000
DRY_RUN_HEADER = "x-runware-dry-run"
_TRUE = {"1", "true", "yes", "on"}
_NOT_FORWARDED = frozenset(
    {
        "host",
        "content-length",
        "connection",
        "keep-alive",
        "transfer-encoding",
        "upgrade",
        "accept-encoding",
        "te",
        "trailer",
        "proxy-authorization",
        "proxy-connection",
    }
)


def rest_endpoint(state: ProxyState):
    """The Starlette endpoint for ``POST /v1`` bound to ``state``."""

    async def endpoint(request: Request) -> Response:
        return await _handle(state, request)

    return endpoint


async def _handle(state: ProxyState, request: Request) -> Response:
    body = await request.body()
    try:
        tasks = parse_tasks(body, max_tasks=MAX_TASKS)
    except BatchError as exc:
        return JSONResponse(envelope([], [exc.error]), status_code=exc.status)
    authorization = request.headers.get("authorization")
    recorder = state.recorder
    if recorder is not None and authorization:
        recorder.learn_secret(authorization)
    api_key = bearer_key(authorization) or _auth_task_key(tasks)
    dry_run = request.headers.get(DRY_RUN_HEADER, "").strip().lower() in _TRUE
    started = [recorder.start(task) for task in tasks] if recorder is not None else []
    verdicts = [state.gate.admit(task, api_key=api_key, dry_run=dry_run) for task in tasks]
    local_errors = [error for verdict in verdicts for error in verdict.errors]
    base = public_base(state, str(request.base_url))
    forward = [
        outgoing(state, task, base)
        for task, verdict in zip(tasks, verdicts, strict=True)
        if not verdict.refused
    ]
    send = bool(forward) and (
        len(forward) == len(tasks) or any(not _is_auth(task) for task in forward)
    )
    media_type = "application/json"
    answered_upstream = False
    passed_headers: dict[str, str] = {}
    if not send:
        answer: Any = envelope([], local_errors)
        status = _local_status(verdicts)
        raw: bytes | None = None
    else:
        try:
            upstream = await state.client().post(
                state.config.upstream_rest,
                content=json.dumps(forward).encode("utf-8"),
                headers=_forwarded_headers(request),
                params=request.query_params,
            )
        except httpx.HTTPError as exc:
            _refund(state, verdicts)
            answer = envelope([], [unreachable_error(state.config.upstream_rest, exc)])
            status = UPSTREAM_UNREACHABLE_STATUS
            raw = None
        else:
            status = upstream.status_code
            raw = upstream.content
            passed_headers = _passed_back(upstream.headers)
            media_type = upstream.headers.get("content-type", media_type)
            answered_upstream = True
            answer = upstream_answer = _json_or_none(raw)
            if isinstance(answer, dict) and local_errors:
                answer = {**answer, "errors": [*(answer.get("errors") or []), *local_errors]}
            _refund_refused_upstream(state, tasks, verdicts, answer)
    if recorder is not None and answered_upstream and _recordable(request, dry_run):
        sent = [
            (begun, task)
            for begun, task, verdict in zip(started, tasks, verdicts, strict=True)
            if not verdict.refused
        ]
        _record(state, [b for b, _ in sent], [t for _, t in sent], upstream_answer, status)
    if isinstance(answer, dict):
        return JSONResponse(
            rewrite_answer(state, answer, base), status_code=status, headers=passed_headers
        )
    return Response(raw or b"", status_code=status, media_type=media_type, headers=passed_headers)


# Upstream answer headers the proxy does not pass back: hop-by-hop ones and those describing a
# body it may rewrite (its own server writes them anew).
_NOT_PASSED_BACK = frozenset(
    {
        "connection",
        "keep-alive",
        "transfer-encoding",
        "content-length",
        "content-encoding",
        "content-type",
        "date",
        "server",
        "upgrade",
        "trailer",
    }
)


def _passed_back(headers: httpx.Headers) -> dict[str, str]:
    """The upstream answer's headers a client may act on (``Retry-After`` above all)."""
    return {k: v for k, v in headers.items() if k.lower() not in _NOT_PASSED_BACK}


def _record(
    state: ProxyState, started: list[Started], tasks: list[Any], answer: Any, status: int
) -> None:
    recorder = state.recorder
    assert recorder is not None
    objects = [task if isinstance(task, dict) else {"task": task} for task in tasks]
    parts = split_envelope(objects, answer)
    for begun, task, part in zip(started, objects, parts, strict=True):
        recorder.record(
            begun,
            transport="rest",
            direction="client",
            request=restore_request(state, task),
            status=status,
            response=part,
        )


def _recordable(request: Request, dry_run: bool) -> bool:
    """Whether an exchange the upstream answered goes into the cassette.

    A cassette holds the upstream's answers to tasks, which a replay gives back whatever the
    headers of the replayed request: so a dry run (its answer depends on the
    ``X-Runware-Dry-Run`` header) and a body sent without a JSON ``Content-Type`` (answered for
    the header, not the tasks) are left out, like everything the proxy answered itself.
    """
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return not dry_run and content_type == "application/json"


def _auth_task_key(tasks: list[Any]) -> str | None:
    first = tasks[0] if tasks else None
    if isinstance(first, dict) and _is_auth(first) and isinstance(first.get("apiKey"), str):
        return first["apiKey"]
    return None


def _is_auth(task: Any) -> bool:
    return isinstance(task, dict) and task.get("taskType") == "authentication"


def _local_status(verdicts: list[Verdict]) -> int:
    statuses = {verdict.status for verdict in verdicts if verdict.refused}
    if not statuses:
        return 200
    return statuses.pop() if len(statuses) == 1 else 400


def _forwarded_headers(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.headers.items() if k.lower() not in _NOT_FORWARDED}


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _refund(state: ProxyState, verdicts: list[Verdict]) -> None:
    for verdict in verdicts:
        if verdict.charge is not None:
            state.ledger.refund(verdict.charge)


def _refund_refused_upstream(
    state: ProxyState, tasks: list[Any], verdicts: list[Verdict], answer: Any
) -> None:
    """Refund each charged task the upstream answered with errors only."""
    if not isinstance(answer, dict):
        return
    objects = [task if isinstance(task, dict) else {} for task in tasks]
    for verdict, part in zip(verdicts, split_envelope(objects, answer), strict=True):
        if verdict.charge is not None and part and part.get("errors") and not part.get("data"):
            state.ledger.refund(verdict.charge)
