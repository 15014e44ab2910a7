"""Comparing a recorded answer with the fake's answer to the same request, field by field.

What counts as drift (each a `KINDS` entry, the SARIF ``ruleId``):

- ``envelope``: the answers differ in shape: one has ``data`` or ``errors`` and the other not,
  a different number of items, or a different HTTP status;
- ``missing-field``: a field of the recorded answer is absent from the fake's;
- ``unexpected-field``: the fake's answer has a field the recorded one has not;
- ``wrong-type``: a field holds another JSON type (integers and other numbers count as one);
- ``wrong-format``: a recorded string of a known format (``uuid``, ``uri``, ``date-time``;
  a placeholder has its kind's format) is not of that format in the fake's answer;
- ``error-code``: an error object's ``code`` differs;
- ``status-sequence``: the statuses a task went through (``processing``, ``success``,
  ``error``, each repeat counted once) differ.

Values themselves are not compared (the fake makes up its own UUIDs, seeds, costs), except error
codes and statuses. Volatile values (the line's ``volatile`` pointers) are compared by presence
and type only, which is what every other value gets too, so they need no special case here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..cassettes import parse_placeholder

__all__ = [
    "KINDS",
    "Drift",
    "collapse",
    "compare_answers",
    "compare_statuses",
    "json_type",
    "string_format",
]

KINDS: dict[str, str] = {
    "envelope": "The answer's envelope (data/errors, item count, HTTP status) differs",
    "missing-field": "A recorded field is missing from the fake's answer",
    "unexpected-field": "The fake's answer has a field the recording has not",
    "wrong-type": "A field holds another JSON type than recorded",
    "wrong-format": "A string field is not of the recorded format (uuid, uri, date-time)",
    "error-code": "An error code differs from the recorded one",
    "status-sequence": "The statuses a task went through differ from the recorded ones",
}
"""Drift kind -> what it means (the SARIF rules)."""

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$"
)
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s]+$")
_PLACEHOLDER_FORMATS = {
    "task": "uuid",
    "session": "uuid",
    "image": "uuid",
    "media": "uuid",
    "url": "uri",
    "webhook": "uri",
}


@dataclass(frozen=True)
class Drift:
    """One difference: its `kind`, where (a JSON pointer into the cassette line), the cassette
    line, a sentence saying what differs, and what was recorded and found (a JSON type, a
    format, an error code, a status sequence: never a value the fake made up)."""

    kind: str
    pointer: str
    message: str
    line: int | None = None
    recorded: Any = None
    found: Any = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "kind": self.kind,
            "line": self.line,
            "pointer": self.pointer,
            "message": self.message,
            "recorded": self.recorded,
            "found": self.found,
        }


def json_type(value: Any) -> str:
    """The JSON type name of a decoded JSON value (integers and floats are both ``number``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def string_format(value: str) -> str | None:
    """``uuid``, ``uri`` or ``date-time`` when `value` is one (a placeholder counts as its
    kind's format), else None."""
    placeholder = parse_placeholder(value)
    if placeholder is not None:
        return _PLACEHOLDER_FORMATS.get(placeholder[0])
    if "{{" in value and _URI.match(value.split("{{")[0] + "x"):
        return "uri"
    if _UUID.match(value):
        return "uuid"
    if _DATE_TIME.match(value):
        return "date-time"
    if _URI.match(value):
        return "uri"
    return None


def compare_answers(
    recorded: Any,
    found: Any,
    *,
    line: int | None = None,
    base: str = "/response",
    recorded_status: int | None = None,
    found_status: int | None = None,
) -> list[Drift]:
    """The drifts between a recorded envelope and the fake's (`base`: the pointer of the
    recorded envelope in its line). HTTP statuses are compared when both are given."""
    drifts: list[Drift] = []
    if None not in (recorded_status, found_status) and recorded_status != found_status:
        drifts.append(
            Drift(
                "envelope",
                base.rsplit("/", 1)[0] + "/status",
                f"HTTP status {found_status}, recorded {recorded_status}",
                line,
                recorded_status,
                found_status,
            )
        )
    if not isinstance(recorded, Mapping) or not isinstance(found, Mapping):
        if json_type(recorded) != json_type(found):
            drifts.append(
                Drift(
                    "envelope",
                    base,
                    f"the answer is {_kind(found)}, recorded {_kind(recorded)}",
                    line,
                    json_type(recorded),
                    json_type(found),
                )
            )
        return drifts
    recorded_keys = sorted(k for k in ("data", "errors") if k in recorded)
    found_keys = sorted(k for k in ("data", "errors") if k in found)
    if recorded_keys != found_keys:
        drifts.append(
            Drift(
                "envelope",
                base,
                f"the answer holds {_keys(found_keys)}, recorded {_keys(recorded_keys)}",
                line,
                recorded_keys,
                found_keys,
            )
        )
    for key in ("data", "errors"):
        if key not in recorded or key not in found:
            continue
        left, right = recorded[key], found[key]
        pointer = f"{base}/{key}"
        if not isinstance(left, list) or not isinstance(right, list):
            drifts += _compare(left, right, pointer, line)
            continue
        if len(left) != len(right):
            drifts.append(
                Drift(
                    "envelope",
                    pointer,
                    f"{key} holds {len(right)} item(s), recorded {len(left)}",
                    line,
                    len(left),
                    len(right),
                )
            )
        for index, (a, b) in enumerate(zip(left, right, strict=False)):
            item_pointer = f"{pointer}/{index}"
            if key == "errors" and _codes_differ(a, b):
                drifts.append(
                    Drift(
                        "error-code",
                        f"{item_pointer}/code",
                        f"error code {b.get('code')!r}, recorded {a.get('code')!r}",
                        line,
                        a.get("code"),
                        b.get("code"),
                    )
                )
            drifts += _compare(a, b, item_pointer, line)
    return drifts


def _compare(recorded: Any, found: Any, pointer: str, line: int | None) -> list[Drift]:
    recorded_type, found_type = json_type(recorded), json_type(found)
    if recorded_type != found_type:
        return [
            Drift(
                "wrong-type",
                pointer,
                f"{_field(pointer)} is {found_type}, recorded {recorded_type}",
                line,
                recorded_type,
                found_type,
            )
        ]
    drifts: list[Drift] = []
    if isinstance(recorded, str):
        expected = string_format(recorded)
        if expected is not None and string_format(found) != expected:
            drifts.append(
                Drift(
                    "wrong-format",
                    pointer,
                    f"{_field(pointer)} is not a {expected} ({found!r})",
                    line,
                    expected,
                    string_format(found),
                )
            )
    elif isinstance(recorded, Mapping):
        for key in recorded:
            child = f"{pointer}/{_escape(str(key))}"
            if key not in found:
                drifts.append(
                    Drift(
                        "missing-field",
                        child,
                        f"{_field(child)} is missing from the fake's answer",
                        line,
                        json_type(recorded[key]),
                        None,
                    )
                )
            else:
                drifts += _compare(recorded[key], found[key], child, line)
        for key in found:
            if key not in recorded:
                child = f"{pointer}/{_escape(str(key))}"
                drifts.append(
                    Drift(
                        "unexpected-field",
                        child,
                        f"{_field(child)} is in the fake's answer but not in the recording",
                        line,
                        None,
                        json_type(found[key]),
                    )
                )
    elif isinstance(recorded, list):
        for index, (a, b) in enumerate(zip(recorded, found, strict=False)):
            drifts += _compare(a, b, f"{pointer}/{index}", line)
    return drifts


def collapse(statuses: Iterable[str]) -> list[str]:
    """`statuses` with each run of repeats counted once."""
    out: list[str] = []
    for status in statuses:
        if not out or out[-1] != status:
            out.append(status)
    return out


def compare_statuses(
    task: str, recorded: list[str], found: list[str], *, line: int | None = None
) -> list[Drift]:
    """A ``status-sequence`` drift when the collapsed sequences differ, else nothing."""
    left, right = collapse(recorded), collapse(found)
    if left == right:
        return []
    return [
        Drift(
            "status-sequence",
            "/response/data/0/status",
            f"task {task} went {' -> '.join(right) or 'nowhere'}, recorded "
            f"{' -> '.join(left) or 'nothing'}",
            line,
            left,
            right,
        )
    ]


def _codes_differ(recorded: Any, found: Any) -> bool:
    return (
        isinstance(recorded, Mapping)
        and isinstance(found, Mapping)
        and "code" in recorded
        and "code" in found
        and recorded["code"] != found["code"]
    )


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _field(pointer: str) -> str:
    parts = pointer.split("/")[2:]
    return ".".join(parts) if parts else "the answer"


def _keys(keys: list[str]) -> str:
    return " and ".join(keys) if keys else "neither data nor errors"


def _kind(value: Any) -> str:
    return f"a JSON {json_type(value)}"
