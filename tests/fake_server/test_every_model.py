"""Every shipped model, end to end: tasks drawn by the strategies run on the fake, over REST and
WebSocket, in-process and on a live socket, and their results are real media of the right kind.

Media inputs drawn as UUIDs name media the fake must hold, as on Runware: they are replaced by
the UUIDs of real files uploaded first (``imageUpload`` for images, ``mediaStorage`` for
videos). Every result file is decoded: container, codec and frame size for a video, decoded
format and size for an image, compared with what the task asked for.
"""

from __future__ import annotations

import base64
import io
import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import av
import httpx
import pytest
import websockets.sync.client
from hypothesis import HealthCheck, given, settings
from starlette.testclient import TestClient

from runware_testkit.contract import load_contract
from runware_testkit.fake_server.app import create_app
from runware_testkit.fake_server.config import DEV_API_KEY
from runware_testkit.fake_server.media.image import probe_image, render_image
from runware_testkit.fake_server.media.probe import decode_data_uri
from runware_testkit.fake_server.uvicorn_thread import LiveServer
from runware_testkit.strategies import requests

from .harness import make_state, video_data_uri

MODELS = sorted(load_contract().models)
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
AUTH = {"Authorization": f"Bearer {DEV_API_KEY}"}
VIDEO_CODECS = {"mp4": {"h264", "mpeg4"}, "mov": {"h264", "mpeg4"}, "webm": {"vp9", "vp8"}}


class Fake:
    """One fake server and the synchronous clients of one mode (in-process or live)."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.state = make_state()
        self.app = create_app(state=self.state)
        if mode == "live":
            self.live = LiveServer(self.app).start()
            self.http: Any = httpx.Client(base_url=self.live.base_url, trust_env=False, timeout=60)
        else:
            self.live = None
            self.http = TestClient(self.app)
        self.uploaded: dict[str, str] = {}

    def post(self, *tasks: dict[str, Any]) -> dict[str, Any]:
        reply = self.http.post("/v1", json=list(tasks), headers=AUTH)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def fetch(self, url: str) -> bytes:
        path = httpx.URL(url).raw_path.decode()
        reply = self.http.get(path)
        assert reply.status_code == 200, url
        return reply.content

    def uploaded_uuid(self, kind: str) -> str:
        """The UUID of a real file of `kind` (image or video) uploaded to this fake once."""
        if kind not in self.uploaded:
            if kind == "image":
                png = base64.b64encode(render_image("PNG", 320, 240, seed=3)).decode()
                task = {"taskType": "imageUpload", "taskUUID": str(uuid.uuid4()), "image": png}
                self.uploaded[kind] = self.post(task)["data"][0]["imageUUID"]
            else:
                task = {
                    "taskType": "mediaStorage",
                    "taskUUID": str(uuid.uuid4()),
                    "operation": "upload",
                    "media": video_data_uri(2.0),
                }
                self.uploaded[kind] = self.post(task)["data"][0]["mediaUUID"]
        return self.uploaded[kind]

    def run_rest(self, task: dict[str, Any]) -> list[dict[str, Any]]:
        ack = self.post(task)
        assert ack["data"][0]["taskUUID"] == task["taskUUID"], ack
        body = self.post({"taskType": "getResponse", "taskUUID": task["taskUUID"]})
        return body["data"]

    def run_websocket(self, task: dict[str, Any]) -> list[dict[str, Any]]:
        auth = [{"taskType": "authentication", "apiKey": DEV_API_KEY}]
        poll = [{"taskType": "getResponse", "taskUUID": task["taskUUID"]}]
        if self.live is not None:
            with websockets.sync.client.connect(
                self.live.ws_url, max_size=None, proxy=None
            ) as conn:
                frames = []
                for message in (auth, [task], poll):
                    conn.send(json.dumps(message))
                    frames.append(json.loads(conn.recv(timeout=30)))
        else:
            with self.http.websocket_connect("/v1") as conn:
                frames = []
                for message in (auth, [task], poll):
                    conn.send_text(json.dumps(message))
                    frames.append(json.loads(conn.receive_text()))
        assert "errors" not in frames[1], frames[1]
        assert frames[1]["data"][0]["taskUUID"] == task["taskUUID"]
        return frames[2]["data"]

    def close(self) -> None:
        self.http.close()
        if self.live is not None:
            self.live.stop(wait=False)
        self.state.engine.close()


@pytest.fixture(scope="module", params=["inprocess", "live"])
def fake(request: pytest.FixtureRequest) -> Iterator[Fake]:
    server = Fake(request.param)
    yield server
    server.close()


MEDIA_FIELDS = ("inputs", "advancedFeatures")
"""Top-level fields whose UUID strings name media (inputs, a watermark image)."""


def with_uploaded_inputs(task: dict[str, Any], fake: Fake) -> dict[str, Any]:
    """`task` with every media UUID under `MEDIA_FIELDS` replaced by one the fake holds."""

    def walk(value: Any, path: str) -> Any:
        if isinstance(value, dict):
            return {key: walk(item, f"{path}.{key}") for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item, path) for item in value]
        if isinstance(value, str) and UUID.match(value):
            return fake.uploaded_uuid("video" if "video" in path.lower() else "image")
        return value

    return {key: walk(value, key) if key in MEDIA_FIELDS else value for key, value in task.items()}


def media_of(item: dict[str, Any], fake: Fake) -> tuple[str, bytes]:
    """(``video`` | ``image``, the result file's bytes), from whichever output field it has."""
    for kind in ("video", "image"):
        if f"{kind}URL" in item:
            return kind, fake.fetch(item[f"{kind}URL"])
        if f"{kind}Base64Data" in item:
            return kind, base64.b64decode(item[f"{kind}Base64Data"])
        if f"{kind}DataURI" in item:
            return kind, decode_data_uri(item[f"{kind}DataURI"])
    raise AssertionError(f"no media in result item {item}")


def check_media(task: dict[str, Any], kind: str, data: bytes) -> None:
    expected_kind = "image" if task["taskType"] == "imageInference" else "video"
    if task["taskType"] == "upscale":
        expected_kind = "video" if "video" in task.get("inputs", {}) else "image"
    assert kind == expected_kind
    fmt = str(task.get("outputFormat", "")).lower()
    if kind == "image":
        facts = probe_image(data)
        if fmt:
            assert facts.format.lower() == {"jpeg": "jpg"}.get(fmt, fmt)
        size = (facts.width, facts.height)
    else:
        with av.open(io.BytesIO(data)) as container:
            stream = container.streams.video[0]
            codec = stream.codec_context.name
            size = (stream.codec_context.width, stream.codec_context.height)
            names = container.format.name.split(",")
        container_name = "webm" if "webm" in names or "matroska" in names else "mp4"
        if fmt:
            assert container_name == ("webm" if fmt == "webm" else "mp4")
            assert codec in VIDEO_CODECS[fmt]
        else:
            assert codec in VIDEO_CODECS[container_name]
    if "width" in task and "height" in task and task["taskType"] != "upscale":
        assert size == (task["width"], task["height"])
    assert size[0] > 0 and size[1] > 0


def check_run(task: dict[str, Any], items: list[dict[str, Any]], fake: Fake) -> None:
    assert [item["status"] for item in items] == ["success"] * task.get("numberResults", 1)
    assert {item["taskUUID"] for item in items} == {task["taskUUID"]}
    for item in items:
        assert "progress" not in item
        kind, data = media_of(item, fake)
        check_media(task, kind, data)


@pytest.mark.parametrize("model", MODELS)
def test_drawn_tasks_run_to_real_media_on_both_transports(fake: Fake, model: str) -> None:
    @settings(
        max_examples=4,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(requests(model=model, deliveryMethod="async"))
    def run(drawn: dict[str, Any]) -> None:
        drawn.pop("webhookURL", None)
        drawn.pop("uploadEndpoint", None)
        # Hypothesis may draw one taskUUID twice across examples; the fake would (rightly) refuse
        # the second as conflictTaskUUID, so each run gets a fresh one.
        task = with_uploaded_inputs({**drawn, "taskUUID": str(uuid.uuid4())}, fake)
        check_run(task, fake.run_rest(task), fake)
        again = {**task, "taskUUID": str(uuid.uuid4())}
        check_run(again, fake.run_websocket(again), fake)

    run()
