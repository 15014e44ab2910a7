"""Find the subschema of a path inside a request schema, and its documentation anchor."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

__all__ = [
    "api_type",
    "choices",
    "documentation_at",
    "node_at",
    "object_keys",
    "required_leaf",
]

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


# The parameter type names Runware's errors carry in ``type`` (PROTOCOL.md "The error object":
# real captured errors say "float", "string" ...); JSON Schema's "number" is Runware's "float".
_API_TYPES = {
    "string": "string",
    "integer": "integer",
    "number": "float",
    "boolean": "boolean",
    "object": "object",
    "array": "array",
}


def api_type(node: Any) -> str | None:
    """The API type name of the values ``node`` allows, or None when it is not one type.

    From the node's ``type`` (a list with ``null`` counts as its other member), else from the
    values of its ``const``/``enum``/oneOf-of-consts, else from its anyOf/oneOf branches when
    they all agree.
    """
    if not isinstance(node, dict):
        return None
    declared = node.get("type")
    if isinstance(declared, str):
        return _API_TYPES.get(declared)
    if isinstance(declared, list):
        named = [t for t in declared if t != "null"]
        return _API_TYPES.get(named[0]) if len(named) == 1 else None
    values = _allowed_values(node)
    if values:
        kinds = {_value_type(v) for v in values}
        return kinds.pop() if len(kinds) == 1 else None
    for key in ("anyOf", "oneOf"):
        branches = node.get(key)
        if isinstance(branches, list) and branches:
            kinds = {api_type(b) for b in branches}
            return kinds.pop() if len(kinds) == 1 else None
    return None


def _allowed_values(node: dict[str, Any]) -> list[Any]:
    if "const" in node:
        return [node["const"]]
    if isinstance(node.get("enum"), list):
        return list(node["enum"])
    for key in ("oneOf", "anyOf"):
        branches = node.get(key)
        if (
            isinstance(branches, list)
            and branches
            and all(isinstance(b, dict) and "const" in b for b in branches)
        ):
            return [b["const"] for b in branches]
    return []


def _value_type(value: Any) -> str | None:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return None


def required_leaf(*nodes: Any) -> list[str]:
    """The names below a missing object down to the first required leaf it must hold.

    A missing object whose schema requires members is reported at its first required member,
    recursively: Aleph 2.0 without ``inputs`` gives ``["video"]`` (reported as
    ``inputs.video``, as Runware answers; PROTOCOL.md "How Runware reports a bad request"
    [C3]). An object that requires nothing gives ``[]`` (reported by its own name). The first
    of ``nodes`` (schemas of the same object, e.g. from an ``if``/``then`` and from the
    properties) that requires something decides.
    """
    for node in nodes:
        if not isinstance(node, dict):
            continue
        for choice in choices(node):
            required = choice.get("required")
            if isinstance(required, list) and required and isinstance(required[0], str):
                first = required[0]
                child = None
                for option in choices(node):
                    props = option.get("properties")
                    if isinstance(props, dict) and isinstance(props.get(first), dict):
                        child = props[first]
                        break
                return [first, *required_leaf(child)]
    return []
