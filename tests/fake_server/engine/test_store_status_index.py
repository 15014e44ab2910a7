"""Listing tasks by status (every submit lists the key's open tasks): the listings stay right,
and neither store scans every finished task to answer them."""

from __future__ import annotations

import re

import pytest

from runware_testkit.fake_server.engine.records import TaskRecord
from runware_testkit.fake_server.engine.store import MemoryStore, SQLiteStore


def record(uuid: str, api_key: str = "k", status: str = "processing") -> TaskRecord:
    """A minimal task record."""
    return TaskRecord(
        task_uuid=uuid,
        task_type="videoInference",
        model="runway:2@1",
        request={"taskType": "videoInference", "taskUUID": uuid},
        api_key=api_key,
        created_at=1_700_000_000.0,
        progression="immediate",
        status=status,  # type: ignore[arg-type]
    )


def uuids(records: list[TaskRecord]) -> list[str]:
    """The task UUIDs, in order."""
    return [r.task_uuid for r in records]


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    """A fresh store of each kind."""
    made = MemoryStore() if request.param == "memory" else SQLiteStore(tmp_path / "s.sqlite3")
    yield made
    made.close()


def test_status_listings_follow_every_transition_in_insertion_order(store):
    for name in ("a", "b", "c", "d"):
        assert store.add_task(record(name, api_key="k1" if name in "ab" else "k2"))
    store.put_task(record("b", api_key="k1", status="success"))
    store.put_task(record("d", api_key="k2", status="error"))
    store.put_task(record("e", api_key="k1"))  # put without add: a new processing task
    store.put_task(record("a", api_key="k1"))  # rewritten, still processing
    assert uuids(store.list_tasks(status="processing")) == ["a", "c", "e"]
    assert uuids(store.list_tasks(status="processing", api_key="k1")) == ["a", "e"]
    assert uuids(store.list_tasks(status="success")) == ["b"]
    assert uuids(store.list_tasks(status="error", api_key="k1")) == []
    assert uuids(store.list_tasks()) == ["a", "b", "c", "d", "e"]
    store.put_task(record("c", api_key="k2", status="success"))
    assert uuids(store.list_tasks(status="success")) == ["b", "c"]
    assert uuids(store.list_tasks(status="processing")) == ["a", "e"]
    store.clear()
    assert store.list_tasks(status="processing") == []
    assert store.add_task(record("b"))
    assert uuids(store.list_tasks(status="processing")) == ["b"]


class NoScanDict(dict):
    """A task table that fails the test when anything walks all of it."""

    def _scanned(self, *args: object) -> None:
        raise AssertionError("the store walked every task")

    __iter__ = values = items = keys = _scanned  # type: ignore[assignment]


def test_open_tasks_are_listed_and_counted_without_walking_finished_ones():
    """Every submit counts (and at the cap lists) the key's open tasks; with many finished
    tasks kept (a long test session, a server filled for a benchmark) neither may walk them."""
    store = MemoryStore()
    store.add_task(record("open"))
    for n in range(1_000):
        store.add_task(record(f"done-{n}", status="success"))
    store._tasks = NoScanDict(store._tasks)
    assert uuids(store.list_tasks(api_key="k", status="processing")) == ["open"]
    assert store.count_tasks(api_key="k", status="processing") == 1
    assert store.count_tasks(status="success") == 1_000
    assert store.count_tasks(api_key="other", status="processing") == 0
    with pytest.raises(AssertionError, match="walked every task"):
        store.list_tasks(api_key="k")


@pytest.mark.parametrize(
    "filters", [{"api_key": "k", "status": "processing"}, {"status": "processing"}]
)
def test_sqlite_listings_by_status_use_an_index(tmp_path, filters):
    """The statements list_tasks and count_tasks run are index searches, never a table scan."""
    store = SQLiteStore(tmp_path / "s.sqlite3")
    statements: list[str] = []
    try:
        store.add_task(record("open"))
        store._conn.set_trace_callback(statements.append)
        assert uuids(store.list_tasks(**filters)) == ["open"]
        assert store.count_tasks(**filters) == 1
        store._conn.set_trace_callback(None)
        selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert len(selects) == 2
        for statement in selects:
            plan = store._conn.execute(f"EXPLAIN QUERY PLAN {statement}").fetchall()
            details = " / ".join(row[-1] for row in plan)
            assert re.search(r"SEARCH tasks USING (COVERING )?INDEX", details), details
            assert "SCAN tasks" not in details, details
    finally:
        store.close()


def test_tasks_finishing_out_of_order_are_listed_in_insertion_order(store):
    for name in ("a", "b", "c", "d"):
        store.add_task(record(name))
    for name in ("d", "b", "c"):
        store.put_task(record(name, status="success"))
    assert uuids(store.list_tasks(status="success")) == ["b", "c", "d"]
    assert uuids(store.list_tasks(status="success", offset=1, limit=1)) == ["c"]
    store.put_task(record("a", status="success"))
    assert uuids(store.list_tasks(status="success")) == ["a", "b", "c", "d"]
    assert uuids(store.list_tasks(status="processing")) == []
