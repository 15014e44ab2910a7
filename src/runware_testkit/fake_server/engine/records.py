"""The records the engine keeps: one `TaskRecord` per submitted task, one `MediaRecord` per file.

All are plain dataclasses that round-trip through JSON-compatible dicts (`to_dict` /
`from_dict`) so any store can keep them; `from_dict` also reads the records older versions of
the kit wrote (facts as a loose dict, media without ``kind`` of content, media without an
owner: such media is shared, usable and deletable by every API key).

`TaskFacts` is what the server learnt about a task's inputs or imposes on it, decided when the
task is submitted by the handler of its task type and stored with it. The engine stores facts
and never reads them: the task type's result builder does (see `engine.ResultBuilder`).

- ``source_duration`` (float, seconds) / ``source_width`` / ``source_height`` (int): what the
  task's source video or image turned out to be.
- ``nsfw`` (bool): every result of the task is flagged ``NSFWContent: true``.
- ``webhook_failures`` (int): how many webhook attempts the receiver is made to fail first.
- ``poll_effects`` (`PollEffects`): what a poll reply of the still processing task suffers.
- ``output`` (`OutputPlan`): the media a success produces, resolved from the request, the
  model's contract defaults and the task's inputs.
- ``unit_price`` (float, USD): what one result costs by the kit's pricing rule, whether or not
  the request asked ``includeCost`` (None for tasks submitted around a handler).
"""

from __future__ import annotations

import copy
import dataclasses
import marshal
import operator
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "MediaKind",
    "MediaRecord",
    "OutputKind",
    "OutputPlan",
    "PollEffects",
    "ScheduledFailure",
    "TaskFacts",
    "TaskRecord",
    "TaskStatus",
    "json_copy",
    "pack_media",
    "pack_task",
    "unpack_media",
    "unpack_task",
]

TaskStatus = Literal["processing", "success", "error"]
MediaKind = Literal["output", "input"]
OutputKind = Literal["video", "image"]
"""What a result is; names its item keys (``videoUUID`` / ``imageUUID``, ``videoURL`` ...)."""


@dataclass(slots=True)
class PollEffects:
    """What a scenario does to the poll replies of a task while it is processing."""

    latency_ms: int = 0
    malformed_body: bool = False
    drop_connection: bool = False
    half_open: bool = False
    truncate_frame: bool = False
    partial_results: bool = False
    """The first poll after the task finished answers one result (see `faults.scenarios`)."""
    replay_results: bool = False
    """The connection drops after the final results; a resume replays them."""

    def __bool__(self) -> bool:
        return any(dataclasses.astuple(self))


@dataclass(slots=True)
class OutputPlan:
    """The media one successful task produces, decided at submission.

    ``kind`` names the result keys (``videoUUID``, ``imageURL`` ...); ``format`` is the file
    extension (``mp4``, ``png`` ...); ``width`` x ``height`` in pixels; ``quality`` is Runware's
    ``outputQuality`` (20-99); ``duration`` the length in seconds of a video; ``output_type``
    Runware's ``outputType`` (``URL``, ``base64Data`` or ``dataURI``); ``unit_cost`` the USD cost
    of one result when the request asked ``includeCost`` (else None); ``ttl`` seconds a URL
    result lives after the task ends; ``prepared`` the UUIDs of output media already rendered at
    submission (one per result, e.g. an upscaled image), empty when outputs are rendered on
    demand; ``seed`` is False for task types whose items carry no ``seed``/``NSFWContent``.
    """

    kind: OutputKind
    format: str
    width: int
    height: int
    quality: int
    duration: float | None = None
    output_type: str = "URL"
    unit_cost: float | None = None
    ttl: float | None = None
    prepared: list[str] = field(default_factory=list)
    seed: bool = True

    def copy(self) -> OutputPlan:
        """A copy with its own `prepared` list (cheaper than `dataclasses.replace`)."""
        plan = OutputPlan(*(getattr(self, name) for name in _PLAN_FIELDS))
        plan.prepared = list(self.prepared)
        return plan

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OutputPlan:
        """Rebuild a plan from `dataclasses.asdict` output (unknown keys are ignored)."""
        values = _known_fields(cls, data)
        values["prepared"] = list(values.get("prepared") or [])
        return cls(**values)


@dataclass(slots=True)
class TaskFacts:
    """What the server knows about a task beyond its request (see the module docstring)."""

    source_duration: float | None = None
    source_width: int | None = None
    source_height: int | None = None
    nsfw: bool = False
    webhook_failures: int = 0
    poll_effects: PollEffects | None = None
    output: OutputPlan | None = None
    unit_price: float | None = None

    def copy(self) -> TaskFacts:
        """A copy sharing nothing mutable (cheaper than `copy.deepcopy`)."""
        effects, output = self.poll_effects, self.output
        return TaskFacts(
            source_duration=self.source_duration,
            source_width=self.source_width,
            source_height=self.source_height,
            nsfw=self.nsfw,
            webhook_failures=self.webhook_failures,
            poll_effects=None if effects is None else PollEffects(*_effect_values(effects)),
            output=None if output is None else output.copy(),
            unit_price=self.unit_price,
        )

    def to_dict(self) -> dict[str, Any]:
        """The facts that are set, as a JSON-compatible dict (unset ones are left out)."""
        effects, output = self.poll_effects, self.output
        data = {name: getattr(self, name) for name in _FACT_FIELDS}
        if effects is not None:
            data["poll_effects"] = {name: getattr(effects, name) for name in _EFFECT_FIELDS}
        if output is not None:
            plan = {name: getattr(output, name) for name in _PLAN_FIELDS}
            plan["prepared"] = list(output.prepared)
            data["output"] = plan
        return {key: value for key, value in data.items() if value not in (None, False, 0)}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> TaskFacts:
        """Rebuild facts from `to_dict` output, or from the loose dict older records held
        (keys it does not know are dropped)."""
        values = _known_fields(cls, data or {})
        effects = values.get("poll_effects")
        if isinstance(effects, dict):
            values["poll_effects"] = PollEffects(**_known_fields(PollEffects, effects)) or None
        output = values.get("output")
        if isinstance(output, dict):
            values["output"] = OutputPlan.from_dict(output)
        return cls(**values)


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
    facts: TaskFacts = field(default_factory=TaskFacts)
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

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-compatible dict of every field (sharing nothing with the record)."""
        data = {name: getattr(self, name) for name in _TASK_FIELDS}
        for name in ("request", "results", "error"):
            data[name] = json_copy(data[name])
        data["facts"] = self.facts.to_dict()
        failure = self.scheduled_failure
        if failure is not None:
            data["scheduled_failure"] = {
                "code": failure.code,
                "message": failure.message,
                "after_polls": failure.after_polls,
            }
        return data

    def __deepcopy__(self, memo: dict[int, Any]) -> TaskRecord:
        """A copy sharing nothing mutable. Records are copied on every store read and write,
        so they go through `pack_task` / `unpack_task` (one C-level `marshal` round trip);
        a record holding a value `marshal` cannot write is copied field by field."""
        try:
            return unpack_task(self.task_uuid, pack_task(self))
        except ValueError:
            return TaskRecord(
                **{name: _copy_value(getattr(self, name), memo) for name in _TASK_FIELDS}
            )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TaskRecord:
        """Rebuild a record from `to_dict` output (unknown keys are ignored)."""
        values = _known_fields(cls, data)
        failure = values.get("scheduled_failure")
        if isinstance(failure, dict):
            failure = ScheduledFailure(**_known_fields(ScheduledFailure, failure))
            values["scheduled_failure"] = failure
        facts = values.get("facts")
        if not isinstance(facts, TaskFacts):
            values["facts"] = TaskFacts.from_dict(facts if isinstance(facts, dict) else None)
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
    """The file's bytes: an uploaded input, or an output rendered when its task was submitted
    (an upscale); None for outputs rendered on demand."""
    deleted: bool = False
    duration: float | None = None
    """Length in seconds of an output video."""
    api_key: str | None = None
    """The API key that owns the file: the uploader's, or that of the task that produced it.
    None: shared by every key (records stored by older versions, which kept no owner)."""

    @classmethod
    def new(
        cls,
        media_uuid: str,
        *,
        kind: MediaKind,
        format: str,
        created_at: float,
        task_uuid: str | None = None,
        width: int | None = None,
        height: int | None = None,
        quality: int | None = None,
        seed: int | None = None,
        duration: float | None = None,
        ttl: float | None = None,
        data: bytes | None = None,
        api_key: str | None = None,
    ) -> MediaRecord:
        """A new record, the one way media records are made.

        `format` is a file extension (``mp4``, ``.PNG`` ...; kept lower-case, without dot);
        `ttl` seconds after `created_at` set the expiry (None: never); `api_key` owns it (None:
        shared). ValueError for an unknown `kind`, an empty format or a negative ttl.
        """
        if kind not in ("input", "output"):
            raise ValueError(f"kind must be 'input' or 'output', got {kind!r}")
        if ttl is not None and ttl < 0:
            raise ValueError(f"ttl must be >= 0, got {ttl!r}")
        extension = format.strip().lstrip(".").lower()
        if not extension:
            raise ValueError("format must be a file extension such as 'mp4'")
        return cls(
            media_uuid=media_uuid,
            task_uuid=task_uuid,
            kind=kind,
            format=extension,
            width=width,
            height=height,
            quality=quality,
            seed=seed,
            created_at=created_at,
            expires_at=None if ttl is None else created_at + ttl,
            data=None if data is None else bytes(data),
            duration=duration,
            api_key=api_key,
        )

    def visible_to(self, api_key: str | None) -> bool:
        """True when `api_key` may use or delete the file: it owns it, the file is shared (no
        owner), or `api_key` is None (the server itself, e.g. the ``/media`` route)."""
        return api_key is None or self.api_key is None or self.api_key == api_key

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


def pack_task(record: TaskRecord) -> bytes:
    """The record, less its ``task_uuid``, as `marshal` bytes (`unpack_task` reverses it).

    Fields are written as one tuple in declaration order (no field names), nested records as
    tuples, so a record costs about as many bytes as its request and results written as JSON.
    ValueError when a field holds a value `marshal` cannot write (anything but None, bool,
    int, float, str, bytes and lists, tuples and dicts of them).
    """
    facts = record.facts
    effects, output, failure = facts.poll_effects, facts.output, record.scheduled_failure
    return marshal.dumps(
        (
            record.task_type,
            record.model,
            record.request,
            record.api_key,
            record.created_at,
            record.progression,
            record.polls,
            record.status,
            record.progress,
            record.results,
            record.error,
            (
                facts.source_duration,
                facts.source_width,
                facts.source_height,
                facts.nsfw,
                facts.webhook_failures,
                None if effects is None else _effect_values(effects),
                None if output is None else _plan_values(output),
                facts.unit_price,
            ),
            record.finished_at,
            None if failure is None else (failure.code, failure.message, failure.after_polls),
        )
    )


def unpack_task(task_uuid: str, data: bytes | memoryview) -> TaskRecord:
    """The `TaskRecord` `pack_task` wrote, given back its ``task_uuid``; a new object sharing
    nothing with any other."""
    (
        task_type,
        model,
        request,
        api_key,
        created_at,
        progression,
        polls,
        status,
        progress,
        results,
        error,
        facts,
        finished_at,
        failure,
    ) = marshal.loads(data)
    effects, output = facts[5], facts[6]
    return TaskRecord(
        task_uuid,
        task_type,
        model,
        request,
        api_key,
        created_at,
        progression,
        polls,
        status,
        progress,
        results,
        error,
        TaskFacts(
            facts[0],
            facts[1],
            facts[2],
            facts[3],
            facts[4],
            None if effects is None else PollEffects(*effects),
            None if output is None else OutputPlan(*output),
            facts[7],
        ),
        finished_at,
        None if failure is None else ScheduledFailure(*failure),
    )


_MEDIA_FIELDS = tuple(f.name for f in dataclasses.fields(MediaRecord) if f.name != "media_uuid")


def pack_media(record: MediaRecord) -> bytes:
    """The media record, less its ``media_uuid``, as `marshal` bytes (`unpack_media`).
    ValueError as `pack_task`."""
    return marshal.dumps(tuple(getattr(record, name) for name in _MEDIA_FIELDS))


def unpack_media(media_uuid: str, data: bytes | memoryview) -> MediaRecord:
    """The `MediaRecord` `pack_media` wrote, given back its ``media_uuid``."""
    return MediaRecord(media_uuid, *marshal.loads(data))


def _known_fields(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in dataclasses.fields(cls)}
    return {key: value for key, value in data.items() if key in names}


_TASK_FIELDS = tuple(f.name for f in dataclasses.fields(TaskRecord))
_FACT_FIELDS = tuple(f.name for f in dataclasses.fields(TaskFacts))
_EFFECT_FIELDS = tuple(f.name for f in dataclasses.fields(PollEffects))
_PLAN_FIELDS = tuple(f.name for f in dataclasses.fields(OutputPlan))
# Every field in declaration order, as one tuple (C-speed): what `pack_task` writes and the
# dataclass takes back positionally, so a field added to either is packed without a second list.
_effect_values = operator.attrgetter(*_EFFECT_FIELDS)
_plan_values = operator.attrgetter(*_PLAN_FIELDS)


def json_copy(value: Any) -> Any:
    """A deep copy of a JSON-shaped value (one C-level `marshal` round trip), else through
    `copy.deepcopy`."""
    try:
        return marshal.loads(marshal.dumps(value))
    except ValueError:
        return copy.deepcopy(value)


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
    if type(value) is TaskFacts:
        return value.copy()
    return copy.deepcopy(value, memo)
