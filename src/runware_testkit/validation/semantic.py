"""Checks the schema keywords cannot express: ``x-uuid-version`` and ``x-step``.

Rules are collected once per schema (`collect`), so the check of a valid request only visits the
few places that carry such a rule. ``x-step`` uses decimal arithmetic on the shortest repr of the
number: with step 0.01, ``0.29`` passes and ``0.291`` fails.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

from .formats import uuid_version
from .schema_walk import choices

__all__ = ["SemanticRule", "collect", "failures", "on_step"]

KEYWORDS = ("x-uuid-version", "x-step")


@dataclass(frozen=True)
class SemanticRule:
    """One extension keyword at one place; ``None`` in ``path`` stands for any array item."""

    path: tuple[str | None, ...]
    keyword: str
    value: Any


def collect(schema: dict[str, Any]) -> tuple[SemanticRule, ...]:
    """Every extension rule of ``schema``, with the path of the values it applies to."""
    found: list[SemanticRule] = []
    _collect(schema, (), found)
    return tuple(dict.fromkeys(found))


def failures(
    rules: tuple[SemanticRule, ...], instance: Any
) -> Iterator[tuple[SemanticRule, list[str | int], Any]]:
    """Each (rule, path, value) of ``instance`` that breaks a rule."""
    for rule in rules:
        for path, value in _values(instance, rule.path):
            if not _holds(rule, value):
                yield rule, path, value


def on_step(value: Any, step: Any) -> bool:
    """True when ``value`` (a JSON number) is a whole multiple of ``step``; non-numbers pass."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return True
    if isinstance(value, float) and not math.isfinite(value):
        return False
    try:
        with localcontext() as ctx:
            ctx.prec = 60
            return Decimal(repr(value)) % Decimal(repr(step)) == 0
    except (InvalidOperation, ValueError):
        return True


def _holds(rule: SemanticRule, value: Any) -> bool:
    if rule.keyword == "x-uuid-version":
        version = uuid_version(value)
        return version is None or version == rule.value
    return on_step(value, rule.value)


def _collect(node: Any, path: tuple[str | None, ...], found: list[SemanticRule]) -> None:
    if not isinstance(node, dict):
        return
    for choice in choices(node):
        for keyword in KEYWORDS:
            if keyword in choice:
                found.append(SemanticRule(path, keyword, choice[keyword]))
        for name, child in choice.get("properties", {}).items():
            _collect(child, (*path, name), found)
        items = choice.get("items")
        if isinstance(items, dict):
            _collect(items, (*path, None), found)


def _values(instance: Any, path: tuple[str | None, ...]) -> Iterator[tuple[list[str | int], Any]]:
    level: list[tuple[list[str | int], Any]] = [([], instance)]
    for segment in path:
        nxt: list[tuple[list[str | int], Any]] = []
        for where, value in level:
            if segment is None:
                if isinstance(value, list):
                    nxt.extend(([*where, i], item) for i, item in enumerate(value))
            elif isinstance(value, dict) and segment in value:
                nxt.append(([*where, segment], value[segment]))
        level = nxt
    return iter(level)
