"""runware-testkit: test Runware video-model integrations offline, against the vendor's contract."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from ._version import __version__

# Public names loaded on first access, so that ``import runware_testkit`` stays cheap
# (no jsonschema or pydantic until a validator or model is actually used).
_LAZY = {
    "RunwareError": "runware_testkit.validation",
    "TaskReport": "runware_testkit.validation",
    "Validator": "runware_testkit.validation",
    "validate_batch": "runware_testkit.validation",
    "validate_request": "runware_testkit.validation",
    "validate_result": "runware_testkit.validation",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
