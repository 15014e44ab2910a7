"""`LiveRunware`: what the fixtures yield under ``--runware-live``: the real Runware API.

It points clients at Runware itself with the key from ``RUNWARE_API_KEY``. Everything that
drives or inspects the fake (clock, scenarios, journal, sink, the assertions over what the fake
saw) has no counterpart on the real API, so calling it skips the test with the reason.
"""

from __future__ import annotations

from typing import Any, NoReturn

from .options import DEFAULT_BASE_URL, DEFAULT_WS_URL

__all__ = ["API_KEY_ENV", "LiveRunware"]

API_KEY_ENV = "RUNWARE_API_KEY"

_FAKE_ONLY = (
    "reset",
    "drain",
    "now",
    "journal",
    "requests",
    "tasks",
    "task",
    "webhooks",
    "uploads",
    "advance",
    "complete",
    "fail",
    "fail_next",
    "scenario",
    "scenarios",
    "clear_scenarios",
    "seed",
    "fail_webhooks",
    "webhook_url",
    "upload_url",
    "assert_task_submitted",
    "assert_webhook_delivered",
    "assert_all_tasks_valid",
    "assert_no_unfinished_tasks",
    "spend",
    "assert_spend_below",
)


class LiveRunware:
    """The real Runware API, with the same URL attributes as the fakes."""

    mode = "live"

    def __init__(
        self, api_key: str, base_url: str = DEFAULT_BASE_URL, ws_url: str = DEFAULT_WS_URL
    ) -> None:
        self.api_key = api_key
        self.base_url = base_url
        self.ws_url = ws_url
        self.origin = base_url.rsplit("/v1", 1)[0]

    def __getattr__(self, name: str) -> Any:
        if name == "spend":  # a property on the fakes: skip on access
            _skip(name)
        if name in _FAKE_ONLY:

            def fake_only(*args: Any, **kwargs: Any) -> NoReturn:
                _skip(name)

            return fake_only
        raise AttributeError(name)

    def __repr__(self) -> str:
        return f"<LiveRunware {self.base_url}>"


def _skip(name: str) -> NoReturn:
    import pytest

    pytest.skip(
        f"runware live mode: {name}() drives or inspects the fake server and has no counterpart "
        "on the real Runware API; this part of the test runs only against the fake "
        "(run without --runware-live)"
    )
