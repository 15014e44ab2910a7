"""pytester runs small downstream test files through the installed plugin."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

INI = """\
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
"""


@pytest.fixture
def downstream(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester project with asyncio auto mode and no real Runware key in the environment."""
    monkeypatch.delenv("RUNWARE_API_KEY", raising=False)
    pytester.makeini(INI)
    return pytester
