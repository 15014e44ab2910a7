"""Find the subschema of a path inside a request schema, and its documentation anchor."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

__all__ = ["choices", "documentation_at", "node_at", "object_keys"]

Path = Sequence[str | int]


def choices(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """``node`` and every subschema of its anyOf/oneOf/allOf, depth first."""
    yield node
    for key in ("anyOf", "oneOf", "allOf"):
        for choice in node.get(key, ()):
            if isinstance(choice, dict):
                yield from choices(choice)


def node_at(schema: dict[str, Any], path: Path) -> dict[str, Any] | None:
    """The subschema describing the value at ``path`` (array indexes are ints), or None."""
    node: dict[str, Any] | None = schema
    for segment in path:
        if node is None:
            return None
        node = _step(node, segment)
    return node


def documentation_at(schema: dict[str, Any], path: Path) -> str | None:
    """The ``x-documentation`` of the deepest schema along ``path`` that has one."""
    found = schema.get("x-documentation")
    node: dict[str, Any] | None = schema
    for segment in path:
        node = _step(node, segment) if node is not None else None
        if node is None:
            break
        found = node.get("x-documentation", found)
    return found if isinstance(found, str) else None


def object_keys(schema: dict[str, Any], path: Path) -> list[str]:
    """The property names the schema declares for the object at ``path``, in schema order."""
    node = node_at(schema, path)
    if node is None:
        return []
    keys: list[str] = []
    for choice in choices(node):
        for name in choice.get("properties", {}):
            if name not in keys:
                keys.append(name)
    return keys


def _step(node: dict[str, Any], segment: str | int) -> dict[str, Any] | None:
    if isinstance(segment, int):
        items = node.get("items")
        return items if isinstance(items, dict) else None
    for choice in choices(node):
        props = choice.get("properties")
        if isinstance(props, dict) and isinstance(props.get(segment), dict):
            return props[segment]
    return None
