"""Round trip through the fake server: every drawn task is accepted, and its results validate."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from runware_testkit import validate_result
from runware_testkit.fake_server.app import create_app
from runware_testkit.fake_server.config import DEV_API_KEY, ServerConfig
from runware_testkit.fake_server.engine.clock import ManualClock
from runware_testkit.fake_server.state import ServerState
from runware_testkit.strategies import ABSENT, requests
from runware_testkit.strategies.primitives import base64_images, data_uri_images, media_urls

from .support import ALEPH, ALEPH2, platform, schema_errors

# The fake resolves media by UUID only when it holds them (an upload or an earlier result), and
# it delivers webhooks and uploads: media inputs here are URLs on example hosts (accepted
# unprobed) or inline images, and no webhookURL / uploadEndpoint is sent.
IMAGES = st.one_of(media_urls("image"), data_uri_images(), base64_images())
OFFLINE = {"webhookURL": ABSENT, "uploadEndpoint": ABSENT, "inputs.video": media_urls("video")}
TASKS = st.one_of(
    requests(ALEPH, pinned={**OFFLINE, "inputs.referenceImages": st.lists(IMAGES, max_size=3)}),
    requests(
        ALEPH2,
        pinned={
            **OFFLINE,
            "inputs.frameImages": st.lists(
                IMAGES | st.fixed_dictionaries({"image": IMAGES}, optional={"frame": st.just(0)}),
                min_size=1,
                max_size=5,
            ),
        },
    ),
)
MAX_POLLS = 20


async def _run(task: dict[str, Any]) -> list[dict[str, Any]]:
    state = ServerState(ServerConfig(seed=1234), clock=ManualClock())
    app = create_app(state=state)
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {DEV_API_KEY}"}
    frames = []
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            reply = await http.post("/v1", json=[task], headers=headers)
            frames.append(reply.json())
            poll = [{"taskType": "getResponse", "taskUUID": task["taskUUID"]}]
            for _ in range(MAX_POLLS):
                frame = (await http.post("/v1", json=poll, headers=headers)).json()
                frames.append(frame)
                if "errors" in frame or frame["data"][0].get("status") != "processing":
                    break
    finally:
        await state.drain(10)
        state.engine.close()
    return frames


@settings(max_examples=40, database=None, deadline=None)
@given(TASKS)
def test_drawn_tasks_round_trip_through_the_fake_server(task):
    ack, *polls = asyncio.run(_run(task))
    assert "errors" not in ack, ack
    assert ack["data"][0]["taskUUID"] == task["taskUUID"]
    final = polls[-1]
    assert "errors" not in final, final
    items = final["data"]
    assert [i["status"] for i in items] == ["success"] * task.get("numberResults", 1)
    assert len({i["videoUUID"] for i in items}) == len(items)
    for item in items:
        assert not schema_errors(platform("get-response-item"), item)
        result = {k: v for k, v in item.items() if k != "status"}
        assert not validate_result(result, model=task["model"])
