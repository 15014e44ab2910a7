"""Shared model behaviour: to_wire, strict types, decimal steps."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from runware_testkit.models.base import Request, is_uuid4, multiple_of


def test_multiple_of_uses_decimal_arithmetic():
    check = multiple_of("0.01").func
    assert check(0.29) == 0.29
    assert check(None) is None
    with pytest.raises(ValueError, match=r"multiple of 0\.01"):
        check(0.291)
    with pytest.raises(ValueError):
        check(float("nan"))


def test_requests_are_strict_and_closed():
    class Task(Request):
        count: int

    with pytest.raises(ValidationError):
        Task.model_validate({"count": "1"})
    with pytest.raises(ValidationError):
        Task.model_validate({"count": 1, "x": 1})
    assert Task(count=1).to_wire() == {"count": 1}


def test_is_uuid4():
    assert is_uuid4("aac49721-1964-481a-ae78-8a4e29b91402")
    assert not is_uuid4("aac49721-1964-181a-ae78-8a4e29b91402")
