"""imageInference: real pictures of the asked size and format, in every outputType, with the
contract's defaults and price; in-process and live, over REST and WebSocket."""

from __future__ import annotations

import base64
import re

import pytest

from runware_testkit.fake_server.media.image import probe_image

from ..contracts import IMAGE_PRICE
from ..harness import Harness, image_data_uri, image_task, new_uuid, poll_task

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
FORMATS = [
    ("PNG", "png", "image/png"),
    ("JPG", "jpg", "image/jpeg"),
    ("WEBP", "webp", "image/webp"),
]


async def finished_item(server: Harness, task: dict) -> dict:
    body = await server.run_to_end(task)
    (item,) = body["data"]
    assert item["status"] == "success", body
    return item


@pytest.mark.parametrize(("fmt", "ext", "mime"), FORMATS)
async def test_url_result_is_a_real_image_of_the_asked_size_and_format(
    extended: Harness, fmt: str, ext: str, mime: str
) -> None:
    task = image_task(width=320, height=180, outputFormat=fmt, seed=11, includeCost=True)
    item = await finished_item(extended, task)
    assert list(item)[:4] == ["taskType", "taskUUID", "imageUUID", "imageURL"]
    assert UUID_RE.match(item["imageUUID"])
    assert item["imageURL"] == f"{extended.base_url}/media/{item['imageUUID']}.{ext}"
    assert (item["seed"], item["NSFWContent"], item["cost"]) == (11, False, IMAGE_PRICE)
    response = await extended.http.get(item["imageURL"])
    assert response.status_code == 200
    assert response.headers["content-type"] == mime
    facts = probe_image(response.content)
    assert (facts.format, facts.width, facts.height) == (fmt, 320, 180)


@pytest.mark.parametrize(("fmt", "ext", "mime"), FORMATS)
async def test_base64_and_data_uri_results_hold_the_image(
    extended: Harness, fmt: str, ext: str, mime: str
) -> None:
    plain = await finished_item(
        extended, image_task(width=128, height=72, outputFormat=fmt, outputType="base64Data")
    )
    assert "imageURL" not in plain
    facts = probe_image(base64.b64decode(plain["imageBase64Data"]))
    assert (facts.format, facts.width, facts.height) == (fmt, 128, 72)
    uri = await finished_item(
        extended, image_task(width=96, height=96, outputFormat=fmt, outputType="dataURI")
    )
    prefix = f"data:{mime};base64,"
    assert uri["imageDataURI"].startswith(prefix)
    facts = probe_image(base64.b64decode(uri["imageDataURI"][len(prefix) :]))
    assert (facts.format, facts.width, facts.height) == (fmt, 96, 96)


async def test_contract_defaults_shape_an_open_request(extended: Harness) -> None:
    item = await finished_item(extended, image_task())
    assert item["imageURL"].endswith(".jpg")  # outputFormat default JPG
    facts = probe_image((await extended.http.get(item["imageURL"])).content)
    assert (facts.width, facts.height) == (96, 96)  # default resolution "small", 1:1 preset
    large = await finished_item(extended, image_task(resolution="large"))
    facts = probe_image((await extended.http.get(large["imageURL"])).content)
    assert (facts.width, facts.height) == (256, 256)


async def test_resolution_follows_the_aspect_of_an_uploaded_reference(extended: Harness) -> None:
    uploaded = await extended.image_upload(image_data_uri(160, 90))
    task = image_task(resolution="large", inputs={"referenceImages": [uploaded["imageUUID"]]})
    item = await finished_item(extended, task)
    facts = probe_image((await extended.http.get(item["imageURL"])).content)
    assert (facts.width, facts.height) == (320, 180)


async def test_unknown_reference_uuid_is_media_not_found(extended: Harness) -> None:
    missing = new_uuid()
    status, body = await extended.call(image_task(inputs={"referenceImages": [missing]}))
    assert status == 404 or status == 400
    (error,) = body["errors"]
    assert error["code"] == "mediaNotFound"
    assert error["parameter"] == "inputs.referenceImages.0"  # the validator's dotted form


async def test_number_results_give_distinct_images_and_counting_seeds(extended: Harness) -> None:
    body = await extended.run_to_end(image_task(numberResults=3, seed=2**32 - 2))
    items = body["data"]
    assert len({i["imageUUID"] for i in items}) == 3
    assert [i["seed"] for i in items] == [2**32 - 2, 2**32 - 1, 0]
    pictures = [(await extended.http.get(i["imageURL"])).content for i in items]
    assert len(set(pictures)) == 3


async def test_dry_run_prices_every_result(extended: Harness) -> None:
    task = image_task(numberResults=3)
    status, body = await extended.call(task, headers={"X-Runware-Dry-Run": "1"})
    assert status == 200
    assert body["data"] == [
        {
            "taskType": "imageInference",
            "taskUUID": task["taskUUID"],
            "dryRun": True,
            "numberResults": 3,
            "cost": round(3 * IMAGE_PRICE, 4),
        }
    ]
    assert (await extended.call(poll_task(task["taskUUID"])))[0] == 404


async def test_over_websocket(extended: Harness) -> None:
    task = image_task(width=128, height=72, outputFormat="PNG")
    with extended.ws() as ws:
        ws.auth()
        ws.send([task])
        assert ws.recv() == {"data": [{"taskType": "imageInference", "taskUUID": task["taskUUID"]}]}
        ws.send([poll_task(task["taskUUID"])])
        (item,) = ws.recv()["data"]
    assert item["status"] == "success" and item["imageURL"].endswith(".png")
    facts = probe_image((await extended.http.get(item["imageURL"])).content)
    assert (facts.width, facts.height) == (128, 72)
