"""connect() / RemoteFake: a fake in another process driven over HTTP, and --runware-url.

The fast tests run the shared app (`create_shared_app`) under uvicorn in a thread; the ones
that matter most start a real ``runware-testkit serve`` process: two pytest runs at once point
``runware_server`` at it with ``--runware-url`` and neither sees the other's tasks, and a
client from another host is refused by the control API without the token and served with it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reliability.served import Served
from runware_testkit.fake_server.config import DEV_API_KEY, ServerConfig
from runware_testkit.fake_server.engine.errors import TaskNotFound
from runware_testkit.fake_server.namespaces import create_shared_app
from runware_testkit.fake_server.uvicorn_thread import LiveServer
from runware_testkit.testing import RemoteFake, RemoteFakeError, connect
from runware_testkit.testing.remote import _split

RUN_TIMEOUT = 120.0


def video_task(prompt: str = "a kite over the dunes", **fields) -> dict:
    return {
        "taskType": "videoInference",
        "taskUUID": str(uuid.uuid4()),
        "model": "runway:2@1",
        "positivePrompt": prompt,
        "inputs": {"video": "https://example.com/in.mp4"},
        **fields,
    }


def submit(fake: RemoteFake, task: dict) -> httpx.Response:
    return httpx.post(
        fake.base_url,
        json=[task],
        headers={"Authorization": f"Bearer {fake.api_key}"},
        trust_env=False,
    )


@pytest.fixture(scope="module")
def shared() -> Iterator[LiveServer]:
    live = LiveServer(create_shared_app(ServerConfig(progression="polls:1"))).start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def server(shared: LiveServer) -> Iterator[RemoteFake]:
    remote = connect(shared.base_url)
    try:
        yield remote
    finally:
        remote.close()


# -- connect() on a shared server in this process -----------------------------------------------


def test_a_namespace_is_driven_like_the_fixtures(server):
    with server.namespace(progression="polls:3", clock="manual", seed=11) as fake:
        assert fake.base_url.startswith(f"{server.server_url}/ns/")
        assert fake.ws_url == "ws" + fake.base_url[4:]
        task = video_task(webhookURL=fake.webhook_url("edits"))
        assert submit(fake, task).status_code == 200
        fake.assert_task_submitted(model="runway:2@1", positivePrompt="a kite over the dunes")
        assert [t["status"] for t in fake.tasks()] == ["processing"]
        assert fake.complete(task["taskUUID"])["status"] == "success"
        fake.assert_webhook_delivered("edits", count=1, status="success")
        assert fake.webhooks("edits")[0]["body"]["data"][0]["taskUUID"] == task["taskUUID"]
        assert fake.advance(2.5)["now"] == pytest.approx(fake.now())
        fake.assert_all_tasks_valid()
        fake.assert_no_unfinished_tasks()
        assert [e["kind"] for e in fake.journal("request")] == ["request"]
        assert fake.requests()[0]["taskUUID"] == task["taskUUID"]
        with pytest.raises(TaskNotFound):
            fake.task(str(uuid.uuid4()))


def test_faults_queue_and_fail_in_a_namespace(server):
    with server.namespace() as fake:
        fake.fail_next("insufficientCredits", match={"model": "runway:2@1"})
        assert [s.error_code for s in fake.scenarios()] == ["insufficientCredits"]
        refused = submit(fake, video_task())
        assert refused.status_code == 402
        assert refused.json()["errors"][0]["code"] == "insufficientCredits"
        fake.reset(progression="polls:5")
        task = video_task()
        submit(fake, task)
        failed = fake.fail(task["taskUUID"], "timeoutProvider")
        assert (failed["status"], failed["error"]["code"]) == ("error", "timeoutProvider")
        fake.scenario(error_code="timeout")
        assert fake.clear_scenarios() == 1
        fake.fail_webhooks("hooks", times=2, status=503)
        with pytest.raises(RuntimeError, match="manual clock"):
            fake.advance(1)


def test_unknown_error_codes_are_refused_before_anything_is_sent(server):
    with server.namespace(progression="polls:5") as fake:
        with pytest.raises(ValueError, match=r"did you mean 'insufficientCredits'\?"):
            fake.fail_next("insufficentCredits")
        assert fake.scenarios() == []
        task = video_task()
        submit(fake, task)
        with pytest.raises(ValueError, match=r"did you mean 'timeoutProvider'\?"):
            fake.fail(task["taskUUID"], "timeoutprovider")
        assert fake.task(task["taskUUID"])["status"] == "processing"


def test_namespaces_of_one_server_are_isolated_and_closed(server):
    with server.namespace() as one, server.namespace() as two:
        submit(one, video_task("for one"))
        assert one.tasks() and two.tasks() == []
        assert two.requests() == []
        names = {ns["namespace"] for ns in server.namespaces()}
        assert {one.namespace_name, two.namespace_name} <= names
    left = {ns["namespace"] for ns in server.namespaces()}
    assert one.namespace_name not in left and two.namespace_name not in left
    assert server.tasks() == []


def test_api_keys_of_a_namespace(server):
    with server.namespace(api_keys=["team-key"]) as fake:
        assert fake.api_key == "team-key"
        assert submit(fake, video_task()).status_code == 200
    with server.namespace() as fake:
        assert fake.api_key == DEV_API_KEY


def test_connect_says_what_is_wrong():
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    with pytest.raises(RemoteFakeError, match="runware-testkit serve"):
        connect(f"http://127.0.0.1:{port}")
    with pytest.raises(ValueError, match="http"):
        connect("ftp://example.com")
    with pytest.raises(RemoteFakeError, match="URL of a running fake"):
        connect("")


def test_a_token_is_asked_for_by_name():
    app = create_shared_app(ServerConfig(control_token="T"))
    live = LiveServer(app).start()
    try:
        with pytest.raises(RemoteFakeError, match="control token"):
            connect(live.base_url)
        with connect(live.base_url, token="T") as remote, remote.namespace() as fake:
            assert fake.tasks() == []
    finally:
        live.stop()


@pytest.mark.parametrize(
    ("url", "server", "prefix"),
    [
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765", ""),
        ("http://127.0.0.1:8765/", "http://127.0.0.1:8765", ""),
        ("http://127.0.0.1:8765/v1", "http://127.0.0.1:8765", ""),
        ("http://fake:8765/__testkit/", "http://fake:8765", ""),
        ("https://fake.ci/ns/abc/v1", "https://fake.ci", "/ns/abc"),
    ],
)
def test_urls_connect_understands(url, server, prefix):
    assert _split(url) == (server, prefix)


def test_urls_connect_refuses():
    with pytest.raises(ValueError, match="neither a namespace"):
        _split("http://127.0.0.1:8765/api")


# -- a serve process ---------------------------------------------------------------------------


INNER_TEST = textwrap.dedent(
    """
    import os, pathlib, time, uuid

    import httpx
    import pytest

    RUN, OTHER = os.environ["RUN_NAME"], os.environ["OTHER_RUN"]
    SYNC = pathlib.Path(os.environ["SYNC_DIR"])


    def wait_for(name):
        deadline = time.monotonic() + 60
        while not (SYNC / name).exists():
            assert time.monotonic() < deadline, f"the other run never got to {name}"
            time.sleep(0.02)


    @pytest.mark.runware(progression="polls:2", clock="manual")
    def test_sees_only_its_own_tasks(runware_server):
        assert runware_server.mode == "remote"
        sent = []
        for n in range(3):
            task = {"taskType": "videoInference", "taskUUID": str(uuid.uuid4()),
                    "model": "runway:2@1", "positivePrompt": f"from {RUN} #{n}",
                    "inputs": {"video": "https://example.com/in.mp4"},
                    "webhookURL": runware_server.webhook_url("hooks")}
            answer = httpx.post(runware_server.base_url, json=[task], trust_env=False,
                                headers={"Authorization": f"Bearer {runware_server.api_key}"})
            assert answer.status_code == 200, answer.text
            sent.append(task["taskUUID"])
        (SYNC / f"{RUN}-submitted").touch()
        wait_for(f"{OTHER}-submitted")
        tasks = runware_server.tasks()
        assert sorted(t["task_uuid"] for t in tasks) == sorted(sent)
        prompts = [t["positivePrompt"] for t in runware_server.requests()]
        assert prompts == [f"from {RUN} #{n}" for n in range(3)]
        runware_server.assert_task_submitted(positivePrompt=lambda p: RUN in p, count=3)
        runware_server.fail_next("insufficientCredits")
        for task_uuid in sent:
            runware_server.complete(task_uuid)
        runware_server.assert_webhook_delivered("hooks", count=3)
        (SYNC / f"{RUN}-checked").touch()
        wait_for(f"{OTHER}-checked")
        assert len(runware_server.scenarios()) == 1
        assert runware_server.advance(1)["finished"] == []
    """
)


def test_two_pytest_runs_share_one_serve_without_seeing_each_other(tmp_path: Path):
    (tmp_path / "test_shared.py").write_text(INNER_TEST)
    sync = tmp_path / "sync"
    sync.mkdir()
    with Served(None, progression="time:8") as served:
        runs = {}
        for name, other in (("alpha", "beta"), ("beta", "alpha")):
            env = {**os.environ, "RUN_NAME": name, "OTHER_RUN": other, "SYNC_DIR": str(sync)}
            env.pop("RUNWARE_TESTKIT_URL", None)
            runs[name] = subprocess.Popen(
                [sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                 "--runware-url", served.base_url, "test_shared.py"],
                cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                text=True,
            )  # fmt: skip
        outputs = {name: run.communicate(timeout=RUN_TIMEOUT)[0] for name, run in runs.items()}
        for name, run in runs.items():
            assert run.returncode == 0, f"run {name} failed:\n{outputs[name]}"
            assert "1 passed" in outputs[name]
            assert f"uses the fake at {served.base_url}" in outputs[name]
        remote = connect(served.base_url)
        assert remote.tasks() == []
        assert remote.namespaces() == []


def test_connect_drives_a_serve_process():
    with Served(None, progression="time:8") as served, connect(served.base_url) as remote:
        task = video_task()
        answer = httpx.post(
            f"{served.base_url}/v1",
            json=[task],
            headers={"Authorization": f"Bearer {DEV_API_KEY}"},
            trust_env=False,
        )
        assert answer.status_code == 200
        assert [t["status"] for t in remote.tasks()] == ["processing"]
        assert remote.complete(task["taskUUID"])["status"] == "success"
        remote.assert_task_submitted(model="runway:2@1")
        with remote.namespace(clock="manual") as fake:
            assert fake.tasks() == []
            assert fake.advance(60)["now"] == fake.now()


def _own_address() -> str | None:
    """A non-loopback IPv4 address of this machine (None when it has none)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.250", 9))  # no packet is sent for a UDP connect
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address


def test_a_remote_client_needs_the_token():
    address = _own_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address to come from")
    extra = ["--host", "0.0.0.0", "--allow-remote", "--control-token", "T0ken"]
    with Served(None, extra=extra) as served:
        url = served.base_url.replace("0.0.0.0", address)
        refused = httpx.get(f"{url}/__testkit/tasks", trust_env=False)
        assert refused.status_code == 403
        assert "token" in refused.json()["errors"][0]["message"]
        with pytest.raises(RemoteFakeError, match="403"):
            connect(url)
        with connect(url, token="T0ken") as remote, remote.namespace() as fake:
            assert fake.base_url.startswith(f"{url}/ns/")
            assert submit(fake, video_task()).status_code == 200
            assert len(fake.tasks()) == 1
    with Served(None, extra=["--host", "0.0.0.0", "--allow-remote"]) as served:
        url = served.base_url.replace("0.0.0.0", address)
        refused = httpx.get(f"{url}/__testkit/health", trust_env=False)
        assert refused.status_code == 403
        assert "--control-token" in refused.json()["errors"][0]["message"]
