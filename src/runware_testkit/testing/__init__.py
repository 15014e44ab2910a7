"""Test helpers over the fake Runware server: what the pytest plugin's fixtures are made of.

- `server()` / `RunwareServer`: the fake on 127.0.0.1 (HTTP + WebSocket), for any client;
- `mock()` / `RunwareMock`: the fake in-process behind respx, for httpx clients, no sockets;
- `connect(url, token=None)` / `RemoteFake`: a fake in another process (``runware-testkit
  serve``) driven over its HTTP control API, with the same methods; `RemoteFake.namespace`
  gives a test a fake of its own on a shared server;
- `FakeOptions`: progression, seed, API keys, scenarios, clock, base URLs of one test;
- `assert_task_submitted`, `assert_webhook_delivered`, `assert_all_tasks_valid`,
  `assert_no_unfinished_tasks` (also methods of the fixture objects).

Names load on first use, so importing this package (and the pytest plugin) stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_LAZY = {
    "ControlBase": "control_base",
    "FakeControl": "control",
    "FakeOptions": "options",
    "LiveRunware": "live_api",
    "RunwareMock": "mock_fixture",
    "RunwareNotMocked": "routing",
    "RemoteFake": "remote",
    "RemoteFakeError": "remote",
    "RunwareServer": "server_fixture",
    "SessionSpend": "spend",
    "Spend": "spend",
    "SwitchableClock": "clock",
    "assert_all_tasks_valid": "assertions",
    "assert_no_unfinished_tasks": "assertions",
    "assert_task_submitted": "assertions",
    "assert_webhook_delivered": "assertions",
    "connect": "remote",
    "mock": "mock_fixture",
    "server": "server_fixture",
    "spend_of": "spend",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
