"""Where JSON Schema 2020-12 keeps subschemas, and a structural check of an imported schema.

The generator is stdlib only, so it cannot run a metaschema; this check covers what would make
an imported schema unusable or silently different (a keyword of the wrong kind, a pattern that
does not compile, a subschema that is not a schema) and names the JSON pointer of the first
problem. Keyword kinds follow the JSON Schema 2020-12 validation and core vocabularies.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from .model import DocumentError
from .traced import pointer_join

#: Keywords whose value is one subschema.
SCHEMA_VALUED = (
    "additionalProperties",
    "propertyNames",
    "items",
    "contains",
    "not",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
)
#: Keywords whose value is a non-empty list of subschemas.
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
#: Keywords whose value maps names to subschemas.
SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs")

_TYPES = {"null", "boolean", "object", "array", "number", "string", "integer"}
_NUMBERS = ("multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum")
_COUNTS = (
    "maxLength",
    "minLength",
    "maxItems",
    "minItems",
    "maxContains",
    "minContains",
    "maxProperties",
    "minProperties",
)
_STRINGS = ("format", "title", "description", "$comment", "$ref", "$id", "$schema", "$anchor")
_BOOLEANS = ("uniqueItems", "readOnly", "writeOnly", "deprecated")


def subschemas(node: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(relative JSON pointer, subschema) for each direct subschema of schema ``node``."""
    for key, value in node.items():
        if key in SCHEMA_VALUED:
            yield pointer_join("", key), value
        elif key in SCHEMA_LISTS and isinstance(value, list):
            for index, item in enumerate(value):
                yield pointer_join(pointer_join("", key), index), item
        elif key in SCHEMA_MAPS and isinstance(value, dict):
            for name, item in value.items():
                yield pointer_join(pointer_join("", key), name), item


def check_schema(node: Any, file: str, pointer: str) -> None:
    """Raise :class:`DocumentError` at the first structurally broken keyword under ``node``.

    ``pointer`` is where ``node`` sits in ``file``; the error names ``file#pointer/...``.
    """
    if isinstance(node, bool):
        return
    if not isinstance(node, dict):
        raise DocumentError(file, pointer, f"expected a schema (object or boolean), {_found(node)}")
    for key, value in node.items():
        _check_keyword(key, value, file, pointer_join(pointer, key))
    for relative, child in subschemas(node):
        check_schema(child, file, pointer + relative)


def _check_keyword(key: str, value: Any, file: str, at: str) -> None:
    problem = _keyword_problem(key, value)
    if problem:
        raise DocumentError(file, at, problem)
    if key == "dependentRequired":
        for name, names in value.items():
            if not _unique_strings(names):
                raise DocumentError(
                    file, pointer_join(at, name), f"expected unique strings, {_found(names)}"
                )
    if key == "patternProperties":
        for pattern in value:
            if not _compiles(pattern):
                raise DocumentError(
                    file, pointer_join(at, pattern), "property name pattern does not compile"
                )


def _keyword_problem(key: str, value: Any) -> str | None:
    if key == "type":
        names = value if isinstance(value, list) else [value]
        ok = bool(names) and len(set(map(str, names))) == len(names)
        if not ok or not all(isinstance(n, str) and n in _TYPES for n in names):
            return f"expected a JSON type name or a list of them, {_found(value)}"
    elif key in ("required",) and not _unique_strings(value):
        return f"expected a list of unique strings, {_found(value)}"
    elif key == "enum" and not isinstance(value, list):
        return f"expected a list, {_found(value)}"
    elif key in _NUMBERS and not _is_number(value):
        return f"expected a number, {_found(value)}"
    elif key == "multipleOf" and value <= 0:
        return f"expected a number above 0, {_found(value)}"
    elif key in _COUNTS and not (_is_number(value) and value >= 0 and float(value).is_integer()):
        return f"expected a non-negative integer, {_found(value)}"
    elif key in _STRINGS and not isinstance(value, str):
        return f"expected a string, {_found(value)}"
    elif key in _BOOLEANS and not isinstance(value, bool):
        return f"expected true or false, {_found(value)}"
    elif key == "pattern" and not _compiles(value):
        return "pattern does not compile as a regular expression"
    elif key in SCHEMA_LISTS and not (isinstance(value, list) and value):
        return f"expected a non-empty list of schemas, {_found(value)}"
    elif key in (*SCHEMA_MAPS, "dependentRequired") and not isinstance(value, dict):
        return f"expected an object, {_found(value)}"
    return None


def _unique_strings(value: Any) -> bool:
    return (
        isinstance(value, list)
        and all(isinstance(v, str) for v in value)
        and len(set(value)) == len(value)
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _compiles(pattern: Any) -> bool:
    if not isinstance(pattern, str):
        return False
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def _found(value: Any) -> str:
    kind = {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)
    shown = json.dumps(value) if isinstance(value, str | int | float) else ""
    return f"found {kind} {shown}".rstrip()
