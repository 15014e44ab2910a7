"""In-process routes for aiohttp and requests clients, next to respx for httpx.

Each route hands a request meant for a routed Runware endpoint to the fake's ASGI app, with no
socket, through the library that already mocks that client well: ``aioresponses`` patches
``aiohttp.ClientSession._request`` (so the official ``runware-sdk`` REST transport runs
in-process), ``responses`` patches ``requests``' ``HTTPAdapter.send``. Neither library can
forward to an ASGI app by itself; a subclass of each asks the fake first (`Forwarder`) and
leaves every other request to the library: routes the test added itself
(``runware_mock.aioresponses.get(...)``, ``runware_mock.responses.add(...)``), then the
pass-through setting (`routing.passes_through`), else an error saying what to do.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Sequence
from typing import Any, Protocol

import httpx

from .routing import RunwareNotMocked

__all__ = [
    "MOCKING_LIBRARIES",
    "AiohttpRoute",
    "ClientGuard",
    "Forwarder",
    "RequestsRoute",
    "clients_to_route",
    "unroutable_clients",
]

MOCKING_LIBRARIES = {"aiohttp": "aioresponses", "requests": "responses"}
"""The library that routes each client library (httpx uses respx, always installed)."""

_HOP_BY_HOP = frozenset({"content-length", "transfer-encoding", "connection"})


class Forwarder(Protocol):
    """What a route needs from the fake (`RunwareMock` is one)."""

    def route_path(self, url: httpx.URL) -> str | None:
        """The app path for a routed URL; None when the fake does not answer it."""

    def forward_sync(self, request: httpx.Request, path: str) -> httpx.Response:
        """Answer a routed request from synchronous code."""

    async def forward_async(self, request: httpx.Request, path: str) -> httpx.Response:
        """Answer a routed request from any asyncio event loop."""

    def refusal(self, request: httpx.Request, library: str) -> tuple[str, str] | None:
        """Why an unrouted request may not pass: ``("runware", why)`` for one meant for
        Runware, ``("blocked", what to do)`` for a blocked host; None to let it through."""


def clients_to_route(clients: Sequence[str] | None) -> tuple[str, ...]:
    """The client libraries to route: `clients`, or httpx plus each one whose mocking library is
    installed. ValueError (with the pip command) for an asked one whose library is missing."""
    if clients is None:
        found = [c for c, lib in MOCKING_LIBRARIES.items() if importlib.util.find_spec(lib)]
        return ("httpx", *found)
    for client in clients:
        library = MOCKING_LIBRARIES.get(client)
        if library is not None and importlib.util.find_spec(library) is None:
            raise ValueError(
                f"runware_mock routes {client} clients through {library!r}, which is not "
                f"installed: pip install {library}"
            )
    return tuple(clients)


def _raise(problem: tuple[str, str], connection_error: type[Exception]) -> None:
    kind, message = problem
    if kind == "runware":
        raise RunwareNotMocked(message)
    raise connection_error(message)


# -- aiohttp -----------------------------------------------------------------------------------


class AiohttpRoute:
    """Routes ``aiohttp.ClientSession`` requests into the fake; `mock` is the ``aioresponses``
    instance (add your own matches to it)."""

    def __init__(self, fake: Forwarder) -> None:
        import aiohttp
        from aioresponses import aioresponses
        from aioresponses.core import RequestMatch

        response_class = _response_class(aiohttp.ClientResponse)

        class _Mock(aioresponses):
            def add(self, *args: Any, **kwargs: Any) -> None:
                if kwargs.get("response_class") is None:
                    kwargs["response_class"] = response_class
                super().add(*args, **kwargs)

            async def match(
                self, method: str, url: Any, allow_redirects: bool = True, **kwargs: Any
            ) -> Any:
                request = _from_aiohttp(method, url, kwargs)
                path = fake.route_path(request.url)
                if path is not None:
                    answer = await fake.forward_async(request, path)
                    headers = {k: v for k, v in answer.headers.items() if k not in _HOP_BY_HOP}
                    match = RequestMatch(
                        url,
                        method=method,
                        status=answer.status_code,
                        body=answer.content,
                        content_type=answer.headers.get("content-type", "application/json"),
                        headers=headers,
                        reason=answer.reason_phrase,
                        response_class=response_class,
                    )
                    return await match.build_response(url, **kwargs)
                found = await super().match(method, url, allow_redirects, **kwargs)
                if found is None:
                    problem = fake.refusal(request, "aiohttp")
                    if problem is not None:
                        _raise(problem, aiohttp.ClientConnectionError)
                return found

        self.mock = _Mock(passthrough_unmatched=True)

    def start(self) -> None:
        """Patch aiohttp."""
        self.mock.start()

    def stop(self) -> None:
        """Undo the patch."""
        self.mock.stop()


def _response_class(base: type) -> type:
    """`base` (aiohttp's ClientResponse), able to be built the way aioresponses builds it.

    aiohttp 3.14 added a required ``stream_writer`` argument that aioresponses 0.7.9 does not
    pass; a response answered from memory never writes, so a stand-in is enough.
    """
    import inspect
    from unittest.mock import Mock

    if "stream_writer" not in inspect.signature(base).parameters:
        return base

    class ClientResponse(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("stream_writer", Mock(output_size=0))
            super().__init__(*args, **kwargs)

    return ClientResponse


def _from_aiohttp(method: str, url: Any, kwargs: dict[str, Any]) -> httpx.Request:
    headers = httpx.Headers()
    for key, value in dict(kwargs.get("headers") or {}).items():
        headers[str(key)] = str(value)
    content: bytes | None = None
    if kwargs.get("json") is not None:
        content = json.dumps(kwargs["json"]).encode()
        headers.setdefault("content-type", "application/json")
    else:
        data = kwargs.get("data")
        if isinstance(data, str):
            content = data.encode()
        elif isinstance(data, bytes | bytearray | memoryview):
            content = bytes(data)
        elif isinstance(data, dict):
            return httpx.Request(method.upper(), str(url), headers=headers, data=data)
        elif data is not None:
            raise TypeError(
                f"runware_mock cannot route an aiohttp body of type {type(data).__name__}; "
                "send bytes, str, a dict or json="
            )
    return httpx.Request(method.upper(), str(url), headers=headers, content=content)


# -- requests ----------------------------------------------------------------------------------


class RequestsRoute:
    """Routes ``requests`` calls into the fake; `mock` is the ``responses.RequestsMock``
    instance (add your own responses to it)."""

    def __init__(self, fake: Forwarder) -> None:
        import requests
        import responses

        def answer(prepared: Any) -> tuple[int, dict[str, str], bytes]:
            request = _from_requests(prepared)
            path = fake.route_path(request.url)
            assert path is not None
            response = fake.forward_sync(request, path)
            headers = {k: v for k, v in response.headers.items() if k not in _HOP_BY_HOP}
            return response.status_code, headers, response.content

        class _FakeResponse(responses.CallbackResponse):
            def matches(self, request: Any) -> tuple[bool, str]:
                routed = fake.route_path(httpx.URL(request.url)) is not None
                return routed, "" if routed else "not a Runware endpoint runware_mock routes"

        class _Mock(responses.RequestsMock):
            def _find_match(self, request: Any) -> Any:
                match, reasons = super()._find_match(request)
                if match is None:
                    problem = fake.refusal(_from_requests(request, body=False), "requests")
                    if problem is not None:
                        _raise(problem, requests.ConnectionError)
                return match, reasons

        self.mock = _Mock(assert_all_requests_are_fired=False)
        self.mock.add_passthru(re.compile(".*"))
        self.mock.add(
            _FakeResponse(method="POST", url=re.compile(".*"), callback=answer, content_type=None)
        )

    def start(self) -> None:
        """Patch requests."""
        self.mock.start()

    def stop(self) -> None:
        """Undo the patch."""
        self.mock.stop()
        self.mock.reset()


def _from_requests(prepared: Any, *, body: bool = True) -> httpx.Request:
    content = prepared.body if body else None
    if isinstance(content, str):
        content = content.encode()
    elif content is not None and not isinstance(content, bytes):
        content = b"".join(content)
    return httpx.Request(
        prepared.method or "GET", prepared.url, headers=dict(prepared.headers), content=content
    )


# -- guards for client libraries the fake cannot route -----------------------------------------


def unroutable_clients(clients: Sequence[str] | None) -> tuple[str, ...]:
    """Client libraries installed without their mocking library, when `clients` is left to the
    default: the fake cannot answer them, so `ClientGuard` keeps them from reaching Runware."""
    if clients is not None:
        return ()
    return tuple(
        client
        for client, library in MOCKING_LIBRARIES.items()
        if _installed(client) and not importlib.util.find_spec(library)
    )


def _installed(name: str) -> bool:
    """True when `name` is an installed module, not a namespace package made by a folder of
    the same name on ``sys.path`` (a project's ``requests/`` folder of stored request bodies)."""
    spec = importlib.util.find_spec(name)
    return spec is not None and spec.origin is not None


class ClientGuard:
    """Keeps a client library the fake cannot route (``requests`` without ``responses``,
    ``aiohttp`` without ``aioresponses``) from sending a request meant for Runware to the real
    API: such a request raises `RunwareNotMocked` with the pip command that makes the fake
    answer it; a blocked host raises the library's connection error; others pass unchanged."""

    def __init__(self, fake: Forwarder, client: str) -> None:
        from unittest import mock

        self.client = client
        library = MOCKING_LIBRARIES[client]
        advice = (
            f"runware_mock answers {client} clients once {library!r} is installed: "
            f"pip install {library}"
        )

        def check(request: httpx.Request, connection_error: type[Exception]) -> None:
            if fake.route_path(request.url) is not None:
                raise RunwareNotMocked(f"{request.method} {request.url}: {advice}")
            problem = fake.refusal(request, client)
            if problem is not None:
                kind, message = problem
                _raise(
                    (kind, f"{message} ({advice})" if kind == "runware" else message),
                    connection_error,
                )

        if client == "requests":
            import requests.adapters

            original = requests.adapters.HTTPAdapter.send

            def send(adapter: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
                check(_from_requests(request, body=False), requests.ConnectionError)
                return original(adapter, request, *args, **kwargs)

            self._patch = mock.patch.object(requests.adapters.HTTPAdapter, "send", send)
        else:
            import aiohttp

            original_request = aiohttp.ClientSession._request

            async def _request(
                session: Any, method: str, url: Any, *args: Any, **kwargs: Any
            ) -> Any:
                target = httpx.Request(method, str(url))
                check(target, aiohttp.ClientConnectionError)
                return await original_request(session, method, url, *args, **kwargs)

            self._patch = mock.patch.object(aiohttp.ClientSession, "_request", _request)

    def start(self) -> None:
        """Install the guard."""
        self._patch.start()

    def stop(self) -> None:
        """Remove the guard."""
        self._patch.stop()
