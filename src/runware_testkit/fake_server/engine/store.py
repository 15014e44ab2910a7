"""Where the engine keeps tasks and media: in memory, or in an SQLite file that survives restarts.

Every store hands out copies: changing a record returned by a store changes nothing until it
is written back with `put_task` / `put_media`. Listings keep first-insertion order.
"""

from __future__ import annotations

import copy
import itertools
import json
import pickle
import re
import sqlite3
import threading
import zlib
from collections import Counter
from collections.abc import Iterable
from os import PathLike
from typing import Protocol

import orjson

from ..engine.records import (
    MediaRecord,
    TaskRecord,
    pack_media,
    pack_task,
    unpack_media,
    unpack_task,
)

__all__ = ["MemoryStore", "SQLiteStore", "Store"]


class Store(Protocol):
    """Persistence for `TaskRecord` and `MediaRecord` objects."""

    def add_task(self, record: TaskRecord) -> bool:
        """Insert a new task; return False (and change nothing) if its UUID is taken."""
        ...

    def put_task(self, record: TaskRecord, *, media: Iterable[MediaRecord] = ()) -> None:
        """Insert or replace a task, and write `media` with it in the same transaction."""
        ...

    def get_task(self, task_uuid: str) -> TaskRecord | None:
        """Return the task, or None."""
        ...

    def list_tasks(
        self,
        *,
        api_key: str | None = None,
        status: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[TaskRecord]:
        """Return the tasks in insertion order, optionally only those of one API key and/or
        one status, skipping the first `offset` matches and returning at most `limit`."""
        ...

    def count_tasks(self, *, api_key: str | None = None, status: str | None = None) -> int:
        """How many tasks `list_tasks` would return, without reading them."""
        ...

    def put_media(self, record: MediaRecord) -> None:
        """Insert or replace a media record."""
        ...

    def get_media(self, media_uuid: str) -> MediaRecord | None:
        """Return the media record (deleted ones included), or None."""
        ...

    def list_media(self, *, task_uuid: str | None = None) -> list[MediaRecord]:
        """Return the media records, optionally only those of one task."""
        ...

    def clear(self) -> None:
        """Remove every task and media record."""
        ...

    def close(self) -> None:
        """Release resources; the store must not be used afterwards."""
        ...


class MemoryStore:
    """A store held in process memory; thread-safe.

    Records are kept packed (`records.pack_task` / `records.pack_media`: one `marshal` tuple
    each), never as live objects, so every read builds a fresh copy and every write takes one
    at C speed. A finished task is also compressed with zlib against the first finished task
    stored (its bytes are the preset dictionary): records of one server share most of their
    keys and values, so a finished video task takes about 100 bytes instead of 450. A record
    holding a value `marshal` cannot write is kept pickled, or as a deep copy if even that fails.

    Task UUIDs are also indexed by status (each index maps UUID -> API key), and counted per
    (API key, status), so counting a key's processing tasks (which every submit does to
    enforce the open-task cap) costs nothing, and listing them costs the number of open tasks,
    not of all tasks. Each packed task starts with its insertion number (4 bytes), which keeps
    the status indexes in insertion order without another table.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tasks: dict[str, bytes] = {}
        self._by_status: dict[str, dict[str, str]] = {}
        self._per_key: Counter[tuple[str | None, str]] = Counter()
        self._unsorted: set[str] = set()
        self._added = 0
        self._media: dict[str, bytes] = {}
        self._objects: dict[str, object] = {}
        """Deep copies of the rare records neither marshal nor pickle can write, by key."""
        self._zdict: bytes | None = None
        self._keys: dict[str, str] = {}
        """One string object per API key, shared by every index entry."""

    # -- packing ------------------------------------------------------------------------

    def _pack_task(self, record: TaskRecord, number: int) -> bytes:
        head = number.to_bytes(4, "little")
        try:
            body = pack_task(record)
        except ValueError:
            return head + _pickled_or_kept(self._objects, "t" + record.task_uuid, record)
        if record.status == "processing":
            return head + _MARSHAL + body
        if self._zdict is None:
            self._zdict = body
        packer = zlib.compressobj(1, zdict=self._zdict)
        return head + _ZLIB + packer.compress(body) + packer.flush()

    def _unpack_task(self, task_uuid: str, data: bytes) -> TaskRecord:
        tag, body = data[4:5], memoryview(data)[5:]
        if tag == _MARSHAL:
            return unpack_task(task_uuid, body)
        if tag == _ZLIB:
            assert self._zdict is not None
            return unpack_task(task_uuid, zlib.decompressobj(zdict=self._zdict).decompress(body))
        return _unpickled_or_copied(self._objects, "t" + task_uuid, tag, body)

    def _pack_media(self, record: MediaRecord) -> bytes:
        try:
            return _MARSHAL + pack_media(record)
        except ValueError:
            return _pickled_or_kept(self._objects, "m" + record.media_uuid, record)

    def _unpack_media(self, media_uuid: str, data: bytes) -> MediaRecord:
        tag, body = data[:1], memoryview(data)[1:]
        if tag == _MARSHAL:
            return unpack_media(media_uuid, body)
        return _unpickled_or_copied(self._objects, "m" + media_uuid, tag, body)

    # -- tasks --------------------------------------------------------------------------

    def _index(self, record: TaskRecord) -> None:
        """Store `record` packed and move its UUID to its status's index."""
        task_uuid, status = record.task_uuid, record.status
        api_key = self._keys.setdefault(record.api_key, record.api_key)
        old = self._tasks.get(task_uuid)
        if old is None:
            number = self._added
            self._added += 1
        else:
            number = int.from_bytes(old[:4], "little")
            for old_status, index in self._by_status.items():
                old_key = index.get(task_uuid)
                if old_key is not None:
                    self._per_key[old_key, old_status] -= 1
                    if old_status != status:
                        del index[task_uuid]
                    break
        self._per_key[api_key, status] += 1
        self._tasks[task_uuid] = self._pack_task(record, number)
        index = self._by_status.setdefault(status, {})
        if task_uuid not in index:
            last = next(reversed(index), None)
            if last is not None and number < self._number(last):
                self._unsorted.add(status)
        index[task_uuid] = api_key

    def _number(self, task_uuid: str) -> int:
        return int.from_bytes(self._tasks[task_uuid][:4], "little")

    def add_task(self, record: TaskRecord) -> bool:
        """Insert a new task; return False if its UUID is taken."""
        with self._lock:
            if record.task_uuid in self._tasks:
                return False
            self._index(record)
            return True

    def put_task(self, record: TaskRecord, *, media: Iterable[MediaRecord] = ()) -> None:
        """Insert or replace a task together with `media`."""
        with self._lock:
            self._index(record)
            for item in media:
                self._media[item.media_uuid] = self._pack_media(item)

    def get_task(self, task_uuid: str) -> TaskRecord | None:
        """Return a copy of the task, or None."""
        with self._lock:
            data = self._tasks.get(task_uuid)
            return self._unpack_task(task_uuid, data) if data is not None else None

    def list_tasks(
        self,
        *,
        api_key: str | None = None,
        status: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[TaskRecord]:
        """Return copies of the matching tasks (in insertion order), from the `offset`-th
        match, at most `limit` of them."""
        with self._lock:
            if status is None:
                if api_key is None:
                    candidates: Iterable[str] = self._tasks
                else:
                    keys = {u: k for index in self._by_status.values() for u, k in index.items()}
                    candidates = (u for u in self._tasks if keys.get(u) == api_key)
            else:
                index = self._status_index(status)
                candidates = (u for u, k in index.items() if api_key is None or k == api_key)
            stop = None if limit is None else offset + limit
            tasks = self._tasks
            return [
                self._unpack_task(task_uuid, tasks[task_uuid])
                for task_uuid in itertools.islice(candidates, offset, stop)
            ]

    def _status_index(self, status: str) -> dict[str, str]:
        """UUID -> API key of the tasks in `status`, in insertion order (re-sorted only after
        a task older than the last one entered the status, e.g. finishing out of order)."""
        index = self._by_status.get(status, {})
        if status in self._unsorted:
            index = {u: index[u] for u in sorted(index, key=self._number)}
            self._by_status[status] = index
            self._unsorted.discard(status)
        return index

    def count_tasks(self, *, api_key: str | None = None, status: str | None = None) -> int:
        """How many tasks match, without reading them."""
        with self._lock:
            if api_key is None:
                return len(self._tasks if status is None else self._by_status.get(status, {}))
            if status is not None:
                return self._per_key[api_key, status]
            return sum(n for (key, _), n in self._per_key.items() if key == api_key)

    # -- media --------------------------------------------------------------------------

    def put_media(self, record: MediaRecord) -> None:
        """Insert or replace a media record."""
        with self._lock:
            self._media[record.media_uuid] = self._pack_media(record)

    def get_media(self, media_uuid: str) -> MediaRecord | None:
        """Return a copy of the media record, or None."""
        with self._lock:
            data = self._media.get(media_uuid)
            return self._unpack_media(media_uuid, data) if data is not None else None

    def list_media(self, *, task_uuid: str | None = None) -> list[MediaRecord]:
        """Return copies of the matching media records."""
        with self._lock:
            records = (self._unpack_media(u, data) for u, data in self._media.items())
            return [r for r in records if task_uuid is None or r.task_uuid == task_uuid]

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._tasks.clear()
            self._by_status.clear()
            self._per_key.clear()
            self._unsorted.clear()
            self._media.clear()
            self._objects.clear()
            self._keys.clear()
            self._zdict = None

    def close(self) -> None:
        """Nothing to release."""

    def __repr__(self) -> str:
        return f"MemoryStore(tasks={len(self._tasks)}, media={len(self._media)})"


_MARSHAL, _ZLIB, _PICKLE, _KEPT = b"m", b"z", b"p", b"k"
"""What follows the tag byte of a packed record: marshal, zlib'd marshal, a pickle, nothing
(the record is a deep copy in `MemoryStore._objects`)."""


def _pickled_or_kept(objects: dict[str, object], key: str, record: object) -> bytes:
    objects.pop(key, None)
    try:
        return _PICKLE + pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        objects[key] = copy.deepcopy(record)
        return _KEPT


def _unpickled_or_copied(objects: dict[str, object], key: str, tag: bytes, body: memoryview):
    if tag == _PICKLE:
        return pickle.loads(body)
    return copy.deepcopy(objects[key])


_SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    task_uuid  TEXT NOT NULL UNIQUE,
    api_key    TEXT NOT NULL,
    status     TEXT NOT NULL,
    created_at REAL NOT NULL,
    record     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_by_key_status ON tasks (api_key, status);
CREATE INDEX IF NOT EXISTS tasks_by_status ON tasks (status);
CREATE TABLE IF NOT EXISTS media (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    media_uuid TEXT NOT NULL UNIQUE,
    task_uuid  TEXT,
    kind       TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL,
    deleted    INTEGER NOT NULL,
    record     TEXT NOT NULL,
    data       BLOB
);
CREATE INDEX IF NOT EXISTS media_by_task ON media (task_uuid);
"""

_UPSERT_TASK = """
INSERT INTO tasks (task_uuid, api_key, status, created_at, record) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (task_uuid) DO UPDATE SET
    api_key = excluded.api_key, status = excluded.status,
    created_at = excluded.created_at, record = excluded.record
"""
_UPSERT_MEDIA = """
INSERT INTO media (media_uuid, task_uuid, kind, created_at, expires_at, deleted, record, data)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (media_uuid) DO UPDATE SET
    task_uuid = excluded.task_uuid, kind = excluded.kind, created_at = excluded.created_at,
    expires_at = excluded.expires_at, deleted = excluded.deleted, record = excluded.record,
    data = excluded.data
"""


class SQLiteStore:
    """A store in one SQLite file (WAL journal), reopened with all its tasks and media.

    Records are JSON columns; uploaded bytes are a BLOB. Every write is committed before the
    method returns, so whatever the server acknowledged survives the process being killed
    (WAL with ``synchronous=NORMAL`` is durable against process crashes; pass
    ``synchronous="FULL"`` to also survive power loss). One connection, guarded by a lock, may
    be used from any thread.
    """

    def __init__(self, path: str | PathLike[str], *, synchronous: str = "NORMAL") -> None:
        if synchronous.upper() not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
            raise ValueError(f"unknown synchronous mode {synchronous!r}")
        self.path = path
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(
            path, check_same_thread=False, isolation_level=None, timeout=30.0
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(f"PRAGMA synchronous={synchronous.upper()}")
        with self._lock, self._transaction():
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self._conn.execute(statement)
            self._conn.execute(f"PRAGMA user_version={_SCHEMA_VERSION}")

    def add_task(self, record: TaskRecord) -> bool:
        """Insert a new task; return False if its UUID is taken."""
        with self._lock, self._transaction():
            cursor = self._conn.execute(
                "INSERT INTO tasks (task_uuid, api_key, status, created_at, record)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (task_uuid) DO NOTHING",
                _task_row(record),
            )
            return cursor.rowcount == 1

    def put_task(self, record: TaskRecord, *, media: Iterable[MediaRecord] = ()) -> None:
        """Insert or replace a task together with `media`, in one transaction."""
        media_rows = [_media_row(item) for item in media]
        with self._lock, self._transaction():
            self._conn.execute(_UPSERT_TASK, _task_row(record))
            self._conn.executemany(_UPSERT_MEDIA, media_rows)

    def get_task(self, task_uuid: str) -> TaskRecord | None:
        """Return the task, or None."""
        with self._lock:
            row = self._conn.execute(
                "SELECT record FROM tasks WHERE task_uuid = ?", (task_uuid,)
            ).fetchone()
        return TaskRecord.from_dict(_loads(row[0])) if row else None

    def list_tasks(
        self,
        *,
        api_key: str | None = None,
        status: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[TaskRecord]:
        """Return the matching tasks in insertion order, from the `offset`-th match, at most
        `limit` of them.

        Only the filters given go into the WHERE clause, so SQLite can use the indexes.
        """
        where, params = _task_filter(api_key, status)
        page = (-1 if limit is None else limit, offset)
        with self._lock:
            rows = self._conn.execute(
                f"SELECT record FROM tasks{where} ORDER BY seq LIMIT ? OFFSET ?", params + page
            ).fetchall()
        return [TaskRecord.from_dict(_loads(row[0])) for row in rows]

    def count_tasks(self, *, api_key: str | None = None, status: str | None = None) -> int:
        """How many tasks match (an index count; no record is decoded)."""
        where, params = _task_filter(api_key, status)
        with self._lock:
            (count,) = self._conn.execute(f"SELECT COUNT(*) FROM tasks{where}", params).fetchone()
        return int(count)

    def put_media(self, record: MediaRecord) -> None:
        """Insert or replace a media record."""
        with self._lock, self._transaction():
            self._conn.execute(_UPSERT_MEDIA, _media_row(record))

    def get_media(self, media_uuid: str) -> MediaRecord | None:
        """Return the media record, or None."""
        with self._lock:
            row = self._conn.execute(
                "SELECT record, data FROM media WHERE media_uuid = ?", (media_uuid,)
            ).fetchone()
        return _media_from_row(row) if row else None

    def list_media(self, *, task_uuid: str | None = None) -> list[MediaRecord]:
        """Return the matching media records in insertion order."""
        query = "SELECT record, data FROM media WHERE (?1 IS NULL OR task_uuid = ?1) ORDER BY seq"
        with self._lock:
            rows = self._conn.execute(query, (task_uuid,)).fetchall()
        return [_media_from_row(row) for row in rows]

    def clear(self) -> None:
        """Delete every task and media row."""
        with self._lock, self._transaction():
            self._conn.execute("DELETE FROM tasks")
            self._conn.execute("DELETE FROM media")

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

    def _transaction(self) -> _Transaction:
        return _Transaction(self._conn)

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back if the block raises."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._conn.execute("ROLLBACK" if exc_type is not None else "COMMIT")


def _task_filter(api_key: str | None, status: str | None) -> tuple[str, tuple[str, ...]]:
    """A WHERE clause holding only the filters given (``?1 IS NULL OR ...`` would keep SQLite
    from using an index), and its parameters."""
    filters = {"api_key": api_key, "status": status}
    given = {column: value for column, value in filters.items() if value is not None}
    if not given:
        return "", ()
    return " WHERE " + " AND ".join(f"{column} = ?" for column in given), tuple(given.values())


def _task_row(record: TaskRecord) -> tuple[object, ...]:
    return (
        record.task_uuid,
        record.api_key,
        record.status,
        record.created_at,
        _dumps(record.to_dict()),
    )


def _media_row(record: MediaRecord) -> tuple[object, ...]:
    return (
        record.media_uuid,
        record.task_uuid,
        record.kind,
        record.created_at,
        record.expires_at,
        int(record.deleted),
        _dumps(record.to_dict()),
        None if record.data is None else sqlite3.Binary(record.data),
    )


_LONG_DIGITS = re.compile(r"[0-9]{19}")


def _dumps(value: dict[str, object]) -> str:
    """A record as compact JSON text: by orjson (several times faster than the json module),
    by ``json.dumps`` for what orjson cannot write (integers past 64 bits)."""
    try:
        return orjson.dumps(value).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(value, separators=(",", ":"))


def _loads(text: str | bytes) -> dict[str, object]:
    """A record's JSON text read back: by orjson unless it holds a run of 19 digits or more
    (orjson reads an integer past 64 bits as a float)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    if _LONG_DIGITS.search(text):
        return json.loads(text)
    return orjson.loads(text)


def _media_from_row(row: tuple[str, bytes | None]) -> MediaRecord:
    blob = None if row[1] is None else bytes(row[1])
    return MediaRecord.from_dict(_loads(row[0]), blob=blob)
