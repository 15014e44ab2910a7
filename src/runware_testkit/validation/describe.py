"""Short, bounded descriptions of values and schema alternatives for error messages."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

__all__ = ["alternatives", "describe", "join_or", "pattern_phrase", "show", "type_phrase"]

MAX_TEXT = 60
MAX_BITS = 80

_TYPES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "object": "an object",
    "array": "an array",
    "null": "null",
}

# Phrases for the titled alternatives of media inputs (image inputs are the only ones that
# accept data URIs and base64, see PROTOCOL.md "Media inputs").
_TITLES = {
    "UUID": "a UUID",
    "URL": "an http(s) URL",
    "Data URI": "a data URI",
    "Base64": "base64 image",
}


# Untitled alternatives as Runware's own documents write image inputs: ``{"format": "uuid"}``,
# ``{"format": "uri"}``, a data-URI pattern and a base64 pattern.
_FORMAT_PHRASES = {"uuid": "a UUID", "uri": "a URI"}
_BASE64_PATTERN = re.compile(r"\^\[[A-Za-z0-9+/=\-]+\][+*](?:=\{0,2\})?\$")


def pattern_phrase(pattern: str) -> str:
    """A string pattern in words: ``a data URI``, ``base64 data``, or the pattern itself."""
    if pattern.startswith("^data:"):
        return "a data URI"
    if _BASE64_PATTERN.fullmatch(pattern):
        return "base64 data"
    return f"a string matching {pattern}"


def describe(value: Any) -> str:
    """``value`` as found in a request, cut short: ``'ftp://x'``, ``12``, ``an object``."""
    if isinstance(value, str):
        text = value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 3] + "..."
        return repr(text) if len(value) <= MAX_TEXT else f"{text!r} ({len(value)} characters)"
    if value is None or isinstance(value, bool | int | float):
        return show(value)
    if isinstance(value, dict):
        return "an object" if value else "an empty object"
    if isinstance(value, list):
        return f"an array of {_count(len(value), 'item')}" if value else "an empty array"
    what = getattr(value, "what", None)
    return what if isinstance(what, str) else f"a {type(value).__name__} value"


def show(value: Any) -> str:
    """An allowed value as written in a message: strings bare, others in JSON spelling."""
    if isinstance(value, str):
        return value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 3] + "..."
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if value.bit_length() > MAX_BITS:
            digits = int(value.bit_length() * math.log10(2)) + 1
            return f"an integer of about {digits} digits"
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    return describe(value)


def type_phrase(types: str | Iterable[str]) -> str:
    """``"string"`` -> ``a string``; ``["integer", "string"]`` -> ``an integer or a string``."""
    names = [types] if isinstance(types, str) else list(types)
    return join_or([_TYPES.get(name, name) for name in names])


def alternatives(branches: Iterable[Any]) -> list[str]:
    """Phrases for the branches of an anyOf/oneOf, nested alternatives flattened."""
    phrases: list[str] = []
    for branch in branches:
        for phrase in _branch_phrases(branch):
            if phrase not in phrases:
                phrases.append(phrase)
    return phrases


def join_or(phrases: list[str]) -> str:
    """``a, b or c``."""
    if not phrases:
        return "nothing"
    if len(phrases) == 1:
        return phrases[0]
    return ", ".join(phrases[:-1]) + " or " + phrases[-1]


def _branch_phrases(branch: Any) -> list[str]:
    if not isinstance(branch, dict):
        return ["any value" if branch is True else "no value"]
    title = branch.get("title")
    if title in _TITLES:
        return [_TITLES[title]]
    if "const" in branch:
        return [show(branch["const"])]
    nested = branch.get("anyOf") or branch.get("oneOf")
    if isinstance(nested, list):
        return alternatives(nested)
    if isinstance(branch.get("format"), str):
        return [_FORMAT_PHRASES.get(branch["format"], f"a {branch['format']} value")]
    if isinstance(branch.get("pattern"), str):
        return [pattern_phrase(branch["pattern"])]
    kind = branch.get("type")
    if kind == "object" and branch.get("required"):
        keys = ", ".join(f"'{key}'" for key in branch["required"])
        return [f"an object with {keys}"]
    if kind is not None:
        return [type_phrase(kind)]
    if isinstance(title, str):
        return [title]
    return ["a matching value"]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
