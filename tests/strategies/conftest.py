"""Every strategy test runs against the two Aleph models it is written for."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .support import aleph_only


@pytest.fixture(autouse=True)
def _aleph_models_only() -> Iterator[None]:
    with aleph_only():
        yield
