"""The records the engine keeps: one `TaskRecord` per submitted task, one `MediaRecord` per file.

Both are plain dataclasses that round-trip through JSON-compatible dicts (`to_dict` /
`from_dict`) so any store can keep them.

Facts (`TaskRecord.facts`) are what the server learnt about a task's inputs or wants to impose
on it. Keys the engine reads:

- ``source_duration`` (float, seconds): length of the source video; drives the Aleph 2.0 cost and
  the output duration.
- ``source_width`` / ``source_height`` (int): source frame size, the output size when the
  request sets none.
- ``nsfw`` (bool): every result of the task is flagged ``NSFWContent: true``.

Other keys are kept untouched for the caller's own use.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "MediaKind",
    "MediaRecord",
    "ScheduledFailure",
    "TaskRecord",
    "TaskStatus",
]

TaskStatus = Literal["processing", "success", "error"]
MediaKind = Literal["output", "input"]


@dataclass(slots=True)
class ScheduledFailure:
    """An error the task ends with instead of success.

    The error is reported when the task would otherwise finish; with ``after_polls > 0`` the
    task also keeps answering ``processing`` for its first `after_polls` polls.
    """

    code: str
    message: str
    after_polls: int = 0

    def __post_init__(self) -> None:
        polls = self.after_polls
        if isinstance(polls, bool) or not isinstance(polls, int) or polls < 0:
            raise ValueError(f"after_polls must be an integer >= 0, got {polls!r}")


@dataclass(slots=True)
class TaskRecord:
    """One submitted task and everything the engine knows about it."""

    task_uuid: str
    task_type: str
    model: str | None
    request: dict[str, Any]
    """The task object exactly as submitted."""
    api_key: str
    created_at: float
    progression: str
    """Canonical progression spec (see `progression.parse_progression`)."""
    polls: int = 0
    """Number of `getResponse` polls counted for this task."""
    status: TaskStatus = "processing"
    progress: int = 0
    results: list[dict[str, Any]] = field(default_factory=list)
    """Result items (without any URL), built once when the task succeeds."""
    error: dict[str, Any] | None = None
    """Runware error object ``{code, message}`` when the task ended in error."""
    facts: dict[str, Any] = field(default_factory=dict)
    finished_at: float | None = None
    scheduled_failure: ScheduledFailure | None = None

    @property
    def finished(self) -> bool:
        """True once the task is in `success` or `error`."""
        return self.status != "processing"

    @property
    def number_results(self) -> int:
        """The request's `numberResults` (default 1)."""
        return int(self.request.get("numberResults", 1))

    @property
    def output_format(self) -> str:
        """The request's `outputFormat`, upper-cased (default ``MP4``)."""
        return str(self.request.get("outputFormat") or "MP4").upper()

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-compatible dict of every field."""
        return dataclasses.asdict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> TaskRecord:
        """A copy sharing nothing mutable. Records are copied on every store read and write,
        so the JSON-shaped fields are copied directly rather than through `copy.deepcopy`'s
        generic machinery (several times faster on these shapes)."""
        return TaskRecord(**{name: _copy_value(getattr(self, name), memo) for name in _TASK_FIELDS})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TaskRecord:
        """Rebuild a record from `to_dict` output (unknown keys are ignored)."""
        values = _known_fields(cls, data)
        failure = values.get("scheduled_failure")
        if isinstance(failure, dict):
            failure = ScheduledFailure(**_known_fields(ScheduledFailure, failure))
            values["scheduled_failure"] = failure
        return cls(**values)


@dataclass(slots=True)
class MediaRecord:
    """A media file the fake can serve: a generated output or an uploaded input."""

    media_uuid: str
    task_uuid: str | None
    kind: MediaKind
    format: str
    """Lower-case file extension, e.g. ``mp4``, ``webm``, ``mov``, ``png``."""
    width: int | None
    height: int | None
    quality: int | None
    seed: int | None
    created_at: float
    expires_at: float | None = None
    data: bytes | None = None
    """Raw bytes of an uploaded input; None for outputs (rendered on demand)."""
    deleted: bool = False
    duration: float | None = None
    """Length in seconds of an output video."""

    def expired(self, now: float) -> bool:
        """True when the record has an expiry time and `now` has reached it."""
        return self.expires_at is not None and now >= self.expires_at

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-compatible dict of every field except `data`."""
        result = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        del result["data"]
        return result

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, blob: bytes | None = None) -> MediaRecord:
        """Rebuild a record from `to_dict` output plus its raw bytes (unknown keys ignored)."""
        values = _known_fields(cls, data)
        values["data"] = blob
        return cls(**values)


def _known_fields(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in dataclasses.fields(cls)}
    return {key: value for key, value in data.items() if key in names}


_TASK_FIELDS = tuple(f.name for f in dataclasses.fields(TaskRecord))
_IMMUTABLE = (str, int, float, bool, type(None))


def _copy_value(value: Any, memo: dict[int, Any]) -> Any:
    """A deep copy of a JSON-shaped value (dicts, lists, scalars); other objects go through
    `copy.deepcopy`."""
    if isinstance(value, _IMMUTABLE):
        return value
    if type(value) is dict:
        return {key: _copy_value(item, memo) for key, item in value.items()}
    if type(value) is list:
        return [_copy_value(item, memo) for item in value]
    if type(value) is ScheduledFailure:
        return ScheduledFailure(value.code, value.message, value.after_polls)
    return copy.deepcopy(value, memo)
