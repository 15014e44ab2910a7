"""`RunwareMock`: the fake in-process, no sockets, for clients built on httpx, aiohttp, requests.

respx intercepts every httpx request; `FakeRouter` sends those for Runware's REST endpoint
(``https://api.runware.ai/v1`` by default, and the media, schema and control paths on the same
host) into the fake's ASGI app. The app runs on its own event loop in a background thread
(`LoopThread`), which serves sync clients (``httpx.Client`` blocks on the answer) and async ones
(``httpx.AsyncClient`` awaits it) alike, and keeps the fake's background work (webhooks, upload
PUTs) going between requests. aiohttp and requests clients are routed the same way through
``aioresponses`` and ``responses`` when those are installed (`clients`). The fake's own
outgoing calls go through respx too, so a webhook
sent to a URL the test mocks with respx arrives at that mock, and one sent to an unmocked URL
fails like any unmocked request (journaled as a failed attempt; nothing reaches the network).

    with runware_testkit.testing.mock(progression="polls:1") as fake:
        client = httpx.Client()
        client.post(fake.base_url, json=[task], headers={"Authorization": f"Bearer {fake.api_key}"})
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import httpx
from starlette.routing import Route

from ..fake_server.app import create_app
from ..fake_server.config import ServerConfig
from ..fake_server.outbound.delivery import Delivery, tls_context
from ..fake_server.state import IN_PROCESS_HOST, ServerState
from .bridge import LoopThread
from .clients import AiohttpRoute, RequestsRoute, clients_to_route
from .clock import SwitchableClock
from .control import FakeControl, _no_wait
from .options import FakeOptions
from .routing import (
    FROM_FAKE,
    Base,
    FakeRouter,
    blocked_message,
    explain,
    parse_base,
    passes_through,
    target_path,
)

__all__ = ["DEFAULT_TIMEOUT", "RunwareMock", "mock"]

DEFAULT_TIMEOUT = 60.0
"""Seconds a routed request may take when the client sets no read timeout."""
_CONTROL = "/__testkit"


class _AnyHostDelivery(Delivery):
    """In-process delivery: every http(s) host is allowed, because respx answers every call."""

    def check_target(self, url: str) -> None:
        """Refuse only what is not an http(s) URL with a host."""
        from ..fake_server.outbound.delivery import TargetRefused

        try:
            parsed = httpx.URL(url) if isinstance(url, str) and url else None
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise TargetRefused(url, f"not a valid URL ({exc})") from None
        if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
            raise TargetRefused(url, "only http(s) URLs with a host are called")


class _RespxOnlyTransport(httpx.AsyncBaseTransport):
    """httpx's transport while the fake's router is active (respx then answers every request);
    a connection error otherwise, so the fake never reaches the network."""

    def __init__(self, fake: RunwareMock) -> None:
        self._fake = fake
        self._inner: httpx.AsyncHTTPTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send through respx's patched transport, or refuse when the fake is not routing."""
        if not self._fake.router.active:
            raise httpx.ConnectError(
                "runware_mock is not active, so the fake makes no outgoing call", request=request
            )
        if self._inner is None:
            # Built on first use, on the shared TLS context: a transport of its own would load
            # the CA bundle again, tens of milliseconds per fake.
            self._inner = httpx.AsyncHTTPTransport(trust_env=False, verify=tls_context())
        token = FROM_FAKE.set(True)
        try:
            return await self._inner.handle_async_request(request)
        finally:
            FROM_FAKE.reset(token)

    async def aclose(self) -> None:
        """Nothing to close: respx answers every request, no connection is ever opened (the
        transport is shared by every delivery of the fake)."""


class RunwareMock(FakeControl):
    """The fake behind respx: httpx requests to the base URLs are answered in-process."""

    mode = "mock"

    def __init__(self, options: FakeOptions | None = None) -> None:
        options = options if options is not None else FakeOptions()
        state = ServerState(ServerConfig(progression=options.progression), clock=SwitchableClock())
        self._bases: tuple[Base, ...] = tuple(parse_base(url) for url in options.base_urls)
        self.app = create_app(state=state)
        self._transport = httpx.ASGITransport(app=self.app)
        self._loop: LoopThread | None = None
        self._http_routes = [r for r in self.app.routes if isinstance(r, Route)]
        self.router = FakeRouter(
            bases=lambda: self._bases,
            served=self._serves,
            routes=self._route_table,
            forward_sync=self._forward_sync,
            forward_async=self._forward_async,
            passthrough=lambda: self.options.passthrough,
        )
        """The respx router in use; add your own routes to it, or use respx's fixture."""
        self._routes: dict[str, AiohttpRoute | RequestsRoute] = {}
        super().__init__(state, options)

    # -- where the fake is ---------------------------------------------------------------------

    @property
    def origin(self) -> str:
        """Scheme and host of the first base URL, e.g. ``https://api.runware.ai``."""
        return self._bases[0].origin

    @property
    def base_url(self) -> str:
        """The first routed REST endpoint (``https://api.runware.ai/v1`` by default)."""
        return self._bases[0].url

    @property
    def base_urls(self) -> tuple[str, ...]:
        """Every routed REST endpoint."""
        return tuple(base.url for base in self._bases)

    @property
    def ws_url(self) -> str:
        """Not available in-process: httpx has no WebSocket client (use ``runware_server``)."""
        raise RuntimeError(
            "runware_mock answers httpx requests in-process and has no WebSocket endpoint; "
            "use the runware_server fixture for WebSocket clients"
        )

    # -- lifecycle -----------------------------------------------------------------------------

    def open(self) -> RunwareMock:
        """Start the fake's event loop (requests are routed only once `activate` ran)."""
        if self._loop is None or not self._loop.alive:
            self._loop = LoopThread("testkit-mock")
            self._loop.call(self._bind())
        return self

    async def _bind(self) -> None:
        self.state.bind_loop()

    def activate(self, options: FakeOptions | None = None, **changes: Any) -> RunwareMock:
        """Reset the fake with `options` and start routing requests into it: httpx always,
        aiohttp and requests as ``options.clients`` says (ValueError naming the missing
        library when one asked for is not installed)."""
        self.open()
        self.reset(options, **changes)
        clients = clients_to_route(self.options.clients)
        if not self.router.active:
            self.router.start()
        for client, route_class in (("aiohttp", AiohttpRoute), ("requests", RequestsRoute)):
            if client in clients and client not in self._routes:
                route = route_class(self)
                route.start()
                self._routes[client] = route
        return self

    def deactivate(self) -> None:
        """Finish background work, then stop routing (respx's patches go when no router is left)."""
        try:
            self.drain()
        finally:
            if self.router.active:
                self.router.stop(quiet=True)
            routes, self._routes = self._routes, {}
            for route in routes.values():
                route.stop()

    @property
    def aioresponses(self) -> Any:
        """The ``aioresponses`` instance routing aiohttp (None when aiohttp is not routed):
        add your own matches to it, e.g. ``runware_mock.aioresponses.get(url, payload=...)``."""
        route = self._routes.get("aiohttp")
        return route.mock if route is not None else None

    @property
    def responses(self) -> Any:
        """The ``responses.RequestsMock`` routing requests (None when requests is not routed):
        add your own responses to it, e.g. ``runware_mock.responses.get(url, json=...)``."""
        route = self._routes.get("requests")
        return route.mock if route is not None else None

    # -- what the client routes ask ------------------------------------------------------------

    def route_path(self, url: httpx.URL) -> str | None:
        """The app path `url` maps to when the fake answers it; None otherwise."""
        return target_path(self._bases, url, self._serves)

    def forward_sync(self, request: httpx.Request, path: str) -> httpx.Response:
        """Answer a routed request from synchronous code (blocks on the fake's loop)."""
        return self._forward_sync(request, path)

    async def forward_async(self, request: httpx.Request, path: str) -> httpx.Response:
        """Answer a routed request from any asyncio event loop."""
        return await self._forward_async(request, path)

    def refusal(self, request: httpx.Request, library: str) -> tuple[str, str] | None:
        """Why an unrouted request may not go on: meant for Runware, or a blocked host."""
        reason = explain(request, self._bases, self._route_table(), library)
        if reason is not None:
            return ("runware", reason)
        setting = self.options.passthrough
        if passes_through(setting, request.url.host):
            return None
        return ("blocked", blocked_message(request.method, str(request.url), setting, library))

    def close(self) -> None:
        """Stop routing, stop the event loop and close the store."""
        self.deactivate()
        if self._loop is not None:
            if self._loop.alive:
                self._loop.call(self._transport.aclose(), 5.0)
            self._loop.close()
            self._loop = None
        self.state.engine.close()

    def start(self) -> RunwareMock:
        """`open` and `activate` with the current options."""
        return self.activate()

    def stop(self) -> None:
        """Same as `close`."""
        self.close()

    def __enter__(self) -> RunwareMock:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def reset(self, options: FakeOptions | None = None, **changes: Any) -> None:
        """See `FakeControl.reset`; also re-reads ``base_urls``."""
        options = options if options is not None else self.options
        if changes:
            options = options.merged(changes, where="reset() option")
        bases = tuple(parse_base(url) for url in options.base_urls)
        super().reset(options)
        self._bases = bases

    def _run(self, factory: Any, timeout: float) -> Any:
        if self._loop is None or not self._loop.alive:
            return super()._run(factory, timeout)
        return self._loop.call(factory(), timeout)

    def _install_delivery(self) -> None:
        state = self.state
        outgoing = getattr(self, "_outgoing", None)
        if outgoing is None:
            outgoing = self._outgoing = _RespxOnlyTransport(self)
        mounts = {f"all://{IN_PROCESS_HOST}": httpx.ASGITransport(app=self.app)}

        def client() -> httpx.AsyncClient:
            return httpx.AsyncClient(transport=outgoing, mounts=mounts, trust_env=False)

        state.delivery = _AnyHostDelivery(
            state.journal, state.allowlist.entries, client, sleep=_no_wait
        )

    # -- routing -------------------------------------------------------------------------------

    def _serves(self, path: str) -> bool:
        return any(route.path_regex.match(path) for route in self._http_routes)

    def _route_table(self) -> Sequence[tuple[str, str]]:
        table: list[tuple[str, str]] = []
        for route in self._http_routes:
            if route.path.startswith(_CONTROL):
                continue
            methods = sorted(m for m in (route.methods or ()) if m != "HEAD")
            path = re.sub(r":path}", "}", route.path).replace("{name}", "{uuid}.{ext}")
            table.append(("/".join(methods), path))
        table.append(("*", f"{_CONTROL}/... (control API and webhook sink)"))
        return table

    def _forward_sync(self, request: httpx.Request, path: str) -> httpx.Response:
        if self._loop is None:
            raise RuntimeError("runware_mock is not open")
        timeout = _read_timeout(request)
        try:
            status, headers, body = self._loop.call(self._handle(request, path), timeout)
        except TimeoutError:
            raise httpx.ReadTimeout(
                f"the fake did not answer within {timeout:g} s", request=request
            ) from None
        return httpx.Response(status, headers=headers, content=body, request=request)

    async def _forward_async(self, request: httpx.Request, path: str) -> httpx.Response:
        if self._loop is None:
            raise RuntimeError("runware_mock is not open")
        timeout = _read_timeout(request)
        try:
            status, headers, body = await self._loop.acall(self._handle(request, path), timeout)
        except TimeoutError:
            raise httpx.ReadTimeout(
                f"the fake did not answer within {timeout:g} s", request=request
            ) from None
        return httpx.Response(status, headers=headers, content=body, request=request)

    async def _handle(
        self, request: httpx.Request, path: str
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        url = request.url if path == request.url.path else request.url.copy_with(path=path)
        inner = httpx.Request(request.method, url, headers=request.headers, content=request.content)
        response = await self._transport.handle_async_request(inner)
        try:
            body = await response.aread()
        finally:
            await response.aclose()
        return response.status_code, response.headers.multi_items(), body


def _read_timeout(request: httpx.Request) -> float:
    timeout = request.extensions.get("timeout") or {}
    value = timeout.get("read") if isinstance(timeout, dict) else None
    return float(value) if isinstance(value, int | float) and value > 0 else DEFAULT_TIMEOUT


@contextmanager
def mock(options: FakeOptions | None = None, **changes: Any) -> Iterator[RunwareMock]:
    """A fresh `RunwareMock`, routing for the duration of the block (works inside
    ``@given``: each example gets its own fake). `changes` are `FakeOptions` fields."""
    options = options if options is not None else FakeOptions()
    if changes:
        options = options.merged(changes)
    fake = RunwareMock(options)
    try:
        yield fake.start()
    finally:
        fake.close()
