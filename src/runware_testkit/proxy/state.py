"""`ProxyState`: what every route of one proxy shares (config, ledger, gate, recorder, the
HTTP client to the upstream, and the table of URLs the proxy stands in for)."""

from __future__ import annotations

import itertools
import secrets
import threading
from typing import Any

import httpx

from ..cassettes import CassetteRecorder, CassetteWriter, new_header
from ..contract import Contract
from ..fake_server.protocol.wire import error_object
from .config import ProxyConfig
from .gate import TaskGate
from .ledger import SpendLedger

RELAY_PREFIX = "/__proxy"
WEBHOOK_ROUTE = f"{RELAY_PREFIX}/webhook"
MEDIA_ROUTE = f"{RELAY_PREFIX}/media"
UPSTREAM_UNREACHABLE_CODE = "upstreamUnreachable"
"""The error code answering a request the upstream could not be reached for (HTTP 502)."""
UPSTREAM_UNREACHABLE_STATUS = 502


class ProxyState:
    """Shared by the routes of one proxy app. ``recorder`` is None when nothing is recorded."""

    def __init__(self, config: ProxyConfig, *, contract: Contract | None = None) -> None:
        self.config = config
        self.ledger = SpendLedger(config.budget_usd)
        self.gate = TaskGate(self.ledger, contract=contract, error_reply=config.error_reply)
        self.recorder: CassetteRecorder | None = None
        if config.cassette is not None:
            header = new_header(
                upstream_rest=config.upstream_rest,
                upstream_websocket=config.upstream_ws,
                media=config.media,
            )
            self.recorder = CassetteRecorder(CassetteWriter(config.cassette, header))
        self.http: httpx.AsyncClient | None = None
        self._connections = itertools.count(1)
        self._stand_ins: dict[str, str] = {}
        self._originals: dict[str, str] = {}
        self._webhook_attempts: dict[str, int] = {}
        self._lock = threading.Lock()

    def client(self) -> httpx.AsyncClient:
        """The HTTP client to the upstream (made on first use, closed by `aclose`)."""
        if self.http is None:
            self.http = httpx.AsyncClient(timeout=self.config.timeout, follow_redirects=False)
        return self.http

    async def aclose(self) -> None:
        if self.http is not None:
            await self.http.aclose()
            self.http = None
        if self.recorder is not None:
            self.recorder.writer.close()

    def next_connection(self) -> int:
        return next(self._connections)

    def stand_in(self, route: str, original: str, base_url: str) -> str:
        """A URL on the proxy (``base_url`` + ``route``/token) standing in for ``original``."""
        with self._lock:
            token = self._stand_ins.get(route + " " + original)
            if token is None:
                token = secrets.token_urlsafe(12)
                self._stand_ins[route + " " + original] = token
                self._originals[token] = original
        url = base_url.rstrip("/") + f"{route}/{token}"
        with self._lock:
            self._originals.setdefault(url, original)
        return url

    def original(self, token_or_url: str) -> str | None:
        """The URL a stand-in token (or a whole stand-in URL) was made for."""
        with self._lock:
            return self._originals.get(token_or_url)

    def next_webhook_attempt(self, task_uuid: str) -> int:
        with self._lock:
            self._webhook_attempts[task_uuid] = self._webhook_attempts.get(task_uuid, 0) + 1
            return self._webhook_attempts[task_uuid]


def unreachable_error(url: str, exc: BaseException) -> dict[str, Any]:
    """The Runware-shaped error for an upstream that did not answer."""
    reason = str(exc) or type(exc).__name__
    return error_object(
        code=UPSTREAM_UNREACHABLE_CODE,
        message=f"The proxy got no answer from the upstream {url} "
        f"({type(exc).__name__}: {reason}).",
    )
