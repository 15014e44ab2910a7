"""Turning a page's words for a constraint into typed facts; shared by both page parsers."""

from __future__ import annotations

import re
from typing import Any

from .model import Fact, PageError, Parameter, Source

_ITEM_WORDS = {
    "string": "string",
    "integer": "integer",
    "int": "integer",
    "number": "number",
    "float": "number",
    "double": "number",
    "boolean": "boolean",
    "bool": "boolean",
    "object": "object",
}
_ITEM_TYPES = {**_ITEM_WORDS, **{f"{word}s": kind for word, kind in _ITEM_WORDS.items()}}
_SCALARS = {word: kind for word, kind in _ITEM_WORDS.items() if kind != "object"}

_ITEM = r"(?:strings?|integers?|ints?|numbers?|floats?|doubles?|booleans?|bools?|objects?)"
# A page's type words, matched case-insensitively at the start of a flattened spec line.
TYPE_PATTERN = (
    rf"(?:(?:array|list) of {_ITEM}(?:(?:,| or|, or) {_ITEM})*"
    r"|(?:string|integer|int|number|float|double|boolean|bool|object)\[\]"
    r"|object(?: ?\(\d+ propert(?:y|ies)\))?"
    r"|string|integer|int|boolean|bool|float|number|double)(?![\w\[])"
)


def apply_type(param: Parameter, raw: str, source: Source) -> None:
    """Record ``type`` (and ``itemTypes``/property count) from a page's type words.

    Case and spacing do not matter. Accepted: ``string``, ``integer``/``int``,
    ``float``/``number``/``double``, ``boolean``/``bool``, ``object``, ``object (N properties)``,
    ``array of strings or objects`` (also ``list of``, singular item words, commas) and
    ``string[]``. Raises PageError naming ``source`` for anything else.
    """
    written = raw.strip().strip("`").strip()
    words = " ".join(written.split()).lower()
    if words in _SCALARS:
        param.set("type", _SCALARS[words], source)
        return
    obj = re.fullmatch(r"object(?: ?\((\d+) propert(?:y|ies)\))?", words)
    if obj:
        param.set("type", "object", source)
        if obj.group(1):
            param.property_count = Fact(int(obj.group(1)), source)
        return
    arr = re.fullmatch(r"(?:array|list) of (.+)", words) or re.fullmatch(r"(\w+)\[\]", words)
    if arr:
        kinds = [k.strip() for k in re.split(r", or |,| or ", arr.group(1))]
        unknown = [k for k in kinds if k not in _ITEM_TYPES]
        if unknown:
            raise PageError(source.file, source.line, f"unknown array item type {unknown[0]!r}")
        param.set("type", "array", source)
        param.set("itemTypes", [_ITEM_TYPES[k] for k in kinds], source)
        return
    raise PageError(source.file, source.line, f"unknown parameter type {written!r}")


_GROUPED_DIGITS = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def coerce(param: Parameter, raw: str, source: Source, what: str) -> Any:
    """Convert a literal from the page to the parameter's type, or fail naming the line.

    Booleans are read in any case (``True``); numbers may group thousands with commas.
    """
    kind = param.fact("type")
    raw = raw.strip().strip("`")
    digits = raw.replace(",", "") if _GROUPED_DIGITS.fullmatch(raw) else raw
    try:
        if kind == "integer":
            return int(digits)
        if kind == "number":
            number = float(digits)
            return int(number) if number.is_integer() and "." not in digits else number
        if kind == "boolean":
            if raw.lower() not in ("true", "false"):
                raise ValueError(raw)
            return raw.lower() == "true"
    except ValueError:
        raise PageError(
            source.file, source.line, f"{what} {raw!r} of {param.path} is not a valid {kind}"
        ) from None
    return raw


def parse_flag(raw: str, source: Source, what: str) -> bool:
    """A yes/no attribute such as ``Required``: ``true``/``yes`` or ``false``/``no``/``optional``
    in any case; an empty value (a bare ``- **Required**`` bullet) means true."""
    words = raw.strip().strip("`").strip().rstrip(".").lower()
    if words in ("", "true", "yes", "required"):
        return True
    if words in ("false", "no", "optional"):
        return False
    raise PageError(source.file, source.line, f"{what} {raw.strip()!r} is neither true nor false")


def parse_names(raw: str, source: Source, what: str) -> list[str]:
    """Parameter names listed as ``height``, ``width, height`` (code marks allowed) or
    ``width and height``; raises PageError for anything that is not a name."""
    parts = re.split(r",|;|\band\b", raw.replace("`", ""))
    names = [p.strip() for p in parts if p.strip()]
    bad = [n for n in names if not re.fullmatch(r"[A-Za-z_][\w.]*", n)]
    if not names or bad:
        raise PageError(
            source.file, source.line, f"{what} {raw.strip()!r} is not a list of parameter names"
        )
    return names


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


# The formats JSON Schema 2020-12 defines; a page's spelling of one is normalised to it.
JSON_SCHEMA_FORMATS = frozenset(
    {
        "date-time",
        "date",
        "time",
        "duration",
        "email",
        "idn-email",
        "hostname",
        "idn-hostname",
        "ipv4",
        "ipv6",
        "uri",
        "uri-reference",
        "iri",
        "iri-reference",
        "uuid",
        "uri-template",
        "json-pointer",
        "relative-json-pointer",
        "regex",
    }
)
_UUID_FORMAT = re.compile(r"uuid(?:[\s_-]*\(?\s*(?:v|version\s*)?(\d)\s*\)?)?")


def format_name(raw: str) -> tuple[str, int | None]:
    """The JSON Schema ``format`` a page's Format words name, and a UUID version if given.

    ``UUID v4`` -> ``("uuid", 4)``; ``URI``/``URL`` -> ``("uri", None)``; ``Date Time`` ->
    ``("date-time", None)``. A name the kit does not know is returned as written: JSON Schema
    2020-12 treats ``format`` as an annotation, so keeping it is harmless.
    """
    written = raw.strip().strip("`").strip()
    words = " ".join(written.split()).lower()
    uuid = _UUID_FORMAT.fullmatch(words)
    if uuid:
        return "uuid", int(uuid.group(1)) if uuid.group(1) else None
    if words in ("uri", "url"):
        return "uri", None
    known = re.sub(r"[\s_]+", "-", words)
    if known in JSON_SCHEMA_FORMATS:
        return known, None
    return written, None


def apply_format(param: Parameter, raw: str, source: Source) -> None:
    """Record a ``Format`` such as ``UUID v4`` or ``URI`` (see :func:`format_name`)."""
    name, version = format_name(raw)
    if not name:
        raise PageError(source.file, source.line, f"the format of {param.path} is empty")
    param.set("format", name, source)
    if version is not None:
        param.set("uuidVersion", version, source)


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
