"""``GET /__testkit/``: what this fake serves, as a page for a browser or JSON for a program.

The list is read from the app's own routes (so it never names a route that is not served),
each with a one-line description, plus routes a wrapping app adds (the shared server's
namespaces put theirs in the ASGI scope under `EXTRA_ROUTES_KEY`). Paths carry the request's
``root_path``, so the index of a namespace links into that namespace.
"""

from __future__ import annotations

import html
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

__all__ = ["DESCRIPTIONS", "EXTRA_ROUTES_KEY", "list_routes", "route_index"]

EXTRA_ROUTES_KEY = "runware_testkit.extra_routes"
"""ASGI scope key: a list of ``(methods, path, description)`` served by a wrapping app."""

DESCRIPTIONS: dict[str, str] = {
    "/v1": "Runware API: REST (POST a JSON array of tasks) and WebSocket",
    "/media/{name:path}": "result videos and uploaded media",
    "/resolve/{air:path}": "the request and response schema of a model (schemas.runware.ai)",
    "/registry.json": "the models this fake knows",
    "/docs/models/{slug}/schema.json": "a model's OpenAPI 3.1 document",
    "/__testkit": "this index",
    "/__testkit/": "this index as JSON; the Inspector page for a browser",
    "/__testkit/events": "the Inspector's server-sent events: task rows and journal progress",
    "/__testkit/inspector/tasks": "the Inspector's task rows, refused submissions included",
    "/__testkit/tasks/{uuid}/timeline": "a task's request, errors, events, details and media",
    "/__testkit/models": "the loaded models with their source and schema links",
    "/__testkit/spend": "tasks and cost per (masked) API key",
    "/__testkit/errors": "the error catalog: code, HTTP status, default message",
    "/__testkit/health": '{"status": "ok"} while serving',
    "/__testkit/reset": "forget everything; optional settings: progression, seed, api_keys, "
    "clock, scenarios",
    "/__testkit/seed": '{"seed": n}: deterministic UUIDs and seeds from here on',
    "/__testkit/journal": "requests, responses, frames, webhook and upload attempts "
    "(?kind=&since=&limit=)",
    "/__testkit/clock": "the clock: {now, manual}",
    "/__testkit/clock/advance": '{"seconds": n}: move a manual clock, finish due tasks',
    "/__testkit/tasks": "the tasks the fake holds (?status=&model=)",
    "/__testkit/tasks/{uuid}": "one task",
    "/__testkit/tasks/{uuid}/complete": "finish a task with success now",
    "/__testkit/tasks/{uuid}/fail": '{"code": ...}: finish a task with an error now',
    "/__testkit/scenarios": "one-shot faults: POST adds, GET lists, DELETE drops",
    "/__testkit/scenarios/{index}": "DELETE drops the pending scenario at that index",
    "/__testkit/drain": "wait for webhook and upload deliveries in flight (?timeout=)",
    "/__testkit/sink": "names of the built-in receivers and what each received",
    "/__testkit/sink/{name}": "built-in webhook (POST) and upload (PUT) receiver; GET reads it",
    "/__testkit/sink/{name}/fail": '{"times": n, "status": s}: make a receiver fail',
}
"""One line per known route path (as the app declares it)."""

_HIDDEN = frozenset({"/__testkit"})


def list_routes(request: Request) -> list[dict[str, Any]]:
    """``[{"methods": [...], "path": ..., "does": ...}]`` for every route this app serves."""
    root = request.scope.get("root_path", "").rstrip("/")
    rows: list[dict[str, Any]] = []
    app = request.scope.get("app")
    for route in getattr(app, "routes", ()):
        if isinstance(route, WebSocketRoute):
            methods = ["WEBSOCKET"]
        elif isinstance(route, Route):
            methods = sorted(m for m in (route.methods or ()) if m != "HEAD")
        else:
            continue
        if route.path in _HIDDEN:
            continue
        rows.append(
            {
                "methods": methods,
                "path": root + route.path,
                "does": DESCRIPTIONS.get(route.path, ""),
            }
        )
    for methods, path, does in request.scope.get(EXTRA_ROUTES_KEY, ()):
        rows.append({"methods": list(methods), "path": path, "does": does})
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:
        seen = merged.get(row["path"])
        if seen is None:
            merged[row["path"]] = row
        else:
            seen["methods"] = sorted({*seen["methods"], *row["methods"]})
            seen["does"] = seen["does"] or row["does"]
    return list(merged.values())


def route_index(request: Request) -> Response:
    """The index: HTML when the client accepts ``text/html`` (a browser), JSON otherwise."""
    routes = list_routes(request)
    if "text/html" in request.headers.get("accept", ""):
        return HTMLResponse(_page(routes))
    return JSONResponse({"service": "runware-testkit: a fake Runware API", "routes": routes})


def _page(routes: list[dict[str, Any]]) -> str:
    rows = "\n".join(
        "<tr><td>{}</td><td><code>{}</code></td><td>{}</td></tr>".format(
            html.escape(" ".join(row["methods"])),
            html.escape(row["path"]),
            html.escape(row["does"]),
        )
        for row in routes
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>runware-testkit</title>"
        "<style>body{font-family:sans-serif;margin:2em}td{padding:.2em .8em;"
        "vertical-align:top}code{white-space:nowrap}</style></head><body>"
        "<h1>runware-testkit: a fake Runware API</h1>"
        "<p>Routes this server answers. The control API (<code>/__testkit</code>) is the "
        "same one <code>runware_testkit.testing.connect(url)</code> drives.</p>"
        f"<table><tr><th>method</th><th>path</th><th>does</th></tr>\n{rows}\n</table>"
        "</body></html>"
    )
