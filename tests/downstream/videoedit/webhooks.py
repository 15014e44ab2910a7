"""The app's webhook receiver: Runware POSTs ``{"data": [item]}`` when an edit finishes.

Runware authenticates webhooks only through the URL's query parameters, so the app puts a
secret ``token`` in the URL it gives as ``webhookURL`` and checks it here.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


class WebhookError(ValueError):
    """A webhook call the app refuses, with the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class WebhookStore:
    """What the receiver accepted: result items and errors, by taskUUID."""

    results: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    errors: dict[str, dict[str, Any]] = field(default_factory=dict)


def handle_webhook(
    store: WebhookStore,
    body: bytes | str | Mapping[str, Any],
    query: Mapping[str, str],
    *,
    token: str,
) -> dict[str, Any]:
    """Check one webhook call and store its item; the item. Raises `WebhookError`."""
    if not hmac.compare_digest(str(query.get("token", "")).encode(), token.encode()):
        raise WebhookError(401, "missing or wrong token")
    if isinstance(body, bytes | str):
        try:
            body = json.loads(body)
        except ValueError:
            raise WebhookError(400, "the body is not JSON") from None
    data = body.get("data") if isinstance(body, Mapping) else None
    if not isinstance(data, list) or len(data) != 1 or not isinstance(data[0], dict):
        raise WebhookError(400, 'expected {"data": [item]} with exactly one item')
    item = data[0]
    task_uuid = item.get("taskUUID")
    if not isinstance(task_uuid, str):
        raise WebhookError(400, "the item has no taskUUID")
    if item.get("status") == "error":
        store.errors[task_uuid] = dict(item.get("error") or {})
    elif isinstance(item.get("videoUUID"), str) and isinstance(item.get("videoURL"), str):
        store.results.setdefault(task_uuid, []).append(item)
    else:
        raise WebhookError(400, "the item is neither a result nor an error")
    return item


def webhook_app(store: WebhookStore, token: str) -> Starlette:
    """The receiver as an ASGI app: ``POST /hooks/runware?token=...``."""

    async def receive(request: Request) -> Response:
        try:
            handle_webhook(store, await request.body(), request.query_params, token=token)
        except WebhookError as exc:
            return JSONResponse({"error": str(exc)}, status_code=exc.status)
        return Response(status_code=204)

    return Starlette(routes=[Route("/hooks/runware", receive, methods=["POST"])])
