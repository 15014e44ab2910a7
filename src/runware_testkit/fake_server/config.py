"""`ServerConfig`: every knob of the fake Runware server, with defaults that suit tests.

API keys
    ``api_keys`` holds the keys the server accepts; by default the one development key
    `DEV_API_KEY`. An **empty** set accepts any non-empty key (handy when the code under test
    reads a real-looking key from its environment); a missing or blank key is always refused.

Progression
    ``progression`` is the policy of tasks submitted without one (see
    `progression.parse_progression`): ``immediate`` by default, so the first ``getResponse``
    already answers ``success``. ``runware-testkit serve`` uses `SERVE_PROGRESSION`
    (``time:8``) so a developer watching the app sees tasks stay ``processing`` for a few
    seconds.

Answers where Runware's behaviour is not documented (PROTOCOL.md marks them [U] or [C/I])
    ``report_progress`` (default False): whether ``processing`` poll items carry ``progress``
    (0-100). Runware sends it only for the few tasks that support progress reporting, so by
    default the fake leaves it out, like Runware for every inference model the kit ships.
    ``webhook_error_envelope`` (default ``"poll"``): the body POSTed to ``webhookURL`` when a
    task fails. ``"poll"`` is the envelope the task's failed ``getResponse`` answers (a
    ``data`` item with ``status: "error"`` and the error, plus the same error in ``errors``):
    the docs call a webhook "the complete task response", and a receiver that reads either
    half finds it. ``"errors"`` sends ``{"errors": [{code, message, taskType, taskUUID}]}``
    only; ``"data"`` the ``status: "error"`` item only.
    ``webhook_success_status`` (default True): whether each success webhook's item carries
    ``status: "success"`` as poll items do (the SDKs' result filters look for it).

State
    ``state_path`` None keeps tasks and media in memory; a path keeps them in an SQLite file
    that survives restarts.

URLs
    ``base_url`` (e.g. ``http://127.0.0.1:8765``) is used to build ``videoURL``/``mediaURL``;
    None means "the scheme and host the request came in on", which is right for in-process
    clients and for a server reached directly.

Outgoing calls
    Webhooks, upload endpoints and input-media downloads only go to hosts in ``allowlist``
    (default: loopback names only). The fake never calls the internet.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from os import PathLike

from .engine.progression import parse_progression

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEV_API_KEY",
    "ERROR_REPLIES",
    "IN_PROCESS_HOST",
    "LOOPBACK_HOSTS",
    "SERVE_PROGRESSION",
    "WEBHOOK_ERROR_ENVELOPES",
    "Limits",
    "ServerConfig",
]

DEV_API_KEY = "rw-testkit-dev-key"
"""The API key accepted by a default configuration."""

IN_PROCESS_HOST = "testserver"
"""The host in-process clients (httpx's ASGI transport) use: routed into the app, no socket."""

ERROR_REPLIES = ("first", "all")
"""Values of `ServerConfig.error_reply`: Runware's one error per task, or every error."""

SERVE_PROGRESSION = "time:8"
"""Progression used by ``runware-testkit serve`` unless told otherwise."""

LOOPBACK_HOSTS: tuple[str, ...] = ("127.0.0.0/8", "::1", "localhost")
"""Hosts the server may call (webhooks, uploads, input downloads) by default: IPs, CIDR
blocks, host names or ``*.`` wildcard names (see `delivery.Allowlist`)."""

WEBHOOK_ERROR_ENVELOPES = ("poll", "errors", "data")
"""Shapes of a failed task's webhook body (see ``ServerConfig.webhook_error_envelope``)."""

MiB = 1024 * 1024

DEFAULT_MAX_BYTES = 64 * MiB
"""Default REST body, WebSocket frame and media download limit (see `Limits`)."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Size and count limits; going over one is a Runware error, never a crash.

    Runware does not publish its body, frame or batch limits (PROTOCOL.md, Limits [U]), and the
    fake must never refuse a request the real API plausibly accepts, so the size defaults are
    generous: 64 MiB (`DEFAULT_MAX_BYTES`) holds an ``imageUpload``/``mediaStorage`` data URI of
    a full-size phone photo or a short video clip (base64 adds a third) many times over, while
    staying small enough to hold in memory. ``runware-testkit serve --max-body-mb`` and
    ``--max-frame-mb`` change them. A request array or WebSocket message may hold 100 tasks;
    ``serve --max-tasks`` changes that.
    """

    max_body_bytes: int = DEFAULT_MAX_BYTES
    """Largest REST request body (HTTP 413 ``maxPayloadSizeExceeded`` above it)."""
    max_tasks_per_request: int = 100
    """Most tasks in one request array or WebSocket message."""
    max_open_tasks: int | None = 1000
    """Most tasks one API key may have processing at once (429 ``rateLimitExceeded``)."""
    max_ws_frame_bytes: int = DEFAULT_MAX_BYTES
    """Largest WebSocket text frame answered normally; bigger frames get an error frame (frames
    past 4x this are closed with 1009 by the transport, see `uvicorn_thread.uvicorn_config`)."""
    max_media_bytes: int = DEFAULT_MAX_BYTES
    """Largest input media file the server downloads from an allowlisted URL (the same size a
    file may have when sent inline)."""

    def __post_init__(self) -> None:
        for name in (
            "max_body_bytes",
            "max_tasks_per_request",
            "max_ws_frame_bytes",
            "max_media_bytes",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        cap = self.max_open_tasks
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 0):
            raise ValueError(f"max_open_tasks must be an integer >= 0 or None, got {cap!r}")


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Configuration of one fake server (immutable; build a new one with `replace`)."""

    api_keys: frozenset[str] = field(default_factory=lambda: frozenset({DEV_API_KEY}))
    progression: str = "immediate"
    state_path: str | PathLike[str] | None = None
    base_url: str | None = None
    limits: Limits = field(default_factory=Limits)
    idle_timeout: float = 120.0
    """Seconds of silence after which the server closes a WebSocket (close code 1001)."""
    resume_window: float = 120.0
    """Seconds (engine clock) a disconnected WebSocket session keeps undelivered results."""
    allowlist: tuple[str, ...] = LOOPBACK_HOSTS
    control_token: str | None = None
    """When set, the control API under ``/__testkit`` wants the token (``X-Testkit-Token`` or
    ``Authorization: Bearer``); the sink's receiving routes stay open."""
    control_loopback_only: bool = True
    """True: the control API answers loopback clients only. False opens it to other hosts,
    which needs `control_token` (ValueError without one): it is never open without a token."""
    seed: int | None = None
    """Seed for UUIDs and result seeds (None: fresh entropy on every start)."""
    fetch_timeout: float = 10.0
    """Seconds allowed to download an input video from an allowlisted URL."""
    report_progress: bool = False
    """``processing`` poll items carry ``progress`` (0-100) when True."""
    webhook_error_envelope: str = "poll"
    """Body of a failed task's webhook: ``poll``, ``errors`` or ``data`` (module docstring)."""
    webhook_success_status: bool = True
    """Success webhook items carry ``status: "success"`` when True."""
    error_reply: str = "first"
    """How a task that breaks the contract is answered: ``"first"`` (default) with ONE error,
    the first failing check in Runware's order (unknown parameters, missing required ones, the
    prompt, values), as Runware answers (PROTOCOL.md, captured replies); ``"all"`` with every
    error at once, which is handy while fixing a client."""

    def __post_init__(self) -> None:
        if self.error_reply not in ERROR_REPLIES:
            raise ValueError(
                f"error_reply must be one of {', '.join(ERROR_REPLIES)}, got {self.error_reply!r}"
            )
        keys = self.api_keys
        if isinstance(keys, str):
            keys = frozenset({keys})
        object.__setattr__(self, "api_keys", frozenset(keys))
        if isinstance(self.allowlist, str):
            object.__setattr__(self, "allowlist", (self.allowlist,))
        object.__setattr__(self, "allowlist", tuple(h.lower() for h in self.allowlist))
        if self.base_url is not None:
            object.__setattr__(self, "base_url", self.base_url.rstrip("/"))
        for name in ("idle_timeout", "resume_window", "fetch_timeout"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
        if self.webhook_error_envelope not in WEBHOOK_ERROR_ENVELOPES:
            raise ValueError(
                f"webhook_error_envelope must be one of {', '.join(WEBHOOK_ERROR_ENVELOPES)}, "
                f"got {self.webhook_error_envelope!r}"
            )
        if not self.control_loopback_only and not self.control_token:
            raise ValueError(
                "the control API can only be opened to other hosts with a control token "
                "(control_loopback_only=False needs control_token)"
            )
        parse_progression(self.progression)

    def accepts_key(self, key: object) -> bool:
        """True when `key` may use the API (any non-empty key if ``api_keys`` is empty)."""
        if not isinstance(key, str) or not key.strip():
            return False
        return not self.api_keys or key in self.api_keys

    def replace(self, **changes: object) -> ServerConfig:
        """A copy with `changes` applied."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]
