"""What the Inspector shows, read from the journal, the engine and the contract (no HTTP here).

`JournalIndex` follows the journal incrementally and remembers, per taskUUID, the journal
entries that name it: the submission (REST ``request`` body or WebSocket ``frame_in``), every
poll (``getResponse``) and details read (``getTaskDetails``) with what each answered
(``response`` / ``frame_out`` items and errors carrying the taskUUID), scenarios applied
(``scenario``) and webhook and upload attempts (``*_attempt`` entries with ``task_uuid``).

The index holds what the journal holds: when the journal drops its oldest entries (it is
bounded), the index forgets them too; when the journal is cleared, the index starts over.

Rows (`task_rows`) are the engine's tasks plus submissions the server refused before a task
existed (status ``rejected``: a contract error, an authentication failure ...), so a rejected
request shows in the list with the errors that blame its parameters. API keys are shown
masked, as the control API shows them.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable
from typing import Any

from ...contract import SHIPPED, Contract
from ..engine.records import TaskRecord
from ..journal import Journal
from ..protocol.wire import is_one_of

__all__ = [
    "CONTROL_TASK_TYPES",
    "JournalIndex",
    "mask_key",
    "model_rows",
    "spend_by_key",
    "task_cost",
    "task_row",
    "task_rows",
    "timeline_events",
]

CONTROL_TASK_TYPES = frozenset({"getResponse", "getTaskDetails"})
"""Task types that read an earlier task rather than start one."""
_SESSION_TASK_TYPES = frozenset({"authentication", "ping"})


def mask_key(key: object) -> str | None:
    """An API key as the control API shows it: its first 4 characters, or ``***`` if short."""
    if not isinstance(key, str):
        return None
    return key[:4] + "..." if len(key) > 8 else "***"


def task_cost(record: TaskRecord) -> float | None:
    """USD a task costs by the kit's pricing rule, as the fixtures' ``spend`` counts it: its
    price per result (``facts.unit_price``, else the results' reported ``cost``) times its
    results, for a task still processing or finished; None for a task that ended in error or
    has no price (it runs no model)."""
    if record.status == "error":
        return None
    unit = record.facts.unit_price
    if _is_number(unit):
        return round(unit * record.number_results, 6)
    costs = [item["cost"] for item in record.results if _is_number(item.get("cost"))]
    if costs:
        return round(sum(costs), 6)
    output = record.facts.output
    if output is not None and output.unit_cost is not None:
        return round(output.unit_cost * record.number_results, 6)
    return None


def task_row(record: TaskRecord) -> dict[str, Any]:
    """One row of the task list: ``{taskUUID, taskType, model, status, progress, key, cost,
    created_at, finished_at, polls, error}`` (times on the server clock, seconds)."""
    return {
        "taskUUID": record.task_uuid,
        "taskType": record.task_type,
        "model": record.model,
        "status": record.status,
        "progress": record.progress,
        "key": mask_key(record.api_key),
        "cost": task_cost(record),
        "created_at": record.created_at,
        "finished_at": record.finished_at,
        "polls": record.polls,
        "error": record.error,
    }


class JournalIndex:
    """Journal entries grouped by the taskUUIDs they name; refreshed on demand, thread-safe."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self._lock = threading.Lock()
        self._reset()

    @property
    def last_seq(self) -> int:
        """The ``seq`` of the last journal entry read."""
        return self._seen

    def _reset(self) -> None:
        self._seen = 0
        self._clears = self.journal.clears
        self._order: deque[tuple[int, str]] = deque()
        """(seq, taskUUID) per indexed entry, oldest first: what to forget when the journal
        drops its oldest entries."""
        self.by_task: dict[str, list[dict[str, Any]]] = {}
        self.submitted: dict[str, dict[str, Any]] = {}
        """taskUUID -> ``{"task": <the task object as sent>, "time", "seq"}``."""
        self.errors: dict[str, list[dict[str, Any]]] = {}

    def refresh(self) -> None:
        """Read the entries recorded since the last refresh (all of them after a clear)."""
        with self._lock:
            if self.journal.clears != self._clears:
                self._reset()
            fresh = self.journal.entries(since=self._seen)
            for entry in fresh:
                self._take(entry)
            if fresh:
                self._seen = fresh[-1]["seq"]
            self._forget_dropped()

    def _forget_dropped(self) -> None:
        """Forget what the journal no longer holds (it keeps the newest entries only)."""
        oldest = self.journal.last_seq - len(self.journal) + 1
        while self._order and self._order[0][0] < oldest:
            seq, uuid = self._order.popleft()
            held = self.by_task.get(uuid)
            if held and held[0]["seq"] == seq:
                held.pop(0)
            if not held:
                self.by_task.pop(uuid, None)
                self.submitted.pop(uuid, None)
                self.errors.pop(uuid, None)

    def entries_of(self, task_uuid: str) -> list[dict[str, Any]]:
        """The journal entries naming `task_uuid`, oldest first."""
        with self._lock:
            return list(self.by_task.get(task_uuid, ()))

    def rejected(self, known: set[str]) -> list[dict[str, Any]]:
        """Rows for submissions answered with errors that the engine holds no task for."""
        with self._lock:
            rows = []
            for uuid, sent in self.submitted.items():
                if uuid in known or not self.errors.get(uuid):
                    continue
                task = sent["task"]
                rows.append(
                    {
                        "taskUUID": uuid,
                        "taskType": task.get("taskType"),
                        "model": task.get("model"),
                        "status": "rejected",
                        "progress": 0,
                        "key": None,
                        "cost": None,
                        "created_at": sent["time"],
                        "finished_at": sent["time"],
                        "polls": 0,
                        "error": self.errors[uuid][0],
                    }
                )
            return rows

    def sent_task(self, task_uuid: str) -> dict[str, Any] | None:
        """The task object as the client sent it, from the journal (None if not seen)."""
        with self._lock:
            sent = self.submitted.get(task_uuid)
            return None if sent is None else sent["task"]

    def errors_of(self, task_uuid: str) -> list[dict[str, Any]]:
        """Every distinct Runware error object the server answered naming `task_uuid`."""
        with self._lock:
            return list(self.errors.get(task_uuid, ()))

    # -- reading one entry -------------------------------------------------------------------

    def _take(self, entry: dict[str, Any]) -> None:
        kind = entry.get("kind")
        named: set[str] = set()
        if kind in ("request", "frame_in"):
            payload = entry.get("body") if kind == "request" else entry.get("data")
            for task in _tasks_in(payload):
                uuid = task.get("taskUUID")
                if not isinstance(uuid, str):
                    continue
                named.add(uuid)
                task_type = task.get("taskType")
                if task_type not in CONTROL_TASK_TYPES and uuid not in self.submitted:
                    self.submitted[uuid] = {
                        "task": task,
                        "time": entry["time"],
                        "seq": entry["seq"],
                    }
        elif kind in ("response", "frame_out"):
            payload = entry.get("body") if kind == "response" else entry.get("data")
            if isinstance(payload, dict):
                for item in _dicts(payload.get("data")):
                    if isinstance(item.get("taskUUID"), str):
                        named.add(item["taskUUID"])
                for error in _dicts(payload.get("errors")):
                    uuid = error.get("taskUUID")
                    if isinstance(uuid, str):
                        named.add(uuid)
                        seen = self.errors.setdefault(uuid, [])
                        if error not in seen:
                            seen.append(error)
        elif kind == "scenario" and isinstance(entry.get("taskUUID"), str):
            named.add(entry["taskUUID"])
        elif isinstance(entry.get("task_uuid"), str):
            named.add(entry["task_uuid"])
        for uuid in named:
            self.by_task.setdefault(uuid, []).append(entry)
            self._order.append((entry["seq"], uuid))


def task_rows(records: Iterable[TaskRecord], index: JournalIndex) -> list[dict[str, Any]]:
    """Rows of every task, newest first: the engine's tasks plus rejected submissions."""
    rows = [task_row(record) for record in records]
    rows += index.rejected({row["taskUUID"] for row in rows})
    rows.sort(key=lambda row: row["created_at"] or 0, reverse=True)
    return rows


def timeline_events(task_uuid: str, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What happened to a task, one event per journal entry: ``{seq, time, kind, label,
    status?, detail}`` where label is ``submit``, ``poll``, ``details``, ``answer``,
    ``webhook``, ``upload`` or ``scenario`` and detail is the part of the entry about it."""
    events = []
    for entry in entries:
        kind = entry["kind"]
        event: dict[str, Any] = {"seq": entry["seq"], "time": entry["time"], "kind": kind}
        if kind in ("request", "frame_in"):
            payload = entry.get("body") if kind == "request" else entry.get("data")
            mine = [t for t in _tasks_in(payload) if t.get("taskUUID") == task_uuid]
            task_type = mine[0].get("taskType") if mine else None
            event["label"] = {"getResponse": "poll", "getTaskDetails": "details"}.get(
                str(task_type), "submit"
            )
            event["transport"] = entry.get("transport")
            event["detail"] = mine[0] if mine else payload
        elif kind in ("response", "frame_out"):
            payload = entry.get("body") if kind == "response" else entry.get("data")
            payload = payload if isinstance(payload, dict) else {}
            items = [i for i in _dicts(payload.get("data")) if i.get("taskUUID") == task_uuid]
            errors = [e for e in _dicts(payload.get("errors")) if e.get("taskUUID") == task_uuid]
            event["label"] = "answer"
            event["http_status"] = entry.get("status")
            statuses = [str(i.get("status")) for i in items if i.get("status")]
            event["status"] = "error" if errors else (statuses[0] if statuses else "accepted")
            event["detail"] = {"data": items, "errors": errors}
        elif kind == "scenario":
            event["label"] = "scenario"
            event["detail"] = entry.get("scenario")
        elif kind.endswith("_attempt"):
            event["label"] = kind.removesuffix("_attempt")
            event["status"] = entry.get("outcome")
            event["detail"] = {
                k: entry.get(k)
                for k in ("url", "attempt", "sent", "status", "error", "outcome", "retry_in")
            }
        else:
            event["label"] = kind
            event["detail"] = {k: v for k, v in entry.items() if k not in ("seq", "time")}
        events.append(event)
    return events


def spend_by_key(records: Iterable[TaskRecord]) -> list[dict[str, Any]]:
    """``[{key, tasks, succeeded, failed, cost}]`` per masked API key, highest cost first."""
    table: dict[str, dict[str, Any]] = {}
    for record in records:
        key = mask_key(record.api_key) or "?"
        row = table.setdefault(
            key, {"key": key, "tasks": 0, "succeeded": 0, "failed": 0, "cost": 0}
        )
        row["tasks"] += 1
        row["succeeded"] += record.status == "success"
        row["failed"] += record.status == "error"
        cost = task_cost(record)
        if cost is not None:
            row["cost"] = round(row["cost"] + cost, 6)
    return sorted(table.values(), key=lambda row: (-row["cost"], row["key"]))


def model_rows(contract: Contract, root: str = "") -> list[dict[str, Any]]:
    """Every loaded model: ``{air, title, taskType, source_kind, source, origin, parameters,
    links}``. ``source_kind`` is ``page`` (a model doc page), ``official schema`` (Runware's
    OpenAPI document or schema service reply) or ``user directory`` (a contract directory
    given with --contract / RUNWARE_TESTKIT_CONTRACTS; see `contract.py`)."""
    rows = []
    for air, model in sorted(contract.models.items()):
        if model.origin != SHIPPED:
            kind = "user directory"
        elif model.source_format in ("openapi", "schema-service"):
            kind = "official schema"
        else:
            kind = "page"
        rows.append(
            {
                "air": air,
                "title": model.title,
                "taskType": model.task_type,
                "source_kind": kind,
                "source": model.source,
                "source_format": model.source_format,
                "origin": model.origin,
                "documentation": model.documentation,
                "parameters": model.parameter_paths(),
                "links": {
                    "request schema": f"{root}/resolve/{air}",
                    "OpenAPI": f"{root}/docs/models/{model.slug}/schema.json",
                },
            }
        )
    return rows


def _tasks_in(payload: Any) -> list[dict[str, Any]]:
    if isinstance(payload, dict):
        payload = [payload]
    return [
        task
        for task in _dicts(payload)
        if not is_one_of(task.get("taskType"), _SESSION_TASK_TYPES) or "taskUUID" in task
    ]


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
