"""Turning live traffic into cassette lines: ids, task names, timing, placeholders, scrubbing.

The proxy (and anything else that records) calls ``start()`` when an interaction begins and
``record(started, ...)`` when its answer is known; the recorder scrubs secrets, substitutes
placeholders, works out ``task``, ``taskType``, ``at`` and ``volatile`` and writes the line.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from runware_testkit.cassettes.format import Direction, Interaction, Transport
from runware_testkit.cassettes.placeholders import Placeholders, parse_placeholder
from runware_testkit.cassettes.scrub import Scrubber
from runware_testkit.cassettes.writer import CassetteWriter

# Task types whose lines are tied to no task (docs/cassettes.md: `task` is null for them).
UNTIED_TASK_TYPES: frozenset[str] = frozenset({"authentication", "ping"})
# Answer fields whose value differs from run to run and is kept as recorded.
VOLATILE_FIELDS: frozenset[str] = frozenset({"cost"})


@dataclass(frozen=True)
class Started:
    """An interaction begun: its ``id`` (order of start) and clock reading ``at`` (seconds)."""

    id: int
    at: float


class CassetteRecorder:
    """Writes interactions to ``writer`` with secrets scrubbed and placeholders substituted.

    ``clock`` gives seconds (monotonic); the header's time is the recorder's creation. Thread-safe.
    """

    def __init__(
        self, writer: CassetteWriter, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.writer = writer
        self.placeholders = Placeholders()
        self.scrubber = Scrubber()
        self._clock = clock
        self._origin = clock()
        self._next_id = 0
        self._submitted: dict[str, float] = {}
        self._seed_given: set[str] = set()
        self._url_tasks: dict[str, str] = {}
        self._lock = threading.Lock()

    def start(self, request: Any = None) -> Started:
        """Allocate the next interaction id and note the time it began.

        Given the ``request`` a client sends, its task is numbered now (``t1``, ``t2`` ... in
        order of submit, even when a later task's line is written first) and its submit time
        is this one.
        """
        with self._lock:
            self._next_id += 1
            started = Started(id=self._next_id, at=self._clock())
        if isinstance(request, dict):
            self.placeholders.substitute(request, origin="client")
            uuid = request.get("taskUUID")
            if isinstance(uuid, str) and not (
                isinstance(request.get("taskType"), str)
                and request["taskType"] in UNTIED_TASK_TYPES
            ):
                with self._lock:
                    if uuid not in self._submitted:
                        self._submitted[uuid] = started.at
                        if "seed" in request:
                            self._seed_given.add(uuid)
        return started

    def learn_secret(self, secret: str) -> None:
        """A value (an Authorization header, say) never to be written, wherever it shows up."""
        self.scrubber.learn(secret)

    def store_media(self, body: bytes) -> str:
        """Keep a media body in the cassette's media folder; returns its sha256."""
        return self.writer.store_media(body)

    def record(
        self,
        started: Started,
        *,
        transport: Transport,
        direction: Direction,
        request: dict[str, Any] | None,
        status: int | None,
        response: dict[str, Any] | None,
        connection: int | None = None,
        attempt: int | None = None,
    ) -> Interaction:
        """Scrub, substitute and write one line; returns the ``Interaction`` written."""
        self.scrubber.learn_from(request)
        self.scrubber.learn_from(response)
        request_origin = "server" if transport == "webhook" else "client"
        request_out = self.placeholders.substitute(request, origin=request_origin)
        response_out = self.placeholders.substitute(response, origin="server")
        self._note_result_urls(response if transport != "webhook" else request)
        task_uuid = _task_uuid(request, response)
        if transport == "media" and isinstance(request, dict):
            with self._lock:
                task_uuid = self._url_tasks.get(str(request.get("url")))
        task_type = _task_type(request, response)
        task_name = None
        if task_uuid is not None and task_type not in UNTIED_TASK_TYPES:
            task_name = self.placeholders.name_of(task_uuid)
        at = self._elapsed(started, task_uuid if task_name else None, request, direction)
        interaction = Interaction(
            id=started.id,
            transport=transport,
            direction=direction,
            connection=connection,
            task=task_name,
            task_type=task_type,
            at=at,
            attempt=attempt,
            request=self.scrubber.scrub(request_out),
            status=status,
            response=self.scrubber.scrub(response_out),
            volatile=self._volatile(task_uuid, transport, request, response),
        )
        self.writer.write(interaction)
        return interaction

    def _note_result_urls(self, envelope: Any) -> None:
        """Remember which task each result URL belongs to (a ``media`` line's task)."""
        if not isinstance(envelope, dict) or not isinstance(envelope.get("data"), list):
            return
        for item in envelope["data"]:
            if isinstance(item, dict) and isinstance(item.get("taskUUID"), str):
                for key, value in item.items():
                    if key.endswith("URL") and isinstance(value, str):
                        with self._lock:
                            self._url_tasks.setdefault(value, item["taskUUID"])

    def _elapsed(
        self, started: Started, task_uuid: str | None, request: Any, direction: str
    ) -> float:
        with self._lock:
            if task_uuid is None:
                return round(max(0.0, started.at - self._origin), 6)
            if task_uuid not in self._submitted:
                self._submitted[task_uuid] = started.at
                if direction == "client" and isinstance(request, dict) and "seed" in request:
                    self._seed_given.add(task_uuid)
            return round(max(0.0, started.at - self._submitted[task_uuid]), 6)

    def _volatile(
        self, task_uuid: str | None, transport: str, request: Any, response: Any
    ) -> tuple[str, ...]:
        volatile = set(VOLATILE_FIELDS)
        if task_uuid not in self._seed_given:
            volatile.add("seed")
        pointers = _pointers(response, "/response", volatile)
        if transport == "webhook":
            pointers = _pointers(request, "/request", volatile) + pointers
        return tuple(pointers)


def split_envelope(tasks: Sequence[dict[str, Any]], envelope: Any) -> list[dict[str, Any] | None]:
    """For each task, the envelope holding only the answer objects about it.

    An object belongs to a task with the same ``taskUUID``; one without ``taskUUID`` to the tasks
    of its ``taskType`` (authentication, ping); one tied to no task of the request to every task
    (a whole-request error). A task no object is about gets ``{"data": []}``. ``None`` for a
    task when the answer is not a JSON object.
    """
    if not isinstance(envelope, dict):
        return [None for _ in tasks]
    result: list[dict[str, Any]] = [{} for _ in tasks]
    for key in ("data", "errors"):
        items = envelope.get(key)
        if not isinstance(items, list):
            if key in envelope:
                for part in result:
                    part[key] = items
            continue
        for part in result:
            part.setdefault(key, [])
        for item in items:
            owners = [i for i, task in enumerate(tasks) if _belongs(item, task)] or range(
                len(tasks)
            )
            for index in owners:
                result[index][key].append(item)
    for key, value in envelope.items():
        if key not in ("data", "errors"):
            for part in result:
                part[key] = value
    return [_without_empty(part, envelope) for part in result]


def _without_empty(part: dict[str, Any], envelope: dict[str, Any]) -> dict[str, Any]:
    """``part`` without the lists left empty for its task (``{"data": []}`` if nothing is left
    and the envelope had ``data``)."""
    kept = {k: v for k, v in part.items() if v != [] or envelope.get(k) == []}
    if not kept and "data" in envelope:
        kept["data"] = []
    return kept


def _belongs(item: Any, task: dict[str, Any]) -> bool:
    if not isinstance(item, dict) or not isinstance(task, dict):
        return False
    if "taskUUID" in item and "taskUUID" in task:
        return item["taskUUID"] == task["taskUUID"]
    return "taskUUID" not in item and item.get("taskType") == task.get("taskType") is not None


def _first_answer(response: Any) -> dict[str, Any] | None:
    if not isinstance(response, dict):
        return None
    for key in ("data", "errors"):
        items = response.get(key)
        if isinstance(items, list) and items and isinstance(items[0], dict):
            return items[0]
    return None


def _task_uuid(request: Any, response: Any) -> str | None:
    for source in (request, _first_answer(request), _first_answer(response)):
        if isinstance(source, dict) and isinstance(source.get("taskUUID"), str):
            value = source["taskUUID"]
            return None if parse_placeholder(value) else value
    return None


def _task_type(request: Any, response: Any) -> str | None:
    for source in (request, _first_answer(request), _first_answer(response)):
        if isinstance(source, dict) and isinstance(source.get("taskType"), str):
            return source["taskType"]
    return None


def _pointers(value: Any, prefix: str, keys: set[str]) -> list[str]:
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            pointer = f"{prefix}/{_escape(key)}"
            if key in keys and not isinstance(item, dict | list):
                found.append(pointer)
            else:
                found += _pointers(item, pointer, keys)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _pointers(item, f"{prefix}/{index}", keys)
    return found


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
