import uuid

import pytest
from starlette.applications import Starlette

from runware_testkit.fake_server.config import ServerConfig as RealConfig
from runware_testkit.fake_server.control.api import (
    access_refusal,
    control_routes,
    is_loopback_client,
)
from runware_testkit.fake_server.engine.clock import ManualClock, SystemClock
from runware_testkit.fake_server.faults.scenarios import ERROR_CATALOG, Scenario

from ..control_state import local_client, make_app, make_state, remote_client

KEY = "rw-test-key-123456"


def video_task(**overrides):
    task = {
        "taskType": "videoInference",
        "taskUUID": str(uuid.uuid4()),
        "model": "runway:2@1",
        "positivePrompt": "a red kite over the dunes",
    }
    task.update(overrides)
    return task


@pytest.fixture
def state():
    return make_state(ManualClock(1000.0))


@pytest.fixture
async def client(state):
    async with local_client(make_app(state)) as client:
        yield client


def error_of(response):
    body = response.json()
    assert set(body) == {"errors"}
    [error] = body["errors"]
    return error


# -- health, reset, seed -----------------------------------------------------------------------


async def test_health(client):
    answer = await client.get("/__testkit/health")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}
    assert answer.headers["content-type"] == "application/json"


async def test_reset_forgets_everything(client, state):
    state.engine.submit(video_task(), api_key=KEY)
    state.journal.record("request", path="/v1")
    state.scenarios.add(Scenario(nsfw=True))
    state.sink.record("hooks", {"body": {}})
    answer = await client.post("/__testkit/reset")
    assert answer.json() == {"reset": True}
    assert state.engine.all_tasks() == []
    assert state.journal.entries() == []
    assert state.scenarios.pending() == []
    assert state.sink.names() == {}


async def test_reset_prefers_the_states_own_reset(state):
    calls = []
    state.reset = lambda: calls.append("reset")
    async with local_client(make_app(state)) as client:
        assert (await client.post("/__testkit/reset")).status_code == 200
    assert calls == ["reset"]


async def test_seed_makes_ids_repeat(client, state):
    assert (await client.post("/__testkit/seed", json={"seed": 42})).json() == {"seed": 42}
    first = [state.ids.uuid4() for _ in range(3)]
    await client.post("/__testkit/seed", json={"seed": 42})
    assert [state.ids.uuid4() for _ in range(3)] == first
    assert (await client.post("/__testkit/seed", json={"seed": None})).status_code == 200
    assert state.ids.seed is None


@pytest.mark.parametrize(
    ("body", "code", "parameter"),
    [
        ({}, "missingParameter", "seed"),
        ({"seed": "42"}, "invalidParameter", "seed"),
        ({"seed": True}, "invalidParameter", "seed"),
        ({"seed": 1, "extra": 2}, "unsupportedParameter", "extra"),
    ],
)
async def test_seed_rejects_bad_bodies(client, body, code, parameter):
    answer = await client.post("/__testkit/seed", json=body)
    assert answer.status_code == 400
    error = error_of(answer)
    assert error["code"] == code
    assert error["parameter"] == parameter


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"", b"[1, 2]", b'"seed"', b"\xff\xfe"],
)
async def test_bad_json_is_a_runware_400(client, content):
    answer = await client.post(
        "/__testkit/seed", content=content, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 400
    error = error_of(answer)
    assert error["code"] == "invalidRequestBody"
    assert error["message"]


# -- journal -----------------------------------------------------------------------------------


async def test_journal_reads_and_filters(client, state):
    state.journal.record("request", path="/v1")
    state.journal.record("frame_out", frame={"data": []}, raw=b"\x00\x01")
    state.journal.record("request", path="/v1/again")
    everything = (await client.get("/__testkit/journal")).json()
    assert [e["seq"] for e in everything["entries"]] == [1, 2, 3]
    assert everything["dropped"] == 0
    assert everything["last_seq"] == 3
    assert everything["entries"][1]["raw"] == "<2 bytes>"
    requests = (await client.get("/__testkit/journal", params={"kind": "request"})).json()
    assert [e["path"] for e in requests["entries"]] == ["/v1", "/v1/again"]
    newer = (await client.get("/__testkit/journal", params={"since": 1, "limit": 1})).json()
    assert [e["seq"] for e in newer["entries"]] == [2]


async def test_journal_accepts_kinds_it_has_seen(client, state):
    state.journal.record("error", where="background")
    answer = await client.get("/__testkit/journal", params={"kind": "error"})
    assert answer.status_code == 200
    assert len(answer.json()["entries"]) == 1


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"kind": "requests"}, "kind"),
        ({"since": "abc"}, "since"),
        ({"since": "-1"}, "since"),
        ({"limit": "0"}, "limit"),
        ({"sort": "asc"}, "sort"),
    ],
)
async def test_journal_rejects_bad_queries(client, params, parameter):
    answer = await client.get("/__testkit/journal", params=params)
    assert answer.status_code == 400
    assert error_of(answer)["parameter"] == parameter


async def test_unknown_kind_lists_the_known_ones(client):
    error = error_of(await client.get("/__testkit/journal", params={"kind": "nope"}))
    assert "webhook_attempt" in error["allowedValues"]


# -- clock -------------------------------------------------------------------------------------


async def test_clock_read_and_advance(client, state):
    assert (await client.get("/__testkit/clock")).json() == {"now": 1000.0, "manual": True}
    answer = await client.post("/__testkit/clock/advance", json={"seconds": 2.5})
    assert answer.status_code == 200
    assert answer.json() == {"now": 1002.5, "finished": []}
    assert state.clock.now() == 1002.5
    assert state.clock_moves == 1  # replayed deliveries due by then go out


async def test_clock_advance_settles_time_based_tasks(client, state):
    task = video_task()
    state.engine.submit(task, api_key=KEY, progression="time:10")
    answer = await client.post("/__testkit/clock/advance", json={"seconds": 5})
    assert answer.json()["finished"] == []
    answer = await client.post("/__testkit/clock/advance", json={"seconds": 5})
    assert answer.json()["finished"] == [task["taskUUID"]]
    assert [t.task_uuid for t in state.finished] == [task["taskUUID"]]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "missingParameter"),
        ({"seconds": -1}, "invalidParameter"),
        ({"seconds": "5"}, "invalidParameter"),
        ({"seconds": True}, "invalidParameter"),
        ({"seconds": 1, "to": 5}, "unsupportedParameter"),
        ([5], "invalidRequestBody"),
    ],
)
async def test_clock_advance_rejects_bad_bodies(client, body, code):
    answer = await client.post("/__testkit/clock/advance", json=body)
    assert answer.status_code == 400
    assert error_of(answer)["code"] == code


async def test_clock_advance_rejects_infinity(client, state):
    # Infinity is not JSON: the body is refused as a whole, like the REST API does.
    answer = await client.post(
        "/__testkit/clock/advance",
        content=b'{"seconds": Infinity}',
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 400
    assert error_of(answer)["code"] == "invalidRequestBody"
    assert "Infinity" in error_of(answer)["message"]
    assert (await client.get("/__testkit/clock")).json()["now"] == state.clock.now()


async def test_clock_advance_on_system_clock_is_409():
    state = make_state(SystemClock())
    async with local_client(make_app(state)) as client:
        assert (await client.get("/__testkit/clock")).json()["manual"] is False
        answer = await client.post("/__testkit/clock/advance", json={"seconds": 1})
    assert answer.status_code == 409
    error = error_of(answer)
    assert error["code"] == "clockNotManual"
    assert "system clock" in error["message"]


# -- tasks -------------------------------------------------------------------------------------


async def test_list_and_get_tasks(client, state):
    first, second = video_task(), video_task(model="runway:aleph@2.0")
    state.engine.submit(first, api_key=KEY, progression="polls:3")
    state.engine.submit(second, api_key=KEY, progression="immediate")
    tasks = (await client.get("/__testkit/tasks")).json()["tasks"]
    assert [t["task_uuid"] for t in tasks] == [first["taskUUID"], second["taskUUID"]]
    assert tasks[0]["api_key"] == "rw-t..."
    assert KEY not in (await client.get("/__testkit/tasks")).text
    by_model = (await client.get("/__testkit/tasks", params={"model": "runway:aleph@2.0"})).json()
    assert [t["task_uuid"] for t in by_model["tasks"]] == [second["taskUUID"]]
    by_status = (await client.get("/__testkit/tasks", params={"status": "processing"})).json()
    assert [t["task_uuid"] for t in by_status["tasks"]] == [first["taskUUID"]]
    done = (await client.get("/__testkit/tasks", params={"status": "success"})).json()
    assert [t["task_uuid"] for t in done["tasks"]] == [second["taskUUID"]]
    one = (await client.get(f"/__testkit/tasks/{first['taskUUID']}")).json()
    assert one["status"] == "processing"
    assert one["request"] == first


async def test_list_tasks_rejects_bad_status(client):
    answer = await client.get("/__testkit/tasks", params={"status": "done"})
    assert answer.status_code == 400
    assert error_of(answer)["allowedValues"] == ["processing", "success", "error"]


async def test_unknown_task_is_404(client):
    for answer in (
        await client.get("/__testkit/tasks/nope"),
        await client.post("/__testkit/tasks/nope/complete"),
        await client.post("/__testkit/tasks/nope/fail", json={"code": "timeout"}),
    ):
        assert answer.status_code == 404
        error = error_of(answer)
        assert error["code"] == "taskNotFound"
        assert error["taskUUID"] == "nope"


async def test_complete_task(client, state):
    task = video_task(numberResults=2)
    state.engine.submit(task, api_key=KEY, progression="polls:5")
    answer = await client.post(f"/__testkit/tasks/{task['taskUUID']}/complete")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "success"
    assert len(body["results"]) == 2
    assert [t.task_uuid for t in state.finished] == [task["taskUUID"]]
    again = await client.post(f"/__testkit/tasks/{task['taskUUID']}/complete")
    assert again.status_code == 409
    assert error_of(again)["code"] == "taskAlreadyFinished"


async def test_fail_task_with_catalog_and_custom_message(client, state):
    first, second = video_task(), video_task()
    for task in (first, second):
        state.engine.submit(task, api_key=KEY, progression="polls:5")
    answer = await client.post(
        f"/__testkit/tasks/{first['taskUUID']}/fail", json={"code": "timeoutProvider"}
    )
    assert answer.json()["error"] == {
        "code": "timeoutProvider",
        "message": ERROR_CATALOG["timeoutProvider"][1],
    }
    answer = await client.post(
        f"/__testkit/tasks/{second['taskUUID']}/fail",
        json={"code": "inferenceError", "message": "GPU on fire"},
    )
    assert answer.json()["error"] == {"code": "inferenceError", "message": "GPU on fire"}


@pytest.mark.parametrize(
    ("body", "code", "parameter"),
    [
        ({}, "missingParameter", "code"),
        ({"code": ""}, "invalidParameter", "code"),
        ({"code": "bad code"}, "invalidParameter", "code"),
        ({"code": 5}, "invalidParameter", "code"),
        ({"code": "timeout", "message": 5}, "invalidParameter", "message"),
        ({"code": "timeout", "why": "x"}, "unsupportedParameter", "why"),
    ],
)
async def test_fail_task_rejects_bad_bodies(client, state, body, code, parameter):
    task = video_task()
    state.engine.submit(task, api_key=KEY, progression="polls:5")
    answer = await client.post(f"/__testkit/tasks/{task['taskUUID']}/fail", json=body)
    assert answer.status_code == 400
    error = error_of(answer)
    assert (error["code"], error["parameter"]) == (code, parameter)
    assert state.engine.peek(task["taskUUID"]).status == "processing"


# -- scenarios ---------------------------------------------------------------------------------


async def test_add_list_and_clear_scenarios(client, state):
    answer = await client.post(
        "/__testkit/scenarios", json={"model": "runway:2@1", "error_code": "insufficientCredits"}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["pending"] == 1
    assert body["added"][0]["error_code"] == "insufficientCredits"
    answer = await client.post(
        "/__testkit/scenarios",
        json=[{"http_status": 503, "times": 2}, {"phase": "processing", "nsfw": True}],
    )
    assert answer.json()["pending"] == 3
    listed = (await client.get("/__testkit/scenarios")).json()["scenarios"]
    assert [s["http_status"] for s in listed] == [None, 503, None]
    taken = state.scenarios.take(video_task(), "submit")
    assert taken.error_code == "insufficientCredits"
    assert (await client.delete("/__testkit/scenarios")).json() == {"cleared": 2}
    assert (await client.get("/__testkit/scenarios")).json() == {"scenarios": []}


async def test_remove_one_scenario_by_index(client, state):
    body = [{"error_code": "insufficientCredits"}, {"http_status": 503}, {"nsfw": True}]
    await client.post("/__testkit/scenarios", json=body)
    answer = await client.delete("/__testkit/scenarios/1")
    assert answer.status_code == 200
    assert answer.json()["removed"]["http_status"] == 503
    assert answer.json()["pending"] == 2
    listed = (await client.get("/__testkit/scenarios")).json()["scenarios"]
    assert [s["error_code"] for s in listed] == ["insufficientCredits", None]
    missing = await client.delete("/__testkit/scenarios/2")
    assert missing.status_code == 404
    assert error_of(missing)["code"] == "scenarioNotFound"
    assert error_of(await client.delete("/__testkit/scenarios/x"))["parameter"] == "index"


async def test_scenario_with_an_unknown_error_code_is_refused_with_the_closest(client, state):
    answer = await client.post(
        "/__testkit/scenarios", json={"error_code": "insufficentCredits", "phase": "processing"}
    )
    assert answer.status_code == 400
    error = error_of(answer)
    assert error["code"] == "invalidScenario"
    assert "unknown Runware error code 'insufficentCredits'" in error["message"]
    assert "did you mean 'insufficientCredits'?" in error["message"]
    assert state.scenarios.pending() == []
    listed = await client.post(
        "/__testkit/scenarios", json={"error_code": "teamBudgetExhausted", "http_status": 402}
    )
    assert listed.status_code == 200


async def test_lone_surrogate_in_a_scenario_is_refused_and_reads_stay_200(client, state):
    body = b'{"model": "runway:2@1", "error_code": "insufficientCredits", "message": "x\\ud800"}'
    answer = await client.post(
        "/__testkit/scenarios", content=body, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 400
    assert error_of(answer)["code"] == "invalidRequestBody"
    assert "surrogate" in error_of(answer)["message"]
    assert state.scenarios.pending() == []
    assert (await client.get("/__testkit/scenarios")).status_code == 200
    assert (await client.get("/__testkit/journal")).status_code == 200


async def test_scenario_list_is_all_or_nothing(client, state):
    answer = await client.post("/__testkit/scenarios", json=[{"nsfw": True}, {"phase": "later"}])
    assert answer.status_code == 400
    error = error_of(answer)
    assert error["code"] == "invalidScenario"
    assert error["message"].startswith("scenario 1: phase must be one of submit, processing")
    assert state.scenarios.pending() == []


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"errorCode": "x"}, "did you mean 'error_code'"),
        ([], "non-empty list"),
        ("nsfw", "must be a JSON object"),
        ({"times": -1}, "times must be >= 1"),
    ],
)
async def test_bad_scenarios_are_400(client, body, fragment):
    answer = await client.post("/__testkit/scenarios", json=body)
    assert answer.status_code == 400
    error = error_of(answer)
    assert error["code"] == "invalidScenario"
    assert fragment in error["message"]


# -- access ------------------------------------------------------------------------------------


async def test_non_loopback_client_is_refused(state):
    app = make_app(state)
    async with remote_client(app, "10.1.2.3") as remote:
        for answer in (
            await remote.get("/__testkit/health"),
            await remote.post("/__testkit/reset"),
            await remote.post("/__testkit/scenarios", json={"nsfw": True}),
        ):
            assert answer.status_code == 403
            error = error_of(answer)
            assert error["code"] == "forbidden"
            assert "10.1.2.3" in error["message"]
    assert state.scenarios.pending() == []


async def test_a_change_sent_by_a_page_of_another_origin_is_refused(client, state):
    """A web page elsewhere cannot make the browser drive the fake (cross-site forgery)."""
    own = {"Host": "127.0.0.1:8765"}
    forged = await client.post(
        "/__testkit/scenarios",
        json={"nsfw": True},
        headers={**own, "Origin": "https://evil.example"},
    )
    opaque = await client.post("/__testkit/reset", headers={**own, "Origin": "null"})
    assert (forged.status_code, opaque.status_code) == (403, 403)
    assert "https://evil.example" in error_of(forged)["message"]
    assert state.scenarios.pending() == []
    same = await client.post(
        "/__testkit/scenarios",
        json={"nsfw": True},
        headers={**own, "Origin": "http://127.0.0.1:8765"},
    )
    read = await client.get("/__testkit/health", headers={**own, "Origin": "https://evil.example"})
    plain = await client.post("/__testkit/scenarios", json={"nsfw": True})
    assert (same.status_code, read.status_code, plain.status_code) == (200, 200, 200)
    assert len(state.scenarios.pending()) == 2


async def test_a_browser_request_naming_another_host_is_refused_without_a_token(client, state):
    """DNS rebinding: a page at attacker.example, whose name now points at 127.0.0.1, is
    same-origin with the fake for its browser, which sends Host: attacker.example."""
    rebound = {
        "Host": "attacker.example:8765",
        "Origin": "http://attacker.example:8765",
        "Sec-Fetch-Site": "same-origin",
    }
    reset = await client.post("/__testkit/reset", headers=rebound)
    read = await client.get("/__testkit/tasks", headers={**rebound, "Origin": ""})
    assert (reset.status_code, read.status_code) == (403, 403)
    assert "DNS rebinding" in error_of(reset)["message"]
    for host in ("127.0.0.1:8765", "localhost:8765", "[::1]:8765"):
        page = {"Host": host, "Sec-Fetch-Site": "none"}
        assert (await client.get("/__testkit/tasks", headers=page)).status_code == 200
    not_a_browser = await client.get("/__testkit/tasks", headers={"Host": "fake.test"})
    assert not_a_browser.status_code == 200
    state.config.control_token = "s3cret"
    with_token = await client.get(
        "/__testkit/tasks", headers={**rebound, "X-Testkit-Token": "s3cret", "Origin": ""}
    )
    assert with_token.status_code == 200


async def test_non_loopback_allowed_with_the_token_when_opened(state):
    state.config.control_loopback_only = False
    state.config.control_token = "s3cret"
    async with remote_client(make_app(state), "10.1.2.3") as remote:
        missing = await remote.get("/__testkit/health")
        wrong = await remote.get("/__testkit/health", headers={"X-Testkit-Token": "nope"})
        ok = await remote.get("/__testkit/health", headers={"X-Testkit-Token": "s3cret"})
    assert (missing.status_code, wrong.status_code, ok.status_code) == (403, 403, 200)
    assert "X-Testkit-Token" in error_of(missing)["message"]


async def test_non_loopback_never_allowed_without_a_token(state):
    state.config.control_loopback_only = False
    async with remote_client(make_app(state), "10.1.2.3") as remote:
        answer = await remote.get("/__testkit/health")
    assert answer.status_code == 403
    assert "--control-token" in error_of(answer)["message"]


# -- index -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/__testkit", "/__testkit/"])
async def test_index_lists_the_routes_as_json(client, path):
    answer = await client.get(path)
    assert answer.status_code == 200
    routes = {row["path"]: row for row in answer.json()["routes"]}
    assert routes["/__testkit/reset"]["methods"] == ["POST"]
    assert routes["/__testkit/scenarios"]["methods"] == ["DELETE", "GET", "POST"]
    assert "manual clock" in routes["/__testkit/clock/advance"]["does"]
    assert "/__testkit" not in routes


async def test_index_is_a_page_for_a_browser(client):
    answer = await client.get("/__testkit/", headers={"Accept": "text/html,*/*"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert "<code>/__testkit/journal</code>" in answer.text


# -- reset with settings -----------------------------------------------------------------------


async def test_reset_applies_settings(client, state):
    body = {
        "progression": "polls:2",
        "seed": 5,
        "api_keys": ["team-key"],
        "scenarios": [{"error_code": "insufficientCredits"}],
    }
    state.config = RealConfig()
    answer = await client.post("/__testkit/reset", json=body)
    assert answer.status_code == 200, answer.text
    assert state.engine.default_progression == "polls:2"
    assert state.config.api_keys == frozenset({"team-key"})
    assert [s.error_code for s in state.scenarios.pending()] == ["insufficientCredits"]


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({"progression": "sometimes"}, "progression"),
        ({"seed": "7"}, "seed"),
        ({"api_keys": "team-key"}, "api_keys"),
        ({"clock": "fast"}, "clock"),
        ({"scenarios": [{"phase": "never"}]}, "scenarios"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_reset_refuses_bad_settings(client, body, parameter):
    answer = await client.post("/__testkit/reset", json=body)
    assert answer.status_code == 400
    assert error_of(answer)["parameter"] == parameter


async def test_reset_cannot_switch_a_fixed_clock(client):
    answer = await client.post("/__testkit/reset", json={"clock": "system"})
    assert answer.status_code == 409
    assert error_of(answer)["code"] == "clockNotSwitchable"
    same = await client.post("/__testkit/reset", json={"clock": "manual"})
    assert same.status_code == 200


async def test_ipv6_loopback_is_allowed(state):
    async with remote_client(make_app(state), "::1") as remote:
        assert (await remote.get("/__testkit/health")).status_code == 200


async def test_token_required_when_configured(state):
    state.config.control_token = "s3cret"
    async with local_client(make_app(state)) as client:
        missing = await client.get("/__testkit/health")
        assert missing.status_code == 403
        assert "X-Testkit-Token" in error_of(missing)["message"]
        wrong = await client.get("/__testkit/health", headers={"X-Testkit-Token": "nope"})
        assert wrong.status_code == 403
        assert error_of(wrong)["message"] == "The control API token is wrong."
        ok = await client.get("/__testkit/health", headers={"X-Testkit-Token": "s3cret"})
        assert ok.status_code == 200
        bearer = await client.get("/__testkit/health", headers={"Authorization": "Bearer s3cret"})
        assert bearer.status_code == 200


async def test_token_does_not_open_non_loopback(state):
    state.config.control_token = "s3cret"
    async with remote_client(make_app(state)) as remote:
        answer = await remote.get("/__testkit/health", headers={"X-Testkit-Token": "s3cret"})
    assert answer.status_code == 403


async def test_starlette_testclient_counts_as_loopback(state):
    async with remote_client(Starlette(routes=control_routes(state)), "testclient") as client:
        assert (await client.get("/__testkit/health")).status_code == 200


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("testclient", True),
        ("10.1.2.3", False),
        ("192.168.1.1", False),
        ("example.com", False),
        ("", False),
        (None, False),
    ],
)
def test_is_loopback_client(host, expected):
    assert is_loopback_client(host) is expected


def test_access_refusal_without_client_info(state):
    class NoClient:
        client = None
        headers = None

    assert access_refusal(NoClient(), state).status_code == 403


async def test_unexpected_failure_is_a_runware_500(state):
    def boom():
        raise RuntimeError("disk gone")

    state.engine.all_tasks = boom
    async with local_client(make_app(state)) as client:
        answer = await client.get("/__testkit/tasks")
    assert answer.status_code == 500
    assert error_of(answer)["code"] == "internalServerError"


# -- drain -------------------------------------------------------------------------------------


async def test_drain_waits_for_background_work_with_the_given_timeout(client, state):
    waited: list[float] = []

    async def drain(timeout: float) -> None:
        waited.append(timeout)

    state.drain = drain
    state.pending_jobs = lambda: 2
    assert (await client.post("/__testkit/drain")).json() == {"pending": 2}
    assert (await client.post("/__testkit/drain?timeout=2.5")).json() == {"pending": 2}
    assert waited == [10.0, 2.5]


async def test_drain_without_background_work_answers_at_once(client):
    assert (await client.post("/__testkit/drain")).json() == {"pending": 0}


@pytest.mark.parametrize(
    "query", ["timeout=soon", "timeout=-1", "timeout=nan", "timeout=301", "x=1"]
)
async def test_drain_rejects_bad_queries(client, query):
    answer = await client.post(f"/__testkit/drain?{query}")
    assert answer.status_code == 400
    assert error_of(answer)["parameter"] in {"timeout", "x"}


async def test_network_fault_and_queue_scenarios_are_added_through_the_api(client, state):
    answer = await client.post(
        "/__testkit/scenarios",
        json=[
            {"phase": "connect", "latency_ms": 2000},
            {"half_open": True, "partial_results": True, "replay_results": True},
            {"model": "runway:2@1", "queue_capacity": 4, "queue_drain_per_s": 0.5},
        ],
    )
    assert answer.status_code == 200, answer.text
    listed = (await client.get("/__testkit/scenarios")).json()["scenarios"]
    assert [s["phase"] for s in listed] == ["connect", "submit", "submit"]
    assert (listed[2]["queue_capacity"], listed[2]["times"]) == (4, None)
    assert state.scenarios.take_connect().latency_ms == 2000


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"phase": "connect", "model": "runway:2@1"}, "model has no meaning there"),
        ({"queue_capacity": 0}, "queue_capacity must be an integer >= 1"),
        ({"queue_capacity": 2, "queue_full_status": 500}, "queue_full_status must be 429 or 503"),
    ],
)
async def test_bad_network_fault_scenarios_are_refused(client, body, message):
    answer = await client.post("/__testkit/scenarios", json=body)
    assert answer.status_code == 400
    assert message in error_of(answer)["message"]
