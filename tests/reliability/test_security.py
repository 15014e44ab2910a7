"""Security of the fake server, in-process and live: API keys over REST and WebSocket, the
control API's loopback and token checks, outgoing calls only to allowlisted hosts (proved by
recording every attempt), media paths that cannot leave the store, and limits that hold before
any key is checked.

Refused webhook and upload targets: the task is still accepted and runs (the documented
behaviour of ``fake_server/delivery.py``); the delivery is refused, journaled once with
``outcome: "refused"``, and nothing is sent anywhere.
"""

from __future__ import annotations

import base64
import json
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets.sync.client

from fake_server.harness import (
    Harness,
    InProcessWS,
    LiveWS,
    TestClient,
    WSClient,
    poll_task,
    video_task,
)
from runware_testkit.fake_server.config import DEV_API_KEY, Limits
from runware_testkit.fake_server.control.api import TOKEN_HEADER

from .corpus import (
    MODES,
    OutgoingSpy,
    asgi_request,
    assert_still_serves,
    error_of,
    raw_http,
    running,
    submit_earlier,
)

AUTH = {"parameter": "apiKey", "taskType": "authentication"}
REMOTE = ("203.0.113.5", 1234)
"""A documentation address (TEST-NET-3): only ever put in an ASGI scope, never contacted."""


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    """``inprocess`` or ``live``."""
    return request.param


@pytest.fixture
async def server(mode: str) -> AsyncIterator[Harness]:
    """A server with the default configuration."""
    async with running(mode) as harness:
        yield harness


def auth_error(body: Any, code: str) -> dict[str, Any]:
    """The authentication error of `body`, with the fields the legacy SDK needs."""
    error = error_of(body, code)
    assert {key: error.get(key) for key in AUTH} == AUTH, error
    return error


# -- API keys over REST ------------------------------------------------------------------------

PING = {"taskType": "ping", "ping": True}


def _auth_task(key: Any) -> dict[str, Any]:
    return {"taskType": "authentication", "apiKey": key}


KEY_CASES = [
    # name, headers, tasks before the inference task (or its replacement), query, code
    ("no-key", {}, [], "", "missingApiKey"),
    ("wrong-key", {"Authorization": "Bearer rw-not-the-key"}, [], "", "invalidApiKey"),
    (
        "key-in-other-case",
        {"Authorization": f"Bearer {DEV_API_KEY.upper()}"},
        [],
        "",
        "invalidApiKey",
    ),
    ("scheme-only", {"Authorization": "Bearer"}, [], "", "missingApiKey"),
    ("blank-bearer", {"Authorization": "Bearer "}, [], "", "missingApiKey"),
    ("whitespace-bearer", {"Authorization": "Bearer \t  "}, [], "", "missingApiKey"),
    ("key-without-scheme", {"Authorization": DEV_API_KEY}, [], "", "missingApiKey"),
    (
        "basic-scheme",
        {"Authorization": "Basic " + base64.b64encode(f"{DEV_API_KEY}:".encode()).decode()},
        [],
        "",
        "missingApiKey",
    ),
    ("x-api-key-header", {"X-Api-Key": DEV_API_KEY}, [], "", "missingApiKey"),
    ("key-in-query", {}, [], f"?apiKey={DEV_API_KEY}", "missingApiKey"),
    ("auth-task-wrong-key", {}, [_auth_task("rw-not-the-key")], "", "invalidApiKey"),
    ("auth-task-blank-key", {}, [_auth_task("  ")], "", "missingApiKey"),
    ("auth-task-number-key", {}, [_auth_task(12345)], "", "missingApiKey"),
    ("auth-task-no-key", {}, [{"taskType": "authentication"}], "", "missingApiKey"),
    (
        "good-header-wrong-auth-task",
        {"Authorization": f"Bearer {DEV_API_KEY}"},
        [_auth_task("rw-not-the-key")],
        "",
        "invalidApiKey",
    ),
    (
        "wrong-header-good-auth-task",
        {"Authorization": "Bearer rw-not-the-key"},
        [_auth_task(DEV_API_KEY)],
        "",
        "invalidApiKey",
    ),
]


def _key_runs() -> list[Any]:
    """Every key case in both modes, except that HTTP strips the blanks around a header value
    on the wire (h11 will not even send them), so a blank bearer is an in-process case."""
    runs = []
    for name, headers, before, query, code in KEY_CASES:
        blank = any(value != value.strip() for value in headers.values())
        for mode in ("inprocess",) if blank else MODES:
            runs.append(pytest.param(mode, headers, before, query, code, id=f"{mode}-{name}"))
    return runs


@pytest.mark.parametrize(("mode", "headers", "before", "query", "code"), _key_runs())
async def test_rest_without_a_valid_key_is_refused(
    server: Harness, headers: dict[str, str], before: list, query: str, code: str
) -> None:
    task = video_task()
    response = await server.http.post(
        "/v1" + query,
        content=json.dumps([*before, task]),
        headers={"Content-Type": "application/json", **headers},
    )
    assert response.status_code == 401
    auth_error(response.json(), code)
    assert server.state.engine.store.get_task(task["taskUUID"]) is None
    assert server.state.engine.store.list_tasks() == []


@pytest.mark.parametrize("where", ["apiKey-on-the-task", "auth-task-second"])
async def test_rest_key_in_the_wrong_place_is_refused(server: Harness, where: str) -> None:
    task = video_task()
    tasks = (
        [{**task, "apiKey": DEV_API_KEY}]
        if where == "apiKey-on-the-task"
        else [task, _auth_task(DEV_API_KEY)]
    )
    response = await server.post(tasks, key=None)
    assert response.status_code == 401
    auth_error(response.json(), "missingApiKey")
    assert server.state.engine.store.list_tasks() == []


async def test_a_wrong_key_learns_nothing_about_the_body(server: Harness) -> None:
    """The key is checked before the body's shape: a wrong key gets 401 for a body that is
    not even JSON, not the parser's opinion of it."""
    response = await server.post(content=b"{not json", key="rw-not-the-key")
    assert response.status_code == 401
    auth_error(response.json(), "invalidApiKey")


async def test_one_key_cannot_see_another_keys_task(mode: str) -> None:
    async with running(mode, api_keys={"rw-key-a", "rw-key-b"}) as server:
        task = video_task()
        status, _ = await server.call(task, key="rw-key-a")
        assert status == 200
        status, body = await server.call(poll_task(task["taskUUID"]), key="rw-key-b")
        assert status == 404
        assert error_of(body, "taskNotFound")["taskUUID"] == task["taskUUID"]
        with server.ws() as ws:
            ws.auth("rw-key-b")
            ws.send([poll_task(task["taskUUID"])])
            error_of(ws.recv(), "taskNotFound")
        status, body = await server.call(poll_task(task["taskUUID"]), key="rw-key-a")
        assert (status, body["data"][0]["status"]) == (200, "success")


# -- API keys over WebSocket -------------------------------------------------------------------

WS_KEY_CASES = [
    ("no-apiKey-field", {"taskType": "authentication"}, "missingApiKey"),
    ("wrong-key", _auth_task("rw-not-the-key"), "invalidApiKey"),
    ("blank-key", _auth_task(""), "missingApiKey"),
    ("whitespace-key", _auth_task("   "), "missingApiKey"),
    ("number-key", _auth_task(42), "missingApiKey"),
    ("null-key", _auth_task(None), "missingApiKey"),
]


@pytest.mark.parametrize(
    ("auth", "code"), [pytest.param(case[1], case[2], id=case[0]) for case in WS_KEY_CASES]
)
async def test_ws_bad_authentication_is_refused_and_grants_nothing(
    server: Harness, auth: dict[str, Any], code: str
) -> None:
    """A refused authentication frame gets the auth error; tasks after it are still refused
    (nothing stored); a correct authentication on the same connection then works."""
    task = video_task()
    with server.ws() as ws:
        ws.send([auth, task])
        auth_error(ws.recv(), code)
        ws.send([task])
        auth_error(ws.recv(), "missingApiKey")
        assert server.state.engine.store.list_tasks() == []
        assert "connectionSessionUUID" in ws.auth()["data"][0]
        ws.send([task])
        assert ws.recv() == {"data": [{"taskType": "videoInference", "taskUUID": task["taskUUID"]}]}


@pytest.mark.parametrize("where", ["query", "header"])
async def test_ws_key_outside_the_authentication_frame_is_ignored(
    server: Harness, where: str
) -> None:
    """The WebSocket key goes in the first message only: in the URL query or an upgrade
    header it authenticates nothing."""
    task = video_task()

    def check(ws: WSClient) -> None:
        ws.send([task])
        auth_error(ws.recv(), "missingApiKey")

    header = {"Authorization": f"Bearer {DEV_API_KEY}"}
    if where == "query":
        with server.ws(query=f"apiKey={DEV_API_KEY}") as ws:
            check(ws)
    elif server.live is not None:
        with websockets.sync.client.connect(
            server.live.ws_url, proxy=None, additional_headers=header
        ) as conn:
            check(LiveWS(conn))
    else:
        client = TestClient(server.app)
        try:
            with client.websocket_connect("/v1", headers=header) as session:
                check(InProcessWS(session))
        finally:
            client.close()
    assert server.state.engine.store.list_tasks() == []


# -- size limits before any key ----------------------------------------------------------------


async def test_limits_hold_before_authentication(mode: str) -> None:
    """An unauthenticated client cannot make the server take a big body or frame: REST 413
    and a WebSocket error frame come before any key check."""
    limit = 1000
    limits = Limits(max_body_bytes=limit, max_ws_frame_bytes=limit)
    async with running(mode, limits=limits) as server:
        big = json.dumps([video_task(positivePrompt="x" * limit)])
        response = await server.post(content=big, key=None)
        assert response.status_code == 413
        error_of(response.json(), "maxPayloadSizeExceeded")
        with server.ws() as ws:
            ws.send_text(big)
            error_of(ws.recv(), "maxPayloadSizeExceeded")
        assert server.state.engine.store.list_tasks() == []


# -- control API -------------------------------------------------------------------------------


def _control_calls(app: Any, task_uuid: str) -> list[tuple[str, str]]:
    """(method, path) of every guarded route under /__testkit (the sink's receiving route is
    open by design: it stands in for a webhook receiver)."""
    calls = []
    for route in app.routes:
        path = getattr(route, "path", "")
        if not path.startswith("/__testkit") or getattr(route, "name", "") == "testkit_sink":
            continue
        path = path.replace("{uuid}", task_uuid).replace("{name}", "hooks")
        calls += [(method, path) for method in sorted(route.methods or ()) if method != "HEAD"]
    return calls


CONTROL_BODIES = {
    "/__testkit/seed": {"seed": 7},
    "/__testkit/clock/advance": {"seconds": 60},
    "/__testkit/scenarios": {"nsfw": True},
}


async def _snapshot(server: Harness, task_uuid: str) -> dict[str, Any]:
    state = server.state
    return {
        "status": state.engine.peek(task_uuid).status,
        "now": state.clock.now(),
        "scenarios": state.scenarios.pending(),
        "journal": len(state.journal.entries()),
        "sink": len(state.sink.received("hooks")),
    }


@pytest.mark.parametrize(
    ("client", "extra_headers"),
    [
        (REMOTE, {}),
        (REMOTE, {"X-Forwarded-For": "127.0.0.1", "X-Real-IP": "127.0.0.1"}),
        (("::ffff:203.0.113.5", 1234), {}),
        (("10.0.0.7", 1234), {"Host": "127.0.0.1"}),
    ],
    ids=["remote", "remote-claiming-loopback", "ipv4-mapped-remote", "private-address"],
)
async def test_control_api_refuses_non_loopback_clients_on_every_route(
    client: tuple[str, int], extra_headers: dict[str, str]
) -> None:
    async with running("inprocess", progression="time:8") as server:
        task_uuid = await submit_earlier(server)
        sink = await server.http.post("/__testkit/sink/hooks", json={"probe": 1})
        assert sink.status_code == 200
        before = await _snapshot(server, task_uuid)
        transport = httpx.ASGITransport(app=server.app, client=client)
        calls = _control_calls(server.app, task_uuid)
        assert len(calls) >= 15
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as remote:
            for method, path in calls:
                body = CONTROL_BODIES.get(path, {"code": "processingFailed"})
                response = await remote.request(
                    method,
                    path,
                    content=json.dumps(body) if method == "POST" else None,
                    headers={"Content-Type": "application/json", **extra_headers},
                )
                assert response.status_code == 403, (method, path)
                error = error_of(response.json(), "forbidden")
                assert client[0] in error["message"]
        assert await _snapshot(server, task_uuid) == before
        local = await server.http.post(f"/__testkit/tasks/{task_uuid}/complete")
        assert local.status_code == 200


async def test_ipv4_mapped_loopback_is_a_loopback_client() -> None:
    async with running("inprocess") as server:
        transport = httpx.ASGITransport(app=server.app, client=("::ffff:127.0.0.1", 1234))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            assert (await client.get("/__testkit/health")).json() == {"status": "ok"}


async def test_live_control_api_refuses_a_client_forwarded_by_a_loopback_proxy() -> None:
    """Behind a reverse proxy on 127.0.0.1, uvicorn takes the client from X-Forwarded-For:
    a remote client reaching the live server that way is refused; the same proxy forwarding a
    loopback client is answered."""
    async with running("live") as server:
        remote = await server.http.get("/__testkit/health", headers={"X-Forwarded-For": REMOTE[0]})
        assert remote.status_code == 403
        assert REMOTE[0] in error_of(remote.json(), "forbidden")["message"]
        local = await server.http.get("/__testkit/health", headers={"X-Forwarded-For": "127.0.0.1"})
        assert local.status_code == 200


TOKEN = "s3cret-control-token"

TOKEN_CASES = [
    ("missing", {}, 403),
    ("wrong", {TOKEN_HEADER: "s3cret-control-tokeX"}, 403),
    ("empty", {TOKEN_HEADER: ""}, 403),
    ("prefix", {TOKEN_HEADER: TOKEN[:-1]}, 403),
    ("api-key-instead", {"Authorization": f"Bearer {DEV_API_KEY}"}, 403),
    ("wrong-bearer", {"Authorization": "Bearer nope"}, 403),
    ("token-without-scheme", {"Authorization": TOKEN}, 403),
    ("header", {TOKEN_HEADER: TOKEN}, 200),
    ("bearer", {"Authorization": f"Bearer {TOKEN}"}, 200),
]


@pytest.mark.parametrize(
    ("headers", "status"), [pytest.param(c[1], c[2], id=c[0]) for c in TOKEN_CASES]
)
async def test_control_token(mode: str, headers: dict[str, str], status: int) -> None:
    """With ``control_token`` set, only the exact token opens the control API; a refused call
    changes nothing (the clock does not move)."""
    async with running(mode, control_token=TOKEN) as server:
        before = server.state.clock.now()
        response = await server.http.post(
            "/__testkit/clock/advance", json={"seconds": 30}, headers=headers
        )
        assert response.status_code == status, response.text
        if status == 403:
            error_of(response.json(), "forbidden")
            assert server.state.clock.now() == before
        else:
            assert server.state.clock.now() == before + 30


async def test_sink_receiving_stays_open_but_reading_needs_the_token(mode: str) -> None:
    async with running(mode, control_token=TOKEN) as server:
        sent = await server.http.post("/__testkit/sink/hooks", json={"n": 1})
        assert sent.json() == {"received": True}
        refused = await server.http.get("/__testkit/sink/hooks")
        assert refused.status_code == 403
        error_of(refused.json(), "forbidden")
        read = await server.http.get("/__testkit/sink/hooks", headers={TOKEN_HEADER: TOKEN})
        assert read.json()["count"] == 1


# -- outgoing calls ----------------------------------------------------------------------------

REFUSED_TARGETS = [
    "http://203.0.113.9/hook",
    "https://hooks.example.com/runware",
    "http://localhost.example.com/hook",
    "http://127.0.0.1.nip.io/hook",
    "http://[::ffff:203.0.113.9]/hook",
    "http://127.0.0.1@203.0.113.9/hook",
    "http://2130706433/hook",
    "ftp://127.0.0.1/hook",
    "file:///etc/passwd",
]


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> OutgoingSpy:
    """Every outgoing attempt of this test, recorded; anything leaving loopback is blocked."""
    return OutgoingSpy(monkeypatch)


def _not_to(server: Harness) -> Any:
    return lambda url: not url.startswith(server.base_url + "/")


@pytest.mark.parametrize("target", REFUSED_TARGETS)
async def test_webhook_and_upload_targets_off_the_allowlist_get_nothing(
    server: Harness, spy: OutgoingSpy, target: str
) -> None:
    task = video_task(webhookURL=target, uploadEndpoint=target)
    body = await server.run_to_end(task)
    assert body["data"][0]["status"] == "success"
    await server.state.drain()
    for kind in ("webhook_attempt", "upload_attempt"):
        (attempt,) = server.state.journal.entries(kind)
        assert (attempt["url"], attempt["attempt"], attempt["sent"], attempt["outcome"]) == (
            target,
            0,
            False,
            "refused",
        )
        assert attempt["error"].startswith("refusing to call")
    assert spy.escapes == []
    assert spy.sent_to(_not_to(server)) == []
    await assert_still_serves(server)


async def test_the_spy_sees_what_the_server_does_send(server: Harness, spy: OutgoingSpy) -> None:
    """Control for the test above: an allowlisted target (the built-in sink) is called, and
    the spy records the server's POST and PUT."""
    hook = f"{server.base_url}/__testkit/sink/hooks"
    bucket = f"{server.base_url}/__testkit/sink/bucket"
    await server.run_to_end(video_task(webhookURL=hook, uploadEndpoint=bucket))
    await server.state.drain()
    assert ("POST", hook) in spy.requests
    assert ("PUT", bucket) in spy.requests
    assert spy.escapes == []


@pytest.mark.parametrize(
    "url", ["http://203.0.113.9/clip.mp4", "https://media.example.com/clip.mp4"]
)
async def test_media_urls_off_the_allowlist_are_never_fetched(
    server: Harness, spy: OutgoingSpy, url: str
) -> None:
    """An upload (mediaStorage) from such a URL is refused with ``downloadFailed``; an input
    video URL is accepted unprobed (the documented behaviour); neither fetches anything."""
    upload = {
        "taskType": "mediaStorage",
        "taskUUID": video_task()["taskUUID"],
        "operation": "upload",
        "media": url,
    }
    status, body = await server.call(upload)
    assert status == 400
    error = error_of(body, "downloadFailed")
    assert (error["parameter"], error["taskUUID"]) == ("media", upload["taskUUID"])
    body = await server.run_to_end(video_task(video=url))
    assert body["data"][0]["status"] == "success"
    assert spy.escapes == []
    assert spy.sent_to(_not_to(server)) == []


# -- media paths -------------------------------------------------------------------------------


def _media_paths(canary: Path) -> list[tuple[str, bytes, int, str]]:
    """(name, raw path, status, code): each must get this Runware error."""
    absolute = urllib.parse.quote(str(canary), safe="").encode()
    return [
        ("dot-dot", b"/media/../canary.txt", 404, "notFound"),
        ("dot-dot-twice", b"/media/../../state/canary.txt", 404, "notFound"),
        ("encoded-slash", b"/media/..%2fcanary.txt", 404, "notFound"),
        ("encoded-dots", b"/media/%2e%2e%2fcanary.txt", 404, "notFound"),
        ("encoded-upper", b"/media/%2E%2E%2Fstate%2Fcanary.txt", 404, "notFound"),
        ("bare-dot-dot", b"/media/..", 404, "mediaNotFound"),
        ("absolute", b"/media/" + absolute, 404, "notFound"),
        ("double-slash-absolute", b"/media/" + str(canary).encode(), 404, "notFound"),
        ("backslash", b"/media/..\\canary.txt", 404, "mediaNotFound"),
        ("encoded-backslash", b"/media/..%5c..%5ccanary.txt", 404, "mediaNotFound"),
        ("windows-path", b"/media/C:%5cWindows%5cwin.ini", 404, "mediaNotFound"),
        ("encoded-nul", b"/media/canary.txt%00.mp4", 404, "mediaNotFound"),
        ("sql-quote", b"/media/'%20OR%20'1'='1", 404, "mediaNotFound"),
        ("long-name", b"/media/" + b"a" * 4000 + b".mp4", 404, "mediaNotFound"),
        ("invalid-utf8", b"/media/%ff%fe.mp4", 404, "mediaNotFound"),
    ]


@pytest.fixture
async def store_server(mode: str, tmp_path: Path) -> AsyncIterator[tuple[Harness, Path, bytes]]:
    """A server keeping its state in SQLite under tmp_path/state, with canary files next to
    the database and one level up; (server, canary path, canary bytes)."""
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    secret = f"CANARY-{tmp_path.name}".encode()
    (state_dir / "canary.txt").write_bytes(secret)
    (tmp_path / "canary.txt").write_bytes(secret)
    async with running(mode, state_path=state_dir / "state.sqlite") as server:
        yield server, tmp_path / "canary.txt", secret


async def _get_raw(server: Harness, raw_path: bytes) -> tuple[int, bytes]:
    if server.live is not None:
        return raw_http(server.live.port, b"GET " + raw_path + b" HTTP/1.1")
    return await asgi_request(server.app, "GET", raw_path)


async def test_media_paths_cannot_escape_the_store(
    store_server: tuple[Harness, Path, bytes],
) -> None:
    server, canary, secret = store_server
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32).decode()
    stored = await server.upload(f"data:image/png;base64,{png}")
    own_path = urllib.parse.urlsplit(stored["mediaURL"]).path.encode()
    status, body = await _get_raw(server, own_path)
    assert status == 200 and body.startswith(b"\x89PNG")
    for name, raw_path, expected_status, code in _media_paths(canary):
        status, body = await _get_raw(server, raw_path)
        assert secret not in body, name
        assert status == expected_status, (name, status, body[:200])
        error_of(json.loads(body), code)
    await assert_still_serves(server)


@pytest.mark.parametrize(
    "raw_path", [b"/media/canary.txt\x00.mp4", b"/media/" + b"a" * 100_000], ids=["nul", "huge"]
)
async def test_live_requests_http_cannot_parse_are_400_without_the_file(
    tmp_path: Path, raw_path: bytes
) -> None:
    """A raw NUL or a 100,000-byte request line never reaches the app: uvicorn answers 400."""
    secret = b"CANARY-" + tmp_path.name.encode()
    (tmp_path / "canary.txt").write_bytes(secret)
    async with running("live", state_path=tmp_path / "state.sqlite") as server:
        assert server.live is not None
        status, body = raw_http(server.live.port, b"GET " + raw_path + b" HTTP/1.1")
        assert status == 400
        assert secret not in body
        await assert_still_serves(server)


@pytest.mark.parametrize("field", ["mediaStorage", "inputs.video"])
async def test_a_local_path_as_media_is_never_read(
    store_server: tuple[Harness, Path, bytes], field: str
) -> None:
    """Media given as a local path (plain or file://) is refused, and no stored media holds
    the file's bytes."""
    server, canary, secret = store_server
    for value in (str(canary), f"file://{canary}"):
        if field == "mediaStorage":
            task = {
                "taskType": "mediaStorage",
                "taskUUID": video_task()["taskUUID"],
                "operation": "upload",
                "media": value,
            }
            status, body = await server.call(task)
            assert status == 400
            assert error_of(body, "invalidMedia")["parameter"] == "media"
        else:
            status, body = await server.call(video_task(video=value))
            assert status == 400
            assert error_of(body, "invalidVideo")["parameter"] == "inputs.video"
        assert secret not in json.dumps(body).encode()
    for record in server.state.engine.store.list_media():
        assert secret not in (record.data or b"")
