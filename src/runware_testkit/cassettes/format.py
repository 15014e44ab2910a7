"""The cassette format, version 1 (docs/cassettes.md): the header line and interaction lines.

Both are frozen dataclasses with ``to_json()`` (the JSON object written as one line) and
``from_json(obj)`` (which raises ``CassetteError`` on a wrong shape; the reader adds the file and
line to it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from runware_testkit.cassettes.errors import CassetteError

FORMAT_NAME = "runware-testkit-cassette"
FORMAT_VERSION = 1
KNOWN_VERSIONS: frozenset[int] = frozenset({FORMAT_VERSION})

Transport = Literal["rest", "websocket", "webhook", "media"]
Direction = Literal["client", "server"]
MediaMode = Literal["none", "hash"]

TRANSPORTS: frozenset[str] = frozenset(get_args(Transport))
DIRECTIONS: frozenset[str] = frozenset(get_args(Direction))
MEDIA_MODES: frozenset[str] = frozenset(get_args(MediaMode))


@dataclass(frozen=True)
class CassetteHeader:
    """Line 1 of a cassette.

    ``recorded_at`` is an ISO 8601 UTC timestamp (``2026-11-29T19:04:11Z``); ``upstream_rest`` and
    ``upstream_websocket`` are the URLs traffic went to (``None`` when unknown); ``media`` is
    ``"none"`` or ``"hash"`` (media bodies kept in ``<cassette>.media/`` by sha256).
    """

    recorded_at: str
    kit_version: str
    upstream_rest: str | None = None
    upstream_websocket: str | None = None
    media: MediaMode = "none"
    version: int = FORMAT_VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT_NAME,
            "version": self.version,
            "recorded_at": self.recorded_at,
            "kit_version": self.kit_version,
            "upstream": {"rest": self.upstream_rest, "websocket": self.upstream_websocket},
            "media": self.media,
        }

    @classmethod
    def from_json(cls, obj: Any) -> CassetteHeader:
        """Read a header object; raises ``CassetteError`` for anything but a known version."""
        if not isinstance(obj, dict) or obj.get("format") != FORMAT_NAME:
            raise CassetteError(f'not a cassette header (expected "format": "{FORMAT_NAME}")')
        version = obj.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise CassetteError(f"header version must be an integer, found {version!r}")
        if version not in KNOWN_VERSIONS:
            known = ", ".join(str(v) for v in sorted(KNOWN_VERSIONS))
            raise CassetteError(
                f"cassette version {version} is not known (this kit reads version {known})"
            )
        upstream = obj.get("upstream") or {}
        if not isinstance(upstream, dict):
            raise CassetteError(f"header upstream must be an object, found {upstream!r}")
        media = obj.get("media", "none")
        if media not in MEDIA_MODES:
            raise CassetteError(f'header media must be "none" or "hash", found {media!r}')
        return cls(
            recorded_at=_text(obj, "recorded_at"),
            kit_version=_text(obj, "kit_version"),
            upstream_rest=_optional_text(upstream, "rest"),
            upstream_websocket=_optional_text(upstream, "websocket"),
            media=media,
            version=version,
        )


@dataclass(frozen=True)
class Interaction:
    """One interaction line: a task and its answer, a server frame, a webhook or a media download.

    Field meanings are the table in docs/cassettes.md. ``task_type`` is written as ``taskType``;
    ``at`` is seconds (float) since the task's submit, or since the header when ``task`` is None;
    ``volatile`` holds JSON pointers (into the written line) of values kept as recorded.
    """

    id: int
    transport: Transport
    direction: Direction
    task: str | None
    task_type: str | None
    at: float
    request: dict[str, Any] | None
    status: int | None
    response: dict[str, Any] | None
    connection: int | None = None
    attempt: int | None = None
    volatile: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "transport": self.transport,
            "direction": self.direction,
            "connection": self.connection,
            "task": self.task,
            "taskType": self.task_type,
            "at": self.at,
            "attempt": self.attempt,
            "request": self.request,
            "status": self.status,
            "response": self.response,
            "volatile": list(self.volatile),
        }

    @classmethod
    def from_json(cls, obj: Any) -> Interaction:
        """Read an interaction object; raises ``CassetteError`` naming the field at fault."""
        if not isinstance(obj, dict):
            raise CassetteError(f"an interaction must be a JSON object, found {_kind(obj)}")
        transport = obj.get("transport")
        if transport not in TRANSPORTS:
            raise CassetteError(
                f"transport must be one of {sorted(TRANSPORTS)}, found {transport!r}"
            )
        direction = obj.get("direction")
        if direction not in DIRECTIONS:
            raise CassetteError(f'direction must be "client" or "server", found {direction!r}')
        at = obj.get("at")
        if not isinstance(at, int | float) or isinstance(at, bool) or at < 0:
            raise CassetteError(f"at must be a non-negative number of seconds, found {at!r}")
        volatile = obj.get("volatile", [])
        if not isinstance(volatile, list) or not all(isinstance(p, str) for p in volatile):
            raise CassetteError(f"volatile must be a list of JSON pointers, found {volatile!r}")
        return cls(
            id=_integer(obj, "id"),
            transport=transport,
            direction=direction,
            connection=_optional_integer(obj, "connection"),
            task=_optional_text(obj, "task"),
            task_type=_optional_text(obj, "taskType"),
            at=float(at),
            attempt=_optional_integer(obj, "attempt"),
            request=_optional_object(obj, "request"),
            status=_optional_integer(obj, "status"),
            response=_optional_object(obj, "response"),
            volatile=tuple(volatile),
        )


def _kind(value: Any) -> str:
    return type(value).__name__ if value is not None else "null"


def _text(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise CassetteError(f"{key} must be a string, found {value!r}")
    return value


def _optional_text(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise CassetteError(f"{key} must be a string or null, found {value!r}")
    return value


def _integer(obj: dict[str, Any], key: str) -> int:
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise CassetteError(f"{key} must be an integer, found {value!r}")
    return value


def _optional_integer(obj: dict[str, Any], key: str) -> int | None:
    if obj.get(key) is None:
        return None
    return _integer(obj, key)


def _optional_object(obj: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, dict):
        raise CassetteError(f"{key} must be a JSON object or null, found {_kind(value)}")
    return value
