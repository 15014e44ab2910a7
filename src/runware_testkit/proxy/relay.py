"""The proxy's own routes for what passes through it besides tasks.

``POST /__proxy/webhook/{token}``: a webhook delivery from the upstream for a task whose
``webhookURL`` the proxy relays. It is forwarded (same body and ``Content-Type``) to the
client's original ``webhookURL``; the upstream gets the receiver's status and body, or 502
``upstreamUnreachable`` when the receiver cannot be reached. Recorded as a ``webhook`` line.

``GET /__proxy/media/{token}``: a download of a result URL the proxy stands in for; the
original is fetched and its answer passed back. Recorded as a ``media`` line (size, type and
sha256; with ``media="hash"`` the body is kept in the cassette's media folder).

``GET /__proxy/spend``: the ledger's summary as JSON (`SpendLedger.summary`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..fake_server.protocol.wire import error_object
from .state import (
    MEDIA_ROUTE,
    RELAY_PREFIX,
    UPSTREAM_UNREACHABLE_STATUS,
    WEBHOOK_ROUTE,
    ProxyState,
    unreachable_error,
)


def relay_routes(state: ProxyState) -> list[Route]:
    """The webhook relay, media relay and spend routes bound to ``state``."""

    async def webhook(request: Request) -> Response:
        return await _webhook(state, request)

    async def media(request: Request) -> Response:
        return await _media(state, request)

    async def spend(request: Request) -> Response:
        return JSONResponse(state.ledger.summary())

    return [
        Route(WEBHOOK_ROUTE + "/{token}", webhook, methods=["POST"]),
        Route(MEDIA_ROUTE + "/{token}", media, methods=["GET"]),
        Route(RELAY_PREFIX + "/spend", spend, methods=["GET"]),
    ]


def _unknown(token: str) -> Response:
    error = error_object(code="notFound", message=f"The proxy relays nothing under {token!r}.")
    return JSONResponse({"errors": [error]}, status_code=404)


async def _webhook(state: ProxyState, request: Request) -> Response:
    token = request.path_params["token"]
    target = state.original(token)
    if target is None:
        return _unknown(token)
    body = await request.body()
    recorder = state.recorder
    started = recorder.start() if recorder is not None else None
    content_type = request.headers.get("content-type", "application/json")
    status: int | None
    try:
        answer = await state.client().post(
            target, content=body, headers={"content-type": content_type}
        )
    except httpx.HTTPError as exc:
        status, reply = None, None
        response: Response = JSONResponse(
            {"errors": [unreachable_error("(the webhook receiver)", exc)]},
            status_code=UPSTREAM_UNREACHABLE_STATUS,
        )
    else:
        status, reply = answer.status_code, answer.content
        response = Response(
            reply,
            status_code=status,
            media_type=answer.headers.get("content-type", "application/octet-stream"),
        )
    if recorder is not None and started is not None:
        delivered = _json_or_none(body)
        recorder.record(
            started,
            transport="webhook",
            direction="server",
            request=delivered if isinstance(delivered, dict) else None,
            status=status,
            response=_object_or_none(reply),
            attempt=state.next_webhook_attempt(_task_of(delivered) or token),
        )
    return response


async def _media(state: ProxyState, request: Request) -> Response:
    token = request.path_params["token"]
    target = state.original(token)
    if target is None:
        return _unknown(token)
    recorder = state.recorder
    started = recorder.start() if recorder is not None else None
    try:
        answer = await state.client().get(target)
    except httpx.HTTPError as exc:
        return JSONResponse(
            {"errors": [unreachable_error("(the media host)", exc)]},
            status_code=UPSTREAM_UNREACHABLE_STATUS,
        )
    content_type = answer.headers.get("content-type", "application/octet-stream")
    if recorder is not None and started is not None:
        body = answer.content
        if state.config.media == "hash" and answer.is_success:
            digest = recorder.store_media(body)
        else:
            digest = hashlib.sha256(body).hexdigest()
        recorder.record(
            started,
            transport="media",
            direction="client",
            request={"method": "GET", "url": target},
            status=answer.status_code,
            response={"contentType": content_type, "bytes": len(body), "sha256": digest},
        )
    return Response(answer.content, status_code=answer.status_code, media_type=content_type)


def _json_or_none(raw: bytes | None) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _object_or_none(raw: bytes | None) -> dict[str, Any] | None:
    value = _json_or_none(raw)
    return value if isinstance(value, dict) else None


def _task_of(body: Any) -> str | None:
    if isinstance(body, dict):
        for key in ("data", "errors"):
            items = body.get(key)
            if isinstance(items, list) and items and isinstance(items[0], dict):
                uuid = items[0].get("taskUUID")
                if isinstance(uuid, str):
                    return uuid
    return None
