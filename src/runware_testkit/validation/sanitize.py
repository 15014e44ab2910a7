"""A JSON-shaped copy of an arbitrary Python value, for values jsonschema cannot digest.

Used only after validating the original raised (too deep for ``repr``, or a non-JSON value such
as a complex number or a set): containers deeper than `MAX_DEPTH` and values of non-JSON types
become `Opaque` placeholders, which match no JSON type and describe themselves briefly.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MAX_DEPTH", "Opaque", "sanitize"]

MAX_DEPTH = 32


class Opaque:
    """Stands for a value that is not JSON, or is nested too deep to show."""

    __slots__ = ("what",)

    def __init__(self, what: str) -> None:
        self.what = what

    def __repr__(self) -> str:
        return f"<{self.what}>"


def sanitize(value: Any, depth: int = 0) -> Any:
    """``value`` with non-JSON and too-deep parts replaced by `Opaque` placeholders."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, dict | list) and depth >= MAX_DEPTH:
        return Opaque(
            "an object nested too deep" if isinstance(value, dict) else "an array nested too deep"
        )
    if isinstance(value, dict):
        return {str(k): sanitize(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [sanitize(v, depth + 1) for v in value]
    return Opaque(f"a {type(value).__name__} value")
