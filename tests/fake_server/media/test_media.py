"""Media: result videos that really play, ttl, mediaStorage uploads used as inputs, URL inputs,
and Aleph 2.0's source duration rule. Every test runs in-process and against a live server."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from runware_testkit.fake_server.media.probe import probe_video
from runware_testkit.fake_server.media.video import render_video
from runware_testkit.fake_server.uvicorn_thread import LiveServer

from ..harness import ALEPH, ALEPH2, Harness, new_uuid, video_data_uri, video_task

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture(scope="module")
def file_server() -> Iterator[tuple[str, dict[str, bytes]]]:
    """A plain HTTP file server on 127.0.0.1 (an allowlisted host): (base URL, files)."""
    files: dict[str, bytes] = {}

    async def serve(request: Request) -> Response:
        data = files.get(request.path_params["name"])
        return Response(data, media_type="video/mp4") if data else Response(status_code=404)

    with LiveServer(Starlette(routes=[Route("/files/{name}", serve)])) as live:
        yield live.base_url + "/files", files


async def result_item(server: Harness, task: dict) -> dict:
    body = await server.run_to_end(task)
    item = body["data"][0]
    assert item["status"] == "success", body
    return item


# -- results ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "container", "content_type"),
    [
        ("MP4", "mp4", "video/mp4"),
        ("WEBM", "webm", "video/webm"),
        ("MOV", "mov", "video/quicktime"),
    ],
)
async def test_result_is_a_real_video_with_the_asked_size(
    server: Harness, fmt: str, container: str, content_type: str
) -> None:
    source = await server.upload(video_data_uri(1.0))
    task = video_task(
        ALEPH, source["mediaUUID"], width=640, height=480, outputFormat=fmt, outputQuality=40
    )
    item = await result_item(server, task)
    response = await server.http.get(item["videoURL"])
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    facts = probe_video(response.content)
    assert (facts.width, facts.height, facts.container) == (640, 480, container)
    assert facts.duration == pytest.approx(1.0, abs=0.2)


async def test_aleph_2_output_takes_the_source_size(server: Harness) -> None:
    source = await server.upload(video_data_uri(2.5, width=320, height=176))
    item = await result_item(server, video_task(ALEPH2, source["mediaUUID"], includeCost=True))
    assert item["cost"] == 0.7
    facts = probe_video((await server.http.get(item["videoURL"])).content)
    assert (facts.width, facts.height) == (320, 176)
    assert facts.duration == pytest.approx(2.5, abs=0.2)


async def test_different_results_are_different_videos(server: Harness) -> None:
    source = await server.upload(video_data_uri(2.0))
    body = await server.run_to_end(video_task(ALEPH2, source["mediaUUID"], numberResults=2))
    first, second = [(await server.http.get(i["videoURL"])).content for i in body["data"]]
    assert first != second


async def test_ttl_expiry_on_the_server_clock(server: Harness) -> None:
    item = await result_item(server, video_task(ttl=60))
    assert (await server.http.get(item["videoURL"])).status_code == 200
    server.clock.advance(60)
    response = await server.http.get(item["videoURL"])
    assert response.status_code == 410
    assert response.json()["errors"][0]["code"] == "mediaExpired"


async def test_unknown_media_and_wrong_extension_are_404(server: Harness) -> None:
    response = await server.http.get(f"/media/{new_uuid()}.mp4")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "mediaNotFound"
    item = await result_item(server, video_task())
    wrong = item["videoURL"].replace(".mp4", ".webm")
    assert (await server.http.get(wrong)).status_code == 404
    bare = item["videoURL"].rsplit(".", 1)[0]
    assert (await server.http.get(bare)).status_code == 200


async def test_head_gives_the_size(server: Harness) -> None:
    item = await result_item(server, video_task())
    head = await server.http.head(item["videoURL"])
    body = await server.http.get(item["videoURL"])
    assert head.status_code == 200
    assert int(head.headers["content-length"]) == len(body.content)


# -- mediaStorage -----------------------------------------------------------------------------


async def test_upload_data_uri_then_download_it(server: Harness) -> None:
    uri = video_data_uri(1.0)
    item = await server.upload(uri)
    assert item["operation"] == "upload"
    assert item["mediaURL"] == f"{server.base_url}/media/{item['mediaUUID']}.mp4"
    response = await server.http.get(item["mediaURL"])
    assert response.headers["content-type"] == "video/mp4"
    assert response.content == base64.b64decode(uri.split(",", 1)[1])


async def test_upload_raw_base64_image(server: Harness) -> None:
    item = await server.upload(base64.b64encode(PNG).decode())
    assert item["mediaURL"].endswith(".png")
    response = await server.http.get(item["mediaURL"])
    assert (response.headers["content-type"], response.content) == ("image/png", PNG)


async def test_upload_of_unreadable_bytes_is_refused(server: Harness) -> None:
    status, body = await server.call(
        {
            "taskType": "mediaStorage",
            "taskUUID": new_uuid(),
            "operation": "upload",
            "media": "data:video/mp4;base64," + base64.b64encode(b"not a video").decode(),
        }
    )
    assert status == 400
    assert body["errors"][0]["code"] == "invalidMedia"


async def test_deleted_media_cannot_be_used(server: Harness) -> None:
    source = await server.upload(video_data_uri(3.0))
    delete = {
        "taskType": "mediaStorage",
        "taskUUID": new_uuid(),
        "operation": "delete",
        "media": source["mediaUUID"],
    }
    status, body = await server.call(delete)
    assert status == 200
    assert body["data"][0]["mediaUUID"] == source["mediaUUID"]
    assert (await server.http.get(source["mediaURL"])).status_code == 404
    status, body = await server.call(video_task(ALEPH2, source["mediaUUID"]))
    assert status == 400
    assert (body["errors"][0]["code"], body["errors"][0]["parameter"]) == (
        "mediaNotFound",
        "inputs.video",
    )
    status, body = await server.call({**delete, "taskUUID": new_uuid()})
    assert (status, body["errors"][0]["code"]) == (404, "mediaNotFound")


async def test_unknown_media_uuid_as_input(server: Harness) -> None:
    status, body = await server.call(video_task(ALEPH2, new_uuid()))
    assert status == 400
    assert body["errors"][0]["code"] == "mediaNotFound"


# -- Aleph 2.0 duration rule ------------------------------------------------------------------


@pytest.mark.parametrize(("seconds", "ok"), [(1.0, False), (3.0, True), (31.0, False)])
async def test_aleph_2_source_duration_rule(server: Harness, seconds: float, ok: bool) -> None:
    source = await server.upload(video_data_uri(seconds))
    status, body = await server.call(video_task(ALEPH2, source["mediaUUID"]))
    if ok:
        assert status == 200, body
        return
    assert status == 400
    (error,) = body["errors"]
    assert error["code"] == "invalidVideo"
    assert error["parameter"] == "inputs.video"
    assert error["message"] == f"source video is {seconds:.1f} s; runway:aleph@2.0 accepts 2-30 s"


async def test_aleph_1_has_no_duration_rule(server: Harness) -> None:
    source = await server.upload(video_data_uri(1.0))
    assert (await server.call(video_task(ALEPH, source["mediaUUID"])))[0] == 200


# -- URL inputs -------------------------------------------------------------------------------


async def test_own_media_url_as_input(server: Harness) -> None:
    source = await server.upload(video_data_uri(31.0))
    status, body = await server.call(video_task(ALEPH2, source["mediaURL"]))
    assert (status, body["errors"][0]["code"]) == (400, "invalidVideo")


async def test_allowlisted_url_is_downloaded_and_probed(server: Harness, file_server) -> None:
    base, files = file_server
    files["short.mp4"] = render_video("MP4", 160, 96, duration=1.0, quality=20)
    files["ok.mp4"] = render_video("MP4", 224, 128, duration=3.0, quality=20)
    status, body = await server.call(video_task(ALEPH2, f"{base}/short.mp4"))
    assert (status, body["errors"][0]["code"]) == (400, "invalidVideo")
    item = await result_item(server, video_task(ALEPH2, f"{base}/ok.mp4"))
    facts = probe_video((await server.http.get(item["videoURL"])).content)
    assert (facts.width, facts.height) == (224, 128)


async def test_allowlisted_url_that_fails_is_download_failed(server: Harness, file_server) -> None:
    base, _ = file_server
    status, body = await server.call(video_task(ALEPH2, f"{base}/missing.mp4"))
    assert status == 400
    assert body["errors"][0]["code"] == "downloadFailed"
    assert "HTTP 404" in body["errors"][0]["message"]


async def test_remote_url_is_accepted_unprobed(server: Harness) -> None:
    item = await result_item(
        server, video_task(ALEPH2, "https://cdn.example.com/clip.mp4", includeCost=True)
    )
    assert item["cost"] == 1.4
    facts = probe_video((await server.http.get(item["videoURL"])).content)
    assert (facts.width, facts.height) == (1280, 720)


@pytest.mark.parametrize(
    "url",
    ["https://[x]/a.mp4", "http://[::1/a.mp4", "https://[scrubbed]@cdn.example.com/a.mp4"],
)
async def test_an_input_url_with_an_odd_bracketed_host_is_a_remote_url_not_a_500(
    server: Harness, url: str
) -> None:
    """urllib refuses these hosts (ValueError); the fake treats them as remote URLs it never
    fetches, as it does any URL it cannot reach (a cassette writes userinfo as [scrubbed])."""
    status, body = await server.call(video_task(video=url))
    assert status == 200, body
    assert body["data"][0]["taskType"] == "videoInference"
