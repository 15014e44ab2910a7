"""`FakeOptions`: how one test wants the fake (progression, seed, keys, scenarios, clock ...).

The pytest marker ``@pytest.mark.runware(...)`` and the ``--runware-*`` options build one, and
`FakeControl.reset` applies it. Outside pytest, pass the same keywords to
`runware_testkit.testing.mock` or `runware_testkit.testing.server`.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from os import PathLike
from typing import Any

from ..fake_server.config import DEV_API_KEY, ERROR_REPLIES
from ..fake_server.engine.progression import parse_progression
from ..fake_server.faults.scenarios import MagicTokenError, Scenario, magic_tokens
from .clock import CLOCK_MODES

__all__ = [
    "CLIENT_LIBRARIES",
    "DEFAULT_BASE_URL",
    "DEFAULT_WS_URL",
    "OPTION_NAMES",
    "FakeOptions",
    "to_scenario",
]

DEFAULT_BASE_URL = "https://api.runware.ai/v1"
"""Runware's REST endpoint: what `runware_mock` routes into the fake by default."""
DEFAULT_WS_URL = "wss://ws-api.runware.ai/v1"
"""Runware's WebSocket endpoint."""
REPLAY_MODES: tuple[str, ...] = ("fallback", "strict")
"""What a replaying fake does with a task no recording matches."""
REPLAY_TIMINGS: tuple[str, ...] = ("compressed", "real")
"""How a replaying fake paces the recorded states (see `fake_server.replay.pacing`)."""
CLIENT_LIBRARIES: tuple[str, ...] = ("httpx", "aiohttp", "requests")
"""Client libraries `runware_mock` can route into the fake in-process."""


@dataclass(frozen=True)
class FakeOptions:
    """Per-test settings of the fake; every field has a default that suits tests."""

    progression: str = "immediate"
    """Progression of tasks (``immediate``, ``polls:N``, ``time:S``); see `progression`."""
    seed: int | None = None
    """Seed for UUIDs and result seeds (None: fresh entropy)."""
    api_keys: tuple[str, ...] | None = None
    """Keys the fake accepts; None: the development key only; empty: any non-empty key."""
    scenarios: tuple[Scenario, ...] = ()
    """Scenarios queued before the test starts (see `to_scenario` for accepted forms)."""
    clock: str = "system"
    """``"system"`` (wall clock) or ``"manual"`` (moves only on ``advance``)."""
    base_urls: tuple[str, ...] = (DEFAULT_BASE_URL,)
    """REST endpoints `runware_mock` routes into the fake (each ends with ``/v1``)."""
    live: bool = True
    """False: never run this test against the real API, even with ``--runware-live``."""
    passthrough: bool | tuple[str, ...] = True
    """What `runware_mock` does with a request to a host that is not Runware's: True lets it
    go to the network, False blocks it with a message saying how to allow it, a list of host
    names (``"*.example.com"`` wildcards allowed) lets those through and blocks the others.
    Requests meant for Runware are never let through."""
    errors: str = "first"
    """How the fake answers a task that breaks the contract: ``"first"``, ONE error (the first
    failing check in Runware's order), as Runware does; ``"all"``, every error at once."""
    clients: tuple[str, ...] | None = None
    """Client libraries `runware_mock` routes in-process: any of ``httpx``, ``aiohttp``
    (needs ``aioresponses``), ``requests`` (needs ``responses``); None: httpx plus each of the
    others whose mocking library is installed."""

    cassette: str | tuple[str, ...] | None = None
    """Recorded cassettes (docs/cassettes.md) the fake answers from first: paths, relative to
    the test file when given in the marker; None: no replay."""
    replay: str = "fallback"
    """With a cassette: ``"fallback"`` answers a task no recording matches from the contract;
    ``"strict"`` refuses it with ``replayNoMatch`` naming the closest recorded request."""
    replay_timing: str = "compressed"
    """With a cassette: ``"compressed"`` (each poll gets the next recorded state) or ``"real"``
    (the recorded times on the fake's clock)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "progression", str(parse_progression(self.progression)))
        if self.cassette is not None:
            paths = (self.cassette,) if isinstance(self.cassette, str | PathLike) else self.cassette
            paths = tuple(str(p) for p in paths)
            if not paths:
                raise ValueError("cassette needs at least one path")
            object.__setattr__(self, "cassette", paths)
        if self.replay not in REPLAY_MODES:
            raise ValueError(
                f"replay must be one of {', '.join(REPLAY_MODES)}, got {self.replay!r}"
            )
        if self.replay_timing not in REPLAY_TIMINGS:
            raise ValueError(
                f"replay_timing must be one of {', '.join(REPLAY_TIMINGS)}, "
                f"got {self.replay_timing!r}"
            )
        seed = self.seed
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise ValueError(f"seed must be an integer or None, got {seed!r}")
        if self.api_keys is not None:
            keys = (self.api_keys,) if isinstance(self.api_keys, str) else tuple(self.api_keys)
            for key in keys:
                if not isinstance(key, str) or not key.strip():
                    raise ValueError(f"api_keys must hold non-empty strings, got {key!r}")
            object.__setattr__(self, "api_keys", keys)
        scenarios = self.scenarios
        if isinstance(scenarios, Scenario | Mapping | str):
            scenarios = (scenarios,)
        object.__setattr__(self, "scenarios", tuple(to_scenario(s) for s in scenarios))
        if self.clock not in CLOCK_MODES:
            raise ValueError(f"clock must be one of {', '.join(CLOCK_MODES)}, got {self.clock!r}")
        bases = (self.base_urls,) if isinstance(self.base_urls, str) else tuple(self.base_urls)
        if not bases:
            raise ValueError("base_urls needs at least one URL")
        object.__setattr__(self, "base_urls", bases)
        if self.errors not in ERROR_REPLIES:
            raise ValueError(
                f"errors must be one of {', '.join(ERROR_REPLIES)}, got {self.errors!r}"
            )
        if not isinstance(self.live, bool):
            raise ValueError(f"live must be True or False, got {self.live!r}")
        object.__setattr__(self, "passthrough", _passthrough(self.passthrough))
        if self.clients is not None:
            given = (self.clients,) if isinstance(self.clients, str) else tuple(self.clients)
            unknown = [c for c in given if c not in CLIENT_LIBRARIES]
            if unknown:
                raise ValueError(
                    f"clients may hold {', '.join(CLIENT_LIBRARIES)}, got {unknown[0]!r}"
                )
            object.__setattr__(self, "clients", given)

    @property
    def api_key(self) -> str:
        """The key clients should send: the first accepted key, else the development key."""
        return self.api_keys[0] if self.api_keys else DEV_API_KEY

    def merged(self, changes: Mapping[str, Any], *, where: str = "option") -> FakeOptions:
        """A copy with `changes` (names as in this class) applied.

        Raises ValueError naming an unknown name (with the closest known one) or a bad value.
        """
        unknown = [name for name in changes if name not in OPTION_NAMES]
        if unknown:
            raise ValueError(_unknown(unknown[0], where))
        return replace(self, **dict(changes))


def _passthrough(value: Any) -> bool | tuple[str, ...]:
    if isinstance(value, bool):
        return value
    hosts = (value,) if isinstance(value, str) else value
    try:
        hosts = tuple(hosts)
    except TypeError:
        raise ValueError(
            f"passthrough must be True, False or a list of host names, got {value!r}"
        ) from None
    for host in hosts:
        if not isinstance(host, str) or not host.strip() or "/" in host or ":" in host:
            raise ValueError(
                f"passthrough hosts are names such as 'localhost' or '*.example.com' (no "
                f"scheme, port or path), got {host!r}"
            )
    return tuple(host.strip().lower() for host in hosts)


OPTION_NAMES: tuple[str, ...] = tuple(f.name for f in fields(FakeOptions))
"""The keywords `FakeOptions` (and the ``runware`` marker) accept."""


def to_scenario(value: Scenario | Mapping[str, Any] | str) -> Scenario:
    """A `Scenario` from a Scenario, a dict of its fields, or magic tokens such as
    ``"error=insufficientCredits@processing"`` (the inside of a ``[[testkit:...]]`` block)."""
    if isinstance(value, Scenario):
        return value
    if isinstance(value, Mapping):
        return Scenario.from_dict(value)
    if isinstance(value, str):
        text = value if "[[" in value else f"[[testkit:{value}]]"
        try:
            scenario = magic_tokens(text)
        except MagicTokenError as exc:
            # The token's own problem, without the prompt wording: this string is no prompt.
            cause = exc.__cause__ if isinstance(exc.__cause__, ValueError) else exc
            problem = str(cause).replace(" in the prompt", "")
            raise ValueError(f"scenario {value!r}: {problem}") from None
        if scenario is None:
            raise ValueError(f"no testkit tokens in scenario {value!r}")
        return scenario
    raise ValueError(
        f"a scenario is a Scenario, a dict of its fields or a token string, got {value!r}"
    )


def _unknown(name: str, where: str) -> str:
    close = difflib.get_close_matches(name, OPTION_NAMES, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown {where} {name!r}{hint}; known: {', '.join(OPTION_NAMES)}"
