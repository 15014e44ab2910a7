import threading
import uuid

import pytest

from runware_testkit.fake_server.engine.clock import ManualClock
from runware_testkit.fake_server.engine.engine import Engine, ResultDraw
from runware_testkit.fake_server.engine.errors import (
    DuplicateTask,
    MediaExpired,
    MediaNotFound,
    TaskFinished,
    TaskNotFound,
    TooManyOpenTasks,
)
from runware_testkit.fake_server.engine.ids import IdSource
from runware_testkit.fake_server.engine.records import (
    MediaRecord,
    OutputPlan,
    ScheduledFailure,
    TaskFacts,
)
from runware_testkit.fake_server.engine.store import MemoryStore
from runware_testkit.fake_server.handlers.registry import result_builders

KEY = "key-a"
BUILDERS = result_builders()
OTHER_KEY = "key-b"
BASE = "http://127.0.0.1:8000/media"


def make_task(**overrides):
    task = {
        "taskType": "videoInference",
        "taskUUID": str(uuid.uuid4()),
        "model": "runway:2@1",
        "positivePrompt": "a red kite over the dunes",
        "inputs": {"video": "https://example.com/in.mp4"},
    }
    task.update(overrides)
    return task


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def finished_events():
    return []


@pytest.fixture
def engine(clock, finished_events):
    return Engine(
        MemoryStore(), clock, IdSource(7), on_finish=finished_events.append, results=BUILDERS
    )


def make_engine(clock, *args, **kwargs):
    """An engine on `clock` running every task type the server runs."""
    return Engine(MemoryStore(), clock, *args, results=BUILDERS, **kwargs)


def submit(engine, **overrides):
    progression = overrides.pop("progression", None)
    facts = overrides.pop("facts", None)
    api_key = overrides.pop("api_key", KEY)
    return engine.submit(
        make_task(**overrides), api_key=api_key, progression=progression, facts=facts
    )


def is_v4(text):
    parsed = uuid.UUID(text)
    return parsed.version == 4 and str(parsed) == text


# -- submission ---------------------------------------------------------------------------


def test_submit_stores_a_processing_task_as_sent(engine, clock):
    task = make_task(seed=12)
    record = engine.submit(task, api_key=KEY)
    task["seed"] = 99
    assert record.status == "processing"
    assert record.polls == 0 and record.progress == 0 and record.results == []
    assert record.created_at == clock.now()
    assert record.task_type == "videoInference" and record.model == "runway:2@1"
    assert record.progression == "immediate"
    stored = engine.store.get_task(record.task_uuid)
    assert stored.request["seed"] == 12


def test_submit_uses_the_default_or_the_given_progression(clock):
    engine = make_engine(clock, IdSource(1), default_progression="polls:2")
    assert submit(engine).progression == "polls:2"
    assert submit(engine, progression=" Time:3.0 ").progression == "time:3"


def test_bad_progression_specs_are_refused(engine):
    with pytest.raises(ValueError, match="progression"):
        submit(engine, progression="soon")
    with pytest.raises(ValueError):
        Engine(default_progression="polls:-1", results=BUILDERS)
    assert engine.all_tasks() == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"taskUUID": None},
        {"taskType": ""},
        {"numberResults": 0},
        {"numberResults": "2"},
        {"taskType": "imageCaption"},
    ],
)
def test_tasks_the_engine_cannot_run_are_refused(engine, overrides):
    with pytest.raises(ValueError):
        engine.submit(make_task(**overrides), api_key=KEY)


def test_duplicate_task_uuid_is_refused_for_any_key(engine):
    first = submit(engine, progression="polls:3")
    for key in (KEY, OTHER_KEY):
        with pytest.raises(DuplicateTask) as caught:
            engine.submit(make_task(taskUUID=first.task_uuid), api_key=key)
        assert caught.value.code == "conflictTaskUUID"
        assert caught.value.task_uuid == first.task_uuid
        assert caught.value.to_error()["taskUUID"] == first.task_uuid
    assert engine.peek(first.task_uuid).api_key == KEY
    assert len(engine.all_tasks()) == 1


def test_duplicate_is_refused_even_after_the_task_finished(engine):
    record = submit(engine)
    engine.poll(record.task_uuid, api_key=KEY)
    with pytest.raises(DuplicateTask):
        engine.submit(make_task(taskUUID=record.task_uuid), api_key=KEY)


def test_max_open_tasks_caps_processing_tasks_per_key(clock):
    engine = make_engine(clock, IdSource(1), "polls:5", max_open_tasks=2)
    first = submit(engine)
    submit(engine)
    with pytest.raises(TooManyOpenTasks) as caught:
        submit(engine)
    assert caught.value.code == "rateLimitExceeded" and caught.value.http_status == 429
    submit(engine, api_key=OTHER_KEY)
    engine.complete(first.task_uuid)
    submit(engine)


class ListingStore(MemoryStore):
    """A memory store that counts how many task records its listings hand out."""

    def __init__(self):
        super().__init__()
        self.listed = 0

    def list_tasks(self, **filters):
        records = super().list_tasks(**filters)
        self.listed += len(records)
        return records


def test_submitting_below_the_cap_reads_no_open_task(clock):
    store = ListingStore()
    engine = Engine(store, clock, IdSource(1), "polls:5", max_open_tasks=50, results=BUILDERS)
    for _ in range(50):
        submit(engine)
    assert store.listed == 0
    with pytest.raises(TooManyOpenTasks):
        submit(engine)
    assert store.listed == 50


def test_at_the_cap_only_the_oldest_tasks_are_finished_to_make_room(clock):
    store = ListingStore()
    engine = Engine(store, clock, IdSource(1), "immediate", max_open_tasks=100, results=BUILDERS)
    first = [submit(engine) for _ in range(100)]
    assert store.count_tasks(status="processing") == 100 and store.listed == 0
    submit(engine)
    assert store.get_task(first[0].task_uuid).status == "success"
    assert {store.get_task(r.task_uuid).status for r in first[1:]} == {"processing"}
    assert store.count_tasks(status="processing") == 100
    assert store.listed == 1  # the oldest task alone, not every open one


def test_refusals_at_the_cap_are_not_rescanned_until_something_changes(clock):
    store = ListingStore()
    engine = Engine(store, clock, IdSource(1), "polls:3", max_open_tasks=20, results=BUILDERS)
    tasks = [submit(engine) for _ in range(20)]
    for _ in range(3):
        with pytest.raises(TooManyOpenTasks):
            submit(engine)
    assert store.listed == 20  # one scan serves every retry
    for _ in range(4):
        engine.poll(tasks[0].task_uuid, api_key=KEY)  # finishes the oldest task
    submit(engine)  # a write happened: scanned again, and there is room
    with pytest.raises(TooManyOpenTasks):
        submit(engine)
    assert store.listed == 40


def test_a_refusal_at_the_cap_ends_when_the_clock_reaches_a_finish(clock):
    store = ListingStore()
    engine = Engine(store, clock, IdSource(1), "time:10", max_open_tasks=5, results=BUILDERS)
    for _ in range(5):
        submit(engine)
        clock.advance(1)
    with pytest.raises(TooManyOpenTasks):
        submit(engine)
    listed = store.listed
    clock.advance(4.9)  # the oldest finishes at 10.0 after its submission: not yet
    with pytest.raises(TooManyOpenTasks):
        submit(engine)
    assert store.listed == listed
    clock.advance(0.1)
    submit(engine)
    assert store.listed > listed


def test_a_held_failure_keeps_a_task_open_until_polled(clock):
    engine = make_engine(clock, IdSource(1), "immediate", max_open_tasks=1)
    failure = ScheduledFailure("insufficientCredits", "no", after_polls=2)
    held = engine.submit(make_task(), api_key=KEY, failure=failure)
    with pytest.raises(TooManyOpenTasks):
        submit(engine)
    with pytest.raises(TooManyOpenTasks):
        submit(engine)
    for _ in range(3):
        engine.poll(held.task_uuid, api_key=KEY)
    assert engine.store.get_task(held.task_uuid).status == "error"
    submit(engine)


def test_finished_immediate_tasks_do_not_count_as_open(clock):
    engine = make_engine(clock, IdSource(1), max_open_tasks=1)
    submit(engine)
    submit(engine)
    assert engine.open_tasks(KEY) == []


def test_tasks_finished_while_counting_are_reported_even_when_refused(engine, finished_events):
    ready = submit(engine)
    engine.max_open_tasks = 0
    with pytest.raises(TooManyOpenTasks):
        submit(engine)
    assert [r.task_uuid for r in finished_events] == [ready.task_uuid]
    assert engine.store.get_task(ready.task_uuid).status == "success"


def test_zero_open_tasks_refuses_everything(clock):
    engine = make_engine(clock, IdSource(1), max_open_tasks=0)
    with pytest.raises(TooManyOpenTasks):
        submit(engine)


# -- lookup ---------------------------------------------------------------------------------


def test_unknown_task_is_not_found(engine):
    with pytest.raises(TaskNotFound) as caught:
        engine.poll("3f1ed7a4-0000-4000-8000-000000000000", api_key=KEY)
    assert caught.value.code == "taskNotFound" and caught.value.http_status == 404
    with pytest.raises(TaskNotFound):
        engine.peek("nope")


def test_another_keys_task_is_hidden_and_not_counted(engine):
    record = submit(engine, progression="polls:1")
    with pytest.raises(TaskNotFound):
        engine.poll(record.task_uuid, api_key=OTHER_KEY)
    assert engine.peek(record.task_uuid).polls == 0
    assert engine.all_tasks(OTHER_KEY) == []


# -- progression ----------------------------------------------------------------------------


def test_immediate_succeeds_on_the_first_poll(engine):
    record = submit(engine)
    polled = engine.poll(record.task_uuid, api_key=KEY)
    assert polled.status == "success" and polled.progress == 100 and polled.polls == 1
    assert len(polled.results) == 1


def test_immediate_is_finished_by_a_peek_too(engine):
    record = submit(engine)
    peeked = engine.peek(record.task_uuid)
    assert peeked.status == "success" and peeked.polls == 0


def test_polls_policy_reports_processing_then_success(engine):
    record = submit(engine, progression="polls:3")
    seen = [engine.poll(record.task_uuid, api_key=KEY) for _ in range(5)]
    assert [r.status for r in seen] == ["processing"] * 3 + ["success"] * 2
    assert [r.progress for r in seen] == [25, 50, 75, 100, 100]
    assert [r.polls for r in seen] == [1, 2, 3, 4, 5]


def test_peek_does_not_count_a_poll(engine):
    record = submit(engine, progression="polls:1")
    for _ in range(3):
        assert engine.peek(record.task_uuid).status == "processing"
    assert engine.poll(record.task_uuid, api_key=KEY).status == "processing"
    assert engine.poll(record.task_uuid, api_key=KEY).status == "success"


def test_time_policy_follows_the_clock_not_the_polls(engine, clock):
    record = submit(engine, progression="time:10")
    first = engine.poll(record.task_uuid, api_key=KEY)
    assert (first.status, first.progress) == ("processing", 0)
    clock.advance(5)
    assert engine.poll(record.task_uuid, api_key=KEY).progress == 50
    clock.advance(4.99)
    assert engine.peek(record.task_uuid).progress == 99
    clock.advance(0.01)
    done = engine.poll(record.task_uuid, api_key=KEY)
    assert done.status == "success" and done.finished_at == clock.now()


def test_poll_counters_are_per_task(engine):
    a = submit(engine, progression="polls:2")
    b = submit(engine, progression="polls:2")
    for _ in range(3):
        engine.poll(a.task_uuid, api_key=KEY)
    assert engine.peek(a.task_uuid).status == "success"
    b_state = engine.poll(b.task_uuid, api_key=KEY)
    assert (b_state.status, b_state.polls) == ("processing", 1)


def test_results_are_built_once_and_stable_across_polls(engine):
    record = submit(engine, numberResults=2)
    first = engine.poll(record.task_uuid, api_key=KEY).results
    again = engine.poll(record.task_uuid, api_key=KEY).results
    assert first == again
    assert len(engine.store.list_media(task_uuid=record.task_uuid)) == 2


def test_settle_finishes_due_tasks_and_reports_each_once(engine, clock, finished_events):
    short = submit(engine, progression="time:5")
    long = submit(engine, progression="time:50")
    counted = submit(engine, progression="polls:1")
    assert engine.settle() == []
    clock.advance(5)
    done = engine.settle()
    assert [r.task_uuid for r in done] == [short.task_uuid]
    assert engine.settle() == []
    assert [r.task_uuid for r in finished_events] == [short.task_uuid]
    assert {r.task_uuid for r in engine.open_tasks()} == {long.task_uuid, counted.task_uuid}


def test_on_finish_hears_about_poll_driven_completion_once(engine, finished_events):
    record = submit(engine, progression="polls:1")
    for _ in range(4):
        engine.poll(record.task_uuid, api_key=KEY)
    assert len(finished_events) == 1
    assert finished_events[0].status == "success" and finished_events[0].results


def test_all_tasks_lists_in_submission_order(engine):
    uuids = [submit(engine, progression="polls:1").task_uuid for _ in range(3)]
    other = submit(engine, api_key=OTHER_KEY)
    assert [r.task_uuid for r in engine.all_tasks()] == [*uuids, other.task_uuid]
    assert [r.task_uuid for r in engine.all_tasks(KEY)] == uuids


# -- forced outcomes ------------------------------------------------------------------------


def test_complete_forces_success_now(engine, finished_events):
    record = submit(engine, progression="polls:10")
    done = engine.complete(record.task_uuid)
    assert done.status == "success" and len(done.results) == 1
    assert engine.poll(record.task_uuid, api_key=KEY).results == done.results
    assert len(finished_events) == 1
    with pytest.raises(TaskFinished):
        engine.complete(record.task_uuid)


def test_fail_forces_an_error_now(engine, finished_events):
    record = submit(engine, progression="polls:10")
    failed = engine.fail(record.task_uuid, "timeoutProvider", "provider took too long")
    assert failed.status == "error" and failed.results == []
    assert failed.error == {"code": "timeoutProvider", "message": "provider took too long"}
    polled = engine.poll(record.task_uuid, api_key=KEY)
    assert polled.status == "error" and polled.error == failed.error
    assert engine.store.list_media(task_uuid=record.task_uuid) == []
    with pytest.raises(TaskFinished) as caught:
        engine.fail(record.task_uuid, "x", "y")
    assert caught.value.status == "error"
    assert len(finished_events) == 1


def test_forcing_an_unknown_task_is_not_found(engine):
    for call in (engine.complete, lambda u: engine.fail(u, "c", "m")):
        with pytest.raises(TaskNotFound):
            call("missing")


def test_scheduled_failure_replaces_success_when_the_task_would_finish(engine):
    record = submit(engine, progression="polls:2")
    engine.schedule_failure(record.task_uuid, "inferenceError", "boom")
    seen = [engine.poll(record.task_uuid, api_key=KEY).status for _ in range(4)]
    assert seen == ["processing", "processing", "error", "error"]
    assert engine.peek(record.task_uuid).error == {"code": "inferenceError", "message": "boom"}


def test_scheduled_failure_after_polls_keeps_an_immediate_task_processing(engine):
    record = submit(engine)
    engine.schedule_failure(record.task_uuid, "timeoutProvider", "late", after_polls=2)
    assert engine.peek(record.task_uuid).status == "processing"
    seen = [engine.poll(record.task_uuid, api_key=KEY) for _ in range(3)]
    assert [r.status for r in seen] == ["processing", "processing", "error"]
    assert all(r.progress <= 99 for r in seen[:2])


def test_scheduled_failure_is_seen_by_readers_that_do_not_poll(engine, clock):
    immediate = submit(engine)
    engine.schedule_failure(immediate.task_uuid, "nsfwContentDetected", "no")
    assert engine.peek(immediate.task_uuid).status == "error"
    timed = submit(engine, progression="time:3")
    engine.schedule_failure(timed.task_uuid, "timeout", "slow")
    clock.advance(3)
    assert [r.task_uuid for r in engine.settle()] == [timed.task_uuid]


def test_failure_can_be_given_at_submission(engine):
    record = engine.submit(
        make_task(), api_key=KEY, failure=ScheduledFailure("inferenceError", "at once")
    )
    assert engine.poll(record.task_uuid, api_key=KEY).status == "error"


def test_complete_wins_over_a_scheduled_failure(engine):
    record = submit(engine, progression="polls:5")
    engine.schedule_failure(record.task_uuid, "inferenceError", "boom")
    assert engine.complete(record.task_uuid).status == "success"


def test_schedule_failure_on_a_finished_task_or_with_bad_polls_is_refused(engine):
    record = submit(engine)
    engine.poll(record.task_uuid, api_key=KEY)
    with pytest.raises(TaskFinished):
        engine.schedule_failure(record.task_uuid, "c", "m")
    with pytest.raises(ValueError):
        engine.schedule_failure(submit(engine).task_uuid, "c", "m", after_polls=-1)
    with pytest.raises(ValueError):
        ScheduledFailure("c", "m", after_polls=True)  # type: ignore[arg-type]


# -- result builders ------------------------------------------------------------------------


def test_the_task_types_builder_makes_the_results_once(clock):
    calls = []

    def build(record, draw):
        calls.append((record.task_uuid, draw.now))
        uuid = draw.media_uuid()
        media = MediaRecord.new(uuid, kind="output", format="png", created_at=draw.now)
        return [{"taskType": record.task_type, "taskUUID": record.task_uuid, "id": uuid}], [media]

    engine = Engine(MemoryStore(), clock, IdSource(1), results={"imageInference": build})
    record = engine.submit(make_task(taskType="imageInference"), api_key=KEY)
    clock.advance(3)
    first = engine.poll(record.task_uuid, api_key=KEY)
    again = engine.poll(record.task_uuid, api_key=KEY)
    assert calls == [(record.task_uuid, clock.now())]
    assert first.results == again.results and first.status == "success"
    (media,) = engine.store.list_media(task_uuid=None)
    assert media.media_uuid == first.results[0]["id"]
    with pytest.raises(ValueError, match="cannot run videoInference"):
        engine.submit(make_task(), api_key=KEY)


def test_drawn_media_uuids_are_fresh(clock):
    seen = []

    def build(record, draw: ResultDraw):
        uuids = [draw.media_uuid() for _ in range(3)]
        seen.extend(uuids)
        media = [
            MediaRecord.new(u, kind="output", format="mp4", created_at=draw.now) for u in uuids
        ]
        assert draw.stored_media(uuids[0]) is None
        return [{"taskUUID": record.task_uuid}], media

    engine = Engine(MemoryStore(), clock, IdSource(3), results={"videoInference": build})
    engine.peek(engine.submit(make_task(), api_key=KEY).task_uuid)
    engine.reseed(3)
    engine.peek(engine.submit(make_task(), api_key=KEY).task_uuid)
    assert len(set(seen)) == 6 and all(is_v4(u) for u in seen)


def test_a_task_whose_type_lost_its_builder_ends_in_error(clock):
    store = MemoryStore()
    first = Engine(store, clock, IdSource(1), "polls:1", results=BUILDERS)
    record = first.submit(make_task(), api_key=KEY)
    later = Engine(store, clock, IdSource(1), results={})
    later.poll(record.task_uuid, api_key=KEY)
    done = later.poll(record.task_uuid, api_key=KEY)
    assert done.status == "error" and done.error["code"] == "unsupportedTaskType"


def test_prepared_outputs_are_stored_with_the_task_and_dropped_on_failure(engine):
    media = engine.new_media(kind="output", format="png", data=b"png", width=4, height=4)
    assert engine.store.get_media(media.media_uuid) is None  # made, not stored
    plan = OutputPlan("image", "png", 4, 4, 95, prepared=[media.media_uuid])
    record = engine.submit(
        make_task(), api_key=KEY, media=[media], facts=TaskFacts(output=plan), progression="polls:3"
    )
    assert engine.media(media.media_uuid).data == b"png"
    engine.fail(record.task_uuid, "inferenceError", "boom")
    with pytest.raises(MediaNotFound):
        engine.media(media.media_uuid)


def test_update_facts_shapes_results_built_afterwards(engine):
    record = submit(engine, model="runway:aleph@2.0", includeCost=True, progression="polls:1")
    engine.update_facts(record.task_uuid, source_duration=10.0, source_width=848)
    assert engine.peek(record.task_uuid).facts == TaskFacts(source_duration=10.0, source_width=848)
    engine.poll(record.task_uuid, api_key=KEY)
    assert engine.poll(record.task_uuid, api_key=KEY).results[0]["cost"] == 2.8
    with pytest.raises(TaskNotFound):
        engine.update_facts("missing")
    with pytest.raises(TypeError):
        engine.update_facts(record.task_uuid, colour="red")


# -- media ----------------------------------------------------------------------------------


def test_output_media_expires_with_its_ttl(engine, clock):
    record = submit(engine, ttl=60)
    video_uuid = engine.poll(record.task_uuid, api_key=KEY).results[0]["videoUUID"]
    clock.advance(59.9)
    assert engine.media(video_uuid).media_uuid == video_uuid
    clock.advance(0.1)
    with pytest.raises(MediaExpired) as caught:
        engine.media(video_uuid)
    assert caught.value.code == "mediaExpired"


def test_media_without_ttl_never_expires(engine, clock):
    record = submit(engine)
    video_uuid = engine.poll(record.task_uuid, api_key=KEY).results[0]["videoUUID"]
    clock.advance(10**8)
    assert engine.media(video_uuid).expires_at is None


def test_uploaded_media_round_trips_and_can_be_deleted(engine, clock):
    added = engine.add_media(format=".PNG", data=b"\x89PNG-bytes", width=4, height=3)
    assert added.kind == "input" and added.format == "png" and is_v4(added.media_uuid)
    fetched = engine.media(added.media_uuid)
    assert fetched.data == b"\x89PNG-bytes" and fetched.created_at == clock.now()
    deleted = engine.delete_media(added.media_uuid)
    assert deleted.deleted and deleted.data is None
    with pytest.raises(MediaNotFound):
        engine.media(added.media_uuid)
    with pytest.raises(MediaNotFound):
        engine.delete_media(added.media_uuid)


def test_uploaded_media_with_ttl_expires(engine, clock):
    added = engine.add_media(format="mp4", data=b"x", ttl=30)
    clock.advance(30)
    with pytest.raises(MediaExpired):
        engine.media(added.media_uuid)


def test_unknown_media_is_not_found(engine):
    with pytest.raises(MediaNotFound) as caught:
        engine.media("missing")
    assert caught.value.code == "mediaNotFound"
    with pytest.raises(MediaNotFound):
        engine.delete_media("missing")


def test_add_media_validates_its_arguments(engine):
    added = engine.add_media(format="mp4", media_uuid="fixed-id")
    assert added.media_uuid == "fixed-id"
    with pytest.raises(ValueError):
        engine.add_media(format="mp4", media_uuid="fixed-id")
    with pytest.raises(ValueError):
        engine.add_media(format=" ")
    with pytest.raises(ValueError):
        engine.add_media(format="mp4", ttl=-1)
    with pytest.raises(ValueError):
        engine.add_media(format="mp4", kind="other")  # type: ignore[arg-type]


# -- state management -----------------------------------------------------------------------


def test_reset_forgets_tasks_and_media(engine):
    record = submit(engine)
    engine.poll(record.task_uuid, api_key=KEY)
    engine.add_media(format="png", data=b"x")
    engine.reset()
    assert engine.all_tasks() == [] and engine.store.list_media() == []
    with pytest.raises(TaskNotFound):
        engine.peek(record.task_uuid)
    submit(engine, taskUUID=record.task_uuid)


def _run_script(seed):
    engine = Engine(MemoryStore(), ManualClock(), IdSource(seed), results=BUILDERS)
    outputs = []
    for n in (1, 3):
        record = engine.submit(make_task(taskUUID=f"task-{n}", numberResults=n), api_key=KEY)
        outputs.append(engine.poll(record.task_uuid, api_key=KEY).results)
    outputs.append(engine.add_media(format="png").media_uuid)
    return outputs


def test_a_seeded_engine_is_deterministic():
    assert _run_script(11) == _run_script(11)
    assert _run_script(11) != _run_script(12)


def test_reseed_restarts_ids_and_random_seeds(engine):
    engine.reseed(5)
    first = engine.poll(submit(engine).task_uuid, api_key=KEY).results[0]
    engine.reset()
    engine.reseed(5)
    again = engine.poll(submit(engine).task_uuid, api_key=KEY).results[0]
    assert (first["videoUUID"], first["seed"]) == (again["videoUUID"], again["seed"])


def test_concurrent_polls_are_all_counted(engine):
    record = submit(engine, progression="polls:1000")

    def worker():
        for _ in range(50):
            engine.poll(record.task_uuid, api_key=KEY)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert engine.peek(record.task_uuid).polls == 400


def test_engine_errors_carry_runware_error_objects():
    error = TaskNotFound("abc").to_error()
    assert error == {
        "code": "taskNotFound",
        "message": "No task found with taskUUID abc.",
        "parameter": "taskUUID",
        "taskUUID": "abc",
    }


def test_media_belongs_to_its_key_and_answers_others_as_unknown(engine):
    owned = engine.add_media(format="png", data=b"png", api_key=KEY)
    assert engine.media(owned.media_uuid, api_key=KEY).api_key == KEY
    assert engine.media(owned.media_uuid).media_uuid == owned.media_uuid  # the server itself
    with pytest.raises(MediaNotFound) as other:
        engine.media(owned.media_uuid, api_key="other-key")
    with pytest.raises(MediaNotFound) as unknown:
        engine.media("no-such-media", api_key="other-key")
    assert (other.value.code, other.value.http_status) == (
        unknown.value.code,
        unknown.value.http_status,
    )
    with pytest.raises(MediaNotFound):
        engine.delete_media(owned.media_uuid, api_key="other-key")
    assert not engine.media(owned.media_uuid).deleted
    assert engine.delete_media(owned.media_uuid, api_key=KEY).deleted


def test_media_without_owner_is_shared(engine):
    shared = engine.add_media(format="png", data=b"png")
    assert shared.api_key is None
    assert engine.media(shared.media_uuid, api_key="any-key").media_uuid == shared.media_uuid
    assert engine.delete_media(shared.media_uuid, api_key="another-key").deleted


def test_outputs_belong_to_the_key_of_their_task(engine):
    prepared = engine.new_media(kind="output", format="png", data=b"png", api_key="ignored")
    plan = OutputPlan("image", "png", 4, 4, 95, prepared=[prepared.media_uuid])
    engine.submit(make_task(), api_key=KEY, media=[prepared], facts=TaskFacts(output=plan))
    assert engine.media(prepared.media_uuid).api_key == KEY
    record = submit(engine)
    video_uuid = engine.poll(record.task_uuid, api_key=KEY).results[0]["videoUUID"]
    assert engine.media(video_uuid, api_key=KEY).api_key == KEY
    with pytest.raises(MediaNotFound):
        engine.media(video_uuid, api_key="other-key")
