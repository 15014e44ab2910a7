import json
import sqlite3
import subprocess
import sys
import textwrap
import threading

import pytest

from runware_testkit.fake_server.engine.clock import ManualClock
from runware_testkit.fake_server.engine.engine import Engine
from runware_testkit.fake_server.engine.ids import IdSource
from runware_testkit.fake_server.engine.records import (
    MediaRecord,
    OutputPlan,
    PollEffects,
    ScheduledFailure,
    TaskFacts,
    TaskRecord,
)
from runware_testkit.fake_server.engine.store import MemoryStore, SQLiteStore
from runware_testkit.fake_server.handlers.registry import result_builders


def task(uuid="t-1", api_key="k", status="processing", **extra):
    return TaskRecord(
        task_uuid=uuid,
        task_type="videoInference",
        model="runway:2@1",
        request={"taskType": "videoInference", "taskUUID": uuid, "inputs": {"video": "v"}},
        api_key=api_key,
        created_at=1_700_000_000.5,
        progression="polls:2",
        status=status,
        **extra,
    )


def media(uuid="m-1", task_uuid="t-1", data=None, **extra):
    return MediaRecord(
        media_uuid=uuid,
        task_uuid=task_uuid,
        kind="input" if data is not None else "output",
        format="mp4",
        width=1280,
        height=720,
        quality=95,
        seed=7,
        created_at=1_700_000_001.0,
        data=data,
        **extra,
    )


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    made = MemoryStore() if request.param == "memory" else SQLiteStore(tmp_path / "state.sqlite3")
    yield made
    made.close()


def test_add_task_inserts_once(store):
    assert store.add_task(task()) is True
    assert store.add_task(task(api_key="other")) is False
    assert store.get_task("t-1").api_key == "k"


def test_get_task_round_trips_every_field(store):
    record = task(
        polls=3,
        progress=75,
        facts=TaskFacts(
            source_duration=4.0,
            nsfw=True,
            poll_effects=PollEffects(latency_ms=20),
            output=OutputPlan("image", "png", 64, 48, 90, unit_cost=0.01, prepared=["m-1"]),
        ),
        scheduled_failure=ScheduledFailure("inferenceError", "boom", 2),
    )
    store.add_task(record)
    assert store.get_task("t-1") == record
    assert store.get_task("missing") is None


def test_finished_task_round_trips(store):
    record = task(
        status="success",
        results=[{"taskUUID": "t-1", "videoUUID": "v", "seed": 1, "NSFWContent": False}],
        finished_at=1_700_000_009.0,
    )
    failed = task("t-2", status="error", error={"code": "timeout", "message": "slow"})
    store.put_task(record)
    store.put_task(failed)
    assert store.get_task("t-1") == record
    assert store.get_task("t-2") == failed


def test_put_task_replaces_and_keeps_insertion_order(store):
    for name in ("a", "b", "c"):
        store.add_task(task(name))
    updated = task("a", polls=5)
    store.put_task(updated)
    assert [r.task_uuid for r in store.list_tasks()] == ["a", "b", "c"]
    assert store.get_task("a").polls == 5


def test_list_tasks_filters_by_key_and_status(store):
    store.add_task(task("a", api_key="k1"))
    store.add_task(task("b", api_key="k2"))
    store.add_task(task("c", api_key="k1", status="success"))
    assert [r.task_uuid for r in store.list_tasks(api_key="k1")] == ["a", "c"]
    assert [r.task_uuid for r in store.list_tasks(status="processing")] == ["a", "b"]
    assert [r.task_uuid for r in store.list_tasks(api_key="k1", status="success")] == ["c"]
    assert store.list_tasks(api_key="nobody") == []


def test_count_tasks_matches_list_tasks(store):
    store.add_task(task("t-1"))
    store.add_task(task("t-2", api_key="other"))
    store.add_task(task("t-3", status="success"))

    def agree() -> None:
        for key in (None, "k", "other", "nobody"):
            for status in (None, "processing", "success", "error"):
                listed = store.list_tasks(api_key=key, status=status)
                assert store.count_tasks(api_key=key, status=status) == len(listed)

    agree()
    store.put_task(task("t-1", status="error"))  # a status change moves the counts
    store.put_task(task("t-4", api_key="other"))  # put without add
    store.put_task(task("t-4", api_key="other"))  # rewritten, same status
    agree()
    assert store.count_tasks(api_key="other", status="processing") == 2
    store.clear()
    agree()
    assert store.count_tasks() == 0


def test_list_tasks_pages_in_insertion_order(store):
    for n in range(7):
        store.add_task(task(f"t-{n}", api_key="k" if n % 2 == 0 else "other"))
    store.put_task(task("t-2", status="success"))
    ids = [r.task_uuid for r in store.list_tasks(api_key="k", status="processing")]
    assert ids == ["t-0", "t-4", "t-6"]
    paged = [
        [r.task_uuid for r in store.list_tasks(status="processing", offset=o, limit=2)]
        for o in (0, 2, 4, 6)
    ]
    assert paged == [["t-0", "t-1"], ["t-3", "t-4"], ["t-5", "t-6"], []]
    assert [r.task_uuid for r in store.list_tasks(api_key="k", offset=1)] == ["t-2", "t-4", "t-6"]
    assert store.list_tasks(limit=0) == []


def test_records_handed_out_are_copies(store):
    original = task()
    store.add_task(original)
    original.polls = 99
    fetched = store.get_task("t-1")
    fetched.request["inputs"]["video"] = "changed"
    fetched.facts.nsfw = True
    again = store.get_task("t-1")
    assert again.polls == 0 and again.request["inputs"]["video"] == "v"
    assert again.facts == TaskFacts()
    store.put_media(media())
    store.get_media("m-1").deleted = True
    assert store.get_media("m-1").deleted is False


def test_values_beyond_json_fast_paths_round_trip(store):
    """Integers past 64 bits, non-ASCII text and tuples survive packing and JSON columns."""
    record = task(polls=2**70)
    record.request["seed"] = 2**70
    record.request["positivePrompt"] = "caf\u00e9 \U0001f600"
    store.add_task(record)
    fetched = store.get_task("t-1")
    assert fetched.request == record.request and fetched.polls == 2**70
    finished = task(status="success", results=[{"seed": 2**64 + 1}])
    finished.facts.output = OutputPlan("video", "mp4", 64, 64, 95, prepared=["m-9"])
    store.put_task(finished)
    assert store.get_task("t-1") == finished


def test_memory_store_keeps_records_marshal_cannot_write_as_copies():
    class Opaque:
        def __eq__(self, other):
            return isinstance(other, Opaque)

    store = MemoryStore()
    record = task()
    record.request["extra"] = Opaque()
    store.add_task(record)
    fetched = store.get_task("t-1")
    assert fetched == record and fetched.request["extra"] is not record.request["extra"]


def test_media_round_trips_with_bytes(store):
    blob = bytes(range(256)) * 4
    uploaded = media("m-in", task_uuid=None, data=blob, expires_at=1_700_000_100.0)
    output = media("m-out", duration=4.0)
    store.put_media(uploaded)
    store.put_media(output)
    assert store.get_media("m-in") == uploaded
    assert store.get_media("m-in").data == blob
    assert store.get_media("m-out") == output
    assert store.get_media("missing") is None


def test_put_media_replaces(store):
    store.put_media(media(data=b"abc"))
    store.put_media(media(data=None, deleted=True))
    fetched = store.get_media("m-1")
    assert fetched.deleted is True and fetched.data is None
    assert len(store.list_media()) == 1


def test_put_task_writes_its_media_with_it(store):
    store.put_task(task(status="success"), media=[media("m-1"), media("m-2")])
    store.put_media(media("m-3", task_uuid="other"))
    assert [m.media_uuid for m in store.list_media(task_uuid="t-1")] == ["m-1", "m-2"]
    assert [m.media_uuid for m in store.list_media()] == ["m-1", "m-2", "m-3"]


def test_clear_forgets_everything(store):
    store.add_task(task())
    store.put_media(media())
    store.clear()
    assert store.list_tasks() == [] and store.list_media() == []
    assert store.add_task(task()) is True


def test_engine_runs_on_the_store(store):
    engine = Engine(store, ManualClock(), IdSource(1), results=result_builders())
    record = engine.submit(
        {"taskType": "videoInference", "taskUUID": "u", "model": "runway:2@1"}, api_key="k"
    )
    done = engine.poll(record.task_uuid, api_key="k")
    assert done.status == "success"
    assert store.get_task("u") == done
    assert [m.media_uuid for m in store.list_media()] == [done.results[0]["videoUUID"]]


def test_concurrent_writers_from_threads(store):
    def worker(prefix):
        for i in range(25):
            store.add_task(task(f"{prefix}-{i}"))
            store.put_media(media(f"{prefix}-m{i}", data=b"x"))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.list_tasks()) == 150 and len(store.list_media()) == 150


# -- SQLite only ----------------------------------------------------------------------------


def test_sqlite_uses_wal_and_json_columns(tmp_path):
    path = tmp_path / "state.sqlite3"
    store = SQLiteStore(path)
    store.add_task(task())
    store.put_media(media(data=b"\x00\x01"))
    store.close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        (body,) = conn.execute("SELECT record FROM tasks").fetchone()
        assert json.loads(body)["task_uuid"] == "t-1"
        record, data = conn.execute("SELECT record, data FROM media").fetchone()
        assert "data" not in json.loads(record) and data == b"\x00\x01"
    finally:
        conn.close()


def test_sqlite_rejects_unknown_synchronous_modes(tmp_path):
    with pytest.raises(ValueError):
        SQLiteStore(tmp_path / "x.sqlite3", synchronous="sometimes")


def test_sqlite_reopen_restores_tasks_and_media(tmp_path):
    path = tmp_path / "state.sqlite3"
    clock = ManualClock()
    engine = Engine(SQLiteStore(path), clock, IdSource(4), "polls:1", results=result_builders())
    record = engine.submit(
        {"taskType": "videoInference", "taskUUID": "u", "model": "runway:2@1", "ttl": 60},
        api_key="k",
        facts=TaskFacts(source_duration=3.0),
    )
    engine.poll("u", api_key="k")
    upload = engine.add_media(format="png", data=b"png-bytes")
    engine.close()

    reopened = Engine(SQLiteStore(path), clock, IdSource(4), results=result_builders())
    restored = reopened.peek("u")
    assert (restored.polls, restored.status, restored.facts) == (
        1,
        "processing",
        TaskFacts(source_duration=3.0),
    )
    assert restored.request == record.request
    done = reopened.poll("u", api_key="k")
    assert done.status == "success"
    assert reopened.media(upload.media_uuid).data == b"png-bytes"
    reopened.close()

    third = Engine(SQLiteStore(path), clock, IdSource(99), results=result_builders())
    assert third.poll("u", api_key="k").results == done.results
    video_uuid = done.results[0]["videoUUID"]
    assert third.media(video_uuid).expires_at == done.finished_at + 60
    third.close()


def test_sqlite_keeps_acknowledged_tasks_across_a_kill(tmp_path):
    path = tmp_path / "state.sqlite3"
    script = textwrap.dedent(
        f"""
        import os, signal
        from runware_testkit.fake_server.engine.engine import Engine
        from runware_testkit.fake_server.engine.store import SQLiteStore
        from runware_testkit.fake_server.handlers.registry import result_builders
        engine = Engine(SQLiteStore({str(path)!r}), results=result_builders())
        engine.submit({{"taskType": "videoInference", "taskUUID": "acked"}}, api_key="k")
        engine.add_media(format="mp4", data=b"kept", media_uuid="upload")
        print("acknowledged", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "acknowledged", result.stderr
    assert result.returncode == -9
    store = SQLiteStore(path)
    try:
        assert store.get_task("acked").api_key == "k"
        assert store.get_media("upload").data == b"kept"
    finally:
        store.close()


def test_records_stored_before_typed_facts_are_read(tmp_path):
    """A record an older kit wrote (facts as a loose dict, no output plan) still loads, and
    its finished results still render and their files still serve."""
    path = tmp_path / "old.sqlite3"
    store = SQLiteStore(path)
    store.close()
    old = task(status="success", results=[{"taskUUID": "t-1", "videoUUID": "m-1", "seed": 7}])
    row = old.to_dict()
    row["facts"] = {"source_duration": 2.5, "poll_effects": {"latency_ms": 5}, "legacy": 1}
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "INSERT INTO tasks (task_uuid, api_key, status, created_at, record) VALUES (?,?,?,?,?)",
            ("t-1", "k", "success", 1.0, json.dumps(row)),
        )
    conn.close()
    reopened = SQLiteStore(path)
    loaded = reopened.get_task("t-1")
    reopened.close()
    assert loaded.facts == TaskFacts(source_duration=2.5, poll_effects=PollEffects(latency_ms=5))
    assert loaded.results == old.results


def test_media_stored_without_an_owner_loads_as_shared(tmp_path):
    """A media row an older kit wrote (no ``api_key`` in its record) loads with no owner, and
    every key may use it."""
    path = tmp_path / "old.sqlite3"
    SQLiteStore(path).close()
    row = media(uuid="m-old", data=b"old-bytes").to_dict()
    del row["api_key"]
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "INSERT INTO media (media_uuid, task_uuid, kind, created_at, expires_at, deleted,"
            " record, data) VALUES (?,?,?,?,?,?,?,?)",
            ("m-old", "t-1", "input", 1.0, None, 0, json.dumps(row), b"old-bytes"),
        )
    conn.close()
    reopened = SQLiteStore(path)
    engine = Engine(reopened, ManualClock(2.0), IdSource(1), results=result_builders())
    loaded = engine.media("m-old", api_key="any-key")
    reopened.close()
    assert (loaded.api_key, loaded.data) == (None, b"old-bytes")


def test_media_owner_round_trips(store):
    store.put_media(media(uuid="m-2", data=b"x", api_key="key-a"))
    assert store.get_media("m-2").api_key == "key-a"
