"""The ``sdk`` marker: tests that drive the official Runware SDKs (each in its own venv)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sdk: drives an official Runware SDK against a live fake server"
    )
