import threading

import pytest

from runware_testkit.fake_server.engine.clock import ManualClock
from runware_testkit.fake_server.journal import KINDS, Journal


@pytest.fixture
def clock():
    return ManualClock(1000.0)


def test_record_stamps_seq_time_and_kind(clock):
    journal = Journal(clock)
    first = journal.record("request", method="POST", path="/v1")
    clock.advance(2.5)
    second = journal.record("response", status=200)
    assert first == {"kind": "request", "seq": 1, "time": 1000.0, "method": "POST", "path": "/v1"}
    assert second["seq"] == 2
    assert second["time"] == 1002.5
    assert journal.last_seq == 2
    assert len(journal) == 2


def test_entries_filter_by_kind_and_since(clock):
    journal = Journal(clock)
    for index in range(3):
        journal.record("frame_in", index=index)
        journal.record("frame_out", index=index)
    assert [e["index"] for e in journal.entries("frame_in")] == [0, 1, 2]
    assert [e["seq"] for e in journal.entries(since=4)] == [5, 6]
    assert [e["seq"] for e in journal.entries("frame_out", since=2)] == [4, 6]
    assert journal.entries("webhook_attempt") == []


def test_entries_are_copies(clock):
    journal = Journal(clock)
    returned = journal.record("request", body={"a": [1]})
    returned["body"]["a"].append(2)
    journal.entries()[0]["body"]["a"].append(3)
    assert journal.entries()[0]["body"] == {"a": [1]}


def test_bounded_drops_oldest_and_counts(clock):
    journal = Journal(clock, max_entries=3)
    for index in range(5):
        journal.record("request", index=index)
    assert [e["index"] for e in journal.entries()] == [2, 3, 4]
    assert journal.dropped == 2


def test_clear_keeps_sequence_monotonic(clock):
    journal = Journal(clock, max_entries=1)
    journal.record("request")
    journal.record("request")
    assert journal.dropped == 1
    journal.clear()
    assert journal.entries() == []
    assert journal.dropped == 0
    assert journal.kinds() == set()
    assert journal.record("scenario")["seq"] == 3


def test_clears_counts_every_clear(clock):
    journal = Journal(clock)
    assert journal.clears == 0
    journal.clear()
    journal.clear()
    assert journal.clears == 2


def test_reserved_fields_and_bad_kind_are_refused(clock):
    journal = Journal(clock)
    with pytest.raises(ValueError, match="seq"):
        journal.record("request", seq=5)
    with pytest.raises(ValueError, match="kind"):
        journal.record("")
    with pytest.raises(ValueError, match="max_entries"):
        Journal(clock, max_entries=0)
    with pytest.raises(TypeError):
        journal.entries(since="3")


def test_kinds_lists_recorded_kinds(clock):
    journal = Journal(clock)
    journal.record("upload_attempt")
    journal.record("custom")
    assert journal.kinds() == {"upload_attempt", "custom"}
    assert "webhook_attempt" in KINDS


def test_thread_safe_sequence(clock):
    journal = Journal(clock, max_entries=100_000)

    def write():
        for _ in range(500):
            journal.record("frame_in")

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seqs = [e["seq"] for e in journal.entries()]
    assert seqs == list(range(1, 4001))


def test_default_clock_is_wall_clock():
    entry = Journal().record("request")
    assert entry["time"] > 1_600_000_000
