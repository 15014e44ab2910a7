"""MemoryStore's status index: listings by status stay right and do not scan finished tasks."""

from __future__ import annotations

import time

from runware_testkit.fake_server.store import MemoryStore
from runware_testkit.fake_server.tasks import TaskRecord


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


def test_status_listings_follow_every_transition_in_insertion_order():
    store = MemoryStore()
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


def best_listing_seconds(store: MemoryStore, repeats: int = 7) -> float:
    """The fastest of several ``list_tasks(status="processing")`` calls."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        store.list_tasks(api_key="k", status="processing")
        best = min(best, time.perf_counter() - start)
    return best


def test_listing_open_tasks_does_not_scan_finished_ones():
    """Every submit lists the key's open tasks; with many finished tasks kept (a long test
    session, a server filled for a benchmark) that listing must not grow with them."""
    small, large = MemoryStore(), MemoryStore()
    for store in (small, large):
        store.add_task(record("open"))
    for n in range(40_000):
        large.add_task(record(f"done-{n}", status="success"))
    assert uuids(large.list_tasks(api_key="k", status="processing")) == ["open"]
    # Scanning 40,000 records costs milliseconds, listing one open task microseconds: a
    # generous bound that only a scan of the finished tasks breaks.
    assert best_listing_seconds(large) < 20 * best_listing_seconds(small) + 0.0005
