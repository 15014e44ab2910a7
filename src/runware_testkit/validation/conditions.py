"""Read the cross-field rules of a schema back into parameter names, for error messages.

Runware's per-model documents state cross-field rules in a top-level ``allOf``: ``not`` of
``allOf``/``anyOf`` of ``required`` (parameters that exclude each other) and ``if``/``then``
(a parameter that requires, forbids or restricts another). jsonschema reports only the keyword
that failed inside them; this module finds which parameters were involved:

- `participants`: the parameters of an instance that make a schema match (the names a failed
  ``not`` is about);
- `mentioned`: every parameter a schema names, present or not;
- `trigger_of`: for an error raised inside a ``then``/``else``, the condition that applied it,
  as parameter names and a phrase (``when settings.operation is 'edit'``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import Draft202012Validator

from .describe import describe
from .formats import format_checker
from .pointers import dotted

__all__ = ["Trigger", "instance_at", "mentioned", "participants", "schema_at", "trigger_of"]

Path = list[str | int]

# Keywords whose subschema applies to a member of the instance (one instance-path step) and
# how many schema-path items they take (the keyword, plus a name or index when there is one).
_STEP_KEYWORDS = {
    "properties": 2,
    "patternProperties": 2,
    "prefixItems": 2,
    "items": 1,
    "additionalProperties": 1,
    "contains": 1,
    "unevaluatedItems": 1,
    "unevaluatedProperties": 1,
    "propertyNames": 1,
}
_NAMED_KEYWORDS = {"allOf", "anyOf", "oneOf", "$defs", "definitions", "dependentSchemas"}
_ANNOTATIONS = {"title", "description", "$comment", "x-documentation", "x-inferred"}


@dataclass(frozen=True)
class Trigger:
    """The condition under which a ``then``/``else`` rule applied.

    ``names`` are the dotted parameters present in the task that set the condition off (empty
    for a condition that holds because something is absent); ``absent`` are the parameters
    whose absence set it off; ``phrase`` says it in words (``when fps is 50``).
    """

    names: tuple[str, ...]
    absent: tuple[str, ...]
    phrase: str
    parts: tuple[str, ...] = ()
    """One phrase per name of ``names`` (``fps is 50``, ``inputs.audio is given``)."""

    def phrase_without(self, names: Iterable[str]) -> str:
        """``phrase`` leaving out the parts of ``names`` (``""`` when nothing is left)."""
        if not self.parts:
            return self.phrase
        skip = set(names)
        kept = [part for name, part in zip(self.names, self.parts, strict=True) if name not in skip]
        return "when " + " and ".join(kept) if kept else ""


def participants(schema: Any, instance: Any, path: Sequence[str | int] = ()) -> list[str]:
    """The dotted parameters of ``instance`` (at ``path``) through which ``schema`` matches.

    Follows ``required``, ``properties`` (a present value that meets its constraint), ``allOf``
    and the ``anyOf``/``oneOf`` branches that match; never what a ``not`` inside names. A name
    whose children are also listed (``inputs`` beside ``inputs.audio``) is left out.
    """
    found: list[tuple[str, bool]] = []
    _collect(schema, instance, list(path), found)
    return _leaves([name for name, _ in found])


def mentioned(schema: Any, path: Sequence[str | int] = ()) -> list[str]:
    """Every dotted parameter ``schema`` names in ``required`` or ``properties``."""
    found: list[str] = []
    _mention(schema, list(path), found)
    return _leaves(found)


def trigger_of(root_schema: Any, root_instance: Any, error: ValidationError) -> Trigger | None:
    """The condition of the ``then``/``else`` that ``error`` was raised in, if any."""
    schema_path = list(error.absolute_schema_path)
    where = _branch_index(schema_path)
    if where is None:
        return None
    parent = schema_at(root_schema, schema_path[:where])
    if not isinstance(parent, dict) or "if" not in parent:
        return None
    depth = _instance_steps(schema_path[:where])
    base_path: Path = list(error.absolute_path)[:depth]
    base = instance_at(root_instance, base_path)
    condition = parent["if"]
    if schema_path[where] == "else":
        names = mentioned(condition, base_path)
        return Trigger((), tuple(names), f"unless {_and(names)} {_is(names)} given")
    negated = _negation(condition)
    if negated is not None:
        names = mentioned(negated, base_path)
        if len(names) == 1:
            phrase = f"when {names[0]} is not given"
        else:
            phrase = f"when none of {', '.join(names)} is given"
        return Trigger((), tuple(names), phrase)
    found: list[tuple[str, bool]] = []
    _collect(condition, base, base_path, found)
    names = _leaves([name for name, _ in found])
    constrained = {name for name, flag in found if flag}
    parts = []
    for name in names:
        if name in constrained:
            value = instance_at(root_instance, _split(name))
            parts.append(f"{name} is {describe(value)}")
        else:
            parts.append(f"{name} is given")
    if not parts:
        return None
    return Trigger(tuple(names), (), "when " + " and ".join(parts), tuple(parts))


def schema_at(schema: Any, path: Sequence[str | int]) -> Any:
    """The subschema at a schema path (keys and list indexes), or None if it is not there."""
    node = schema
    for part in path:
        node = _member(node, part, negative=False)
        if node is _ABSENT:
            return None
    return node


def instance_at(instance: Any, path: Sequence[str | int]) -> Any:
    """The value at an instance path, or None if it is not there."""
    node = instance
    for part in path:
        node = _member(node, part, negative=True)
        if node is _ABSENT:
            return None
    return node


_ABSENT = object()


def _member(node: Any, part: str | int, *, negative: bool) -> Any:
    if isinstance(node, dict):
        return node.get(part, _ABSENT) if isinstance(part, str) else _ABSENT
    if isinstance(node, list) and isinstance(part, int) and not isinstance(part, bool):
        low = -len(node) if negative else 0
        return node[part] if low <= part < len(node) else _ABSENT
    return _ABSENT


# -- internals --------------------------------------------------------------------------------


def _collect(schema: Any, instance: Any, path: Path, found: list[tuple[str, bool]]) -> None:
    if not isinstance(schema, dict) or not isinstance(instance, dict):
        return
    for key in schema.get("required", ()):
        if isinstance(key, str) and key in instance:
            _add(found, dotted([*path, key]), False)
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for key, sub in properties.items():
            if key not in instance or not isinstance(sub, dict):
                continue
            if _constrains(sub) and _matches(sub, instance[key]):
                _add(found, dotted([*path, key]), True)
            _collect(sub, instance[key], [*path, key], found)
    for sub in schema.get("allOf", ()):
        _collect(sub, instance, path, found)
    for key in ("anyOf", "oneOf"):
        for sub in schema.get(key, ()):
            if _matches(sub, instance):
                _collect(sub, instance, path, found)


def _mention(schema: Any, path: Path, found: list[str]) -> None:
    if not isinstance(schema, dict):
        return
    for key in schema.get("required", ()):
        if isinstance(key, str):
            _add_name(found, dotted([*path, key]))
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for key, sub in properties.items():
            if isinstance(sub, dict) and _constrains(sub):
                _add_name(found, dotted([*path, key]))
            _mention(sub, [*path, key], found)
    for keyword in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(keyword, ()):
            _mention(sub, path, found)
    if "not" in schema:
        _mention(schema["not"], path, found)


def _constrains(schema: dict[str, Any]) -> bool:
    """True when ``schema`` restricts a value itself, not only the keys inside it."""
    structural = {"required", "properties", "allOf", "anyOf", "oneOf", "additionalProperties"}
    return any(k not in structural and k not in _ANNOTATIONS for k in schema)


def _matches(schema: Any, instance: Any) -> bool:
    if isinstance(schema, bool):
        return schema
    if not isinstance(schema, dict):
        return False
    try:
        return _checker(_key(schema)).is_valid(instance)
    except Exception:  # a subschema jsonschema cannot use on its own: treat as no match
        return False


def _key(schema: dict[str, Any]) -> str:
    return json.dumps(schema, sort_keys=True, default=str)


@lru_cache(maxsize=512)
def _checker(text: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(text), format_checker=format_checker())


def _negation(condition: Any) -> Any:
    if isinstance(condition, dict) and "not" in condition:
        rest = {k for k in condition if k != "not" and k not in _ANNOTATIONS}
        if not rest:
            return condition["not"]
    return None


def _branch_index(schema_path: list[Any]) -> int | None:
    for index in range(len(schema_path) - 1, -1, -1):
        if schema_path[index] in ("then", "else") and not _is_name(schema_path, index):
            return index
    return None


def _is_name(schema_path: list[Any], index: int) -> bool:
    """True when item ``index`` of a schema path is a property name, not a keyword."""
    i = 0
    while i < len(schema_path):
        if i == index:
            return False
        keyword = schema_path[i]
        if keyword in ("properties", "patternProperties", "dependentSchemas", "$defs"):
            if i + 1 == index:
                return True
            i += 2
        elif keyword in _NAMED_KEYWORDS or keyword == "prefixItems":
            i += 2
        else:
            i += 1
    return False


def _instance_steps(schema_path: list[Any]) -> int:
    steps, i = 0, 0
    while i < len(schema_path):
        keyword = schema_path[i]
        if keyword in _STEP_KEYWORDS:
            steps += 1
            i += _STEP_KEYWORDS[keyword]
        elif keyword in _NAMED_KEYWORDS:
            i += 2
        else:
            i += 1
    return steps


def _add(found: list[tuple[str, bool]], name: str, constrained: bool) -> None:
    for index, (held, flag) in enumerate(found):
        if held == name:
            found[index] = (held, flag or constrained)
            return
    found.append((name, constrained))


def _add_name(found: list[str], name: str) -> None:
    if name not in found:
        found.append(name)


def _leaves(names: list[str]) -> list[str]:
    return [n for n in names if not any(other.startswith(n + ".") for other in names)]


def _split(name: str) -> Path:
    return [int(p) if p.lstrip("-").isdigit() else p for p in name.split(".")]


def _and(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _is(names: list[str]) -> str:
    return "is" if len(names) == 1 else "are"
