"""imageInference reads its image inputs before accepting the task, with the reader imageUpload
uses, and holds them to the model's ``x-constraints`` (``bfl:flux@3-image``: each reference
image at least 128 px wide and high)."""

from __future__ import annotations

import base64
import struct
import zlib

import pytest

from runware_testkit.contract import load_contract
from runware_testkit.fake_server.handlers.image_inputs import ImageSource, check_constraints
from runware_testkit.fake_server.media.image import render_image
from runware_testkit.fake_server.media.inputs import MediaInputError

from ..harness import Harness, image_data_uri, image_task, video_data_uri

FLUX = "bfl:flux@3-image"


def png_header(width: int, height: int) -> bytes:
    """A PNG signature and IHDR chunk claiming `width` x `height`, and no picture."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
    )


def data_uri(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"><rect/></svg>'
BAD_IMAGES = {
    "truncated PNG": (data_uri(render_image("PNG", 160, 160)[:60]), "invalidReferenceImages"),
    "huge header": (data_uri(png_header(100_000, 100_000)), "invalidInputSize"),
    "SVG": (data_uri(SVG, "image/svg+xml"), "invalidReferenceImages"),
    "AAAA": ("AAAA", "invalidReferenceImages"),
}


async def first_error(server: Harness, task: dict, **kwargs) -> dict:
    status, body = await server.call(task, **kwargs)
    assert status == 400, body
    (error,) = body["errors"]
    return error


@pytest.mark.parametrize("case", sorted(BAD_IMAGES))
async def test_unreadable_reference_images_are_refused_like_image_upload(
    server: Harness, case: str
) -> None:
    value, code = BAD_IMAGES[case]
    task = image_task(FLUX, inputs={"referenceImages": [image_data_uri(160, 160), value]})
    error = await first_error(server, task)
    assert (error["code"], error["parameter"]) == (code, "inputs.referenceImages.1")
    upload = {"taskType": "imageUpload", "taskUUID": task["taskUUID"], "image": value}
    status, body = await server.call(upload)
    assert status == 400 and body["errors"][0]["code"] in {code, "invalidImage"}


@pytest.mark.parametrize(("size", "operation"), [((64, 200), "width"), ((200, 127), "height")])
async def test_flux_reference_images_below_128_px_are_refused(
    server: Harness, size: tuple[int, int], operation: str
) -> None:
    task = image_task(FLUX, inputs={"referenceImages": [image_data_uri(*size)]})
    error = await first_error(server, task)
    assert (error["code"], error["parameter"]) == (
        "invalidReferenceImages",
        "inputs.referenceImages.0",
    )
    assert f"{size[0]}x{size[1]} px; its {operation} must be at least 128 px" in error["message"]


async def test_the_rule_holds_for_uploaded_images_too(server: Harness) -> None:
    small = await server.image_upload(image_data_uri(100, 100))
    big = await server.image_upload(image_data_uri(128, 128))
    task = image_task(FLUX, inputs={"referenceImages": [big["imageUUID"], small["imageUUID"]]})
    error = await first_error(server, task)
    assert (error["code"], error["parameter"]) == (
        "invalidReferenceImages",
        "inputs.referenceImages.1",
    )


async def test_readable_images_at_the_minimum_run(server: Harness) -> None:
    uploaded = await server.image_upload(image_data_uri(128, 128))
    images = [image_data_uri(128, 300, "WEBP"), uploaded["imageUUID"], uploaded["imageURL"]]
    body = await server.run_to_end(image_task(FLUX, inputs={"referenceImages": images}))
    assert body["data"][0]["status"] == "success"


async def test_remote_urls_stay_unread(server: Harness) -> None:
    task = image_task(FLUX, inputs={"referenceImages": ["https://cdn.example.com/a.png"]})
    assert (await server.call(task))[0] == 200


async def test_a_stored_video_is_no_reference_image(server: Harness) -> None:
    video = await server.upload(video_data_uri(1.0))
    task = image_task(FLUX, inputs={"referenceImages": [video["mediaUUID"]]})
    error = await first_error(server, task)
    assert (error["code"], error["parameter"]) == (
        "invalidReferenceImages",
        "inputs.referenceImages.0",
    )


async def test_the_watermark_image_is_read(server: Harness) -> None:
    watermark = {"watermark": {"image": "AAAA", "opacity": 0.5}}
    error = await first_error(server, image_task(FLUX, advancedFeatures=watermark))
    assert (error["code"], error["parameter"]) == (
        "invalidImage",
        "advancedFeatures.watermark.image",
    )
    watermark["watermark"]["image"] = image_data_uri(32, 32)  # no size rule on the watermark
    assert (await server.call(image_task(FLUX, advancedFeatures=watermark)))[0] == 200


async def test_over_websocket(server: Harness) -> None:
    task = image_task(FLUX, inputs={"referenceImages": ["AAAA"]})
    with server.ws() as ws:
        ws.auth()
        ws.send([task])
        (error,) = ws.recv()["errors"]
    assert (error["code"], error["parameter"]) == (
        "invalidReferenceImages",
        "inputs.referenceImages.0",
    )


def test_constraints_are_read_from_the_model_schema() -> None:
    flux = load_contract().model(FLUX)
    assert flux is not None
    rules = flux.request["x-constraints"]
    assert {rule["operation"] for rule in rules} == {"width", "height"}
    check_constraints(flux, [ImageSource("inputs.referenceImages.0", 128, 128)])
    check_constraints(flux, [ImageSource("inputs.referenceImages.0", None, None)])  # unread
    with pytest.raises(MediaInputError) as caught:
        check_constraints(flux, [ImageSource("inputs.referenceImages.2", 128, 127)])
    assert caught.value.parameter == "inputs.referenceImages.2"
    muse = load_contract().model("meta:muse@image")
    check_constraints(muse, [ImageSource("inputs.referenceImages.0", 8, 8)])  # no rules
