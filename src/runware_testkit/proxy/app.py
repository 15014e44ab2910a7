"""`create_proxy_app`: the proxy as one ASGI app (Starlette), on the paths the fake uses.

Routes: ``POST /v1`` (`rest`), ``WS /v1`` (`websocket`), ``/__proxy/...`` (`relay`). Unknown
paths and methods get Runware-shaped errors (``notFound`` 404, ``methodNotAllowed`` 405); an
unexpected failure is a 500 ``internalServerError`` error object, never a traceback page.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

from ..contract import Contract
from ..fake_server.app import http_error
from .config import ProxyConfig
from .relay import relay_routes
from .rest import rest_endpoint
from .state import ProxyState
from .websocket import websocket_endpoint

log = logging.getLogger("runware_testkit.proxy")


def create_proxy_app(
    config: ProxyConfig | None = None, *, contract: Contract | None = None
) -> Starlette:
    """The proxy app for ``config``; ``app.state.proxy`` is its `ProxyState`. Shutting the app
    down (ASGI lifespan) closes the upstream client and the cassette."""
    state = ProxyState(config if config is not None else ProxyConfig(), contract=contract)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await state.aclose()

    app = Starlette(
        routes=[
            Route("/v1", rest_endpoint(state), methods=["POST"]),
            WebSocketRoute("/v1", websocket_endpoint(state)),
            *relay_routes(state),
        ],
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error, Exception: _internal_error},
    )
    app.state.proxy = state
    return app


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.error("unexpected error in the proxy", exc_info=exc)
    error = {
        "code": "internalServerError",
        "message": f"The proxy failed unexpectedly ({type(exc).__name__}: {exc}).",
    }
    return JSONResponse({"errors": [error]}, status_code=500)
