"""Format checks for ``uuid`` and ``uri``, shared by both schema engines (no extra dependencies).

``uuid`` is the canonical hyphenated form (8-4-4-4-12 hex digits). ``uri`` is an absolute URI as
RFC 3986 spells it: a scheme, then no whitespace, control characters or characters that must be
percent-encoded, and well-formed ``%XX`` escapes; ``http``/``https``/``ws``/``wss``/``ftp`` URIs
also need a host. Values that are not strings pass (JSON Schema formats only constrain strings).
"""

from __future__ import annotations

import re
from typing import Any

from jsonschema import FormatChecker

__all__ = ["FORMATS", "format_checker", "is_uri", "is_uuid", "uuid_version"]

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_FORBIDDEN = re.compile(r"[\x00-\x20\x7f<>\"{}|\\^`]|%(?![0-9A-Fa-f]{2})")
_NEEDS_HOST = {"http", "https", "ws", "wss", "ftp"}
_HOST = re.compile(r"//(?:[^@/?#]*@)?([^/?#:]+|\[[^\]/?#]+\])")


def is_uuid(value: Any) -> bool:
    """True when ``value`` is not a string or is a canonical hyphenated UUID."""
    return not isinstance(value, str) or _UUID.match(value) is not None


def uuid_version(value: str) -> int | None:
    """The version digit of a canonical UUID string, or None if it is not one."""
    if not isinstance(value, str) or _UUID.match(value) is None:
        return None
    return int(value[14], 16)


def is_uri(value: Any) -> bool:
    """True when ``value`` is not a string or is an absolute URI."""
    if not isinstance(value, str):
        return True
    scheme = _SCHEME.match(value)
    if scheme is None or _FORBIDDEN.search(value):
        return False
    if scheme.group(1).lower() in _NEEDS_HOST:
        return _HOST.match(value, scheme.end()) is not None
    return len(value) > scheme.end()


FORMATS = {"uuid": is_uuid, "uri": is_uri}


def format_checker() -> FormatChecker:
    """A jsonschema FormatChecker that knows exactly the formats of `FORMATS`."""
    checker = FormatChecker(formats=())
    for name, check in FORMATS.items():
        checker.checks(name)(check)
    return checker
