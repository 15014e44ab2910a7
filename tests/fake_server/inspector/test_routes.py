"""The Inspector's routes in-process: page or index, access rules, views, event stream."""

from __future__ import annotations

import json

import httpx
import pytest

from runware_testkit.fake_server.app import create_app
from runware_testkit.fake_server.config import DEV_API_KEY, ServerConfig
from runware_testkit.fake_server.inspector.routes import inspector_page
from runware_testkit.fake_server.namespaces import create_shared_app

from ..harness import make_state, poll_task, video_task

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
AUTH = {"Authorization": f"Bearer {DEV_API_KEY}"}


def client_for(app, host: str = "127.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(host, 1234))
    return httpx.AsyncClient(transport=transport, base_url="http://fake.test")


@pytest.fixture
def state():
    return make_state(progression="time:5")


@pytest.fixture
async def client(state):
    async with client_for(create_app(state=state)) as client:
        yield client


async def test_a_browser_gets_the_inspector_page(client):
    answer = await client.get("/__testkit/", headers=HTML)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    page = answer.text
    assert 'data-base="/__testkit"' in page
    assert "new EventSource" in page and "<style>" in page
    assert "/*SCRIPT*/" not in page and "/*STYLE*/" not in page


@pytest.mark.parametrize("accept", [None, "application/json"])
async def test_a_program_still_gets_the_route_index(client, accept):
    headers = {"Accept": accept} if accept else {}
    answer = await client.get("/__testkit/", headers=headers)
    routes = {row["path"]: row for row in answer.json()["routes"]}
    assert routes["/__testkit/events"]["methods"] == ["GET"]
    assert routes["/__testkit/scenarios/{index}"]["methods"] == ["DELETE"]
    assert routes["/__testkit/reset"]["methods"] == ["POST"]


def test_the_base_path_is_escaped_into_the_page():
    page = inspector_page('/ns/"><script>x</script>/__testkit')
    assert 'data-base="/ns/&quot;&gt;&lt;script&gt;x&lt;/script&gt;/__testkit"' in page


def test_the_page_is_small_and_names_no_outside_asset():
    page = inspector_page("/__testkit")
    assert len(page.encode()) < 60_000
    for outside in ("http://", "https://", "//cdn", "@import"):
        assert outside not in page


async def test_a_remote_client_without_a_token_gets_no_page(state):
    async with client_for(create_app(state=state), "10.1.2.3") as remote:
        answer = await remote.get("/__testkit/", headers=HTML)
        events = await remote.get("/__testkit/events?max=0")
    assert answer.status_code == 403
    assert "<html" not in answer.text
    assert answer.json()["errors"][0]["code"] == "forbidden"
    assert events.status_code == 403


async def test_with_a_token_the_page_takes_it_from_the_query():
    state = make_state(control_token="s3cret-token")
    async with client_for(create_app(state=state)) as local:
        bare = await local.get("/__testkit/", headers=HTML)
        wrong = await local.get("/__testkit/?token=nope", headers=HTML)
        right = await local.get("/__testkit/?token=s3cret-token", headers=HTML)
        header = await local.get("/__testkit/models", headers={"X-Testkit-Token": "s3cret-token"})
    assert (bare.status_code, wrong.status_code, right.status_code) == (403, 403, 200)
    assert header.status_code == 200


async def test_rows_hold_accepted_and_rejected_tasks(client):
    good = video_task(includeCost=True)
    bad = video_task(outputQuality=5000)
    await client.post("/v1", json=[good], headers=AUTH)
    await client.post("/v1", json=[bad], headers=AUTH)
    rows = {
        row["taskUUID"]: row
        for row in (await client.get("/__testkit/inspector/tasks")).json()["tasks"]
    }
    assert rows[good["taskUUID"]]["status"] == "processing"
    assert rows[good["taskUUID"]]["key"] == DEV_API_KEY[:4] + "..."
    assert rows[bad["taskUUID"]]["status"] == "rejected"
    assert rows[bad["taskUUID"]]["error"]["parameter"] == "outputQuality"


async def test_the_timeline_follows_submit_polls_and_the_end(client, state):
    task = video_task(includeCost=True)
    await client.post("/v1", json=[task], headers=AUTH)
    await client.post("/v1", json=[poll_task(task["taskUUID"])], headers=AUTH)
    state.clock.advance(10)
    await client.post("/v1", json=[poll_task(task["taskUUID"])], headers=AUTH)
    data = (await client.get(f"/__testkit/tasks/{task['taskUUID']}/timeline")).json()
    labels = [(event["label"], event.get("status")) for event in data["events"]]
    assert labels == [
        ("submit", None),
        ("answer", "accepted"),
        ("poll", None),
        ("answer", "processing"),
        ("poll", None),
        ("finished", "success"),
        ("answer", "success"),
    ]
    assert data["request"] == task
    assert data["details"]["request"] == [task]
    assert data["details"]["response"]["data"][0]["status"] == "success"
    [media] = data["media"]
    assert media["kind"] == "video" and media["format"] == "mp4"
    assert media["url"] == f"/media/{media['uuid']}.mp4"
    assert media["duration"] > 0


async def test_a_rejected_task_has_a_timeline_with_its_errors(client):
    bad = video_task(outputQuality=5000)
    await client.post("/v1", json=[bad], headers=AUTH)
    data = (await client.get(f"/__testkit/tasks/{bad['taskUUID']}/timeline")).json()
    assert data["task"] is None and data["details"] is None
    assert data["request"] == bad
    assert [error["parameter"] for error in data["errors"]] == ["outputQuality"]


async def test_an_unknown_task_has_no_timeline(client):
    answer = await client.get("/__testkit/tasks/0f0f0f0f-0000-4000-8000-000000000000/timeline")
    assert answer.status_code == 404
    assert answer.json()["errors"][0]["code"] == "taskNotFound"


async def test_webhook_attempts_join_the_timeline(client, state):
    task = video_task(webhookURL="http://testserver/__testkit/sink/hooks")
    await client.post("/__testkit/sink/hooks/fail", json={"times": 1, "status": 503})
    await client.post("/v1", json=[task], headers=AUTH)
    await client.post(f"/__testkit/tasks/{task['taskUUID']}/complete")
    await state.drain(10)
    data = (await client.get(f"/__testkit/tasks/{task['taskUUID']}/timeline")).json()
    attempts = [event for event in data["events"] if event["label"] == "webhook"]
    assert attempts, data["events"]
    assert attempts[-1]["status"] == "delivered"


async def test_reset_empties_the_views(client):
    await client.post("/v1", json=[video_task()], headers=AUTH)
    await client.post("/v1", json=[video_task(outputQuality=5000)], headers=AUTH)
    assert len((await client.get("/__testkit/inspector/tasks")).json()["tasks"]) == 2
    await client.post("/__testkit/reset")
    assert (await client.get("/__testkit/inspector/tasks")).json()["tasks"] == []


async def test_models_name_their_source_and_schema_links(client):
    models = {row["air"]: row for row in (await client.get("/__testkit/models")).json()["models"]}
    aleph = models["runway:2@1"]
    assert aleph["source_kind"] in ("page", "official schema")
    assert aleph["links"]["request schema"] == "/resolve/runway:2@1"
    assert "positivePrompt" in aleph["parameters"]
    assert (await client.get(aleph["links"]["request schema"])).status_code == 200
    assert (await client.get(aleph["links"]["OpenAPI"])).status_code == 200


async def test_spend_adds_up_cost_per_key(client, state):
    tasks = [video_task(includeCost=True), video_task(includeCost=True)]
    await client.post("/v1", json=tasks, headers=AUTH)
    state.clock.advance(10)
    rows = (await client.get("/__testkit/inspector/tasks")).json()["tasks"]
    [spend] = (await client.get("/__testkit/spend")).json()["keys"]
    assert spend["tasks"] == 2 and spend["succeeded"] == 2
    assert spend["cost"] == pytest.approx(sum(row["cost"] for row in rows))
    assert spend["cost"] > 0


async def test_the_error_catalog_is_listed(client):
    errors = {e["code"]: e for e in (await client.get("/__testkit/errors")).json()["errors"]}
    assert errors["timeoutProvider"]["status"] == 504


async def test_the_event_stream_sends_rows_and_journal_progress(client):
    await client.post("/v1", json=[video_task()], headers=AUTH)
    answer = await client.get("/__testkit/events?max=0")
    assert answer.headers["content-type"].startswith("text/event-stream")
    events = {}
    for block in answer.text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in fields:
            events[fields["event"]] = json.loads(fields["data"])
    assert len(events["tasks"]["tasks"]) == 1
    assert events["journal"]["last_seq"] == events["tasks"]["last_seq"] > 0


async def test_a_bad_stream_lifetime_is_a_clear_error(client):
    answer = await client.get("/__testkit/events?max=soon")
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["parameter"] == "max"


async def test_a_namespace_has_its_own_page_and_links():
    async with client_for(create_shared_app(ServerConfig())) as client:
        path = (await client.post("/__testkit/namespaces")).json()["path"]
        await client.post(f"{path}/v1", json=[video_task()], headers=AUTH)
        page = await client.get(f"{path}/__testkit/", headers=HTML)
        rows = (await client.get(f"{path}/__testkit/inspector/tasks")).json()["tasks"]
        outer = (await client.get("/__testkit/inspector/tasks")).json()["tasks"]
        models = (await client.get(f"{path}/__testkit/models")).json()["models"]
    assert f'data-base="{path}/__testkit"' in page.text
    assert len(rows) == 1 and outer == []
    assert models[0]["links"]["request schema"].startswith(f"{path}/resolve/")


def test_spend_per_key_agrees_with_the_fixtures_spend_while_tasks_run_and_when_done() -> None:
    """The Inspector's spend and `spend` price the same tasks the same way: a processing task
    counts, a failed one does not."""
    import uuid

    import httpx

    from runware_testkit.testing import server

    def edit(prompt: str) -> dict:
        return {
            "taskType": "videoInference",
            "taskUUID": str(uuid.uuid4()),
            "model": "runway:2@1",
            "positivePrompt": prompt,
            "numberResults": 2,
            "inputs": {"video": "https://cdn.example.com/in.mp4"},
        }

    with server(progression="polls:3") as fake, httpx.Client(trust_env=False) as http:
        headers = {"Authorization": f"Bearer {fake.api_key}"}
        running = edit("a paper boat")
        failing = edit("a kite [[testkit:error=timeoutProvider@processing]]")
        for task in (running, failing):
            assert http.post(fake.base_url, json=[task], headers=headers).status_code == 200
        for _ in range(4):
            poll = {"taskType": "getResponse", "taskUUID": failing["taskUUID"]}
            http.post(fake.base_url, json=[poll], headers=headers)
        origin = fake.base_url.rsplit("/v1", 1)[0]
        rows = http.get(f"{origin}/__testkit/spend").json()["keys"]
        spend = fake.spend
    assert spend.total_usd > 0
    assert sum(row["cost"] for row in rows) == pytest.approx(spend.total_usd)
