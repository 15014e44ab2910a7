"""runware_mock routes httpx, aiohttp and requests clients in-process; other hosts pass through
or are blocked with a message saying what to do."""

from __future__ import annotations

import asyncio
import http.server
import threading
import uuid
from collections.abc import Iterator

import aiohttp
import httpx
import pytest
import requests

from runware_testkit.testing import RunwareNotMocked, mock
from runware_testkit.testing.clients import clients_to_route


def video_task(**fields) -> dict:
    return {
        "taskType": "videoInference",
        "taskUUID": str(uuid.uuid4()),
        "model": "runway:2@1",
        "positivePrompt": "make it snow",
        "inputs": {"video": "https://example.com/in.mp4"},
        **fields,
    }


class _Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"hello from a real socket"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def local_service() -> Iterator[str]:
    """A real HTTP service on loopback: what a test's client may also call."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}/hello"
    finally:
        server.shutdown()
        server.server_close()


def auth(fake) -> dict[str, str]:
    return {"Authorization": f"Bearer {fake.api_key}"}


# -- requests ----------------------------------------------------------------------------------


def test_requests_clients_reach_the_fake_in_process(runware_mock):
    task = video_task(numberResults=2)
    ack = requests.post(runware_mock.base_url, json=[task], headers=auth(runware_mock))
    assert ack.status_code == 200
    assert ack.json() == {"data": [{"taskType": "videoInference", "taskUUID": task["taskUUID"]}]}
    poll = [{"taskType": "getResponse", "taskUUID": task["taskUUID"]}]
    done = requests.post(runware_mock.base_url, json=poll, headers=auth(runware_mock)).json()
    assert [item["status"] for item in done["data"]] == ["success", "success"]
    video = requests.get(done["data"][0]["videoURL"])
    assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
    runware_mock.assert_task_submitted(model="runway:2@1", numberResults=2)


def test_requests_errors_keep_their_status(runware_mock):
    runware_mock.fail_next("insufficientCredits")
    answer = requests.post(runware_mock.base_url, json=[video_task()], headers=auth(runware_mock))
    assert answer.status_code == 402
    assert answer.json()["errors"][0]["code"] == "insufficientCredits"


def test_requests_own_responses_are_kept(runware_mock):
    runware_mock.responses.get("https://cdn.example.com/clip.mp4", body=b"clip")
    assert requests.get("https://cdn.example.com/clip.mp4").content == b"clip"


# -- aiohttp -----------------------------------------------------------------------------------


async def test_aiohttp_clients_reach_the_fake_in_process(runware_mock):
    task = video_task()
    async with aiohttp.ClientSession(headers=auth(runware_mock)) as session:
        async with session.post(runware_mock.base_url, json=[task]) as ack:
            assert ack.status == 200
            assert (await ack.json())["data"][0]["taskUUID"] == task["taskUUID"]
        poll = [{"taskType": "getResponse", "taskUUID": task["taskUUID"]}]
        async with session.post(runware_mock.base_url, json=poll) as answer:
            item = (await answer.json())["data"][0]
        assert item["status"] == "success"
        async with session.get(item["videoURL"]) as video:
            assert video.status == 200 and len(await video.read()) > 100
    runware_mock.assert_task_submitted(positivePrompt="make it snow")


async def test_aiohttp_own_matches_are_kept(runware_mock):
    runware_mock.aioresponses.get("https://cdn.example.com/clip.mp4", body=b"clip")
    async with (
        aiohttp.ClientSession() as session,
        session.get("https://cdn.example.com/clip.mp4") as answer,
    ):
        assert await answer.read() == b"clip"


# -- other hosts ----------------------------------------------------------------------------------


async def test_other_hosts_pass_through_by_default(runware_mock, local_service):
    assert requests.get(local_service).text == "hello from a real socket"
    assert httpx.get(local_service, trust_env=False).text == "hello from a real socket"
    async with aiohttp.ClientSession() as session, session.get(local_service) as answer:
        assert await answer.text() == "hello from a real socket"


@pytest.mark.runware(passthrough=["localhost"])
async def test_listed_hosts_pass_and_others_are_blocked(runware_mock, local_service):
    assert requests.get(local_service).text == "hello from a real socket"
    other = local_service.replace("localhost", "127.0.0.1")
    with pytest.raises(requests.ConnectionError) as blocked:
        requests.get(other)
    message = str(blocked.value)
    assert "runware_mock blocked GET" in message
    assert "@pytest.mark.runware(passthrough=[..., '127.0.0.1'])" in message
    with pytest.raises(RunwareNotMocked, match="passthrough=True"):
        httpx.get(other)
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectionError, match=r"runware_mock\.aioresponses"):
            await session.get(other)


@pytest.mark.runware(passthrough=False)
def test_runware_hosts_never_pass_and_say_why(runware_mock):
    with pytest.raises(RunwareNotMocked, match="serves no POST /v2"):
        requests.post("https://api.runware.ai/v2", json=[])
    with pytest.raises(RunwareNotMocked, match="runware_server"):
        requests.get("https://ws-api.runware.ai/v1")
    with pytest.raises(requests.ConnectionError, match="lets no other host through"):
        requests.get("https://example.org/")


def test_the_fakes_own_webhooks_never_pass_through(local_service):
    with mock() as fake:
        task = video_task(webhookURL=local_service.replace("/hello", "/hook"))
        httpx.post(fake.base_url, json=[task], headers=auth(fake))
        poll = [{"taskType": "getResponse", "taskUUID": task["taskUUID"]}]
        httpx.post(fake.base_url, json=poll, headers=auth(fake))
        attempts = fake.journal("webhook_attempt")
        assert attempts and all(not a.get("status") for a in attempts)
        assert "not mocked" in attempts[-1]["error"]


# -- which clients ------------------------------------------------------------------------------


def test_clients_to_route():
    assert clients_to_route(None) == ("httpx", "aiohttp", "requests")
    assert clients_to_route(("httpx",)) == ("httpx",)


@pytest.mark.runware(clients=["httpx"])
def test_routing_only_httpx_leaves_requests_alone(runware_mock):
    assert runware_mock.responses is None and runware_mock.aioresponses is None


def test_an_unknown_client_is_refused():
    with pytest.raises(ValueError, match="clients may hold httpx, aiohttp, requests"):
        mock(clients=["urllib3"]).__enter__()


def test_aiohttp_and_requests_route_from_a_thread_and_a_loop():
    with mock(progression="polls:1") as fake:
        task = video_task()

        async def submit() -> int:
            async with (
                aiohttp.ClientSession(headers=auth(fake)) as session,
                session.post(fake.base_url, json=[task]) as answer,
            ):
                return answer.status

        results: list[int] = []
        thread = threading.Thread(target=lambda: results.append(asyncio.run(submit())))
        thread.start()
        thread.join(30)
        assert results == [200]
        assert [t["task_uuid"] for t in fake.tasks()] == [task["taskUUID"]]


# -- a client library installed without its mocking library ------------------------------------


@pytest.fixture
def without_mocking_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if neither ``responses`` nor ``aioresponses`` were installed."""
    import importlib.util

    from runware_testkit.testing import clients

    real = importlib.util.find_spec
    missing = {"responses", "aioresponses"}
    monkeypatch.setattr(
        clients.importlib.util,
        "find_spec",
        lambda name, *a: None if name in missing else real(name, *a),
    )


async def test_unroutable_clients_never_reach_runware(without_mocking_libraries, local_service):
    with mock() as fake:
        assert fake.responses is None and fake.aioresponses is None
        with pytest.raises(RunwareNotMocked, match="pip install responses"):
            requests.post(fake.base_url, json=[video_task()], headers=auth(fake))
        async with aiohttp.ClientSession() as session:
            with pytest.raises(RunwareNotMocked, match="pip install aioresponses"):
                await session.post(fake.base_url, json=[video_task()], headers=auth(fake))
        assert fake.requests() == []  # nothing reached the fake, nor the network
        assert requests.get(local_service).text == "hello from a real socket"
    # the guard is gone with the fake
    with pytest.raises(requests.ConnectionError):
        requests.get("http://127.0.0.1:9/", timeout=2)


def test_unroutable_clients_honour_a_blocked_host(without_mocking_libraries, local_service):
    with (
        mock(passthrough=False),
        pytest.raises(requests.ConnectionError, match="lets no other host through"),
    ):
        requests.get(local_service)


def test_a_folder_named_like_a_client_library_is_not_that_library(tmp_path, monkeypatch):
    # The README's lint examples keep request bodies in a `requests/` folder; where the library
    # is not installed, that folder on sys.path (the project's rootdir) is a namespace package
    # named `requests`, and no guard may be built on it.
    from runware_testkit.testing import clients

    (tmp_path / "stored_requests_lib").mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    assert clients._installed("stored_requests_lib") is False
    assert clients._installed("json") is True
    real = clients.importlib.util.find_spec

    def folder_only(name: str, *args: object) -> object:
        if name in ("requests", "aiohttp"):
            return real("stored_requests_lib")
        return None if name in ("responses", "aioresponses") else real(name, *args)

    monkeypatch.setattr(clients.importlib.util, "find_spec", folder_only)
    assert clients.unroutable_clients(None) == ()
