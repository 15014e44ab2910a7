"""ServerConfig defaults and checks."""

from __future__ import annotations

import pytest

from runware_testkit.fake_server.config import DEV_API_KEY, Limits, ServerConfig


def test_defaults() -> None:
    config = ServerConfig()
    assert config.api_keys == frozenset({DEV_API_KEY})
    assert config.progression == "immediate"
    assert config.state_path is None
    assert config.limits.max_body_bytes == 64 * 1024 * 1024
    assert config.limits.max_ws_frame_bytes == 64 * 1024 * 1024
    assert config.limits.max_media_bytes == 64 * 1024 * 1024
    assert config.limits.max_tasks_per_request == 100
    assert config.limits.max_open_tasks == 1000
    assert config.idle_timeout == 120.0
    assert config.control_loopback_only is True


def test_key_acceptance() -> None:
    assert ServerConfig().accepts_key(DEV_API_KEY)
    assert not ServerConfig().accepts_key("other")
    open_config = ServerConfig(api_keys=frozenset())
    assert open_config.accepts_key("anything")
    assert not open_config.accepts_key("  ")
    assert not open_config.accepts_key(None)
    assert ServerConfig(api_keys="single").api_keys == frozenset({"single"})


@pytest.mark.parametrize(
    "kwargs",
    [
        {"progression": "sometimes"},
        {"idle_timeout": 0},
        {"resume_window": -1},
        {"control_loopback_only": False},
        {"control_loopback_only": False, "control_token": ""},
    ],
)
def test_bad_values_are_refused(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        ServerConfig(**kwargs)


def test_bad_limits_are_refused() -> None:
    with pytest.raises(ValueError):
        Limits(max_body_bytes=0)
    with pytest.raises(ValueError):
        Limits(max_open_tasks=-1)


def test_replace_and_base_url() -> None:
    config = ServerConfig(base_url="http://127.0.0.1:8765/")
    assert config.base_url == "http://127.0.0.1:8765"
    assert config.replace(seed=3).seed == 3


def test_answer_options_default_to_runwares_known_behaviour() -> None:
    config = ServerConfig()
    assert config.report_progress is False
    assert config.webhook_error_envelope == "poll"
    assert config.webhook_success_status is True
    assert ServerConfig(webhook_error_envelope="errors").webhook_error_envelope == "errors"
    with pytest.raises(ValueError, match="webhook_error_envelope"):
        ServerConfig(webhook_error_envelope="both")


def test_control_opens_to_other_hosts_only_with_a_token() -> None:
    config = ServerConfig(control_loopback_only=False, control_token="T")
    assert (config.control_loopback_only, config.control_token) == (False, "T")
