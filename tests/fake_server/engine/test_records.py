"""Task records: a deep copy shares nothing mutable with the original."""

from __future__ import annotations

import copy
import dataclasses

from runware_testkit.fake_server.engine.records import (
    OutputPlan,
    PollEffects,
    ScheduledFailure,
    TaskFacts,
    TaskRecord,
)


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
        facts=TaskFacts(
            source_duration=5.0,
            poll_effects=PollEffects(latency_ms=3),
            output=OutputPlan("video", "mp4", 640, 360, 95, duration=5.0, prepared=["m-1"]),
        ),
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
    clone.facts.output.prepared.append("m-2")
    clone.facts.poll_effects.latency_ms = 9
    clone.facts.source_duration = 1.0
    clone.scheduled_failure.after_polls = 5
    assert original == rich_record()


def test_deep_copy_keeps_optional_fields_empty():
    original = TaskRecord("t-2", "videoInference", None, {}, "k", 0.0, "immediate")
    clone = copy.deepcopy(original)
    assert clone == original
    assert clone.scheduled_failure is None and clone.error is None
    clone.results.append({"x": 1})
    assert original.results == []


def test_facts_round_trip_through_dicts_and_drop_unset_values():
    facts = TaskFacts(
        source_width=640,
        nsfw=True,
        output=OutputPlan("image", "webp", 32, 32, 80, output_type="dataURI", seed=False),
    )
    data = facts.to_dict()
    assert "source_duration" not in data and "poll_effects" not in data
    assert TaskFacts.from_dict(data) == facts
    record = rich_record()
    assert TaskRecord.from_dict(record.to_dict()) == record


def test_loose_facts_of_older_records_are_read():
    facts = TaskFacts.from_dict({"source_duration": 3.0, "nsfw": True, "someday": "x"})
    assert facts == TaskFacts(source_duration=3.0, nsfw=True)
    assert TaskFacts.from_dict(None) == TaskFacts()


def test_a_packed_task_comes_back_with_every_field_it_had() -> None:
    """Every field of a record, its facts, poll effects and output plan survives packing; a
    field added to one of them and left out of `pack_task` fails here."""
    import dataclasses

    from runware_testkit.fake_server.engine.records import (
        OutputPlan,
        PollEffects,
        ScheduledFailure,
        TaskFacts,
        TaskRecord,
        pack_task,
        unpack_task,
    )

    def non_default(cls: type, **given: object) -> object:
        values: dict[str, object] = {}
        for f in dataclasses.fields(cls):
            if f.name in given:
                values[f.name] = given[f.name]
            elif f.type in ("bool", bool):
                values[f.name] = True
            elif "int" in str(f.type):
                values[f.name] = 7
            elif "float" in str(f.type):
                values[f.name] = 2.5
            elif "str" in str(f.type):
                values[f.name] = f"{f.name}-value"
        return cls(**values)

    effects = non_default(PollEffects)
    assert all(dataclasses.astuple(effects))
    plan = non_default(OutputPlan, kind="video", format="mp4", prepared=["a", "b"], seed=False)
    facts = non_default(TaskFacts, poll_effects=effects, output=plan)
    record = TaskRecord(
        task_uuid="0b1f3c1e-5c8e-4d2a-9f57-3f1d2b9e4c11",
        task_type="videoInference",
        model="runway:2@1",
        request={"taskType": "videoInference", "numberResults": 2},
        api_key="key",
        created_at=1.5,
        progression="polls:2",
        polls=3,
        status="success",
        progress=100,
        results=[{"videoURL": "http://127.0.0.1/x.mp4"}],
        error={"code": "x"},
        facts=facts,
        finished_at=9.5,
        scheduled_failure=ScheduledFailure("timeout", "late", 2),
    )
    for f in dataclasses.fields(TaskFacts):
        assert getattr(facts, f.name) not in (None, 0, False), f.name
    assert unpack_task(record.task_uuid, pack_task(record)) == record
