"""`ProxyConfig`: where the proxy forwards to, what it records, and its spend cap."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..cassettes import MediaMode

DEFAULT_UPSTREAM_REST = "https://api.runware.ai/v1"
DEFAULT_UPSTREAM_WS = "wss://ws-api.runware.ai/v1"
"""Runware's endpoints [C, PROTOCOL.md "Transport"]."""
DEFAULT_TIMEOUT_SECONDS = 600.0
"""Longest wait for one upstream answer (a sync video task can take minutes)."""


@dataclass(frozen=True)
class ProxyConfig:
    """Settings of one proxy.

    ``upstream_rest`` / ``upstream_ws``: the API traffic goes to. ``cassette``: file to record
    to (None: record nothing). ``media``: ``"none"`` (downloads recorded by size and type) or
    ``"hash"`` (bodies kept in ``<cassette>.media/``). ``budget_usd``: cap on the run's spend
    (None: no cap). ``relay_webhooks``: route each ``webhookURL`` through the proxy.
    ``public_url``: the proxy's address as the upstream reaches it, for relayed webhooks
    (default: the address the client used). ``error_reply``: ``"first"`` (Runware's one error)
    or ``"all"``. ``timeout``: seconds to wait for an upstream answer.
    """

    upstream_rest: str = DEFAULT_UPSTREAM_REST
    upstream_ws: str = DEFAULT_UPSTREAM_WS
    cassette: Path | None = None
    media: MediaMode = "none"
    budget_usd: float | None = None
    relay_webhooks: bool = False
    public_url: str | None = None
    error_reply: str = "first"
    timeout: float = DEFAULT_TIMEOUT_SECONDS

    def __post_init__(self) -> None:
        for name, url, schemes in (
            ("upstream_rest", self.upstream_rest, ("http://", "https://")),
            ("upstream_ws", self.upstream_ws, ("ws://", "wss://")),
        ):
            if not isinstance(url, str) or not url.lower().startswith(schemes):
                raise ValueError(f"{name} must start with {' or '.join(schemes)}, got {url!r}")
        if self.media not in ("none", "hash"):
            raise ValueError(f'media must be "none" or "hash", got {self.media!r}')
        if self.media == "hash" and self.cassette is None:
            raise ValueError('media="hash" keeps bodies beside a cassette: give a cassette too')
        if self.budget_usd is not None and not self.budget_usd >= 0:
            raise ValueError(f"budget_usd must be >= 0, got {self.budget_usd!r}")
        if self.error_reply not in ("first", "all"):
            raise ValueError(f'error_reply must be "first" or "all", got {self.error_reply!r}')
