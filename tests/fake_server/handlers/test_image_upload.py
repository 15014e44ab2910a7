"""imageUpload: the stored image (fitted to 2048 px), its UUID usable as any image input;
in-process and live, over REST and WebSocket."""

from __future__ import annotations

import base64

import pytest

from runware_testkit.fake_server.media.image import probe_image, render_image

from ..harness import Harness, image_data_uri, image_task, new_uuid, upscale_task


def upload_task(image: str) -> dict:
    return {"taskType": "imageUpload", "taskUUID": new_uuid(), "image": image}


@pytest.mark.parametrize("form", ["data URI", "base64"])
async def test_upload_answers_uuid_and_url_of_the_stored_image(server: Harness, form: str) -> None:
    data = render_image("WEBP", 40, 30, seed=5)
    image = f"data:image/webp;base64,{base64.b64encode(data).decode()}"
    if form == "base64":
        image = base64.b64encode(data).decode()
    task = upload_task(image)
    status, body = await server.call(task)
    assert status == 200
    (item,) = body["data"]
    assert list(item) == ["taskType", "taskUUID", "imageUUID", "imageURL"]
    assert (item["taskType"], item["taskUUID"]) == ("imageUpload", task["taskUUID"])
    assert item["imageURL"] == f"{server.base_url}/media/{item['imageUUID']}.webp"
    served = await server.http.get(item["imageURL"])
    assert served.headers["content-type"] == "image/webp"
    assert served.content == data


async def test_an_image_over_2048_px_is_stored_at_2048_on_its_long_side(server: Harness) -> None:
    item = await server.image_upload(image_data_uri(2100, 700, "JPG"))
    facts = probe_image((await server.http.get(item["imageURL"])).content)
    assert (facts.format, facts.width, facts.height) == ("JPG", 2048, 683)


async def test_bytes_that_are_no_image_are_invalid_image(server: Harness) -> None:
    task = upload_task("data:image/png;base64," + base64.b64encode(b"not a picture").decode())
    status, body = await server.call(task)
    assert status == 400
    (error,) = body["errors"]
    assert (error["code"], error["parameter"], error["taskUUID"]) == (
        "invalidImage",
        "image",
        task["taskUUID"],
    )


async def test_an_unreachable_url_is_download_failed(server: Harness) -> None:
    status, body = await server.call(upload_task("https://images.example.com/cat.png"))
    assert status == 400
    assert body["errors"][0]["code"] == "downloadFailed"


async def test_extra_fields_are_refused_by_the_contract(server: Harness) -> None:
    task = {**upload_task(image_data_uri(8, 8)), "ttl": 60}
    status, body = await server.call(task)
    assert status == 400
    assert body["errors"][0]["code"] == "unsupportedParameter"


async def test_dry_run_stores_nothing(server: Harness) -> None:
    task = upload_task(image_data_uri(8, 8))
    status, body = await server.call(task, headers={"X-Runware-Dry-Run": "1"})
    assert (status, body["data"]) == (
        200,
        [{"taskType": "imageUpload", "taskUUID": task["taskUUID"], "dryRun": True}],
    )
    assert server.state.engine.store.list_media() == []


async def test_uploaded_uuid_is_an_image_input_of_image_inference(extended: Harness) -> None:
    uploaded = await extended.image_upload(image_data_uri(64, 64))
    task = image_task(inputs={"referenceImages": [uploaded["imageUUID"], uploaded["imageURL"]]})
    body = await extended.run_to_end(task)
    assert body["data"][0]["status"] == "success"


async def test_uploaded_uuid_is_the_input_an_upscale_scales(extended: Harness) -> None:
    uploaded = await extended.image_upload(image_data_uri(50, 30, "PNG"))
    task = upscale_task(inputs={"image": uploaded["imageUUID"]}, upscaleFactor=3)
    (item,) = (await extended.run_to_end(task))["data"]
    facts = probe_image((await extended.http.get(item["imageURL"])).content)
    assert (facts.format, facts.width, facts.height) == ("PNG", 150, 90)


async def test_over_websocket_and_in_the_journal(server: Harness) -> None:
    task = upload_task(image_data_uri(12, 10))
    with server.ws() as ws:
        ws.auth()
        ws.send([task])
        (item,) = ws.recv()["data"]
    assert item["taskType"] == "imageUpload" and item["taskUUID"] == task["taskUUID"]
    facts = probe_image((await server.http.get(item["imageURL"])).content)
    assert (facts.width, facts.height) == (12, 10)
    sent = [e["data"] for e in server.state.journal.entries("frame_in")]
    answered = [e["data"] for e in server.state.journal.entries("frame_out")]
    assert any(frame and frame[0].get("taskUUID") == task["taskUUID"] for frame in sent)
    assert {"data": [item]} in answered
