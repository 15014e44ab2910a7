"""`ReplaySession`: the fake answering from recorded cassettes (docs/cassettes.md).

A task the client sends is matched against the recorded requests (`matching.match`): the first
unused one that matches answers, else the last used one (a test may send the same request
twice). Its recorded answer is sent back with the client's own values (its ``taskUUID``, its
``webhookURL``) put where the placeholders were, result URLs pointing at this fake's
``/media/`` (the file from the cassette's media folder when it keeps media by hash, else one
the fake renders in the recorded content type), and fresh UUIDs for the ones the API made up.

Each replayed task then plays what was recorded after its submit, paced by `pacing`: its
``getResponse`` answers, the frames the server pushed on the WebSocket, and the deliveries to
its ``webhookURL`` (sent to the client's URL).

A task no recording matches goes to the contract-driven fake (``strict=False``, the default), or
is refused (``strict=True``) with the Runware-shaped error `NO_MATCH_CODE` whose message names
the closest recorded request (file and line) and the difference.
"""

from __future__ import annotations

import asyncio
import mimetypes
import threading
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...cassettes import fill_placeholders, match_request, placeholder_text, read_media
from ..protocol.wire import TaskReply, error_object, is_one_of
from .matching import closest
from .pacing import TIMINGS, delivery_time, poll_index
from .plan import ReplayPlan, Step

if TYPE_CHECKING:
    from ..state import ServerState

__all__ = ["NO_MATCH_CODE", "NO_MATCH_STATUS", "Push", "ReplaySession"]

_SESSION_TASK_TYPES = frozenset({"ping", "authentication", "getResponse", "getTaskDetails"})
"""Requests that start no work: strict mode lets the fake answer them when nothing matches."""


def _same_key(owner: str | None, asking: str | None) -> bool:
    return owner is None or asking is None or owner == asking


NO_MATCH_CODE = "replayNoMatch"
"""Error code of a request no recording matches, in strict mode."""
NO_MATCH_STATUS = 400

Bindings = dict[str, str]
"""Placeholder text (``{{task:t1}}``) -> the live value it stands for."""

Push = Callable[[dict[str, Any]], Awaitable[None]]
"""Sends one frame on the WebSocket connection a task came in on."""

_FORMATS = {
    "video/mp4": "mp4",
    "video/webm": "webm",
    "video/quicktime": "mov",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
}
_FORMAT_BY_KEY = {"videoURL": "mp4", "imageURL": "png", "mediaURL": "mp4", "audioURL": "mp3"}
_PUMP_STEP = 0.05


@dataclass
class _LiveTask:
    plan: ReplayPlan
    name: str
    uuid: str
    started: float
    values: Bindings
    request: Mapping[str, Any]
    api_key: str | None = None
    polls: int = 0


@dataclass(order=True)
class _Due:
    when: float
    order: int
    send: Callable[[], Awaitable[Any]] = field(compare=False)


class ReplaySession:
    """Answers tasks from one or more cassettes' plans (see the module docstring)."""

    def __init__(
        self, plans: list[ReplayPlan], *, strict: bool = False, timing: str = "compressed"
    ) -> None:
        if timing not in TIMINGS:
            raise ValueError(f"replay timing must be one of {', '.join(TIMINGS)}, got {timing!r}")
        self.plans = list(plans)
        self.strict = strict
        self.timing = timing
        self._used: set[tuple[int, int]] = set()
        self._tasks: dict[str, _LiveTask] = {}
        self._pending: list[_Due] = []
        self._order = 0
        self._lock = threading.RLock()
        self._pumping = False

    # -- answering -----------------------------------------------------------------------------

    async def answer(
        self,
        task: Any,
        state: ServerState,
        *,
        request_base: str | None = None,
        push: Push | None = None,
        api_key: str | None = None,
    ) -> TaskReply | None:
        """The recorded answer to `task`, or None to let the contract-driven fake answer it.

        A replayed task answers polls of the key that submitted it only (`api_key`; another
        key's poll goes to the fake, which knows no such task), and its taskUUID cannot be
        submitted again (``conflictTaskUUID``, as the fake answers). In strict mode only
        requests that start work are refused when nothing matches: ``ping``,
        ``authentication``, and polls or details of tasks the replay does not hold go to the
        fake.
        """
        self.release_due(state)
        if not isinstance(task, Mapping):
            return None
        task_type = task.get("taskType")
        if task_type == "getResponse":
            live = self._tasks.get(str(task.get("taskUUID")))
            if live is not None and _same_key(live.api_key, api_key):
                polled = self._poll(live, state, request_base)
                if polled is not None:
                    return polled
        uuid = task.get("taskUUID")
        if not is_one_of(task_type, _SESSION_TASK_TYPES) and isinstance(uuid, str):
            with self._lock:
                taken = uuid in self._tasks
            if taken:
                return TaskReply(
                    errors=[
                        error_object(
                            code="conflictTaskUUID",
                            message="A task with this taskUUID already exists.",
                            parameter="taskUUID",
                            taskType=task_type if isinstance(task_type, str) else None,
                            taskUUID=uuid,
                        )
                    ],
                    status=400,
                )
        found = self._find(task)
        if found is None:
            strict = self.strict and not is_one_of(task_type, _SESSION_TASK_TYPES)
            return self._no_match(task) if strict else None
        plan, step, bindings = found
        return self._submit(plan, step, bindings, task, state, request_base, push, api_key)

    def _find(self, task: Mapping[str, Any]) -> tuple[ReplayPlan, Step, Bindings] | None:
        fallback: tuple[ReplayPlan, Step, Bindings] | None = None
        for index, plan in enumerate(self.plans):
            for step in plan.requests:
                if step.task_type != task.get("taskType"):
                    continue
                bindings = match_request(step.request, dict(task))
                if bindings is None:
                    continue
                key = (index, step.id)
                with self._lock:
                    if key not in self._used:
                        self._used.add(key)
                        return plan, step, bindings
                fallback = (plan, step, bindings)
        return fallback

    def _submit(
        self,
        plan: ReplayPlan,
        step: Step,
        bindings: Bindings,
        task: Mapping[str, Any],
        state: ServerState,
        request_base: str | None,
        push: Push | None,
        api_key: str | None = None,
    ) -> TaskReply:
        now = state.clock.now()
        values = dict(bindings)
        live: _LiveTask | None = None
        if step.task is not None:
            own = values.get(placeholder_text("task", step.task))
            if own is not None:
                live = _LiveTask(plan, step.task, own, now, values, task, api_key)
                with self._lock:
                    self._tasks[own] = live
        resolve = self._resolver(plan, values, state, request_base, task)
        with self._lock:
            reply = _reply(fill_placeholders(step.response, values, resolve), step.status)
        if live is not None:
            self._schedule(plan, live, state, resolve, push)
        state.journal.record(
            "replay", source=plan.source, line=step.line, taskUUID=task.get("taskUUID")
        )
        return reply

    def _poll(
        self, live: _LiveTask, state: ServerState, request_base: str | None
    ) -> TaskReply | None:
        plan = live.plan
        steps = plan.polls.get(live.name, [])
        if not steps:
            return None
        index = poll_index(
            [s.at for s in steps],
            polls_before=live.polls,
            elapsed=state.clock.now() - live.started,
            timing=self.timing,
            manual=_manual(state),
        )
        live.polls += 1
        step = steps[index]
        resolve = self._resolver(plan, live.values, state, request_base, live.request)
        with self._lock:
            response = fill_placeholders(step.response, live.values, resolve)
        return _reply(response, step.status)

    def _no_match(self, task: Mapping[str, Any]) -> TaskReply:
        candidates = [(plan, step) for plan in self.plans for step in plan.requests]
        same_type = [c for c in candidates if c[1].task_type == task.get("taskType")]
        pool = same_type or candidates
        task_type = task.get("taskType")
        where = ", ".join(plan.source for plan in self.plans) or "the cassettes"
        message = f"No recorded request in {where} matches this {task_type} task"
        best = closest([step.request for _, step in pool], dict(task))
        if best is not None:
            plan, step = pool[best[0]]
            line = f" line {step.line}" if step.line is not None else ""
            message += f"; the closest recorded one ({plan.source}{line}) differs:\n{best[1]}"
        else:
            message += "; the cassettes hold no requests."
        head = {k: task[k] for k in ("taskType", "taskUUID") if isinstance(task.get(k), str)}
        return TaskReply(
            errors=[error_object(code=NO_MATCH_CODE, message=message, **head)],
            status=NO_MATCH_STATUS,
        )

    # -- values --------------------------------------------------------------------------------

    def _resolver(
        self,
        plan: ReplayPlan,
        values: Bindings,
        state: ServerState,
        request_base: str | None,
        task: Mapping[str, Any],
    ) -> Callable[[str, str], str]:
        """``fresh(kind, name)`` for `fill_placeholders`: a value for a placeholder no live
        value is bound to (a fresh UUID; for a result URL, a file on this fake)."""

        def fresh(kind: str, name: str) -> str:
            if kind != "url":
                return state.ids.uuid4()
            text = placeholder_text(kind, name)
            owner = plan.url_media.get(text)
            media_uuid = None
            if owner is not None:
                if owner not in values:
                    values[owner] = state.ids.uuid4()
                media_uuid = values[owner]
            return self._media_url(plan, text, state, request_base, task, media_uuid)

        return fresh

    def _media_url(
        self,
        plan: ReplayPlan,
        placeholder: str,
        state: ServerState,
        request_base: str | None,
        task: Mapping[str, Any],
        media_uuid: str | None,
    ) -> str:
        recorded = plan.media.get(placeholder)
        fmt = _format(recorded.content_type if recorded else None, plan.url_keys.get(placeholder))
        data = None
        if recorded is not None and recorded.sha256 and plan.media_dir:
            data = read_media(Path(plan.media_dir), recorded.sha256)
        width, height = task.get("width"), task.get("height")
        record = state.engine.add_media(
            format=fmt,
            data=data,
            kind="output",
            width=width if isinstance(width, int) and width > 0 else None,
            height=height if isinstance(height, int) and height > 0 else None,
            media_uuid=media_uuid if media_uuid and not _stored(state, media_uuid) else None,
        )
        return f"{state.media_base(request_base)}/{record.media_uuid}.{record.format}"

    # -- deliveries ----------------------------------------------------------------------------

    def _schedule(
        self,
        plan: ReplayPlan,
        live: _LiveTask,
        state: ServerState,
        resolve: Callable[[str, str], str],
        push: Push | None,
    ) -> None:
        manual = _manual(state)
        webhook = live.request.get("webhookURL")
        jobs: list[_Due] = []
        if isinstance(webhook, str) and webhook:
            for step in plan.webhooks.get(live.name, []):
                with self._lock:
                    body = fill_placeholders(step.request, live.values, resolve)
                jobs.append(
                    self._due(live, step, manual, _webhook_sender(state, webhook, body, live))
                )
        if push is not None:
            for step in plan.pushes.get(live.name, []):
                with self._lock:
                    frame = fill_placeholders(step.response, live.values, resolve)
                jobs.append(self._due(live, step, manual, _push_sender(push, frame)))
        if not jobs:
            return
        with self._lock:
            self._pending.extend(jobs)
            self._pending.sort()
        self.release_due(state)
        if not manual:
            self._start_pump(state)

    def _due(
        self, live: _LiveTask, step: Step, manual: bool, send: Callable[[], Awaitable[Any]]
    ) -> _Due:
        self._order += 1
        when = delivery_time(live.started, step.at, timing=self.timing, manual=manual)
        return _Due(when, self._order, send)

    def release_due(self, state: ServerState) -> int:
        """Send every scheduled delivery whose time has come on the fake's clock; how many."""
        now = state.clock.now()
        with self._lock:
            due = [job for job in self._pending if job.when <= now]
            self._pending = [job for job in self._pending if job.when > now]
        for job in due:
            state.spawn(job.send())
        return len(due)

    def _start_pump(self, state: ServerState) -> None:
        with self._lock:
            if self._pumping or not self._pending:
                return
            self._pumping = True
        state.spawn(self._pump(state))

    async def _pump(self, state: ServerState) -> None:
        """Release deliveries as the wall clock reaches them (system clock only)."""
        try:
            while True:
                with self._lock:
                    if not self._pending:
                        return
                    wait = self._pending[0].when - state.clock.now()
                if wait > 0:
                    await asyncio.sleep(min(wait, _PUMP_STEP))
                self.release_due(state)
        finally:
            with self._lock:
                self._pumping = False

    def pending(self) -> int:
        """Deliveries scheduled and not sent yet."""
        with self._lock:
            return len(self._pending)

    def reset(self) -> None:
        """Forget the tasks replayed so far and every delivery not sent yet."""
        with self._lock:
            self._used.clear()
            self._tasks.clear()
            self._pending.clear()


def _reply(response: Any, status: int | None) -> TaskReply:
    body = response if isinstance(response, Mapping) else {}
    data = [item for item in body.get("data") or [] if isinstance(item, dict)]
    errors = [item for item in body.get("errors") or [] if isinstance(item, dict)]
    return TaskReply(data=data, errors=errors, status=status or 200)


def _webhook_sender(
    state: ServerState, url: str, body: Any, live: _LiveTask
) -> Callable[[], Awaitable[Any]]:
    payload = body if isinstance(body, dict) else {"data": []}

    async def send() -> None:
        await state.delivery.deliver_webhook(url, payload, task_uuid=live.uuid)

    return send


def _push_sender(push: Push, frame: Any) -> Callable[[], Awaitable[Any]]:
    async def send() -> None:
        try:
            await push(frame if isinstance(frame, dict) else {"data": []})
        except Exception:  # the connection is gone: nobody left to tell
            return

    return send


def _stored(state: ServerState, media_uuid: str) -> bool:
    return state.engine.store.get_media(media_uuid) is not None


def _manual(state: ServerState) -> bool:
    return callable(getattr(state.clock, "advance", None))


def _format(content_type: str | None, key: str | None) -> str:
    if content_type:
        base = content_type.split(";")[0].strip().lower()
        if base in _FORMATS:
            return _FORMATS[base]
        guessed = mimetypes.guess_extension(base)
        if guessed:
            return guessed.lstrip(".")
    return _FORMAT_BY_KEY.get(key or "", "mp4")
