"""Result items: built from the task's output plan, rendered in its outputType, read back
from records stored before plans existed."""

from __future__ import annotations

import uuid

from runware_testkit.fake_server.engine.clock import ManualClock
from runware_testkit.fake_server.engine.engine import Engine
from runware_testkit.fake_server.engine.ids import IdSource
from runware_testkit.fake_server.engine.records import OutputPlan, TaskFacts, TaskRecord
from runware_testkit.fake_server.engine.store import MemoryStore
from runware_testkit.fake_server.handlers.registry import result_builders
from runware_testkit.fake_server.handlers.results import legacy_plan, poll_items, render_items

BASE = "http://127.0.0.1:9/media"
KEY = "k"


def make_engine(progression: str = "immediate") -> Engine:
    return Engine(MemoryStore(), ManualClock(), IdSource(5), progression, results=result_builders())


def task(**fields) -> dict:
    return {"taskType": "imageInference", "taskUUID": str(uuid.uuid4()), **fields}


def plan(**fields) -> OutputPlan:
    values = {"kind": "image", "format": "png", "width": 8, "height": 6, "quality": 90}
    return OutputPlan(**{**values, **fields})


async def test_items_follow_the_plan_with_seeds_counting_from_the_request() -> None:
    engine = make_engine()
    record = engine.submit(
        task(numberResults=2, seed=9),
        api_key=KEY,
        facts=TaskFacts(nsfw=True, output=plan(unit_cost=0.5, ttl=60)),
    )
    done = engine.peek(record.task_uuid)
    assert [list(i) for i in done.results] == [
        ["taskType", "taskUUID", "imageUUID", "seed", "NSFWContent", "cost"]
    ] * 2
    assert [(i["seed"], i["NSFWContent"], i["cost"]) for i in done.results] == [
        (9, True, 0.5),
        (10, True, 0.5),
    ]
    media = engine.media(done.results[0]["imageUUID"])
    assert (media.format, media.width, media.height, media.quality) == ("png", 8, 6, 90)
    assert media.expires_at == done.finished_at + 60
    rendered = await render_items(done, media_base_url=BASE + "/", engine=engine)
    assert rendered[0]["imageURL"] == f"{BASE}/{done.results[0]['imageUUID']}.png"
    assert list(rendered[0])[:4] == ["taskType", "taskUUID", "imageUUID", "imageURL"]


async def test_base64_forms_hold_the_file_and_fall_back_to_the_url_when_it_is_gone() -> None:
    engine = make_engine()
    record = engine.submit(task(), api_key=KEY, facts=TaskFacts(output=plan(output_type="dataURI")))
    done = engine.peek(record.task_uuid)
    (item,) = await render_items(done, media_base_url=BASE, engine=engine)
    assert item["imageDataURI"].startswith("data:image/png;base64,iVBOR")
    engine.delete_media(done.results[0]["imageUUID"])
    (item,) = await render_items(done, media_base_url=BASE, engine=engine)
    assert "imageDataURI" not in item and item["imageURL"].startswith(BASE)


async def test_progress_is_reported_only_when_asked() -> None:
    engine = make_engine("polls:3")
    record = engine.submit(task(), api_key=KEY, facts=TaskFacts(output=plan()))
    polled = engine.poll(record.task_uuid, api_key=KEY)
    head = {"taskType": "imageInference", "taskUUID": record.task_uuid, "status": "processing"}
    quiet = await poll_items(polled, media_base_url=BASE, engine=engine, report_progress=False)
    loud = await poll_items(polled, media_base_url=BASE, engine=engine, report_progress=True)
    assert quiet == [head]
    assert loud == [{**head, "progress": 25}]


async def test_records_stored_before_plans_render_as_videos_of_their_format() -> None:
    engine = make_engine()
    record = TaskRecord(
        task_uuid="t-old",
        task_type="videoInference",
        model="runway:2@1",
        request={"outputFormat": "WEBM"},
        api_key=KEY,
        created_at=0.0,
        progression="immediate",
        status="success",
        results=[{"taskType": "videoInference", "taskUUID": "t-old", "videoUUID": "v-1"}],
    )
    assert legacy_plan(record).kind == "video" and legacy_plan(record).format == "webm"
    (item,) = await render_items(record, media_base_url=BASE, engine=engine)
    assert item["videoURL"] == f"{BASE}/v-1.webm"
    record.results = [{"imageUUID": "i-1"}]
    record.request = {"outputFormat": "PNG"}
    assert (legacy_plan(record).kind, legacy_plan(record).format) == ("image", "png")


def test_tasks_given_to_the_engine_without_a_plan_get_one_when_they_finish() -> None:
    engine = make_engine()
    video = engine.submit(
        {"taskType": "videoInference", "taskUUID": "v", "outputFormat": "MOV"}, api_key=KEY
    )
    image = engine.submit(task(width=20, height=10), api_key=KEY)
    upscale = engine.submit(
        {"taskType": "upscale", "taskUUID": "u", "inputs": {"video": "x"}}, api_key=KEY
    )
    plans = {r.task_uuid: engine.peek(r.task_uuid).facts.output for r in (video, image, upscale)}
    assert (plans["v"].kind, plans["v"].format, plans["v"].width) == ("video", "mov", 1280)
    assert (plans[image.task_uuid].width, plans[image.task_uuid].format) == (20, "jpg")
    assert (plans["u"].kind, plans["u"].width, plans["u"].seed) == ("video", 2560, False)
