"""Outgoing calls of the fake server: webhook POSTs and ``uploadEndpoint`` PUTs.

Only hosts in the allowlist are ever called (`Delivery.check_target`): loopback by default, so
the fake never reaches the internet. Host names are never looked up in DNS; the one name
resolved locally is ``localhost`` (to ``127.0.0.1`` and ``::1``). Allowlist entries are IP
addresses, CIDR blocks (``127.0.0.0/8``), host names (``sink.test``) or wildcard names
(``*.sink.test``).

Retries (Runware documents that a receiver must answer 2xx; its retry count, backoff and
timeouts are not published, so these are the kit's choices, all configurable): a non-2xx
answer, a timeout or a connection error counts as a failed attempt; at most ``max_attempts``
(5) attempts, waiting ``initial * factor ** (n - 1)`` seconds, capped, after failed attempt n
(default 0.5, 1, 2, 4 s); redirects are not followed (a 3xx is a failure); each attempt may
take ``timeout`` (10) seconds. Proxy settings of the environment are ignored.

Every attempt is journaled (``webhook_attempt`` / ``upload_attempt``) with ``url``,
``attempt`` (1-based), ``sent`` (False for an injected failure), ``status`` (HTTP status or
None), ``error`` (None or why it failed), ``duration`` (seconds), ``outcome`` (``retry``, or
for the last attempt ``delivered`` / ``failed``) and ``retry_in`` (the wait before the next
attempt, or None). A refused target is journaled once with ``attempt`` 0 and ``outcome``
``refused``; nothing is sent.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import ipaddress
import json
import re
import ssl
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from ..journal import Journal

__all__ = [
    "DEFAULT_ALLOWLIST",
    "DEFAULT_BACKOFF",
    "USER_AGENT",
    "Allowlist",
    "Delivery",
    "DeliveryOutcome",
    "TargetRefused",
    "tls_context",
]

DEFAULT_ALLOWLIST: tuple[str, ...] = ("127.0.0.0/8", "::1", "localhost")
DEFAULT_BACKOFF: tuple[float, float, float] = (0.5, 2.0, 30.0)
"""(first wait in seconds, growth factor, longest wait in seconds)."""
USER_AGENT = "runware-testkit"

_LOCALHOST_ADDRESSES = (ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1"))
_HOST_RE = re.compile(
    r"^(\*\.)?[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$"
)
_IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ClientFactory = Callable[[], httpx.AsyncClient]
Sleep = Callable[[float], Awaitable[Any]]


class TargetRefused(Exception):
    """The URL may not be called: a scheme other than http(s), or a host outside the allowlist."""

    def __init__(self, url: object, reason: str) -> None:
        super().__init__(f"refusing to call {url!r}: {reason}")
        self.url = url
        self.reason = reason


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """How a webhook or upload delivery ended."""

    kind: Literal["webhook", "upload"]
    url: str
    delivered: bool
    attempts: int
    """Attempts made, injected failures included (0 when the target was refused)."""
    status: int | None = None
    """HTTP status of the last answer, if any."""
    error: str | None = None
    """Why the last attempt failed (None once delivered)."""
    refused: bool = False
    duration: float = 0.0
    """Seconds spent, waits between attempts included."""


class Allowlist:
    """The hosts outgoing calls may go to: IPs, CIDR blocks, host names, ``*.`` wildcards."""

    def __init__(self, entries: Iterable[str]) -> None:
        if isinstance(entries, str):
            entries = [entries]
        self.entries: tuple[str, ...] = tuple(entries)
        self._networks: list[_IpNetwork] = []
        self._names: set[str] = set()
        self._suffixes: list[str] = []
        for entry in self.entries:
            self._add(entry)

    def _add(self, entry: object) -> None:
        if not isinstance(entry, str) or not entry.strip():
            raise ValueError(f"allowlist entries must be non-empty strings, got {entry!r}")
        text = entry.strip().lower()
        try:
            self._networks.append(ipaddress.ip_network(text.strip("[]"), strict=False))
            return
        except ValueError:
            pass
        name = text.rstrip(".")
        if not _HOST_RE.match(name):
            raise ValueError(
                f"allowlist entry {entry!r} is not an IP address, a CIDR block or a host name"
            )
        if name.startswith("*."):
            self._suffixes.append(name[1:])
        else:
            self._names.add(name)

    def allows(self, host: str) -> bool:
        """True if `host` (a name or an IP literal, brackets allowed) may be called."""
        host = host.strip().strip("[]").lower().rstrip(".")
        if not host:
            return False
        address = _parse_ip(host)
        if address is not None:
            return self._ip_allowed(address)
        if host in self._names or any(host.endswith(suffix) for suffix in self._suffixes):
            return True
        if host == "localhost":
            return any(self._ip_allowed(address) for address in _LOCALHOST_ADDRESSES)
        return False

    def _ip_allowed(self, address: _IpAddress) -> bool:
        candidates = [address]
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            candidates.append(address.ipv4_mapped)
        return any(candidate in network for candidate in candidates for network in self._networks)

    def __repr__(self) -> str:
        return f"Allowlist({list(self.entries)!r})"


class Delivery:
    """Sends webhooks and uploads to allowlisted hosts, with retries, journaling every attempt.

    `client_factory` makes the httpx client for one delivery (closed afterwards); by default an
    `httpx.AsyncClient` on `transport` (e.g. an `httpx.MockTransport`), or httpx's own
    transport when that is None. `sleep` is awaited between attempts (inject a fake in tests).
    """

    def __init__(
        self,
        journal: Journal,
        allowlist: Iterable[str] = DEFAULT_ALLOWLIST,
        client_factory: ClientFactory | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        max_attempts: int = 5,
        backoff: tuple[float, float, float] = DEFAULT_BACKOFF,
        timeout: float = 10.0,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if isinstance(max_attempts, bool) or not isinstance(max_attempts, int) or max_attempts < 1:
            raise ValueError(f"max_attempts must be an integer >= 1, got {max_attempts!r}")
        initial, factor, cap = (float(value) for value in backoff)
        if initial < 0 or factor < 1 or cap < initial:
            raise ValueError(
                f"backoff must be (initial >= 0, factor >= 1, cap >= initial), got {backoff!r}"
            )
        if not timeout > 0:
            raise ValueError(f"timeout must be > 0 seconds, got {timeout!r}")
        self.journal = journal
        self.allowlist = Allowlist(allowlist)
        self.max_attempts = max_attempts
        self.backoff = (initial, factor, cap)
        self.timeout = float(timeout)
        self.sleep = sleep
        self._transport = transport
        self._client_factory = client_factory or self._default_client

    def check_target(self, url: str) -> None:
        """Raise `TargetRefused` unless `url` is an http(s) URL whose host is allowlisted."""
        if not isinstance(url, str) or not url:
            raise TargetRefused(url, "the URL must be a non-empty string")
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise TargetRefused(url, f"not a valid URL ({exc})") from None
        if parsed.scheme not in ("http", "https"):
            shown = parsed.scheme or "(none)"
            raise TargetRefused(url, f"only http and https URLs are called, not scheme {shown}")
        if not parsed.host:
            raise TargetRefused(url, "the URL has no host")
        if not self.allowlist.allows(parsed.host):
            allowed = ", ".join(self.allowlist.entries) or "(empty)"
            raise TargetRefused(url, f"host {parsed.host!r} is not in the allowlist ({allowed})")

    def delays(self) -> list[float]:
        """The waits between attempts when every attempt fails (``max_attempts - 1`` of them)."""
        return [self._delay(attempt) for attempt in range(1, self.max_attempts)]

    async def deliver_webhook(
        self,
        url: str,
        payload: dict[str, Any],
        *,
        failures_to_inject: int = 0,
        task_uuid: str | None = None,
    ) -> DeliveryOutcome:
        """POST `payload` as JSON to `url`, retrying until a 2xx or ``max_attempts``.

        The first `failures_to_inject` attempts count as failed without anything being sent
        (a receiver that fails, as a scenario asks).
        """
        body = json.dumps(payload, ensure_ascii=False).encode()
        headers = {"content-type": "application/json", "user-agent": USER_AGENT}
        return await self._deliver(
            "webhook",
            "POST",
            url,
            body,
            headers,
            failures_to_inject,
            {"task_uuid": task_uuid, "body": payload},
        )

    async def deliver_upload(
        self,
        url: str,
        data: bytes,
        content_type: str,
        *,
        failures_to_inject: int = 0,
        task_uuid: str | None = None,
    ) -> DeliveryOutcome:
        """PUT the raw bytes to `url` (a presigned upload URL), with the webhook's retries."""
        data = bytes(data)
        headers = {"content-type": content_type, "user-agent": USER_AGENT}
        extra = {
            "task_uuid": task_uuid,
            "content_type": content_type,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        return await self._deliver("upload", "PUT", url, data, headers, failures_to_inject, extra)

    async def _deliver(
        self,
        kind: Literal["webhook", "upload"],
        method: str,
        url: str,
        content: bytes,
        headers: dict[str, str],
        failures_to_inject: int,
        extra: dict[str, Any],
    ) -> DeliveryOutcome:
        if isinstance(failures_to_inject, bool) or not isinstance(failures_to_inject, int):
            raise TypeError("failures_to_inject must be an int")
        journal_kind = f"{kind}_attempt"
        try:
            self.check_target(url)
        except TargetRefused as exc:
            self.journal.record(
                journal_kind,
                url=url,
                attempt=0,
                sent=False,
                status=None,
                error=str(exc),
                duration=0.0,
                outcome="refused",
                retry_in=None,
                **extra,
            )
            return DeliveryOutcome(kind, str(url), False, 0, error=str(exc), refused=True)
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        async with self._client_factory() as client:
            for attempt in range(1, self.max_attempts + 1):
                attempt_started = time.perf_counter()
                sent = attempt > failures_to_inject
                response_text: str | None = None
                if sent:
                    status, error, response_text = await self._send(
                        client, method, url, content, headers
                    )
                else:
                    status, error = None, "injected failure (the receiver is set to fail)"
                delivered = error is None
                last = attempt == self.max_attempts
                outcome = "delivered" if delivered else "failed" if last else "retry"
                retry_in = None if delivered or last else self._delay(attempt)
                entry: dict[str, Any] = {
                    "url": url,
                    "attempt": attempt,
                    "sent": sent,
                    "status": status,
                    "error": error,
                    "duration": round(time.perf_counter() - attempt_started, 6),
                    "outcome": outcome,
                    "retry_in": retry_in,
                    **extra,
                }
                if response_text is not None:
                    entry["response_body"] = response_text
                self.journal.record(journal_kind, **entry)
                if delivered:
                    return DeliveryOutcome(
                        kind, url, True, attempt, status, None, False, _since(started)
                    )
                if retry_in is not None:
                    await self.sleep(retry_in)
        return DeliveryOutcome(
            kind, url, False, self.max_attempts, status, error, False, _since(started)
        )

    async def _send(
        self,
        client: httpx.AsyncClient,
        method: str,
        url: str,
        content: bytes,
        headers: dict[str, str],
    ) -> tuple[int | None, str | None, str | None]:
        """One attempt: (status, error or None when 2xx, start of a failing answer's body)."""
        try:
            response = await client.request(
                method, url, content=content, headers=headers, timeout=self.timeout
            )
        except httpx.TimeoutException as exc:
            return None, f"timeout after {self.timeout:g} s ({type(exc).__name__})", None
        except Exception as exc:
            return None, f"{type(exc).__name__}: {exc}", None
        if 200 <= response.status_code < 300:
            return response.status_code, None, None
        return response.status_code, f"HTTP {response.status_code}", response.text[:500]

    def _delay(self, attempt: int) -> float:
        initial, factor, cap = self.backoff
        return min(cap, initial * factor ** (attempt - 1))

    def _default_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=self._transport,
            timeout=self.timeout,
            follow_redirects=False,
            trust_env=False,
            verify=tls_context(),
        )


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The one TLS context every outgoing client shares. httpx builds a new one per client
    unless given one, loading the CA bundle each time (~45 ms), which a delivery per webhook
    would pay again and again."""
    return httpx.create_ssl_context(trust_env=False)


def _parse_ip(host: str) -> _IpAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 6)
