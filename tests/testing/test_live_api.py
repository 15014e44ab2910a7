"""LiveRunware: real URLs and key; everything that needs the fake skips the test."""

from __future__ import annotations

import pytest

from runware_testkit.testing.live_api import LiveRunware


def test_points_at_runware() -> None:
    live = LiveRunware("rk-test")
    assert (live.base_url, live.ws_url, live.api_key) == (
        "https://api.runware.ai/v1",
        "wss://ws-api.runware.ai/v1",
        "rk-test",
    )
    assert live.origin == "https://api.runware.ai"
    assert live.mode == "live"


@pytest.mark.parametrize("name", ["advance", "fail_next", "journal", "assert_task_submitted"])
def test_fake_only_calls_skip(name: str) -> None:
    with pytest.raises(pytest.skip.Exception, match=rf"{name}\(\) drives or inspects the fake"):
        getattr(LiveRunware("k"), name)(1)


def test_unknown_attributes_are_errors() -> None:
    with pytest.raises(AttributeError):
        LiveRunware("k").no_such_thing  # noqa: B018
