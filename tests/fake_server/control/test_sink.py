import hashlib
import threading

import httpx
import pytest

from runware_testkit.fake_server.control.sink import WebhookSink, valid_sink_name
from runware_testkit.fake_server.engine.clock import ManualClock
from runware_testkit.fake_server.journal import Journal
from runware_testkit.fake_server.outbound.delivery import Delivery

from ..control_state import local_client, make_app, make_state, remote_client

PAYLOAD = {"data": [{"taskType": "videoInference", "taskUUID": "t-1", "videoUUID": "v-1"}]}


@pytest.fixture
def state():
    return make_state(ManualClock(5000.0))


@pytest.fixture
async def client(state):
    async with local_client(make_app(state)) as client:
        yield client


async def test_post_records_and_get_reads(client, state):
    answer = await client.post("/__testkit/sink/hooks?token=abc", json=PAYLOAD)
    assert answer.status_code == 200
    assert answer.json() == {"received": True}
    read = (await client.get("/__testkit/sink/hooks")).json()
    assert read["name"] == "hooks"
    assert read["count"] == 1
    [entry] = read["received"]
    assert entry["method"] == "POST"
    assert entry["body"] == PAYLOAD
    assert entry["query"] == {"token": "abc"}
    assert entry["headers"]["content-type"] == "application/json"
    assert entry["time"] == 5000.0
    assert entry["status"] == 200
    assert state.sink.received("hooks")[0]["body"] == PAYLOAD


async def test_non_json_body_is_kept_as_text(client):
    await client.post("/__testkit/sink/raw", content=b"not json {")
    await client.post("/__testkit/sink/raw")
    bodies = [e["body"] for e in (await client.get("/__testkit/sink/raw")).json()["received"]]
    assert bodies == ["not json {", None]


async def test_lone_surrogate_body_is_kept_as_text_and_reads_stay_200(client):
    await client.post("/__testkit/sink/odd", content=b'{"note": "\\udc00"}')
    answer = await client.get("/__testkit/sink/odd")
    assert answer.status_code == 200
    assert [e["body"] for e in answer.json()["received"]] == ['{"note": "\\udc00"}']


async def test_unknown_name_reads_empty(client):
    assert (await client.get("/__testkit/sink/nobody")).json() == {
        "name": "nobody",
        "count": 0,
        "received": [],
    }


async def test_put_records_upload_digest(client, state):
    data = bytes(range(256)) * 4
    answer = await client.put(
        "/__testkit/sink/uploads", content=data, headers={"content-type": "video/mp4"}
    )
    assert answer.status_code == 200
    [entry] = (await client.get("/__testkit/sink/uploads")).json()["received"]
    assert entry["method"] == "PUT"
    assert entry["size"] == len(data)
    assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert entry["content_type"] == "video/mp4"
    assert "data" not in entry
    assert state.sink.received("uploads")[0]["data"] == data


async def test_fail_query_fails_first_requests(client):
    statuses = [
        (await client.post("/__testkit/sink/flaky?fail=2", json=PAYLOAD)).status_code
        for _ in range(3)
    ]
    assert statuses == [500, 500, 200]
    failing = await client.post("/__testkit/sink/other?fail=1&fail_status=503", json=PAYLOAD)
    assert failing.status_code == 503
    assert failing.json()["errors"][0]["code"] == "serviceUnavailable"
    received = (await client.get("/__testkit/sink/flaky")).json()["received"]
    assert [e["status"] for e in received] == [500, 500, 200]


async def test_fail_next_from_python_and_route(client, state):
    state.sink.fail_next("hooks", 1, status=429)
    assert (await client.post("/__testkit/sink/hooks", json={})).status_code == 429
    assert (await client.post("/__testkit/sink/hooks", json={})).status_code == 200
    answer = await client.post("/__testkit/sink/hooks/fail", json={"times": 2, "status": 504})
    assert answer.json() == {"name": "hooks", "pending_failures": 2}
    statuses = [(await client.post("/__testkit/sink/hooks", json={})).status_code for _ in range(3)]
    assert statuses == [504, 504, 200]
    assert (await client.post("/__testkit/sink/hooks/fail")).json()["pending_failures"] == 1


@pytest.mark.parametrize(
    ("body", "parameter"),
    [({"times": 0}, "times"), ({"status": 200}, "status"), ({"times": "2"}, "times")],
)
async def test_fail_route_rejects_bad_values(client, body, parameter):
    answer = await client.post("/__testkit/sink/hooks/fail", json=body)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["parameter"] == parameter


async def test_fail_route_rejects_bad_body(client):
    assert (await client.post("/__testkit/sink/h/fail", json=[1])).status_code == 400
    answer = await client.post("/__testkit/sink/h/fail", json={"tiems": 1})
    assert answer.json()["errors"][0]["code"] == "unsupportedParameter"
    assert (await client.post("/__testkit/sink/h/fail", content=b"{")).status_code == 400


@pytest.mark.parametrize("query", ["fail=x", "fail=-1", "fail_status=200"])
async def test_bad_fail_query_is_a_400(client, query):
    answer = await client.post(f"/__testkit/sink/hooks?{query}", json={})
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["code"] == "invalidParameter"


async def test_bad_name_is_a_400(client):
    answer = await client.post("/__testkit/sink/" + "x" * 129, json={})
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["parameter"] == "name"


async def test_names_and_forget(client):
    await client.post("/__testkit/sink/a", json={})
    await client.post("/__testkit/sink/a", json={})
    await client.put("/__testkit/sink/b", content=b"x")
    assert (await client.get("/__testkit/sink")).json() == {"names": {"a": 2, "b": 1}}
    assert (await client.delete("/__testkit/sink/a")).json() == {"cleared": "a"}
    assert (await client.get("/__testkit/sink")).json() == {"names": {"b": 1}}


async def test_receiving_is_open_but_reading_is_loopback_only(state):
    app = make_app(state)
    async with remote_client(app) as remote:
        assert (await remote.post("/__testkit/sink/hooks", json=PAYLOAD)).status_code == 200
        refused = await remote.get("/__testkit/sink/hooks")
        assert refused.status_code == 403
        assert refused.json()["errors"][0]["code"] == "forbidden"
    assert len(state.sink.received("hooks")) == 1


async def test_reading_needs_the_token(state):
    state.config.control_token = "s3cret"
    async with local_client(make_app(state)) as client:
        assert (await client.post("/__testkit/sink/hooks", json={})).status_code == 200
        assert (await client.get("/__testkit/sink/hooks")).status_code == 403
        answer = await client.get("/__testkit/sink/hooks", headers={"X-Testkit-Token": "s3cret"})
        assert answer.json()["count"] == 1


async def test_delivery_into_the_sink_with_failing_receiver(state):
    app = make_app(state)
    journal = Journal(state.clock)
    sleeps = []

    async def sleep(seconds):
        sleeps.append(seconds)

    delivery = Delivery(
        journal,
        transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 4000)),
        sleep=sleep,
    )
    outcome = await delivery.deliver_webhook(
        "http://127.0.0.1:8000/__testkit/sink/t1?fail=2", PAYLOAD
    )
    assert outcome.delivered
    assert outcome.attempts == 3
    assert [e["status"] for e in state.sink.received("t1")] == [500, 500, 200]
    assert state.sink.received("t1")[-1]["body"] == PAYLOAD
    assert sleeps == [0.5, 1.0]
    upload = await delivery.deliver_upload(
        "http://localhost/__testkit/sink/up", b"video-bytes", "video/mp4"
    )
    assert upload.delivered
    assert state.sink.received("up")[0]["data"] == b"video-bytes"


def test_sink_python_api():
    sink = WebhookSink(max_per_name=2)
    for index in range(3):
        sink.record("n", {"body": index})
    assert [e["body"] for e in sink.received("n")] == [1, 2]
    assert sink.hit("n", fail_first=1) == 500
    assert sink.hit("n", fail_first=1) is None
    sink.clear()
    assert sink.names() == {}
    assert sink.hit("n", fail_first=1) == 500
    with pytest.raises(ValueError, match="sink name"):
        sink.record("bad name", {})
    with pytest.raises(ValueError, match="status"):
        sink.fail_next("n", 1, status=302)
    assert valid_sink_name("task-1.webhook_~x")
    assert not valid_sink_name("a/b")


def test_sink_thread_safe():
    sink = WebhookSink()

    def post():
        for index in range(200):
            sink.record("n", {"body": index})
            sink.hit("n")

    threads = [threading.Thread(target=post) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sink.names() == {"n": 1000}
