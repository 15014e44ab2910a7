"""Turning a page's words for a constraint into typed facts; shared by both page parsers."""

from __future__ import annotations

import re
from typing import Any

from .model import Fact, PageError, Parameter, Source

_ITEM_TYPES = {
    "strings": "string",
    "integers": "integer",
    "numbers": "number",
    "floats": "number",
    "booleans": "boolean",
    "objects": "object",
}
_SCALARS = {
    "string": "string",
    "integer": "integer",
    "boolean": "boolean",
    "float": "number",
    "number": "number",
}

TYPE_PATTERN = (
    r"(?:array of (?:strings|integers|numbers|floats|booleans|objects)"
    r"(?: or (?:strings|integers|numbers|floats|booleans|objects))*"
    r"|object(?: \(\d+ propert(?:y|ies)\))?|string|integer|boolean|float|number)"
)


def apply_type(param: Parameter, raw: str, source: Source) -> None:
    """Record ``type`` (and ``itemTypes``/property count) from a page's type words."""
    raw = raw.strip()
    if raw in _SCALARS:
        param.set("type", _SCALARS[raw], source)
        return
    obj = re.fullmatch(r"object(?: \((\d+) propert(?:y|ies)\))?", raw)
    if obj:
        param.set("type", "object", source)
        if obj.group(1):
            param.property_count = Fact(int(obj.group(1)), source)
        return
    arr = re.fullmatch(r"array of (.+)", raw)
    if arr:
        kinds = [k.strip() for k in arr.group(1).split(" or ")]
        unknown = [k for k in kinds if k not in _ITEM_TYPES]
        if unknown:
            raise PageError(source.file, source.line, f"unknown array item type {unknown[0]!r}")
        param.set("type", "array", source)
        param.set("itemTypes", [_ITEM_TYPES[k] for k in kinds], source)
        return
    raise PageError(source.file, source.line, f"unknown parameter type {raw!r}")


def coerce(param: Parameter, raw: str, source: Source, what: str) -> Any:
    """Convert a literal from the page to the parameter's type, or fail naming the line."""
    kind = param.fact("type")
    raw = raw.strip().strip("`")
    try:
        if kind == "integer":
            return int(raw)
        if kind == "number":
            number = float(raw)
            return int(number) if number.is_integer() and "." not in raw else number
        if kind == "boolean":
            if raw not in ("true", "false"):
                raise ValueError(raw)
            return raw == "true"
    except ValueError:
        raise PageError(
            source.file, source.line, f"{what} {raw!r} of {param.path} is not a valid {kind}"
        ) from None
    return raw


def apply_bound(param: Parameter, which: str, raw: str, source: Source) -> None:
    """Record a ``Min``/``Max`` bound under the keyword its type calls for."""
    kind = param.fact("type")
    if kind is None:
        raise PageError(source.file, source.line, f"{which} given before the type of {param.path}")
    keyword = {
        ("string", "min"): "minLength",
        ("string", "max"): "maxLength",
        ("array", "min"): "minItems",
        ("array", "max"): "maxItems",
        ("integer", "min"): "minimum",
        ("integer", "max"): "maximum",
        ("number", "min"): "minimum",
        ("number", "max"): "maximum",
    }.get((kind, which))
    if keyword is None:
        raise PageError(source.file, source.line, f"{which} makes no sense for a {kind}")
    if keyword in ("minLength", "maxLength", "minItems", "maxItems"):
        value: Any = _int(raw, source)
    else:
        value = coerce(param, raw, source, which)
    param.set(keyword, value, source)


def apply_items_bound(param: Parameter, which: str, raw: str, source: Source) -> None:
    """Record ``min items``/``max items`` of an array."""
    param.set("minItems" if which == "min" else "maxItems", _int(raw, source), source)


def apply_format(param: Parameter, raw: str, source: Source) -> None:
    """Record a ``Format`` such as ``UUID v4`` or ``URI``."""
    raw = raw.strip().strip("`")
    if re.fullmatch(r"UUID(?: v4)?", raw):
        param.set("format", "uuid", source)
        if raw.endswith("v4"):
            param.set("uuidVersion", 4, source)
    elif raw in ("URI", "URL"):
        param.set("format", "uri", source)
    else:
        raise PageError(source.file, source.line, f"unknown format {raw!r} of {param.path}")


def apply_step(param: Parameter, raw: str, source: Source) -> None:
    """Record a numeric ``step`` (precision) of a number."""
    try:
        param.set("step", float(raw), source)
    except ValueError:
        raise PageError(source.file, source.line, f"step {raw!r} is not a number") from None


_FORM_WORDS = {
    "uuid": "uuid",
    "url": "url",
    "uri": "url",
    "data uri": "datauri",
    "base64": "base64",
}
_FORMS_RE = re.compile(
    r"\(((?:UUID|URL|URI|Data URI|Base64)(?:(?:,| or|, or) (?:UUID|URL|URI|Data URI|Base64))+)\)"
)


def input_forms(text: str) -> list[str] | None:
    """The input forms a description lists, e.g. ``(UUID or URL)`` -> ``["uuid", "url"]``."""
    found = _FORMS_RE.search(text)
    if not found:
        return None
    words = re.split(r", or |, | or ", found.group(1))
    return [_FORM_WORDS[w.lower()] for w in words]


def _int(raw: str, source: Source) -> int:
    try:
        return int(raw.strip().strip("`"))
    except ValueError:
        raise PageError(source.file, source.line, f"{raw!r} is not an integer") from None
