"""`ProxyServer`: the proxy under uvicorn in a background thread, on a loopback socket::

with ProxyServer(upstream_rest=fake.base_url, upstream_ws=fake.ws_url,
                 cassette=Path("run.jsonl"), budget_usd=2.0) as proxy:
    client = MyClient(base_url=proxy.rest_url)
    ...
proxy.ledger.total_usd
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..cassettes import MediaMode
from ..contract import Contract
from ..fake_server.uvicorn_thread import LiveServer
from .app import create_proxy_app
from .config import DEFAULT_TIMEOUT_SECONDS, DEFAULT_UPSTREAM_REST, DEFAULT_UPSTREAM_WS, ProxyConfig
from .ledger import SpendLedger
from .state import ProxyState


class ProxyServer:
    """A validating, recording proxy with a spend cap (see `ProxyConfig` for the arguments).

    ``rest_url`` / ``ws_url`` / ``base_url``: where clients connect; ``ledger``: the run's
    `SpendLedger`; ``cassette``: the file being recorded (None if none). Raises ValueError for
    bad settings and `CassetteError` when the cassette cannot be created.
    """

    def __init__(
        self,
        *,
        upstream_rest: str = DEFAULT_UPSTREAM_REST,
        upstream_ws: str = DEFAULT_UPSTREAM_WS,
        cassette: str | Path | None = None,
        budget_usd: float | None = None,
        media: MediaMode = "none",
        relay_webhooks: bool = False,
        public_url: str | None = None,
        error_reply: str = "first",
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        host: str = "127.0.0.1",
        port: int = 0,
        contract: Contract | None = None,
    ) -> None:
        self.config = ProxyConfig(
            upstream_rest=upstream_rest,
            upstream_ws=upstream_ws,
            cassette=Path(cassette) if cassette is not None else None,
            media=media,
            budget_usd=budget_usd,
            relay_webhooks=relay_webhooks,
            public_url=public_url,
            error_reply=error_reply,
            timeout=timeout,
        )
        self.app = create_proxy_app(self.config, contract=contract)
        self._live = LiveServer(self.app, host=host, port=port)

    @property
    def state(self) -> ProxyState:
        return self.app.state.proxy

    @property
    def ledger(self) -> SpendLedger:
        return self.state.ledger

    @property
    def cassette(self) -> Path | None:
        return self.config.cassette

    @property
    def port(self) -> int:
        return self._live.port

    @property
    def base_url(self) -> str:
        """``http://host:port``."""
        return self._live.base_url

    @property
    def rest_url(self) -> str:
        """``http://host:port/v1``."""
        return self._live.rest_url

    @property
    def ws_url(self) -> str:
        """``ws://host:port/v1``."""
        return self._live.ws_url

    def start(self, timeout: float = 10.0) -> ProxyServer:
        """Start serving; returns once connections are accepted."""
        self._live.start(timeout)
        return self

    def stop(self) -> None:
        """Stop serving and close the cassette (its last line is on disk)."""
        self._live.stop()

    def __enter__(self) -> ProxyServer:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()
