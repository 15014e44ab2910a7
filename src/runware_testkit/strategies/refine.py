"""Narrow one schema by another, for the keyword forms of Runware's cross-field rules.

The strategies build valid data instead of filtering it, so a rule such as "if the operation is
edit, duration must be auto" or "at least one frame image that is not the last frame" is turned
into a schema to draw from:

- `conjoin(a, b)`: a schema accepting exactly what both ``a`` and ``b`` accept, or None when
  nothing is (``{"type": "integer"}`` and ``{"const": 1168}`` give ``{"enum": [1168]}``).
- `exclude(a, b)`: what ``a`` accepts and ``b`` rejects, or None (an array item that is not a
  ``{"frame": "last"}`` object).
- `finite_values(schema)`: every value of an enum-like schema (``const``, ``enum``, a ``oneOf``
  of consts or of small integer ranges, booleans), default first; None for open domains.

Values of finite schemas are checked with jsonschema itself, so ``0`` and ``False`` stay apart
and a ``oneOf`` keeps its "exactly one" meaning. Forms outside the supported ones raise
:class:`UnsupportedSchema` naming the keyword; nothing is approximated.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator

__all__ = [
    "ANNOTATIONS",
    "UnsupportedSchema",
    "accepts",
    "conjoin",
    "exclude",
    "finite_values",
    "json_key",
    "json_type",
    "schema_types",
    "typed_branches",
    "value_types",
]

#: Keywords that only annotate; they never constrain a value.
ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "title", "description", "default", "examples", "deprecated"}
)
#: Integer ranges up to this size count as finite domains.
FINITE_RANGE = 64
_TYPES = ("null", "boolean", "object", "array", "number", "string", "integer")
_LOWER = ("minimum", "minItems", "minLength", "minProperties")
_UPPER = ("maximum", "maxItems", "maxLength", "maxProperties")
_validators: dict[int, tuple[Any, Draft202012Validator]] = {}


class UnsupportedSchema(ValueError):
    """The schema uses a construct outside the subset the strategies can build values for."""


def json_key(value: Any) -> str:
    """A canonical text for a JSON value (``1`` and ``True`` differ, key order does not)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _value_key(value: Any) -> tuple[str, Any]:
    """Equality key with JSON Schema's meaning: 1 and 1.0 equal, 1 and true not."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return type(value).__name__, value
    if isinstance(value, int | float):
        return "number", value
    return type(value).__name__, json_key(value)


def accepts(schema: Any, value: Any) -> bool:
    """True when ``value`` is valid against ``schema`` (formats not checked)."""
    if schema is True:
        return True
    if schema is False:
        return False
    if len(schema) == 1 and "const" in schema:
        return _value_key(value) == _value_key(schema["const"])
    if len(schema) == 1 and isinstance(schema.get("enum"), list):
        key = _value_key(value)
        return any(_value_key(v) == key for v in schema["enum"])
    found = _validators.get(id(schema))
    if found is None or found[0] is not schema:
        found = _validators[id(schema)] = (schema, Draft202012Validator(schema))
    return found[1].is_valid(value)


def schema_types(schema: Mapping[str, Any]) -> set[str] | None:
    """The JSON types ``schema`` allows by its ``type`` keyword (None: no ``type``)."""
    kind = schema.get("type")
    if kind is None:
        return None
    found = {kind} if isinstance(kind, str) else set(kind)
    if "number" in found:
        found.add("integer")
    return found


def value_types(schema: Any) -> set[str] | None:
    """The JSON types a schema's values can have: by ``type``, or by its ``const``/``enum``."""
    if not isinstance(schema, Mapping):
        return None
    found = schema_types(schema)
    if found is not None:
        return found
    listed = [schema["const"]] if "const" in schema else schema.get("enum")
    if not isinstance(listed, list):
        return None
    names = {json_type(v) for v in listed}
    return names | {"integer"} if "number" in names else names


def json_type(value: Any) -> str:
    """The JSON Schema type name of a JSON value (``integer`` for ints, not ``number``)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "null"


def typed_branches(schema: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    """The ``oneOf`` branches of ``schema`` (each merged with the keywords beside it) when
    they have pairwise disjoint JSON types, so "exactly one" is "any one"; else None."""
    branches = schema.get("oneOf")
    if not isinstance(branches, list) or len(branches) < 2:
        return None
    outer = {k: v for k, v in schema.items() if k not in ("oneOf", "default")}
    merged = []
    for branch in branches:
        if not isinstance(branch, Mapping):
            return None
        combined = {**outer, **branch}
        if "type" not in branch and ("const" in branch or "enum" in branch):
            combined.pop("type", None)
        merged.append(combined)
    kinds = [value_types(b) for b in merged]
    if any(k is None for k in kinds):
        return None
    for i, a in enumerate(kinds):
        for b in kinds[i + 1 :]:
            if a & b:  # type: ignore[operator]
                return None
    return merged


def _constraints(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k not in ANNOTATIONS and not k.startswith("x-")}


def finite_values(schema: Any, limit: int = FINITE_RANGE) -> list[Any] | None:
    """Every value ``schema`` accepts when they are few and known, default first; else None."""
    if schema is False:
        return []
    if not isinstance(schema, Mapping):
        return None
    candidates = _candidates(schema, limit)
    if candidates is None:
        return None
    seen: set[tuple[str, str]] = set()
    values = []
    for value in candidates:
        key = _value_key(value)
        if key not in seen and accepts(schema, value):
            seen.add(key)
            values.append(value)
    if "default" in schema:
        default = _value_key(schema["default"])
        values.sort(key=lambda v: _value_key(v) != default)
    return values


def _candidates(schema: Mapping[str, Any], limit: int) -> list[Any] | None:
    if "const" in schema:
        return [schema["const"]]
    if isinstance(schema.get("enum"), list):
        return list(schema["enum"])
    for keyword in ("oneOf", "anyOf"):
        branches = schema.get(keyword)
        if isinstance(branches, list) and branches:
            found: list[Any] = []
            for branch in branches:
                merged = (
                    {**_outer(schema, keyword), **branch} if isinstance(branch, dict) else branch
                )
                part = finite_values(merged, limit)
                if part is None:
                    return None
                found += part
            return found
    types = schema_types(schema)
    if types == {"boolean"}:
        return [False, True]
    if types == {"null"}:
        return [None]
    if types == {"integer"}:
        low, high = _integer_bounds(schema)
        if low is not None and high is not None and high - low < limit:
            return list(range(low, high + 1))
    return None


def _outer(schema: Mapping[str, Any], keyword: str) -> dict[str, Any]:
    """The keywords of ``schema`` that apply beside its ``keyword`` branches (type excluded,
    since a branch may name its own)."""
    return {
        k: v
        for k, v in _constraints(schema).items()
        if k not in (keyword, "type", "default", "oneOf", "anyOf")
    }


def _integer_bounds(schema: Mapping[str, Any]) -> tuple[int | None, int | None]:
    low = schema.get("minimum")
    high = schema.get("maximum")
    if "exclusiveMinimum" in schema:
        low = max(low if low is not None else -math.inf, math.floor(schema["exclusiveMinimum"]) + 1)
    if "exclusiveMaximum" in schema:
        high = min(
            high if high is not None else math.inf, math.ceil(schema["exclusiveMaximum"]) - 1
        )
    return (
        math.ceil(low) if low is not None else None,
        math.floor(high) if high is not None else None,
    )


def _enum(values: list[Any], like: Mapping[str, Any]) -> dict[str, Any] | None:
    if not values:
        return None
    out: dict[str, Any] = {"enum": values}
    if "title" in like:
        out["title"] = like["title"]
    return out


def _is_rule_free(schema: Mapping[str, Any]) -> bool:
    return not ({"allOf", "oneOf", "not", "if"} & set(schema))


def conjoin(a: Any, b: Any) -> Any:
    """A schema for the values both ``a`` and ``b`` accept, or None when there are none."""
    if a is False or b is False:
        return None
    if b is True or (isinstance(b, Mapping) and not _constraints(b)):
        return a
    if a is True:
        return dict(b)
    b = _constraints(b)
    values = finite_values(a)
    if values is not None:
        return _enum([v for v in values if accepts(b, v)], a)
    branches = typed_branches(a)
    if branches is not None:
        return _one_of([conjoin(branch, b) for branch in branches])
    if "anyOf" in a and _is_rule_free(a):
        return _distribute(a, lambda branch: conjoin(branch, b))
    if "allOf" in b:
        rest = {k: v for k, v in b.items() if k != "allOf"}
        out = conjoin(a, rest)
        for part in b["allOf"]:
            if out is None:
                return None
            out = conjoin(out, part)
        return out
    if "not" in b:
        rest = {k: v for k, v in b.items() if k != "not"}
        narrowed = conjoin(a, rest)
        return None if narrowed is None else exclude(narrowed, b["not"])
    if "anyOf" in b:
        rest = {k: v for k, v in b.items() if k != "anyOf"}
        branches = [conjoin(a, {**rest, **branch}) for branch in b["anyOf"]]
        alive = [br for br in branches if br is not None]
        if not alive:
            return None
        return alive[0] if len(alive) == 1 else {"anyOf": alive}
    for keyword in ("const", "enum"):
        if keyword in b:
            listed = [b["const"]] if keyword == "const" else list(b["enum"])
            rest = {k: v for k, v in b.items() if k != keyword}
            return conjoin(_enum([v for v in listed if accepts(a, v)], a) or False, rest)
    return _merge(dict(a), b)


def _distribute(schema: Mapping[str, Any], apply: Any) -> Any:
    outer = {k: v for k, v in schema.items() if k != "anyOf"}
    alive = []
    for branch in schema["anyOf"]:
        merged = {**outer, **branch} if isinstance(branch, dict) else branch
        result = apply(merged)
        if result is not None:
            alive.extend(result["anyOf"] if _only_any_of(result) else [result])
    if not alive:
        return None
    return alive[0] if len(alive) == 1 else {"anyOf": alive}


def _one_of(branches: list[Any]) -> Any:
    alive = [b for b in branches if b is not None]
    if not alive:
        return None
    return alive[0] if len(alive) == 1 else {"oneOf": alive}


def _only_any_of(schema: Any) -> bool:
    return isinstance(schema, dict) and set(_constraints(schema)) == {"anyOf"}


def _merge(out: dict[str, Any], b: Mapping[str, Any]) -> Any:
    for key, value in b.items():
        if key == "type":
            mine = schema_types(out)
            theirs = schema_types(b) or set()
            both = theirs if mine is None else mine & theirs
            if not both:
                return None
            names = [t for t in _TYPES if t in both]
            if "number" in names:
                names.remove("integer")
            out["type"] = names[0] if len(names) == 1 else names
        elif key in _LOWER:
            out[key] = max(out.get(key, value), value)
        elif key in _UPPER:
            out[key] = min(out.get(key, value), value)
        elif key == "required":
            out["required"] = list(dict.fromkeys([*out.get("required", []), *value]))
        elif key == "properties":
            props = dict(out.get("properties", {}))
            for name, sub in value.items():
                if name in props:
                    narrowed = conjoin(props[name], sub)
                    props[name] = False if narrowed is None else narrowed
                elif out.get("additionalProperties", True) is not False:
                    props[name] = sub
            out["properties"] = props
        elif key == "items":
            narrowed = conjoin(out.get("items", True), value)
            out["items"] = False if narrowed is None else narrowed
        elif key == "additionalProperties":
            if value is not True and out.get("additionalProperties", True) is not False:
                raise UnsupportedSchema("cannot narrow by 'additionalProperties' schema")
        elif key in ("pattern", "format", "multipleOf", "contains", "uniqueItems"):
            if key in out and json_key(out[key]) != json_key(value):
                raise UnsupportedSchema(f"cannot narrow {key!r} by a different {key!r}")
            out[key] = value
        else:
            raise UnsupportedSchema(f"cannot narrow a schema by {key!r}")
    return out if _satisfiable(out) else None


def _satisfiable(schema: Mapping[str, Any]) -> bool:
    for low, high in zip(_LOWER, _UPPER, strict=True):
        if low in schema and high in schema and schema[low] > schema[high]:
            return False
    props = schema.get("properties", {})
    if any(props.get(name) is False for name in schema.get("required", [])):
        return False
    return not (schema.get("items") is False and schema.get("minItems", 0) > 0)


def exclude(a: Any, b: Any) -> Any:
    """A schema for the values ``a`` accepts and ``b`` rejects, or None when there are none."""
    if b is False:
        return a
    if b is True or a is False:
        return None
    b = _constraints(b)
    if not b:
        return None
    values = finite_values(a)
    if values is not None:
        return _enum([v for v in values if not accepts(b, v)], a)
    mine, theirs = schema_types(a), schema_types(b)
    if mine is not None and theirs is not None and not mine & theirs:
        return a
    if set(b) <= {"const", "enum"}:
        listed = [b["const"]] if "const" in b else list(b.get("enum", []))
        if not any(accepts(a, v) for v in listed):
            return a
    branches = typed_branches(a)
    if branches is not None:
        return _one_of([exclude(branch, b) for branch in branches])
    if "anyOf" in a and _is_rule_free(a):
        return _distribute(a, lambda branch: exclude(branch, b))
    if set(b) == {"not"}:
        return conjoin(a, b["not"])
    if theirs is not None and mine is not None and not mine <= theirs:
        raise UnsupportedSchema("cannot exclude a schema that covers only some of the types")
    if set(b) <= {"type", "properties", "required", "additionalProperties"}:
        return _exclude_object(a, b)
    if len(b) == 1:
        ((key, value),) = b.items()
        if key in _LOWER:
            return _merge(dict(a), {_UPPER[_LOWER.index(key)]: _below(key, value, a)})
        if key in _UPPER:
            return _merge(dict(a), {_LOWER[_UPPER.index(key)]: _above(key, value, a)})
    raise UnsupportedSchema(f"cannot exclude a schema with {sorted(b)}")


def _below(key: str, value: Any, a: Mapping[str, Any]) -> Any:
    if key == "minimum" and schema_types(a) != {"integer"}:
        raise UnsupportedSchema("cannot exclude a minimum on numbers")
    return value - 1


def _above(key: str, value: Any, a: Mapping[str, Any]) -> Any:
    if key == "maximum" and schema_types(a) != {"integer"}:
        raise UnsupportedSchema("cannot exclude a maximum on numbers")
    return value + 1


def _exclude_object(a: Mapping[str, Any], b: Mapping[str, Any]) -> Any:
    """``a`` (an object schema) without the objects matching ``b``: some key ``b`` requires is
    missing, or some property ``b`` constrains fails it."""
    if b.get("additionalProperties", True) is not True:
        raise UnsupportedSchema("cannot exclude an object schema with additionalProperties")
    alternatives = []
    for name in b.get("required", []):
        alternatives.append(conjoin(a, {"properties": {name: False}}))
    for name, sub in b.get("properties", {}).items():
        current = a.get("properties", {}).get(name, True)
        narrowed = exclude(current, sub)
        if narrowed is not None:
            alternatives.append(conjoin(a, {"required": [name], "properties": {name: narrowed}}))
    alive: list[Any] = []
    for alternative in alternatives:
        if alternative is not None and all(json_key(alternative) != json_key(x) for x in alive):
            alive.append(alternative)
    if not alive:
        return None
    return alive[0] if len(alive) == 1 else {"anyOf": alive}
