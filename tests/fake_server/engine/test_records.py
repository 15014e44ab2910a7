"""Task records: a deep copy shares nothing mutable with the original."""

from __future__ import annotations

import copy
import dataclasses

from runware_testkit.fake_server.engine.records import ScheduledFailure, TaskRecord


def rich_record() -> TaskRecord:
    """A record with every mutable field filled, nested."""
    return TaskRecord(
        task_uuid="t-1",
        task_type="videoInference",
        model="runway:2@1",
        request={"inputs": {"video": "v", "references": [{"image": "i"}]}, "seed": 3},
        api_key="k",
        created_at=1.5,
        progression="polls:2",
        results=[{"videoUUID": "m-1", "extra": [1, {"a": 2}]}],
        error={"code": "c", "message": "m"},
        facts={"duration": 5.0, "size": (640, 360), "tags": {"x"}},
        scheduled_failure=ScheduledFailure("insufficientCredits", "no", after_polls=1),
    )


def test_deep_copy_is_equal_and_independent():
    original = rich_record()
    clone = copy.deepcopy(original)
    assert clone == original
    assert dataclasses.asdict(clone) == dataclasses.asdict(original)
    clone.request["inputs"]["references"][0]["image"] = "changed"
    clone.results[0]["extra"][1]["a"] = 99
    clone.error["code"] = "other"
    clone.facts["tags"].add("y")
    clone.scheduled_failure.after_polls = 5
    assert original == rich_record()


def test_deep_copy_keeps_optional_fields_empty():
    original = TaskRecord("t-2", "videoInference", None, {}, "k", 0.0, "immediate")
    clone = copy.deepcopy(original)
    assert clone == original
    assert clone.scheduled_failure is None and clone.error is None
    clone.results.append({"x": 1})
    assert original.results == []
