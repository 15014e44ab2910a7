"""``POST /v1``: the REST transport.

Order of checks: body size (413), ``Content-Type`` (415; JSON or none at all), bearer key when
the header is present (401), JSON array shape (400), then the leading ``authentication`` task
when there was no header (401). Each task is then answered by the `Dispatcher`; the answer is
one envelope, ``{"data": [...]}`` and/or ``{"errors": [...]}``.

A request holding only the authentication task answers ``{"data": []}`` (the key was fine;
REST has no session to report).

Bodies over ``limits.max_body_bytes`` are answered 413 ``maxPayloadSizeExceeded`` after the rest
of the body has been read and thrown away (up to `DRAIN_MARGIN_BYTES` past the limit), so a
client that writes its whole body before reading the answer (urllib, requests) reads the error
instead of a connection reset. A client that sent ``Expect: 100-continue`` is answered at once.

HTTP status: 200 when at least one task produced data (a mixed batch is a partial success);
otherwise the status the errors share (400 validation, 401 key, 404 unknown task, 429 too many
open tasks ...), or 400 if they differ. Header ``X-Runware-Dry-Run: 1`` makes it a dry run.

Network faults (`faults.scenarios`): a reply marked ``truncate_frame`` sends the headers and
half the body, then drops the connection; a task refused by a full simulated queue answers
with ``Retry-After`` (seconds). A connect-phase scenario applies to the next request: late
(``latency_ms``), refused (``error_code``), dropped or cut. ``half_open`` and
``replay_results`` are WebSocket faults and change nothing here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import httpx
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ..handlers.dispatch import Context, Dispatcher
from ..protocol.auth import bearer_key, key_error
from ..protocol.wire import (
    JOURNAL_STRING_LIMIT,
    BatchError,
    TaskReply,
    check_tasks,
    decode_json,
    encode_json,
    envelope,
    error_object,
    for_journal,
    http_status,
)

if TYPE_CHECKING:
    from ..faults.scenarios import Scenario
    from ..state import ServerState

__all__ = [
    "DRAIN_MARGIN_BYTES",
    "DRY_RUN_HEADER",
    "ConnectionDropped",
    "drain_bound",
    "rest_endpoint",
]

DRY_RUN_HEADER = "x-runware-dry-run"
_JSON_TYPES = ("application/json", "text/json")
_TRUE = {"1", "true", "yes", "on"}
DRAIN_MARGIN_BYTES = 256 * 1024 * 1024
"""Bytes past the body limit the server still reads before its 413 (see `drain_bound`)."""
MALFORMED_BODY = b'{"data": [{"taskType": "videoInference", "taskUUID": '


class ConnectionDropped(httpx.RemoteProtocolError):
    """Raised to drop a REST connection without an answer (a scenario asked for it)."""


class _DeliberateDropFilter(logging.Filter):
    """Keeps a scenario's deliberate drop out of the server log: uvicorn reports the exception
    that breaks the connection off as an application error, with its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, ConnectionDropped)


_DROP_FILTER = _DeliberateDropFilter()


def quiet_deliberate_drops() -> None:
    """Install the filter on the loggers that report a dropped connection (idempotent)."""
    for name in ("uvicorn.error", "runware_testkit.fake_server"):
        logger = logging.getLogger(name)
        if _DROP_FILTER not in logger.filters:
            logger.addFilter(_DROP_FILTER)


def rest_endpoint(state: ServerState):
    """The Starlette endpoint for ``POST /v1`` bound to `state`."""
    dispatcher = Dispatcher(state)

    async def endpoint(request: Request) -> Response:
        state.bind_loop()
        fault = state.scenarios.take_connect()
        try:
            if fault is not None:
                return await _with_connect_fault(state, dispatcher, request, fault)
            return await _handle(state, dispatcher, request)
        except (ConnectionDropped, ClientDisconnect):
            raise
        except Exception as exc:
            reply = dispatcher.internal_error(exc, {})
            return _respond(state, envelope([], reply.errors), 500)

    return endpoint


async def _handle(state: ServerState, dispatcher: Dispatcher, request: Request) -> Response:
    limits = state.config.limits
    dry_run = request.headers.get(DRY_RUN_HEADER, "").strip().lower() in _TRUE
    limit = limits.max_body_bytes
    reader = _BodyReader(request)
    declared = request.headers.get("content-length")
    size = int(declared) if declared is not None and declared.isdigit() else None
    if size is not None and size > limit:
        if size <= drain_bound(limit) and not _expects_continue(request):
            await _discard(reader, drain_bound(limit))
        state.journal.record(
            "request", transport="rest", path=request.url.path, size=size, body=None
        )
        return _too_large(state, limit)
    body = await _read_limited(reader, limit)
    if body is None:
        await _discard(reader, drain_bound(limit) - limit)
        state.journal.record("request", transport="rest", path=request.url.path, body=None)
        return _too_large(state, limit)
    parsed: Any = None
    bad_json: BatchError | None = None
    try:
        parsed = decode_json(body)
        # a body no longer than the limit holds no string to shorten (the journal packs its
        # own copy either way)
        shown = parsed if len(body) <= JOURNAL_STRING_LIMIT else for_journal(parsed)
    except BatchError as exc:
        bad_json = exc
        shown = for_journal(body.decode("utf-8", "replace"))
    state.journal.record(
        "request", transport="rest", path=request.url.path, dry_run=dry_run, body=shown
    )
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type not in _JSON_TYPES and not content_type.endswith("+json"):
        return _error(
            state,
            415,
            "unsupportedContentType",
            f"Content-Type {content_type!r} is not supported; send application/json.",
        )
    header_key = bearer_key(request.headers.get("authorization"))
    if header_key is not None and (error := key_error(state.config, header_key)):
        return _respond(state, envelope([], [error]), 401)
    if bad_json is not None:
        return _respond(state, envelope([], [bad_json.error]), bad_json.status)
    try:
        tasks = check_tasks(parsed, max_tasks=limits.max_tasks_per_request)
    except BatchError as exc:
        return _respond(state, envelope([], [exc.error]), exc.status)
    key = header_key
    first = tasks[0]
    if isinstance(first, dict) and first.get("taskType") == "authentication":
        tasks = tasks[1:]
        if header_key is None or "apiKey" in first:
            key = first.get("apiKey")
            if error := key_error(state.config, key):
                return _respond(state, envelope([], [error]), 401)
    elif (error := key_error(state.config, key)) is not None:
        return _respond(state, envelope([], [error]), 401)
    ctx = Context(api_key=str(key), request_base=str(request.base_url), dry_run=dry_run)
    replies = await dispatcher.run(tasks, ctx)
    return await _answer(state, replies)


async def _with_connect_fault(
    state: ServerState, dispatcher: Dispatcher, request: Request, fault: Scenario
) -> Response:
    """Answer the request as a connect-phase scenario says (see the module docstring)."""
    state.journal.record("scenario", source="queue", scenario=fault.to_dict())
    reply = TaskReply(latency_ms=fault.latency_ms)
    reply.drop_connection = fault.drop_connection
    reply.truncate_frame = fault.truncate_frame
    if (error := fault.error()) is not None:
        reply.errors, reply.status = [error], fault.status or 401
        return await _answer(state, [reply])
    response = await _handle(state, dispatcher, request)
    if not (reply.latency_ms or reply.drop_connection or reply.truncate_frame):
        return response
    await asyncio.sleep(reply.latency_ms / 1000)
    if reply.drop_connection or reply.truncate_frame:
        part = bytes(response.body)[: len(response.body) // 2] if reply.truncate_frame else b""
        return _DropResponse(part, len(response.body))
    return response


async def _answer(state: ServerState, replies: list[TaskReply]) -> Response:
    latency = max((r.latency_ms for r in replies), default=0)
    if latency:
        await asyncio.sleep(latency / 1000)
    if any(r.drop_connection for r in replies):
        state.journal.record("response", transport="rest", status=None, dropped=True)
        return _DropResponse()
    status = http_status(replies)
    if any(r.malformed_body for r in replies):
        state.journal.record("response", transport="rest", status=status, malformed=True)
        return Response(MALFORMED_BODY, status_code=status, media_type="application/json")
    data = [item for r in replies for item in r.data]
    errors = [error for r in replies for error in r.errors]
    if any(r.truncate_frame for r in replies):
        body = encode_json(envelope(data, errors))
        state.journal.record("response", transport="rest", status=status, truncated=True)
        return _DropResponse(bytes(body[: len(body) // 2]), len(body), status)
    waits = [r.retry_after for r in replies if r.retry_after is not None]
    headers = {"Retry-After": str(max(waits))} if waits and not data else None
    return _respond(state, envelope(data, errors), status, headers)


def _respond(
    state: ServerState, body: dict[str, Any], status: int, headers: dict[str, str] | None = None
) -> Response:
    state.journal.record("response", transport="rest", status=status, body=body)
    return Response(
        encode_json(body), status_code=status, headers=headers, media_type="application/json"
    )


def _error(state: ServerState, status: int, code: str, message: str) -> Response:
    return _respond(state, envelope([], [error_object(code=code, message=message)]), status)


def _too_large(state: ServerState, limit: int) -> Response:
    return _error(
        state,
        413,
        "maxPayloadSizeExceeded",
        f"The request body is larger than the {limit} bytes allowed.",
    )


def drain_bound(limit: int) -> int:
    """How many body bytes the server reads (and throws away) before answering 413.

    A client that writes its whole body before reading the answer (urllib, requests) sees a
    connection reset instead of the 413 when the server closes with the body unread; reading
    up to `DRAIN_MARGIN_BYTES` past `limit` lets such a client read the Runware error. A body
    declared larger than this is answered at once and the connection closed.
    """
    return limit + DRAIN_MARGIN_BYTES


def _expects_continue(request: Request) -> bool:
    """True when the client waits for ``100 Continue`` before sending the body (curl does for
    large bodies): it reads the 413 without sending anything, so nothing needs draining."""
    return request.headers.get("expect", "").strip().lower() == "100-continue"


async def _read_limited(body: _BodyReader, limit: int) -> bytes | None:
    """The body, or None as soon as it grows past `limit` bytes (the rest left unread)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in body.chunks():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def _discard(body: _BodyReader, budget: int) -> None:
    """Read and drop what is left of the body, at most `budget` more bytes."""
    size = 0
    async for chunk in body.chunks():
        size += len(chunk)
        if size > budget:
            return


class _BodyReader:
    """The request body read off ASGI ``receive`` in pieces, so reading can stop and resume
    (Starlette's ``request.stream()`` may be iterated only once)."""

    def __init__(self, request: Request) -> None:
        self._receive = request.receive
        self.complete = False

    async def chunks(self) -> AsyncIterator[bytes]:
        while not self.complete:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnect()
            self.complete = not message.get("more_body", False)
            chunk = message.get("body", b"")
            if chunk:
                yield chunk


class _DropResponse(Response):
    """Starts an answer (headers, then `part` of a body of `size` bytes), then breaks the
    connection off (uvicorn closes the socket)."""

    def __init__(self, part: bytes = b"", size: int = 1024, status: int = 200) -> None:
        super().__init__(status_code=status)
        self.part, self.size = part, size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        length = str(self.size).encode()
        await send(
            {
                "type": "http.response.start",
                "status": self.status_code,
                "headers": [(b"content-type", b"application/json"), (b"content-length", length)],
            }
        )
        if self.part:
            await send({"type": "http.response.body", "body": self.part, "more_body": True})
        raise ConnectionDropped("Server disconnected without sending a complete response.")
