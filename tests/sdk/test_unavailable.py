"""An SDK setup that cannot be built skips locally and fails under CI."""

from __future__ import annotations

import pytest

from .unavailable import setup_unavailable, under_ci


def test_skips_without_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    assert not under_ci()
    with pytest.raises(pytest.skip.Exception, match="no venv"):
        setup_unavailable("no venv")


def test_empty_ci_is_not_ci(monkeypatch):
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception):
        setup_unavailable("no venv")


@pytest.mark.parametrize("value", ["true", "1"])
def test_fails_under_ci(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    assert under_ci()
    with pytest.raises(pytest.fail.Exception, match=r"no venv \(CI is set"):
        setup_unavailable("no venv")


def test_module_skip_is_allowed_at_module_level(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as caught:
        setup_unavailable("no SDK", module=True)
    assert caught.value.allow_module_level
