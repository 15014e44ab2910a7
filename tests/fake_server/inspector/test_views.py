"""The journal index behind the Inspector's views."""

from __future__ import annotations

import dataclasses

from runware_testkit.contract import load_contract
from runware_testkit.fake_server.engine.clock import ManualClock
from runware_testkit.fake_server.inspector.views import (
    JournalIndex,
    mask_key,
    model_rows,
    timeline_events,
)
from runware_testkit.fake_server.journal import Journal

A = "aaaaaaaa-0000-4000-8000-000000000001"
B = "bbbbbbbb-0000-4000-8000-000000000002"


def submit(journal: Journal, uuid: str, **fields) -> None:
    task = {"taskType": "videoInference", "taskUUID": uuid, "model": "runway:2@1", **fields}
    journal.record("request", transport="rest", body=[task])


def refuse(journal: Journal, uuid: str, parameter: str) -> None:
    error = {"code": "invalidX", "message": "bad", "parameter": parameter, "taskUUID": uuid}
    journal.record("response", transport="rest", status=400, body={"data": [], "errors": [error]})


def test_a_refused_submission_becomes_a_rejected_row():
    journal = Journal(ManualClock())
    index = JournalIndex(journal)
    submit(journal, A, outputQuality=500)
    refuse(journal, A, "outputQuality")
    submit(journal, B)
    index.refresh()
    [row] = index.rejected(known=set())
    assert (row["taskUUID"], row["status"]) == (A, "rejected")
    assert row["error"]["parameter"] == "outputQuality"
    assert index.rejected(known={A}) == []
    assert index.sent_task(A)["outputQuality"] == 500


def test_websocket_frames_are_read_like_rest():
    journal = Journal(ManualClock())
    index = JournalIndex(journal)
    journal.record("frame_in", transport="websocket", data=[{"taskType": "ping", "ping": True}])
    journal.record(
        "frame_in", transport="websocket", data=[{"taskType": "getResponse", "taskUUID": A}]
    )
    journal.record(
        "frame_out",
        transport="websocket",
        data={"data": [{"taskType": "getResponse", "taskUUID": A, "status": "processing"}]},
    )
    index.refresh()
    events = timeline_events(A, index.entries_of(A))
    assert [(e["label"], e.get("status")) for e in events] == [
        ("poll", None),
        ("answer", "processing"),
    ]
    assert index.sent_task(A) is None


def test_the_index_forgets_what_the_journal_dropped_and_starts_over_on_clear():
    journal = Journal(ManualClock(), max_entries=4)
    index = JournalIndex(journal)
    submit(journal, A)
    refuse(journal, A, "x")
    for _ in range(4):
        submit(journal, B)
    index.refresh()
    assert index.entries_of(A) == [] and index.sent_task(A) is None
    assert len(index.entries_of(B)) == 4
    journal.clear()
    submit(journal, A)
    index.refresh()
    assert index.entries_of(B) == []
    assert len(index.entries_of(A)) == 1


def test_keys_are_masked():
    assert mask_key("rw-testkit-dev-key") == "rw-t..."
    assert mask_key("short") == "***"
    assert mask_key(None) is None


def test_model_rows_name_each_source_kind():
    shipped = load_contract()
    page = shipped.models["runway:2@1"]
    document = shipped.models["bfl:flux@3-image"]
    mine = dataclasses.replace(page, air="acme:video@1", slug="acme-video", origin="/work/c")
    contract = dataclasses.replace(shipped, models={m.air: m for m in (page, document, mine)})
    rows = {row["air"]: row for row in model_rows(contract, "/ns/a")}
    assert rows["runway:2@1"]["source_kind"] == "page"
    assert rows["bfl:flux@3-image"]["source_kind"] == "official schema"
    assert rows["acme:video@1"]["source_kind"] == "user directory"
    assert rows["acme:video@1"]["origin"] == "/work/c"
    assert rows["acme:video@1"]["links"] == {
        "request schema": "/ns/a/resolve/acme:video@1",
        "OpenAPI": "/ns/a/docs/models/acme-video/schema.json",
    }


def test_a_task_type_that_is_a_list_or_an_object_does_not_break_the_index():
    """Such a request is refused by the fake; the Inspector still lists what came after it."""
    journal = Journal(ManualClock())
    index = JournalIndex(journal)
    journal.record("request", transport="rest", body=[{"taskType": {"a": 1}}])
    journal.record("frame_in", transport="websocket", data=[{"taskType": [1]}])
    submit(journal, A, outputQuality=500)
    refuse(journal, A, "outputQuality")
    index.refresh()
    assert [row["taskUUID"] for row in index.rejected(known=set())] == [A]
