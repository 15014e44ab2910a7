"""No secret that passes through the proxy reaches the cassette or its media folder."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from websockets.sync.client import connect

from runware_testkit.cassettes import read_cassette
from runware_testkit.testing.options import FakeOptions

from .conftest import edit_task, post

SECRETS = {
    "api key in an authentication task": "sk-auth-task-8d1f2c",
    "Authorization header": "sk-bearer-header-4a7e90",
    "api key over WebSocket": "sk-websocket-key-3b55e1",
    "presigned input URL": "presigned-input-sig-77aa01",
    "presigned upload URL": "presigned-upload-sig-19c4d2",
    "webhookURL token": "webhook-token-5e6f70",
    "URL userinfo": "userinfo-password-2d3c4b",
}


def test_planted_secrets_never_reach_the_disk(start_proxy, upstream, tmp_path: Path) -> None:
    keys = (
        SECRETS["api key in an authentication task"],
        SECRETS["Authorization header"],
        SECRETS["api key over WebSocket"],
    )
    upstream.reset(FakeOptions(progression="polls:1", api_keys=keys))
    cassette = tmp_path / "secrets.jsonl"
    proxy = start_proxy(cassette=cassette, media="hash", relay_webhooks=True)
    source = "https://cdn.example.com/source.mp4?X-Amz-Signature=" + SECRETS["presigned input URL"]
    upload = upstream.upload_url("up") + "?X-Amz-Signature=" + SECRETS["presigned upload URL"]
    hook = upstream.webhook_url("hook") + "?token=" + SECRETS["webhookURL token"]
    task = edit_task(inputs={"video": source}, uploadEndpoint=upload, webhookURL=hook)
    auth = {"taskType": "authentication", "apiKey": SECRETS["api key in an authentication task"]}
    assert post(proxy.rest_url, auth).status_code == 200
    bearer = SECRETS["Authorization header"]
    assert post(proxy.rest_url, task, key=bearer).status_code == 200
    poll = {"taskType": "getResponse", "taskUUID": task["taskUUID"]}
    post(proxy.rest_url, poll, key=bearer)
    result = post(proxy.rest_url, poll, key=bearer).json()["data"][0]
    httpx.get(result["videoURL"], trust_env=False)
    userinfo = f"https://viewer:{SECRETS['URL userinfo']}@cdn.example.com/in.mp4"
    refused = post(
        proxy.rest_url, edit_task(inputs={"video": userinfo}, positivePrompt=""), key=bearer
    )
    assert refused.status_code == 400
    wrong = post(proxy.rest_url, poll, key="sk-not-accepted-0000")
    assert wrong.status_code == 401
    with connect(proxy.ws_url) as ws:
        ws.send(
            json.dumps(
                [{"taskType": "authentication", "apiKey": SECRETS["api key over WebSocket"]}]
            )
        )
        ws.recv(timeout=10)
        ws.send(json.dumps([{"taskType": "ping", "ping": True}]))
        ws.recv(timeout=10)
    assert upstream.webhooks("hook") and upstream.uploads("up")
    proxy.stop()

    on_disk = [cassette, *sorted(cassette.with_name(cassette.name + ".media").iterdir())]
    assert len(on_disk) >= 2
    found = {
        what: [path.name for path in on_disk if secret.encode() in path.read_bytes()]
        for what, secret in SECRETS.items()
    }
    assert found == {what: [] for what in SECRETS}
    assert b"sk-not-accepted-0000" not in cassette.read_bytes()
    lines = read_cassette(cassette).interactions
    assert lines[0].request == {"taskType": "authentication", "apiKey": "[scrubbed]"}
    assert lines[1].request["webhookURL"] == "{{webhook:w1}}"
    assert lines[1].request["inputs"]["video"] == (
        "https://cdn.example.com/source.mp4?X-Amz-Signature=[scrubbed]"
    )
    assert lines[1].request["uploadEndpoint"].endswith("?X-Amz-Signature=[scrubbed]")
