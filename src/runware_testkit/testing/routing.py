"""Which requests `runware_mock` sends into the fake, and why the others did not match.

`FakeRouter` is a respx router holding one catch-all route. A request whose scheme, host and
port are those of a configured base URL (``https://api.runware.ai/v1`` by default) and whose
path the fake's app serves goes into the app; any other request is left to other respx routers.
When the request looks meant for Runware (its host, a near-miss of it, Runware's WebSocket
host) and no other router claims it, the error says why it was not routed
(`RunwareNotMocked`). A request to another host passes through to the network or is blocked
with a message saying how to let it through, by the ``passthrough`` option (`passes_through`);
the fake's own calls (webhooks, uploads) never pass through. The aiohttp and requests routes
(`clients`) apply the same rules.
"""

from __future__ import annotations

import contextvars
import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import respx

__all__ = [
    "FROM_FAKE",
    "Base",
    "FakeRouter",
    "RunwareNotMocked",
    "blocked_message",
    "explain",
    "parse_base",
    "passes_through",
]

_IN_ASYNC = contextvars.ContextVar("runware_testkit_in_async_handler", default=False)
FROM_FAKE = contextvars.ContextVar("runware_testkit_request_from_fake", default=False)
"""True while the fake itself sends a request (a webhook, an upload): such a request never
passes through to the network, whatever the pass-through setting says."""
_DEFAULT_PORTS = {"http": 80, "https": 443}
_RUNWARE_WS_HOST = "ws-api.runware.ai"


class RunwareNotMocked(AssertionError):
    """A request meant for the Runware API that `runware_mock` did not route, and why."""


@dataclass(frozen=True)
class Base:
    """One Runware REST endpoint that `runware_mock` routes into the fake."""

    url: str
    scheme: str
    host: str
    port: int
    prefix: str
    """Path before ``/v1`` (empty for ``https://api.runware.ai/v1``), stripped on the way in."""

    @property
    def origin(self) -> str:
        """``scheme://host[:port]``."""
        default = _DEFAULT_PORTS.get(self.scheme)
        port = "" if self.port == default else f":{self.port}"
        return f"{self.scheme}://{self.host}{port}"

    def same_origin(self, url: httpx.URL) -> bool:
        """True when `url` has this base's scheme, host and port."""
        port = url.port or _DEFAULT_PORTS.get(url.scheme)
        return (url.scheme, url.host.lower(), port) == (self.scheme, self.host, self.port)


def parse_base(url: str) -> Base:
    """A `Base` from a REST endpoint URL ending in ``/v1``; ValueError otherwise."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise ValueError(f"base URL {url!r} is not a URL: {exc}") from None
    if parsed.scheme not in _DEFAULT_PORTS or not parsed.host:
        raise ValueError(f"base URL {url!r} must be an http(s) URL with a host")
    path = parsed.path.rstrip("/")
    if not path.endswith("/v1"):
        raise ValueError(
            f"base URL {url!r} must be the REST endpoint, ending in /v1 "
            "(e.g. https://api.runware.ai/v1)"
        )
    port = parsed.port or _DEFAULT_PORTS[parsed.scheme]
    base = Base(url.rstrip("/"), parsed.scheme, parsed.host.lower(), port, path[: -len("/v1")])
    return base


def target_path(bases: Sequence[Base], url: httpx.URL, served: Callable[[str], bool]) -> str | None:
    """The app path a request URL maps to, or None when it is not the fake's to answer."""
    for base in bases:
        if not base.same_origin(url):
            continue
        path = url.path
        if base.prefix and (path == base.prefix or path.startswith(base.prefix + "/")):
            stripped = path[len(base.prefix) :] or "/"
            if served(stripped):
                return stripped
        if served(path):
            return path
    return None


def passes_through(setting: bool | Sequence[str], host: str) -> bool:
    """True when a request to `host` (not Runware's) may go to the network under `setting`:
    True (every host), False (none) or host names (``"*.example.com"`` wildcards allowed)."""
    if isinstance(setting, bool):
        return setting
    host = host.lower()
    return any(
        host == allowed or (allowed.startswith("*.") and host.endswith(allowed[1:]))
        for allowed in setting
    )


def blocked_message(
    method: str, url: str, setting: bool | Sequence[str], library: str = "httpx"
) -> str:
    """What a test sees when runware_mock blocks a request to a host that is not Runware's."""
    host = httpx.URL(url).host
    allowed = "no other host" if setting is False else "only " + ", ".join(map(repr, setting))
    return (
        f"runware_mock blocked {method} {url} ({library}): it lets {allowed} through "
        f"(passthrough={setting!r}). To let this host through, use "
        f"@pytest.mark.runware(passthrough=[..., {host!r}]) (or passthrough=True for every "
        "host); to answer it in the test, mock it (respx_mock for httpx, "
        "runware_mock.responses for requests, runware_mock.aioresponses for aiohttp)."
    )


def explain(
    request: httpx.Request,
    bases: Sequence[Base],
    routes: Sequence[tuple[str, str]],
    library: str = "httpx",
) -> str | None:
    """Why `request` was not routed into the fake, when it looks meant for Runware; else None.

    `routes` lists what the fake serves as (method, path template) pairs; `library` names the
    client library the request came through.
    """
    url = request.url
    host = url.host.lower()
    if library == "httpx":
        head = f"RESPX: {request!r} not mocked!\nrunware_mock did not route it into the fake: "
    else:
        head = f"runware_mock did not route {request.method} {url} ({library}) into the fake: "
    routed = ", ".join(base.url for base in bases)
    same_host = [base for base in bases if base.host == host]
    if same_host:
        base = same_host[0]
        if not any(b.same_origin(url) for b in same_host):
            got = f"{url.scheme}://{url.netloc.decode('ascii', 'replace')}"
            return head + (
                f"it goes to {got}, while runware_mock routes {base.origin} (scheme and port "
                f"must match too). Point the client at {base.url}."
            )
        served = "\n".join(
            f"  {method:<6} {base.origin}{base.prefix if path == '/v1' else ''}{path}"
            for method, path in routes
        )
        hint = ""
        if request.method == "POST":
            hint = f"\nRunware's REST API is one endpoint: POST {base.url}."
        else:
            close = difflib.get_close_matches(url.path, [p for _, p in routes], n=1, cutoff=0.5)
            if close:
                hint = f"\nDid you mean {base.origin}{close[0]}?"
        return head + (
            f"the fake serves no {request.method} {url.path}. It serves:\n{served}{hint}"
        )
    if host == _RUNWARE_WS_HOST:
        return head + (
            f"{_RUNWARE_WS_HOST} is Runware's WebSocket endpoint, and runware_mock answers HTTP "
            "in-process only (httpx, aiohttp, requests). For WebSocket clients use the "
            "runware_server fixture (a live fake on 127.0.0.1 with ws_url)."
        )
    hosts = [base.host for base in bases]
    if "runware" in host or difflib.get_close_matches(host, hosts, n=1, cutoff=0.8):
        return head + (
            f"host {host!r} is not routed; runware_mock routes {routed}. Route more endpoints "
            "with @pytest.mark.runware(base_urls=[...]) or mock(base_urls=[...])."
        )
    return None


class FakeRouter(respx.MockRouter):
    """A respx router that sends requests for the configured base URLs into the fake.

    `forward_sync(request, path)` / `forward_async(request, path)` answer a routed request;
    `bases()` and `served(path)` say what is routed; `routes()` lists what the app serves.
    """

    def __init__(
        self,
        *,
        bases: Callable[[], Sequence[Base]],
        served: Callable[[str], bool],
        routes: Callable[[], Sequence[tuple[str, str]]],
        forward_sync: Callable[[httpx.Request, str], httpx.Response],
        forward_async: Callable[[httpx.Request, str], Any],
        passthrough: Callable[[], bool | Sequence[str]] = lambda: False,
    ) -> None:
        super().__init__(assert_all_called=False, assert_all_mocked=True)
        self._fake_passthrough = passthrough
        self._fake_bases = bases
        self._fake_served = served
        self._fake_routes = routes
        self._fake_forward_sync = forward_sync
        self._fake_forward_async = forward_async
        self.route(name="runware_testkit").mock(side_effect=self._side_effect)

    @property
    def active(self) -> bool:
        """True while the router is started (registered with respx's mocker)."""
        mocker = self.Mocker
        return mocker is not None and self in mocker.routers

    async def async_handler(self, request: httpx.Request) -> httpx.Response:
        """respx's async entry point; marks the call async so the route awaits the fake."""
        token = _IN_ASYNC.set(True)
        try:
            return await super().async_handler(request)
        finally:
            _IN_ASYNC.reset(token)

    def _side_effect(self, request: httpx.Request) -> Any:
        path = target_path(self._fake_bases(), request.url, self._fake_served)
        if path is not None:
            if _IN_ASYNC.get():
                return self._fake_forward_async(request, path)
            return self._fake_forward_sync(request, path)
        if self._others_may_answer(request):
            return None
        reason = explain(request, self._fake_bases(), self._fake_routes())
        if reason is not None:
            raise RunwareNotMocked(reason)
        if FROM_FAKE.get():
            return None  # the fake's own call to an unmocked URL fails as "not mocked"
        setting = self._fake_passthrough()
        if passes_through(setting, request.url.host):
            return request  # respx sends it on to the network
        raise RunwareNotMocked(blocked_message(request.method, str(request.url), setting))

    def _others_may_answer(self, request: httpx.Request) -> bool:
        """True when another active respx router could answer `request`."""
        mocker = self.Mocker
        for router in list(mocker.routers) if mocker is not None else []:
            if router is self:
                continue
            if not getattr(router, "_assert_all_mocked", True):
                return True
            for route in list(router.routes):
                pattern = route.pattern
                if pattern is None or pattern.match(request):
                    return True
        return False
