"""The task engine: submitted tasks, their lazy progression, their results and media files.

Pure: no network, no event loop, and no knowledge of what a result looks like. The handler of
each task type decides that: it gives the engine a `ResultBuilder` per task type, and renders
what the engine stores into wire items.

Life of a task
--------------
`Engine.submit` stores the task as ``processing``. Its state then moves only when it is read:
`Engine.poll` counts one ``getResponse`` and re-derives the state from the task's progression
policy, its own poll count and the clock; `Engine.peek`, `Engine.settle`, `Engine.open_tasks`
and `Engine.all_tasks` re-derive it without counting a poll. The first read that finds the task
finished calls the builder of its task type once and stores the result items and output media
it returns.

`Engine.complete` and `Engine.fail` force an end now and `Engine.schedule_failure` swaps the
coming success for an error. They act on the stored state: a task nobody has yet read as
finished can still be forced, whatever its policy says.

Result builders
---------------
``builder(record, draw) -> (items, media)``: the result items of the finished task (stored
as they are, without any URL) and one `MediaRecord` per file they name. `ResultDraw` gives the
builder the clock's time, seeds and media UUIDs from the engine's id source (a UUID is never
reused, even after a reseed) and read access to media already stored (outputs rendered at
submission). A task type without a builder cannot be submitted.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from ..engine.clock import Clock, SystemClock
from ..engine.errors import (
    DuplicateTask,
    MediaExpired,
    MediaNotFound,
    TaskFinished,
    TaskNotFound,
    TooManyOpenTasks,
)
from ..engine.ids import IdSource
from ..engine.progression import ProgressState, parse_progression
from ..engine.records import (
    MediaKind,
    MediaRecord,
    ScheduledFailure,
    TaskFacts,
    TaskRecord,
    json_copy,
)
from ..engine.store import MemoryStore, Store

__all__ = ["Engine", "FinishListener", "ResultBuilder", "ResultDraw"]

_CAP_PAGE = 64
"""Most open tasks read per page when a key is at its open-task cap."""

FinishListener = Callable[[TaskRecord], None]
"""Called with a copy of each task that has just finished, after the engine's lock is released."""


class ResultDraw:
    """What a `ResultBuilder` may draw on while the engine finishes one task.

    ``now`` is the clock's time of the finish (seconds). Only valid during the builder's call.
    """

    def __init__(self, engine: Engine, now: float) -> None:
        self._engine = engine
        self._taken: set[str] = set()
        self.now = now

    def seed32(self) -> int:
        """A random integer in the unsigned 32-bit range, from the engine's id source."""
        return self._engine.ids.seed32()

    def media_uuid(self) -> str:
        """A fresh UUID v4 no stored media and no earlier draw of this finish holds."""
        return self._engine._fresh_media_uuid(self._taken)

    def stored_media(self, media_uuid: str) -> MediaRecord | None:
        """A media record already stored (e.g. an output rendered at submission), or None."""
        return self._engine.store.get_media(media_uuid)


ResultBuilder = Callable[[TaskRecord, ResultDraw], tuple[list[dict[str, Any]], list[MediaRecord]]]
"""Builds the result items and output media of a task that has just succeeded."""


class Engine:
    """Keeps tasks and media in a `Store`, driven by a `Clock`, with ids from an `IdSource`.

    ``results`` maps each task type the engine may run to its `ResultBuilder`.
    ``max_open_tasks`` caps how many tasks one API key may have processing at once (None: no
    cap). ``on_finish`` receives a copy of every task as it finishes, whether a read or
    `complete` / `fail` finished it (e.g. to send webhooks); it runs after the state is saved
    and the engine's lock is released, and its exceptions reach the caller. All methods are
    thread-safe.
    """

    def __init__(
        self,
        store: Store | None = None,
        clock: Clock | None = None,
        ids: IdSource | None = None,
        default_progression: str = "immediate",
        *,
        max_open_tasks: int | None = None,
        on_finish: FinishListener | None = None,
        results: Mapping[str, ResultBuilder] | None = None,
    ) -> None:
        self.results: dict[str, ResultBuilder] = dict(results or {})
        self.store: Store = store if store is not None else MemoryStore()
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.ids: IdSource = ids if ids is not None else IdSource()
        self.default_progression = default_progression
        self.max_open_tasks = max_open_tasks
        self.on_finish = on_finish
        self._lock = threading.RLock()
        self._writes = 0
        """Task writes so far: a refusal at the cap stays valid while this is unchanged."""
        self._full_at: dict[str, tuple[int, int, float]] = {}
        """API key -> (writes, cap, time before which no open task can finish) after a scan at
        the cap that finished nothing."""

    @property
    def default_progression(self) -> str:
        """Progression spec for tasks submitted without one (canonical form)."""
        return self._default_progression

    @default_progression.setter
    def default_progression(self, spec: str) -> None:
        self._default_progression = str(parse_progression(spec))

    @property
    def max_open_tasks(self) -> int | None:
        """Cap on processing tasks per API key, or None."""
        return self._max_open_tasks

    @max_open_tasks.setter
    def max_open_tasks(self, limit: int | None) -> None:
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
            raise TypeError("max_open_tasks must be an int or None")
        if limit is not None and limit < 0:
            raise ValueError("max_open_tasks must be >= 0")
        self._max_open_tasks = limit

    # -- tasks ---------------------------------------------------------------------------

    def submit(
        self,
        task: dict[str, Any],
        *,
        api_key: str,
        progression: str | None = None,
        facts: TaskFacts | None = None,
        failure: ScheduledFailure | None = None,
        media: Iterable[MediaRecord] = (),
    ) -> TaskRecord:
        """Accept a task (as sent) for `api_key`; it starts ``processing``.

        `facts` are stored with the task for its result builder; `media` (made with
        `new_media`) is stored with it, e.g. outputs rendered at submission, owned by
        `api_key` like every output of the task. `failure`
        schedules an error from the start (see `schedule_failure`). Raises `DuplicateTask` if
        the taskUUID was ever submitted under any key, `TooManyOpenTasks` over the cap,
        ValueError for a task the engine cannot run (no taskUUID, a taskType without a result
        builder, bad numberResults, bad progression spec).
        """
        task_uuid, task_type = _required_str(task, "taskUUID"), _required_str(task, "taskType")
        if task_type not in self.results:
            known = ", ".join(sorted(self.results)) or "none"
            raise ValueError(f"the engine cannot run {task_type} tasks (it runs: {known})")
        request = json_copy(task)
        spec = str(parse_progression(progression)) if progression is not None else None
        facts = facts.copy() if facts is not None else TaskFacts()
        _check_runnable(request)
        prepared = [dataclasses.replace(item, api_key=api_key) for item in media]
        with self._op() as finished:
            if self.store.get_task(task_uuid) is not None:
                raise DuplicateTask(task_uuid)
            limit = self._max_open_tasks
            if limit is not None and self._at_open_limit(api_key, limit, finished):
                raise TooManyOpenTasks(task_uuid, limit)
            record = TaskRecord(
                task_uuid=task_uuid,
                task_type=task_type,
                model=request.get("model"),
                request=request,
                api_key=api_key,
                created_at=self.clock.now(),
                progression=spec or self._default_progression,
                facts=facts,
                scheduled_failure=copy.copy(failure),
            )
            self._writes += 1
            if not self.store.add_task(record):
                raise DuplicateTask(task_uuid)
            for item in prepared:
                self.store.put_media(item)
            return record

    def poll(self, task_uuid: str, *, api_key: str) -> TaskRecord:
        """Count one ``getResponse`` for the caller's task and return its current state.

        Raises `TaskNotFound` if the task does not exist or belongs to another API key.
        """
        with self._op() as finished:
            record = self.store.get_task(task_uuid)
            if record is None or record.api_key != api_key:
                raise TaskNotFound(task_uuid)
            record.polls += 1
            self._refresh(record, finished, always_save=True)
            return record

    def peek(self, task_uuid: str) -> TaskRecord:
        """Return the task's current state (any key) without counting a poll."""
        with self._op() as finished:
            return self._read(task_uuid, finished)

    def complete(self, task_uuid: str) -> TaskRecord:
        """Force success now (ignoring any scheduled failure); `TaskFinished` if it ended."""
        with self._op() as finished:
            record = self._stored_open(task_uuid)
            media = self._finish_success(record)
            self._put_task(record, media=media)
            finished.append(record)
            return record

    def fail(self, task_uuid: str, code: str, message: str) -> TaskRecord:
        """Force an error ``{code, message}`` now; `TaskFinished` if the task already ended."""
        with self._op() as finished:
            record = self._stored_open(task_uuid)
            media = self._finish_error(record, code, message)
            self._put_task(record, media=media)
            finished.append(record)
            return record

    def schedule_failure(
        self, task_uuid: str, code: str, message: str, after_polls: int = 0
    ) -> TaskRecord:
        """Make the task end with error ``{code, message}`` instead of success.

        The error is reported when the task would have succeeded; with ``after_polls > 0`` the
        task also answers ``processing`` to its first `after_polls` polls (so under
        ``immediate``, poll ``after_polls + 1`` is the one that reports the error).
        `TaskFinished` if the task already ended.
        """
        failure = ScheduledFailure(code, message, after_polls)
        with self._op():
            record = self._stored_open(task_uuid)
            record.scheduled_failure = failure
            self._put_task(record)
            return record

    def update_facts(self, task_uuid: str, **changes: Any) -> TaskRecord:
        """Change fields of the task's `TaskFacts` (they shape results built from now on);
        TypeError for a name `TaskFacts` has no field for."""
        with self._op():
            record = self.store.get_task(task_uuid)
            if record is None:
                raise TaskNotFound(task_uuid)
            record.facts = dataclasses.replace(record.facts, **copy.deepcopy(changes))
            self._put_task(record)
            return record

    def settle(self) -> list[TaskRecord]:
        """Re-derive every processing task now; return those that have just finished."""
        with self._op() as finished:
            for record in self.store.list_tasks(status="processing"):
                self._refresh(record, finished)
            return [copy.deepcopy(record) for record in finished]

    def open_tasks(self, api_key: str | None = None) -> list[TaskRecord]:
        """Tasks still processing now (of one API key, or of all)."""
        with self._op() as finished:
            return self._open(api_key, finished)

    def all_tasks(self, api_key: str | None = None) -> list[TaskRecord]:
        """Every task (of one API key, or of all) in submission order, states re-derived."""
        with self._op() as finished:
            records = self.store.list_tasks(api_key=api_key)
            for record in records:
                self._refresh(record, finished)
            return records

    def reset(self) -> None:
        """Forget every task and media file (the clock and id sequence are left alone)."""
        with self._op():
            self.store.clear()
            self._writes += 1

    def reseed(self, seed: int | None) -> None:
        """Restart the id/seed sequence from `seed` (None: fresh entropy)."""
        with self._op():
            self.ids.reseed(seed)

    def close(self) -> None:
        """Close the underlying store."""
        with self._op():
            self.store.close()

    # -- media ---------------------------------------------------------------------------

    def media(self, media_uuid: str, *, api_key: str | None = None) -> MediaRecord:
        """Return a live media record; `MediaNotFound` if unknown, deleted or owned by another
        key than `api_key` (None: any owner), else `MediaExpired` once the clock has reached
        its expiry time. Another key's file answers exactly as an unknown UUID does, so a key
        cannot learn which UUIDs exist."""
        record = self.store.get_media(media_uuid)
        if record is None or record.deleted or not record.visible_to(api_key):
            raise MediaNotFound(media_uuid)
        if record.expires_at is not None and record.expired(self.clock.now()):
            raise MediaExpired(media_uuid, record.expires_at)
        return record

    def new_media(
        self,
        *,
        format: str,
        data: bytes | None = None,
        kind: MediaKind = "input",
        task_uuid: str | None = None,
        width: int | None = None,
        height: int | None = None,
        quality: int | None = None,
        seed: int | None = None,
        duration: float | None = None,
        ttl: float | None = None,
        api_key: str | None = None,
    ) -> MediaRecord:
        """A media record with a fresh UUID, created now, not stored yet (see `add_media` and
        `submit`). Arguments as `MediaRecord.new`."""
        with self._op():
            return MediaRecord.new(
                self._fresh_media_uuid(set()),
                kind=kind,
                format=format,
                created_at=self.clock.now(),
                task_uuid=task_uuid,
                width=width,
                height=height,
                quality=quality,
                seed=seed,
                duration=duration,
                ttl=ttl,
                data=data,
                api_key=api_key,
            )

    def add_media(
        self,
        *,
        format: str,
        data: bytes | None = None,
        kind: MediaKind = "input",
        task_uuid: str | None = None,
        width: int | None = None,
        height: int | None = None,
        quality: int | None = None,
        seed: int | None = None,
        duration: float | None = None,
        ttl: float | None = None,
        media_uuid: str | None = None,
        api_key: str | None = None,
    ) -> MediaRecord:
        """Store a media file (by default an uploaded input) and return its record.

        `format` is a file extension (``mp4``, ``.PNG``...; stored lower-case, without dot);
        `ttl` seconds from now sets the expiry; a fresh UUID is drawn unless `media_uuid` is
        given (ValueError if that one is taken); `api_key` owns the file (None: shared).
        """
        with self._op():
            if media_uuid is None:
                media_uuid = self._fresh_media_uuid(set())
            elif self.store.get_media(media_uuid) is not None:
                raise ValueError(f"media {media_uuid} already exists")
            record = MediaRecord.new(
                media_uuid,
                kind=kind,
                format=format,
                created_at=self.clock.now(),
                task_uuid=task_uuid,
                width=width,
                height=height,
                quality=quality,
                seed=seed,
                duration=duration,
                ttl=ttl,
                data=data,
                api_key=api_key,
            )
            self.store.put_media(record)
            return record

    def delete_media(self, media_uuid: str, *, api_key: str | None = None) -> MediaRecord:
        """Delete a media file (its bytes are dropped); `MediaNotFound` if unknown, deleted or
        owned by another key than `api_key` (None: any owner)."""
        with self._op():
            record = self.store.get_media(media_uuid)
            if record is None or record.deleted or not record.visible_to(api_key):
                raise MediaNotFound(media_uuid)
            record.deleted = True
            record.data = None
            self.store.put_media(record)
            return record

    # -- internals -----------------------------------------------------------------------

    @contextmanager
    def _op(self) -> Iterator[list[TaskRecord]]:
        """Hold the lock; afterwards tell `on_finish` about every finish saved meanwhile,
        even when the operation itself raised."""
        finished: list[TaskRecord] = []
        snapshots: list[TaskRecord] = []
        try:
            with self._lock:
                try:
                    yield finished
                finally:
                    snapshots = [copy.deepcopy(record) for record in finished]
        finally:
            listener = self.on_finish
            if listener is not None:
                for record in snapshots:
                    listener(record)

    def _read(self, task_uuid: str, finished: list[TaskRecord]) -> TaskRecord:
        record = self.store.get_task(task_uuid)
        if record is None:
            raise TaskNotFound(task_uuid)
        self._refresh(record, finished)
        return record

    def _stored_open(self, task_uuid: str) -> TaskRecord:
        record = self.store.get_task(task_uuid)
        if record is None:
            raise TaskNotFound(task_uuid)
        if record.finished:
            raise TaskFinished(task_uuid, record.status)
        return record

    def _open(self, api_key: str | None, finished: list[TaskRecord]) -> list[TaskRecord]:
        still_open = []
        for record in self.store.list_tasks(api_key=api_key, status="processing"):
            self._refresh(record, finished)
            if not record.finished:
                still_open.append(record)
        return still_open

    def _at_open_limit(self, api_key: str, limit: int, finished: list[TaskRecord]) -> bool:
        """True when `api_key` has `limit` tasks processing now.

        Re-deriving can only finish tasks, so while the stored ``processing`` count is below the
        cap the answer is no without reading a single task: a submission costs the same with
        one task open as with a thousand. At the cap, open tasks are re-derived oldest first
        until one finishes; when none can, the answer is kept until a task is written or the
        clock reaches the first time one could finish on its own.
        """
        open_now = self.store.count_tasks(api_key=api_key, status="processing")
        if open_now < limit:
            return False
        known = self._full_at.get(api_key)
        if known is not None and known[:2] == (self._writes, limit) and self.clock.now() < known[2]:
            # Nothing was written since a scan found every open task unable to finish before
            # known[2]: still full, without reading them again (clients retrying at the cap).
            return True
        still_open = 0
        next_finish = math.inf
        page_size = open_now - limit + 1
        while open_now >= limit:
            # Oldest first, a page at a time (the first just big enough to make room, then
            # doubling), stopping as soon as enough have finished: a key at the cap whose
            # tasks finish when read pays for one task per submit, not for all of them.
            page = self.store.list_tasks(
                api_key=api_key, status="processing", offset=still_open, limit=page_size
            )
            if not page:
                self._full_at[api_key] = (self._writes, limit, next_finish)
                return True
            for record in page:
                self._refresh(record, finished)
                if record.finished:
                    open_now -= 1
                    if open_now < limit:
                        return False
                else:
                    still_open += 1
                    next_finish = min(next_finish, _finish_time(record))
            page_size = min(2 * page_size, _CAP_PAGE)
        return False

    def _put_task(self, record: TaskRecord, *, media: Iterable[MediaRecord] = ()) -> None:
        """Save `record` (and `media`), counting the write."""
        self._writes += 1
        self.store.put_task(record, media=media)

    def _refresh(
        self, record: TaskRecord, finished: list[TaskRecord], *, always_save: bool = False
    ) -> None:
        """Re-derive the task's state; save it if it changed (or always), note a finish."""
        was_finished = record.finished
        changed, media = self._advance(record)
        if changed or always_save:
            self._put_task(record, media=media)
        if record.finished and not was_finished:
            finished.append(record)

    def _advance(self, record: TaskRecord) -> tuple[bool, list[MediaRecord]]:
        """Re-derive a processing task's state; return (changed, new output media)."""
        if record.finished:
            return False, []
        elapsed = self.clock.now() - record.created_at
        state = parse_progression(record.progression).state(polls=record.polls, elapsed=elapsed)
        failure = record.scheduled_failure
        if state.done and _held_by_failure(record):
            state = ProgressState(done=False, progress=min(state.progress, 99))
        if not state.done:
            progress = max(record.progress, state.progress)
            changed = progress != record.progress
            record.progress = progress
            return changed, []
        if failure is not None:
            return True, self._finish_error(record, failure.code, failure.message)
        return True, self._finish_success(record)

    def _finish_error(self, record: TaskRecord, code: str, message: str) -> list[MediaRecord]:
        """End the task in error; return its prepared outputs, now deleted (never served)."""
        record.status = "error"
        record.error = {"code": code, "message": message}
        record.results = []
        record.finished_at = self.clock.now()
        output = record.facts.output
        dropped = []
        for media_uuid in output.prepared if output is not None else []:
            media = self.store.get_media(media_uuid)
            if media is not None:
                media.deleted, media.data = True, None
                dropped.append(media)
        return dropped

    def _finish_success(self, record: TaskRecord) -> list[MediaRecord]:
        """End the task in success with the items and media its task type's builder makes."""
        now = self.clock.now()
        builder = self.results.get(record.task_type)
        if builder is None:  # stored by a server that knew the type; this one does not
            return self._finish_error(
                record,
                "unsupportedTaskType",
                f"This fake server cannot finish {record.task_type} tasks.",
            )
        items, media = builder(record, ResultDraw(self, now))
        for output in media:  # a task's outputs belong to the key that submitted it
            output.api_key = record.api_key
        record.status = "success"
        record.progress = 100
        record.results = items
        record.error = None
        record.finished_at = now
        return media

    def _fresh_media_uuid(self, taken: set[str]) -> str:
        while True:
            candidate = self.ids.uuid4()
            if candidate not in taken and self.store.get_media(candidate) is None:
                taken.add(candidate)
                return candidate


def _check_runnable(request: dict[str, Any]) -> None:
    count = request.get("numberResults", 1)
    if not _is_int(count) or count < 1:
        raise ValueError(f"numberResults must be an integer >= 1, got {count!r}")


def _required_str(task: dict[str, Any], key: str) -> str:
    if not isinstance(task, dict):
        raise ValueError(f"a task must be a JSON object, got {type(task).__name__}")
    value = task.get(key)
    if not isinstance(value, str) or not value:
        raise ValueError(f"task has no {key}")
    return value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _held_by_failure(record: TaskRecord) -> bool:
    """True while a scheduled failure keeps `record` processing until more polls arrive."""
    failure = record.scheduled_failure
    return failure is not None and failure.after_polls > 0 and record.polls <= failure.after_polls


def _finish_time(record: TaskRecord) -> float:
    """Clock time at which the open `record` finishes with no further poll (inf: never)."""
    if _held_by_failure(record):
        return math.inf
    after = parse_progression(record.progression).finish_after()
    return math.inf if after is None else record.created_at + after
