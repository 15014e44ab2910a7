"""Media belongs to the API key that uploaded it (or whose task produced it): another key's
delete or use is answered ``mediaNotFound``, exactly as an unknown UUID, over REST and
WebSocket, in-process and live."""

from __future__ import annotations

from typing import Any

from ..harness import (
    Harness,
    image_data_uri,
    image_task,
    new_uuid,
    video_data_uri,
    video_task,
)

KEY_A, KEY_B = "key-a", "key-b"
FLUX = "bfl:flux@3-image"
ALEPH2 = "runway:aleph@2.0"


def two_key_server(make_server) -> Harness:
    return make_server(api_keys=frozenset({KEY_A, KEY_B}))


async def upload(server: Harness, media: str, key: str) -> str:
    task = {"taskType": "mediaStorage", "taskUUID": new_uuid(), "operation": "upload"}
    status, body = await server.call({**task, "media": media}, key=key)
    assert status == 200, body
    return body["data"][0]["mediaUUID"]


async def image_upload(server: Harness, image: str, key: str) -> str:
    task = {"taskType": "imageUpload", "taskUUID": new_uuid(), "image": image}
    status, body = await server.call(task, key=key)
    assert status == 200, body
    return body["data"][0]["imageUUID"]


def delete_task(media_uuid: str) -> dict[str, Any]:
    return {
        "taskType": "mediaStorage",
        "taskUUID": new_uuid(),
        "operation": "delete",
        "media": media_uuid,
    }


def reference_task(media_uuid: str) -> dict[str, Any]:
    return image_task(FLUX, inputs={"referenceImages": [media_uuid]})


def not_found(body: dict[str, Any], parameter: str) -> tuple[str, str]:
    (error,) = body["errors"]
    assert error["parameter"] == parameter
    return error["code"], error["message"]


async def test_another_keys_delete_is_media_not_found(make_server) -> None:
    server = two_key_server(make_server)
    owned = await upload(server, image_data_uri(160, 160), KEY_A)
    status, body = await server.call(delete_task(owned), key=KEY_B)
    unknown = new_uuid()
    unknown_status, unknown_body = await server.call(delete_task(unknown), key=KEY_B)
    assert status == unknown_status == 404
    code, message = not_found(body, "media")
    assert (code, message.replace(owned, "UUID")) == tuple(
        part.replace(unknown, "UUID") for part in not_found(unknown_body, "media")
    )
    assert code == "mediaNotFound"
    assert (await server.call(delete_task(owned), key=KEY_A))[0] == 200  # still there


async def test_another_keys_upload_is_no_input(make_server) -> None:
    server = two_key_server(make_server)
    image = await image_upload(server, image_data_uri(160, 160), KEY_A)
    video = await upload(server, video_data_uri(3.0), KEY_A)
    cases = [
        (reference_task(image), "inputs.referenceImages.0"),
        (video_task(ALEPH2, video), "inputs.video"),
    ]
    for task, parameter in cases:
        status, body = await server.call(task, key=KEY_B)
        assert status in (400, 404)
        assert not_found(body, parameter)[0] == "mediaNotFound"
        fresh = {**task, "taskUUID": new_uuid()}
        assert (await server.call(fresh, key=KEY_A))[0] == 200


async def test_an_upload_cannot_copy_another_keys_media(make_server) -> None:
    server = two_key_server(make_server)
    owned = await upload(server, image_data_uri(160, 160), KEY_A)
    task = {"taskType": "mediaStorage", "taskUUID": new_uuid(), "operation": "upload"}
    status, body = await server.call({**task, "media": owned}, key=KEY_B)
    assert status in (400, 404)
    assert not_found(body, "media")[0] == "mediaNotFound"


async def test_a_result_belongs_to_the_key_of_its_task(make_server) -> None:
    server = two_key_server(make_server)
    task = image_task(FLUX)
    assert (await server.call(task, key=KEY_A))[0] == 200
    _, polled = await server.call(
        {"taskType": "getResponse", "taskUUID": task["taskUUID"]}, key=KEY_A
    )
    image = polled["data"][0]["imageUUID"]
    status, body = await server.call(reference_task(image), key=KEY_B)
    assert status in (400, 404)
    assert not_found(body, "inputs.referenceImages.0")[0] == "mediaNotFound"
    assert (await server.call(reference_task(image), key=KEY_A))[0] == 200


async def test_over_websocket_another_key_gets_media_not_found(make_server) -> None:
    server = two_key_server(make_server)
    owned = await upload(server, image_data_uri(160, 160), KEY_A)
    use = reference_task(owned)
    with server.ws() as ws:
        ws.auth(KEY_B)
        ws.send([delete_task(owned)])
        deleted = ws.recv()
        ws.send([use])
        used = ws.recv()
    assert not_found(deleted, "media")[0] == "mediaNotFound"
    assert not_found(used, "inputs.referenceImages.0")[0] == "mediaNotFound"
    with server.ws() as ws:
        ws.auth(KEY_A)
        ws.send([{**use, "taskUUID": new_uuid()}])
        assert "errors" not in ws.recv()
