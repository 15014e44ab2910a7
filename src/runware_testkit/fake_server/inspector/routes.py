"""The Inspector's routes: the page at ``/__testkit/`` and the read-only views it draws.

=======  ================================  ===================================================
method   path                              answers
=======  ================================  ===================================================
GET      /__testkit/                       the Inspector page to a browser (``Accept:
                                           text/html``); the JSON route index otherwise
GET      /__testkit/events                 server-sent events: ``tasks`` (the task rows, sent
                                           when they change and at least every second) and
                                           ``journal`` (``{"last_seq"}`` when it grows)
GET      /__testkit/inspector/tasks        ``{"now", "manual", "last_seq", "tasks": [row]}``
GET      /__testkit/tasks/{uuid}/timeline  a task's request, errors, events, details, media
GET      /__testkit/models                 ``{"models": [...]}``: loaded models and sources
GET      /__testkit/spend                  ``{"keys": [...]}``: tasks and cost per API key
GET      /__testkit/errors                 ``{"errors": [{"code", "status", "message"}]}``:
                                           the error catalog injected faults draw from
=======  ================================  ===================================================

Every route follows the control API's access rules (`control.api.access_refusal`: loopback
clients only unless opened with a token; the token when one is set). Since a browser cannot
put a header on a page load or an ``EventSource``, these routes also take the token as a
``?token=`` query parameter; the page passes it on to every control call in the header.

The page is one HTML file with its CSS and JavaScript inlined (``static/``, shipped in the
wheel), no external assets, so it works offline.
"""

from __future__ import annotations

import asyncio
import functools
import html
import json
from collections.abc import AsyncIterator
from importlib import resources
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Route

from ..control.api import PREFIX, TOKEN_HEADER, BadInput, guarded, json_response
from ..control.index import route_index
from ..engine.errors import TaskNotFound
from ..engine.records import TaskRecord
from ..faults.scenarios import ERROR_CATALOG
from ..handlers.get_response import result_reply
from ..protocol.wire import envelope
from .views import (
    JournalIndex,
    model_rows,
    spend_by_key,
    task_row,
    task_rows,
    timeline_events,
)

if TYPE_CHECKING:
    from ..state import ServerState

__all__ = ["STREAM_SECONDS", "TICK_SECONDS", "inspector_page", "inspector_routes"]

TICK_SECONDS = 0.02
"""How often (s) the event stream looks for new journal entries."""
HEARTBEAT_SECONDS = 1.0
"""Longest gap (s) between two ``tasks`` events: ages and time-based progress move on."""
STREAM_SECONDS = 20.0
"""Lifetime (s) of one event stream; the browser reconnects by itself (``retry``), so a server
shutting down never waits on a stream that would otherwise never end."""

_MEDIA_KEYS = (("videoUUID", "video"), ("imageUUID", "image"))


@functools.cache
def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")


def inspector_page(base: str) -> str:
    """The page's HTML with its CSS and JS inlined; `base` is the control API's path."""
    page = _asset("inspector.html").replace("__BASE__", html.escape(base, quote=True))
    return page.replace("/*STYLE*/", _asset("inspector.css")).replace(
        "/*SCRIPT*/", _asset("inspector.js")
    )


def inspector_routes(state: ServerState) -> list[Route]:
    """The Inspector's routes over `state` (mount them before the control routes)."""
    index = JournalIndex(state.journal)

    def rows_payload() -> dict[str, Any]:
        index.refresh()
        clock = state.clock
        return {
            "now": clock.now(),
            "manual": callable(getattr(clock, "advance", None)),
            "last_seq": state.journal.last_seq,
            "tasks": task_rows(state.engine.all_tasks(), index),
        }

    async def page(request: Request) -> Response:
        if "text/html" not in request.headers.get("accept", ""):
            return route_index(request)
        root = request.scope.get("root_path", "").rstrip("/")
        return HTMLResponse(inspector_page(root + PREFIX), headers={"Cache-Control": "no-store"})

    async def tasks(request: Request) -> Response:
        return json_response(rows_payload())

    async def timeline(request: Request) -> Response:
        uuid = request.path_params["uuid"]
        index.refresh()
        root = request.scope.get("root_path", "").rstrip("/")
        try:
            record = state.engine.peek(uuid)
        except TaskNotFound:
            record = None
        sent = index.sent_task(uuid)
        if record is None and sent is None:
            raise BadInput(
                f"No task {uuid} is held or was seen in the journal.",
                code="taskNotFound",
                parameter="uuid",
                status=404,
            )
        data: dict[str, Any] = {
            "taskUUID": uuid,
            "task": None if record is None else task_row(record),
            "request": record.request if record is not None else sent,
            "errors": index.errors_of(uuid),
            "events": timeline_events(uuid, index.entries_of(uuid)),
            "details": None,
            "media": [],
        }
        if record is not None:
            reply = await result_reply(record, state, request_base=str(request.base_url))
            data["details"] = {
                "taskType": "getTaskDetails",
                "taskUUID": uuid,
                "request": [record.request],
                "response": envelope(reply.data, reply.errors),
            }
            data["media"] = _media(state, record.results, root)
            if record.finished_at is not None:
                _insert_finish(data["events"], _finish_event(record))
        return json_response(data)

    async def models(request: Request) -> Response:
        root = request.scope.get("root_path", "").rstrip("/")
        return json_response({"models": model_rows(state.contract, root)})

    async def spend(request: Request) -> Response:
        return json_response({"keys": spend_by_key(state.engine.all_tasks())})

    async def errors(request: Request) -> Response:
        catalog = [
            {"code": code, "status": status, "message": message}
            for code, (status, message) in sorted(ERROR_CATALOG.items())
        ]
        return json_response({"errors": catalog})

    async def events(request: Request) -> Response:
        lifetime = _seconds(request.query_params.get("max"), STREAM_SECONDS)
        return StreamingResponse(
            _stream(state, rows_payload, lifetime),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    table = [
        ("", page),
        ("/", page),
        ("/events", events),
        ("/inspector/tasks", tasks),
        ("/tasks/{uuid}/timeline", timeline),
        ("/models", models),
        ("/spend", spend),
        ("/errors", errors),
    ]
    return [
        Route(
            PREFIX + path,
            _token_from_query(guarded(state, handler)),
            methods=["GET"],
            name=f"testkit_inspector_{handler.__name__}",
        )
        for path, handler in table
    ]


async def _stream(state: ServerState, rows_payload: Any, lifetime: float) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    started = loop.time()
    yield "retry: 300\n\n"
    last_seq = -1
    last_rows = ""
    last_sent = float("-inf")
    while True:
        now = loop.time()
        seq = state.journal.last_seq
        if seq != last_seq or now - last_sent >= HEARTBEAT_SECONDS:
            payload = rows_payload()
            rows = json.dumps(payload["tasks"], default=str)
            if rows != last_rows or now - last_sent >= HEARTBEAT_SECONDS:
                yield f"event: tasks\ndata: {json.dumps(payload, default=str)}\n\n"
                last_rows, last_sent = rows, now
            if seq != last_seq:
                yield f"event: journal\ndata: {json.dumps({'last_seq': seq})}\n\n"
                last_seq = seq
        if now - started >= lifetime:
            return
        await asyncio.sleep(TICK_SECONDS)


def _finish_event(record: TaskRecord) -> dict[str, Any]:
    """The moment the engine ended the task (by progression, clock or a control call)."""
    detail: Any = record.error if record.status == "error" else {"results": len(record.results)}
    return {
        "seq": None,
        "time": record.finished_at,
        "kind": "engine",
        "label": "finished",
        "status": record.status,
        "detail": detail,
    }


def _insert_finish(events: list[dict[str, Any]], finish: dict[str, Any]) -> None:
    """Put the end just before the first answer that reports it, else after what came before
    it on the clock (a manual clock gives many entries the same time)."""
    for position, event in enumerate(events):
        if event["label"] == "answer" and event.get("status") in ("success", "error"):
            events.insert(position, finish)
            return
    position = len(events)
    while position and events[position - 1]["time"] > finish["time"]:
        position -= 1
    events.insert(position, finish)


def _media(state: ServerState, results: list[dict[str, Any]], root: str) -> list[dict[str, Any]]:
    shown = []
    for item in results:
        for key, kind in _MEDIA_KEYS:
            uuid = item.get(key)
            if not isinstance(uuid, str):
                continue
            try:
                record = state.engine.media(uuid)
            except Exception as exc:  # expired or deleted: say so instead of a player
                shown.append({"uuid": uuid, "kind": kind, "gone": str(exc)})
                continue
            shown.append(
                {
                    "uuid": uuid,
                    "kind": kind,
                    "url": f"{root}/media/{uuid}.{record.format}",
                    "format": record.format,
                    "width": record.width,
                    "height": record.height,
                    "duration": record.duration,
                }
            )
    return shown


def _seconds(raw: str | None, default: float) -> float:
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise BadInput(f"max must be a number of seconds, got {raw!r}.", parameter="max") from None
    if not 0 <= value <= STREAM_SECONDS:
        raise BadInput(
            f"max must be between 0 and {STREAM_SECONDS:g} seconds, got {raw!r}.", parameter="max"
        )
    return value


def _token_from_query(endpoint: Any) -> Any:
    """Let ``?token=`` stand for the token header (a browser cannot set headers on a page load
    or an EventSource)."""

    @functools.wraps(endpoint)
    async def wrapped(request: Request) -> Response:
        token = request.query_params.get("token")
        if token and TOKEN_HEADER not in request.headers:
            scope = dict(request.scope)
            scope["headers"] = [*scope["headers"], (TOKEN_HEADER.lower().encode(), token.encode())]
            request = Request(scope, request.receive)
        return await endpoint(request)

    return wrapped
