"""Wire-level pieces shared by REST and WebSocket: parsing a request body into tasks, Runware
error objects, and the envelope (``{"data": [...]}`` / ``{"errors": [...]}``) with its HTTP
status.

Body rules (both transports): the body must be UTF-8 JSON (``invalidJson``), a non-empty array
(``invalidRequestBody``) of at most ``limits.max_tasks_per_request`` tasks
(``maxTasksPerRequestExceeded``); an element that is not an object is an ``invalidTask`` error
for that element only. A REST body over ``limits.max_body_bytes`` is HTTP 413
``maxPayloadSizeExceeded``; a REST ``Content-Type`` other than JSON is HTTP 415
``unsupportedContentType``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

__all__ = [
    "BatchError",
    "TaskReply",
    "check_tasks",
    "decode_json",
    "encode_json",
    "envelope",
    "error_object",
    "for_journal",
    "http_status",
    "is_one_of",
    "json_type_phrase",
    "parse_tasks",
]

JOURNAL_STRING_LIMIT = 500
"""Longer strings (data URIs, base64 media) are shortened in journal entries."""


@dataclass
class TaskReply:
    """What one task (or a whole request, for body-level errors) produced."""

    data: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    """HTTP status this reply asks for when the answer holds nothing but errors."""
    latency_ms: int = 0
    malformed_body: bool = False
    drop_connection: bool = False
    final_for: str | None = None
    """taskUUID whose final result (success or error) this reply carries."""
    half_open: bool = False
    """WebSocket: after this reply the connection goes silent (no frames, no pongs)."""
    truncate_frame: bool = False
    """The answer is cut in the middle and the connection dropped."""
    replay_results: bool = False
    """WebSocket: drop the connection after this final reply and keep it undelivered."""
    retry_after: int | None = None
    """Seconds for a ``Retry-After`` header (REST) when the task was refused by a full queue."""

    @classmethod
    def error(cls, status: int, **fields: Any) -> TaskReply:
        """A reply holding one error object built from `fields` (see `error_object`)."""
        return cls(errors=[error_object(**fields)], status=status)


class BatchError(Exception):
    """The body as a whole is unusable; carries the error object and HTTP status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error_object(code=code, message=message)


def error_object(
    *,
    code: str,
    message: str,
    parameter: str | list[str] | None = None,
    taskType: str | None = None,
    taskUUID: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A Runware error object; fields that are None are left out."""
    error: dict[str, Any] = {"code": code, "message": message}
    for key, value in (("parameter", parameter), ("taskType", taskType), ("taskUUID", taskUUID)):
        if value is not None:
            error[key] = value
    error.update({k: v for k, v in extra.items() if v is not None})
    return error


def decode_json(text: str | bytes) -> Any:
    """The JSON value of a body; `BatchError` (``invalidJson``) if it is not JSON (NaN and
    Infinity are not JSON; neither is nesting deeper than the parser's recursion limit).

    A body must be UTF-8 (RFC 8259), so bytes in another encoding (UTF-16, a byte-order mark)
    are refused, and so is a string holding a lone UTF-16 surrogate (``"\\ud800"``): it is no
    Unicode character, and no answer echoing it could be encoded.

    A number written with a fraction or exponent but integral (``2.0``, ``1e3``) is read as an
    int: JSON (and JSON Schema's ``integer``) makes no difference between 2 and 2.0, so neither
    may the server.

    Bytes are read by orjson first (15x faster here than the standard parser on a task); a body
    it refuses goes through the standard parser, which gives the error, and so does one with a
    run of 19 digits or more (orjson reads an integer past 64 bits as a float)."""
    if isinstance(text, bytes) and not _LONG_DIGITS.search(text):
        try:
            value = orjson.loads(text)
            return _integral(value) if _FRACTION.search(text) else value
        except (orjson.JSONDecodeError, RecursionError):
            pass
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_json_number)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BatchError(400, "invalidJson", f"The request body is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise BatchError(400, "invalidJson", "The request body is nested too deeply.") from exc
    if _SURROGATE.search(text) and _holds_surrogate(value):
        raise BatchError(
            400,
            "invalidJson",
            "The request body is not valid JSON: it holds a lone UTF-16 surrogate, which is "
            "not a Unicode character.",
        )
    return value


_LONG_DIGITS = re.compile(rb"[0-9]{19}")
_FRACTION = re.compile(rb"[0-9][.eE]")
"""A number written with a fraction or exponent may be in the body (or a string looks like
one): only then is the parsed value searched for integral floats."""


def _integral(value: Any) -> Any:
    """`value` with every integral float (``2.0``) turned into an int, as `_json_number`
    reads them."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, list):
        return [_integral(item) for item in value]
    if isinstance(value, dict):
        return {key: _integral(item) for key, item in value.items()}
    return value


def encode_json(value: Any) -> bytes:
    """`value` as compact UTF-8 JSON (what Starlette's ``JSONResponse`` writes), by orjson
    (about 100x faster here than ``json.dumps`` on a reply); values orjson cannot write
    (integers past 64 bits, non-string keys) through ``json.dumps``."""
    try:
        return orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(
            value, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
        ).encode("utf-8")


def _json_number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def check_tasks(body: Any, *, max_tasks: int) -> list[Any]:
    """`body` as the list of tasks it must be; `BatchError` if it is not one."""
    if not isinstance(body, list):
        raise BatchError(
            400,
            "invalidRequestBody",
            f"The request body must be a JSON array of task objects, got {json_type_phrase(body)}.",
        )
    if not body:
        raise BatchError(
            400, "invalidRequestBody", "The request body is an empty array: send at least one task."
        )
    if len(body) > max_tasks:
        raise BatchError(
            400,
            "maxTasksPerRequestExceeded",
            f"The request holds {len(body)} tasks; at most {max_tasks} are allowed per request.",
        )
    return body


def parse_tasks(text: str | bytes, *, max_tasks: int) -> list[Any]:
    """Decode a request body into its list of tasks; `BatchError` if it is not one."""
    return check_tasks(decode_json(text), max_tasks=max_tasks)


def is_one_of(value: Any, names: frozenset[str] | set[str]) -> bool:
    """`value` is one of `names` (a task type, say). False for any non-string: a client may
    send a list or an object where a name belongs, and a set lookup would raise on it."""
    return isinstance(value, str) and value in names


def task_head(task: Any) -> dict[str, str]:
    """``taskType`` / ``taskUUID`` of a task, where present as strings (for error objects)."""
    if not isinstance(task, dict):
        return {}
    return {k: task[k] for k in ("taskType", "taskUUID") if isinstance(task.get(k), str)}


def envelope(data: Iterable[dict[str, Any]], errors: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """``{"data": [...]}`` and/or ``{"errors": [...]}``; ``{"data": []}`` when both are empty."""
    data, errors = list(data), list(errors)
    body: dict[str, Any] = {}
    if data or not errors:
        body["data"] = data
    if errors:
        body["errors"] = errors
    return body


def http_status(replies: Iterable[TaskReply]) -> int:
    """200 when any task produced data (a partial success is still 200); otherwise the status
    the errors share, or 400 when they disagree."""
    replies = list(replies)
    if any(reply.data for reply in replies):
        return 200
    statuses = {reply.status for reply in replies if reply.errors}
    if not statuses:
        return 200
    return statuses.pop() if len(statuses) == 1 else 400


def for_journal(value: Any) -> Any:
    """A copy of a JSON value fit for the journal: long strings are cut to
    `JOURNAL_STRING_LIMIT` characters plus a note of their full length."""
    try:
        return _trimmed(value)
    except RecursionError:
        return "<nested too deeply to record>"


def _trimmed(value: Any) -> Any:
    if isinstance(value, str):
        if len(value) <= JOURNAL_STRING_LIMIT:
            return value
        return f"{value[:JOURNAL_STRING_LIMIT]}...({len(value)} characters)"
    if isinstance(value, list):
        return [_trimmed(item) for item in value]
    if isinstance(value, dict):
        return {key: _trimmed(item) for key, item in value.items()}
    return value


_SURROGATE = re.compile(r"[\ud800-\udfff]|\\u[dD][89a-fA-F]")
"""A raw surrogate or the escape of one: only then is the parsed value searched."""
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _holds_surrogate(value: Any) -> bool:
    """True if a string (key or value) anywhere in `value` holds a surrogate code point
    (the parser joins valid pairs, so any left is lone). Iterative: depth is no concern."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _LONE_SURROGATE.search(item):
                return True
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
    return False


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def json_type_phrase(value: object) -> str:
    """What kind of JSON value `value` is, for a message: ``an object``, ``an array``,
    ``a string``, ``a boolean``, ``a number`` or ``null``."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "null" if value is None else type(value).__name__
