"""What an SDK test does when its setup (an SDK venv, node and npm) cannot be built.

Outside CI it skips with the reason. With the environment variable ``CI`` set to anything
non-empty (GitHub Actions and most CI services set ``CI=true``) it fails instead, so a CI run
cannot go green without driving the SDKs.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

__all__ = ["setup_unavailable", "under_ci"]


def under_ci() -> bool:
    """True when the environment variable ``CI`` is set and not empty."""
    return bool(os.environ.get("CI"))


def setup_unavailable(reason: str, *, module: bool = False) -> NoReturn:
    """Skip the test (the whole module when `module`) with `reason`; fail it under CI."""
    if under_ci():
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(reason, allow_module_level=module)
