"""Namespaces: one `serve` process shared by many test runs, each seeing only its own fake.

`NamespacedApp` wraps the server's app. ``POST /__testkit/namespaces`` creates a namespace: a
fake of its own (tasks, media, journal, scenarios, webhook sink, clock, seed, accepted keys)
served under ``/ns/<name>/``, so ``/ns/<name>/v1`` is its REST and WebSocket endpoint,
``/ns/<name>/media/...`` its media and ``/ns/<name>/__testkit/...`` its control API. Two pytest
runs pointed at one server (``--runware-url``) each create a namespace per test and never see
each other's tasks, whatever they do to their own fake (reset it, switch its clock to manual,
queue faults). Everything outside ``/ns/`` is the server's own fake, as before.

==========  ================================  ==================================================
method      path                              does
==========  ================================  ==================================================
POST        /__testkit/namespaces             create one; optional settings object (see
                                              `control.settings`): progression, seed,
                                              api_keys, clock, scenarios; answers
                                              ``{"namespace", "path", "api_key", ...}`` (201)
GET         /__testkit/namespaces             ``{"namespaces": [{name, created, last_used}]}``
DELETE      /__testkit/namespaces/{name}      close one (its background work finishes first)
==========  ================================  ==================================================

These routes and a namespace's own control API follow the server's access rules (loopback,
token). A namespace keeps its state in memory; it inherits the server's configuration (keys,
progression, limits, token) unless its settings say otherwise. A name is 32 random hex digits,
not guessable. At most `MAX_NAMESPACES` live at once: creating one more closes the one unused
for longest, so namespaces left behind by a killed test run do not pile up.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router

from .app import create_app
from .config import DEV_API_KEY, ServerConfig
from .control.api import PREFIX, error_response, guarded, json_response, read_json
from .control.index import EXTRA_ROUTES_KEY
from .control.settings import apply_settings, parse_settings
from .engine.clock import SwitchableClock
from .state import ServerState

__all__ = [
    "MAX_NAMESPACES",
    "NAMESPACE_PREFIX",
    "Namespace",
    "NamespacedApp",
    "create_shared_app",
]

NAMESPACE_PREFIX = "/ns"
"""Path prefix of the namespaces: ``/ns/<name>/v1``."""
MAX_NAMESPACES = 256
"""Most namespaces alive at once; creating one more closes the one unused for longest."""
CLOSE_TIMEOUT = 10.0
"""Longest wait (s) for a closing namespace's webhooks and uploads in flight."""

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_EXTRA_ROUTES = [
    (
        ["GET", "POST"],
        PREFIX + "/namespaces",
        "list namespaces / create one (settings: progression, seed, api_keys, clock, scenarios)",
    ),
    (["DELETE"], PREFIX + "/namespaces/{name}", "close a namespace"),
    (
        ["*"],
        NAMESPACE_PREFIX + "/{name}/...",
        "a namespace: v1, media and __testkit of a fake of its own",
    ),
]


@dataclass
class Namespace:
    """One isolated fake inside the shared server."""

    name: str
    state: ServerState
    app: Any
    created: float = field(default_factory=time.time)
    last_used: float = field(default_factory=time.time)

    def describe(self) -> dict[str, Any]:
        """The namespace as the control API lists it."""
        keys = sorted(self.state.config.api_keys)
        return {
            "namespace": self.name,
            "path": f"{NAMESPACE_PREFIX}/{self.name}",
            "api_key": keys[0] if keys else DEV_API_KEY,
            "any_key": not keys,
            "progression": self.state.engine.default_progression,
            "clock": getattr(self.state.clock, "mode", "system"),
            "created": self.created,
            "last_used": self.last_used,
        }


class NamespacedApp:
    """ASGI app: the server's own app, plus namespaces under ``/ns/<name>/``."""

    def __init__(self, root: Any, *, max_namespaces: int = MAX_NAMESPACES) -> None:
        self.root = root
        self.root_state: ServerState = root.state.testkit
        self.max_namespaces = max_namespaces
        self.namespaces: dict[str, Namespace] = {}
        self._control = Router(routes=self._routes())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await self.root(scope, self._on_shutdown(receive), send)
            return
        path = _route_path(scope)
        if path.startswith(NAMESPACE_PREFIX + "/"):
            await self._into_namespace(path, scope, receive, send)
            return
        if kind == "http" and (
            path == PREFIX + "/namespaces" or path.startswith(PREFIX + "/namespaces/")
        ):
            await self._control(scope, receive, send)
            return
        scope = dict(scope)
        scope[EXTRA_ROUTES_KEY] = _EXTRA_ROUTES
        await self.root(scope, receive, send)

    # -- namespaces ----------------------------------------------------------------------------

    def create(self, settings: dict[str, Any] | None = None) -> Namespace:
        """A new namespace with checked `settings` applied (see `control.settings`)."""
        while len(self.namespaces) >= self.max_namespaces:
            oldest = min(self.namespaces.values(), key=lambda ns: ns.last_used)
            self._forget(oldest.name)
        name = secrets.token_hex(16)
        base = self.root_state.config
        config = base.replace(
            state_path=None,
            base_url=f"{base.base_url}{NAMESPACE_PREFIX}/{name}" if base.base_url else None,
            seed=None,
        )
        state = ServerState(config, clock=SwitchableClock(), contract=self.root_state.contract)
        app = create_app(state=state)
        apply_settings(state, settings or {})
        namespace = Namespace(name, state, app)
        self.namespaces[name] = namespace
        return namespace

    async def close(self, name: str) -> bool:
        """Close namespace `name` (its deliveries in flight finish first); False if unknown."""
        namespace = self.namespaces.pop(name, None)
        if namespace is None:
            return False
        await namespace.state.aclose(CLOSE_TIMEOUT)
        return True

    async def close_all(self) -> None:
        """Close every namespace."""
        for name in list(self.namespaces):
            await self.close(name)

    def _forget(self, name: str) -> None:
        namespace = self.namespaces.pop(name, None)
        if namespace is not None:
            asyncio.get_running_loop().create_task(namespace.state.aclose(CLOSE_TIMEOUT))

    async def _into_namespace(self, path: str, scope: Scope, receive: Receive, send: Send) -> None:
        name, _, _rest = path[len(NAMESPACE_PREFIX) + 1 :].partition("/")
        namespace = self.namespaces.get(name)
        if namespace is None:
            await _no_namespace(name, scope, receive, send)
            return
        namespace.last_used = time.time()
        namespace.state.bind_loop()
        inner = dict(scope)
        inner["root_path"] = scope.get("root_path", "").rstrip("/") + f"{NAMESPACE_PREFIX}/{name}"
        await namespace.app(inner, receive, send)

    def _on_shutdown(self, receive: Receive) -> Receive:
        async def wrapped() -> MutableMapping[str, Any]:
            message = await receive()
            if message.get("type") == "lifespan.shutdown":
                await self.close_all()
            return message

        return wrapped

    # -- control routes ------------------------------------------------------------------------

    def _routes(self) -> list[Route]:
        async def create(request: Request) -> Response:
            settings = parse_settings(await read_json(request, required=False))
            namespace = self.create(settings)
            namespace.state.bind_loop()
            return json_response(namespace.describe(), 201)

        async def listing(request: Request) -> Response:
            return json_response({"namespaces": [ns.describe() for ns in self.namespaces.values()]})

        async def delete(request: Request) -> Response:
            name = request.path_params["name"]
            if not await self.close(name):
                return _unknown(name)
            return json_response({"closed": name})

        state = self.root_state
        return [
            Route(PREFIX + "/namespaces", guarded(state, create), methods=["POST"]),
            Route(PREFIX + "/namespaces", guarded(state, listing), methods=["GET"]),
            Route(PREFIX + "/namespaces/{name}", guarded(state, delete), methods=["DELETE"]),
        ]


def create_shared_app(config: ServerConfig | None = None) -> NamespacedApp:
    """The server's app (`create_app`) with namespaces: what ``runware-testkit serve`` runs."""
    return NamespacedApp(create_app(config))


def _route_path(scope: Scope) -> str:
    path: str = scope.get("path", "")
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        return path[len(root) :] or "/"
    return path


def _unknown(name: str) -> Response:
    return error_response(
        404,
        "namespaceNotFound",
        f"No namespace {name!r} on this server: it was closed (or dropped to make room for "
        f"newer ones, at most {MAX_NAMESPACES} live at once) or never created. Create one "
        f"with POST {PREFIX}/namespaces.",
        parameter="namespace",
    )


async def _no_namespace(name: str, scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "http":
        await _unknown(name)(scope, receive, send)
        return
    if scope["type"] == "websocket":
        await receive()  # websocket.connect; refusing it answers the handshake with HTTP 403
        await send({"type": "websocket.close", "code": 1008, "reason": "no such namespace"})
