"""upscale: an image and a video, each scaled into a real file of its own kind (probed), by
the request's factor or target size, or the contract's default factor; in-process and live."""

from __future__ import annotations

import base64

import pytest

from runware_testkit.fake_server.faults.scenarios import Scenario
from runware_testkit.fake_server.media.image import probe_image, render_image
from runware_testkit.fake_server.media.probe import probe_video

from ..contracts import UPSCALE_PRICE
from ..harness import Harness, image_data_uri, poll_task, upscale_task, video_data_uri


async def finished_item(server: Harness, task: dict) -> dict:
    body = await server.run_to_end(task)
    (item,) = body["data"]
    assert item["status"] == "success", body
    return item


async def test_an_image_is_scaled_by_the_factor_in_its_own_format(extended: Harness) -> None:
    task = upscale_task(inputs={"image": image_data_uri(40, 24, "WEBP")}, upscaleFactor=4)
    item = await finished_item(extended, {**task, "includeCost": True})
    assert set(item) == {"taskType", "taskUUID", "imageUUID", "imageURL", "cost", "status"}
    assert item["cost"] == UPSCALE_PRICE
    response = await extended.http.get(item["imageURL"])
    assert response.headers["content-type"] == "image/webp"
    facts = probe_image(response.content)
    assert (facts.format, facts.width, facts.height) == ("WEBP", 160, 96)


async def test_the_contract_default_factor_and_an_asked_format_apply(extended: Harness) -> None:
    task = upscale_task(inputs={"image": image_data_uri(30, 20, "PNG")}, outputFormat="JPG")
    item = await finished_item(extended, task)
    assert item["imageURL"].endswith(".jpg")
    facts = probe_image((await extended.http.get(item["imageURL"])).content)
    assert (facts.format, facts.width, facts.height) == ("JPG", 60, 40)


async def test_base64_output_holds_the_scaled_image(extended: Harness) -> None:
    raw = base64.b64encode(render_image("PNG", 10, 10)).decode()
    task = upscale_task(inputs={"image": raw}, outputType="base64Data", upscaleFactor=2)
    item = await finished_item(extended, task)
    facts = probe_image(base64.b64decode(item["imageBase64Data"]))
    assert (facts.width, facts.height) == (20, 20)


@pytest.mark.parametrize(("fmt", "container"), [("MP4", "mp4"), ("WEBM", "webm")])
async def test_a_video_is_scaled_into_a_real_video(
    extended: Harness, fmt: str, container: str
) -> None:
    source = await extended.upload(video_data_uri(1.0, 96, 64, fmt))
    task = upscale_task(inputs={"video": source["mediaUUID"]}, upscaleFactor=2)
    item = await finished_item(extended, task)
    assert set(item) == {"taskType", "taskUUID", "videoUUID", "videoURL", "status"}
    assert item["videoURL"].endswith(f".{container}")
    facts = probe_video((await extended.http.get(item["videoURL"])).content)
    assert (facts.width, facts.height, facts.container) == (192, 128, container)
    assert facts.duration == pytest.approx(1.0, abs=0.2)


async def test_an_input_on_an_unreachable_host_gets_a_synthetic_result(extended: Harness) -> None:
    task = upscale_task(inputs={"video": "https://cdn.example.com/clip.mp4"}, upscaleFactor=2)
    item = await finished_item(extended, task)
    assert item["videoURL"].endswith(".mp4")
    media = extended.state.engine.media(item["videoUUID"])  # rendered when first fetched
    assert (media.width, media.height, media.duration, media.data) == (2560, 1440, 5.0, None)


async def test_a_result_too_large_is_refused_at_submission(extended: Harness) -> None:
    task = upscale_task(inputs={"image": image_data_uri(3000, 8, "PNG")}, upscaleFactor=3)
    status, body = await extended.call(task)
    assert status == 400
    (error,) = body["errors"]
    assert (error["code"], error["taskUUID"]) == ("invalidUpscaleFactor", task["taskUUID"])
    assert (await extended.call(poll_task(task["taskUUID"])))[0] == 404


async def test_an_unknown_input_uuid_is_media_not_found(extended: Harness) -> None:
    task = upscale_task(inputs={"image": "0d4e3f0a-5b6c-4d7e-8f90-a1b2c3d4e5f6"})
    status, body = await extended.call(task)
    assert body["errors"][0]["code"] == "mediaNotFound"
    assert body["errors"][0]["parameter"] == "inputs.image"
    assert status in (400, 404)


async def test_dry_run_prices_without_making_the_file(extended: Harness) -> None:
    task = upscale_task(inputs={"image": image_data_uri(20, 20)}, upscaleFactor=2)
    status, body = await extended.call(task, headers={"X-Runware-Dry-Run": "1"})
    assert status == 200
    assert body["data"][0]["cost"] == UPSCALE_PRICE
    assert extended.state.engine.store.list_media() == []


async def test_failed_upscale_drops_its_prepared_file(extended: Harness) -> None:
    task = upscale_task(inputs={"image": image_data_uri(20, 20)})
    extended.state.scenarios.add(Scenario(phase="processing", error_code="inferenceError"))
    body = await extended.run_to_end(task)
    assert body["data"][0]["status"] == "error"
    (output,) = [m for m in extended.state.engine.store.list_media() if m.kind == "output"]
    assert output.deleted and output.data is None


async def test_over_websocket(extended: Harness) -> None:
    task = upscale_task(inputs={"image": image_data_uri(16, 8)}, upscaleFactor=2)
    with extended.ws() as ws:
        ws.auth()
        ws.send([task, poll_task(task["taskUUID"])])
        ack, polled = ws.recv(), ws.recv()
    assert ack == {"data": [{"taskType": "upscale", "taskUUID": task["taskUUID"]}]}
    (item,) = polled["data"]
    facts = probe_image((await extended.http.get(item["imageURL"])).content)
    assert (facts.width, facts.height) == (32, 16)


async def test_an_image_given_as_the_video_is_invalid_video(server: Harness) -> None:
    uploaded = await server.image_upload(image_data_uri(64, 48))
    for value in (uploaded["imageUUID"], image_data_uri(64, 48)):
        status, body = await server.call(upscale_task("bytedance:50@1", inputs={"video": value}))
        assert status == 400
        (error,) = body["errors"]
        assert (error["code"], error["parameter"]) == ("invalidVideo", "inputs.video")
        assert error["message"] == "inputs.video is an image, not a video"


async def test_a_video_given_as_the_image_is_invalid_image(extended: Harness) -> None:
    clip = await extended.upload(video_data_uri(1.0, 80, 48))
    status, body = await extended.call(upscale_task(inputs={"image": clip["mediaUUID"]}))
    assert status == 400
    (error,) = body["errors"]
    assert (error["code"], error["parameter"]) == ("invalidImage", "inputs.image")
