"""`create_app`: the one ASGI app of the fake Runware server, for every mode.

The same app runs under uvicorn (``runware-testkit serve``, the live pytest fixture) and
in-process through ``httpx.ASGITransport`` or Starlette's ``TestClient`` (no sockets).

Routes
------
``POST /v1``                       REST API (`rest`)
``WS /v1``                         WebSocket API (`websocket`)
``GET /media/{uuid}.{ext}``        result videos and uploads (`media_routes`)
``GET /resolve/{AIR}``, ``/registry.json``, ``/docs/models/{slug}/schema.json``
                                   schema service (`schema_service`)
``/__testkit/``                    the Inspector page for a browser, the route index as JSON
                                   otherwise, and the Inspector's views (`inspector`)
``/__testkit/...``                 control API (`control`) and webhook/upload sink (`sink`)

Unknown paths and methods get Runware-shaped errors (``notFound`` 404,
``methodNotAllowed`` 405); any unexpected exception becomes a journaled 500
``internalServerError``, never a traceback page.
"""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import Receive, Scope, Send

from .config import ServerConfig
from .control.api import PREFIX as CONTROL_PREFIX
from .control.api import control_routes
from .control.sink import sink_routes
from .engine.clock import Clock
from .inspector.routes import inspector_routes
from .media.routes import media_routes
from .protocol.schema_service import schema_routes
from .state import ServerState
from .transports.rest import quiet_deliberate_drops, rest_endpoint
from .transports.websocket import websocket_endpoint

__all__ = ["CONTROL_PREFIX", "create_app"]

log = logging.getLogger("runware_testkit.fake_server")


def create_app(
    config: ServerConfig | None = None,
    *,
    clock: Clock | None = None,
    state: ServerState | None = None,
) -> Starlette:
    """Build the server app over `state` (or a new `ServerState` from `config` and `clock`).

    ``app.state.testkit`` is the `ServerState`. When the app created the state, shutting the
    app down (ASGI lifespan) also closes its store.
    """
    owned = state is None
    if state is None:
        state = ServerState(config, clock=clock)
    elif config is not None or clock is not None:
        raise ValueError("pass either a state or a config/clock, not both")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state.bind_loop()
        try:
            yield
        finally:
            if owned:
                await state.aclose()
            else:
                await state.drain(10.0)

    quiet_deliberate_drops()
    rest = rest_endpoint(state)
    routes: list[BaseRoute] = [
        Route("/v1", rest, methods=["POST"]),
        WebSocketRoute("/v1", websocket_endpoint(state)),
        *media_routes(state),
        *schema_routes(state),
    ]
    # The Inspector comes first: its page answers GET /__testkit/ for a browser.
    routes += [*inspector_routes(state), *control_routes(state), *sink_routes(state)]
    app = _FakeServerApp(
        rest,
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            HTTPException: http_error,
            Exception: _internal_error(state),
        },
    )
    app.state.testkit = state
    state.app = app
    return app


class _FakeServerApp(Starlette):
    """Starlette, with ``POST /v1`` handed straight to the REST endpoint.

    The REST endpoint answers every failure of its own with a Runware error, so Starlette's
    error middleware, exception middleware and route matching had nothing to do on the hot
    path but cost about a tenth of a submit's time. The short cut is taken only while no
    middleware was added and the app is not mounted under a root path; everything else goes
    through Starlette as before (an exception escaping the endpoint still reaches uvicorn or
    the in-process client).
    """

    def __init__(self, rest: Callable[[Request], Awaitable[Response]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._rest = rest

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["path"] == "/v1"
            and scope["method"] == "POST"
            and not scope.get("root_path")
            and not self.user_middleware
        ):
            scope["app"] = self
            response = await self._rest(Request(scope, receive, send))
            await response(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's HTTPException (404, 405 ...) as a Runware-shaped error."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        code, message = "notFound", f"No route for {request.method} {request.url.path}."
    elif exc.status_code == 405:
        code, message = (
            "methodNotAllowed",
            f"{request.method} is not allowed on {request.url.path}.",
        )
    else:
        code, message = "httpError", str(exc.detail)
    return JSONResponse(
        {"errors": [{"code": code, "message": message}]},
        status_code=exc.status_code,
        headers=exc.headers,
    )


def _internal_error(state: ServerState):
    async def handler(request: Request, exc: Exception) -> Response:
        log.error("unexpected error", exc_info=exc)
        state.journal.record(
            "error",
            where="app",
            path=request.url.path,
            error=repr(exc),
            traceback="".join(traceback.format_exception(exc)),
        )
        error = {
            "code": "internalServerError",
            "message": f"The fake server failed unexpectedly ({type(exc).__name__}); "
            "see the journal for the traceback.",
        }
        return JSONResponse({"errors": [error]}, status_code=500)

    return handler
