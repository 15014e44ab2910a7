"""The six models imported from Runware's OpenAPI documents run to the end on the fake: their
outputs follow their contract defaults and their cost their ``x-pricing``."""

from __future__ import annotations

import pytest

from runware_testkit.fake_server.media.image import probe_image
from runware_testkit.fake_server.media.probe import probe_video
from runware_testkit.fake_server.protocol.contract_check import validate_task

from ..harness import Harness, image_task, new_uuid, upscale_task, video_data_uri


async def finished_item(server: Harness, task: dict) -> dict:
    assert validate_task(task) == [], "the test task must be valid for its model"
    body = await server.run_to_end(task)
    (item,) = body["data"]
    assert item["status"] == "success", body
    return item


@pytest.mark.parametrize(
    ("model", "size", "cost"),
    [("bfl:flux@3-image", (1024, 1024), 0.048), ("meta:muse@image", (1920, 1280), 0.01)],
)
async def test_image_models_render_their_default_size_and_cost(
    server: Harness, model: str, size: tuple[int, int], cost: float
) -> None:
    item = await finished_item(server, image_task(model, includeCost=True))
    assert isinstance(item["seed"], int) and 0 <= item["seed"] < 2**32
    assert (item["NSFWContent"], item["cost"]) == (False, cost)
    assert item["imageURL"].endswith(".jpg")  # both default to JPG
    facts = probe_image((await server.http.get(item["imageURL"])).content)
    assert (facts.format, facts.width, facts.height) == ("JPG", *size)


async def test_flux_prices_the_resolution_of_its_output(server: Harness) -> None:
    task = image_task("bfl:flux@3-image", width=2048, height=2048, includeCost=True)
    assert validate_task(task) == [] or pytest.skip("2048x2048 is no flux preset")
    item = await finished_item(server, task)
    assert item["cost"] == 0.1  # the "2K" rate


@pytest.mark.parametrize(
    ("model", "fields", "size", "seconds", "cost"),
    [
        ("bytedance:seedance@2.5", {"resolution": "480p", "duration": 4}, (854, 480), 4, 1.17),
        ("lightricks:ltx@2.5-fast", {}, (1920, 1080), 6, 0.54),
        ("minimax:h3@0", {}, (2560, 1440), 5, 0.4),
    ],
)
async def test_video_models_plan_their_default_output_and_cost(
    server: Harness, model: str, fields: dict, size: tuple, seconds: float, cost: float
) -> None:
    task = {
        "taskType": "videoInference",
        "taskUUID": new_uuid(),
        "model": model,
        "positivePrompt": "a paper boat drifting down a rainy street",
        "includeCost": True,
        **fields,
    }
    item = await finished_item(server, task)
    assert item["cost"] == cost
    assert item["videoURL"].endswith(".mp4")
    media = server.state.engine.media(item["videoUUID"])
    assert (media.width, media.height, media.duration) == (*size, seconds)


async def test_seedance_480p_result_is_a_real_clip(server: Harness) -> None:
    task = {
        "taskType": "videoInference",
        "taskUUID": new_uuid(),
        "model": "bytedance:seedance@2.5",
        "positivePrompt": "a paper boat drifting down a rainy street",
        "resolution": "480p",
        "duration": 4,
        "outputFormat": "WEBM",
        "outputQuality": 20,
    }
    item = await finished_item(server, task)
    facts = probe_video((await server.http.get(item["videoURL"])).content)
    assert (facts.width, facts.height, facts.container) == (854, 480, "webm")
    assert facts.duration == pytest.approx(4.0, abs=0.2)


async def test_the_video_upscaler_doubles_an_uploaded_clip(server: Harness) -> None:
    source = await server.upload(video_data_uri(1.0, 80, 48))
    task = upscale_task("bytedance:50@1", inputs={"video": source["mediaUUID"]}, includeCost=True)
    item = await finished_item(server, task)
    assert set(item) == {"taskType", "taskUUID", "videoUUID", "videoURL", "cost", "status"}
    assert item["cost"] == pytest.approx(0.00265, abs=1e-4)  # $0.00265 per second, 1 s
    facts = probe_video((await server.http.get(item["videoURL"])).content)
    assert (facts.width, facts.height, facts.container) == (160, 96, "mp4")
