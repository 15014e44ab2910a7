"""The plugin end to end: small downstream test files run through pytest with the plugin.

In-process runs (``runpytest_inprocess``) keep these fast; the xdist run needs a subprocess.
The modules the inner runs use are imported here first, so pytester's module snapshot keeps
them between runs.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import httpx  # noqa: F401  (kept loaded across in-process runs)
import hypothesis  # noqa: F401
import pytest
import respx  # noqa: F401
import websockets.sync.client  # noqa: F401

import runware_testkit.testing.mock_fixture  # noqa: F401
from runware_testkit.testing.server_fixture import server

COMMON = """
import uuid

import httpx
import pytest

VIDEO = "https://cdn.example.com/source.mp4"


def edit_task(**fields):
    task = {
        "taskType": "videoInference",
        "taskUUID": str(uuid.uuid4()),
        "model": "runway:2@1",
        "positivePrompt": "a paper boat",
        "inputs": {"video": VIDEO},
        "outputFormat": "MOV",
    }
    task.update(fields)
    return task


def poll_task(task):
    return [{"taskType": "getResponse", "taskUUID": task["taskUUID"]}]


def auth(fake):
    return {"Authorization": f"Bearer {fake.api_key}"}


def submit(fake, http, task):
    return http.post(fake.base_url, json=[task], headers=auth(fake))


def poll(fake, http, task):
    return http.post(fake.base_url, json=poll_task(task), headers=auth(fake))


async def asubmit(fake, http, task):
    return await http.post(fake.base_url, json=[task], headers=auth(fake))


async def apoll(fake, http, task):
    return await http.post(fake.base_url, json=poll_task(task), headers=auth(fake))
"""


@pytest.fixture(scope="module", autouse=True)
def _server_modules_loaded() -> None:
    """Start and stop one live fake before any inner run: uvicorn imports its protocol
    modules (and websockets') only when a server starts, and pytester drops every module first
    imported during an in-process run, which would leave this process with two copies."""
    with server():
        pass


def write(pytester: pytest.Pytester, body: str, name: str = "test_downstream") -> None:
    """A downstream test file: the shared helpers plus `body`."""
    pytester.makepyfile(**{name: COMMON + textwrap.dedent(body)})


def test_async_round_trip_against_runware_server(downstream: pytest.Pytester) -> None:
    write(
        downstream,
        """
        @pytest.mark.runware(progression="polls:1")
        async def test_round_trip(runware_server):
            task = edit_task()
            async with httpx.AsyncClient(trust_env=False) as http:
                ack = await asubmit(runware_server, http, task)
                ack_item = {"taskType": "videoInference", "taskUUID": task["taskUUID"]}
                assert ack.json() == {"data": [ack_item]}
                statuses = []
                for _ in range(5):
                    item = (await apoll(runware_server, http, task)).json()["data"][0]
                    statuses.append(item.get("status"))
                    if item.get("status") != "processing":
                        break
                video = await http.get(item["videoURL"])
            assert statuses == ["processing", "success"]
            assert item["videoURL"].startswith(runware_server.origin + "/media/")
            assert video.headers["content-type"] == "video/quicktime"
            runware_server.assert_task_submitted(model="runway:2@1", positivePrompt="a paper boat")
            runware_server.assert_all_tasks_valid()
            runware_server.assert_no_unfinished_tasks()
        """,
    )
    result = downstream.runpytest_inprocess("-q")
    result.assert_outcomes(passed=1)


def test_round_trips_against_runware_mock_sync_and_async(downstream: pytest.Pytester) -> None:
    write(
        downstream,
        """
        def test_sync_client(runware_mock):
            assert runware_mock.base_url == "https://api.runware.ai/v1"
            task = edit_task()
            with httpx.Client() as http:
                submit(runware_mock, http, task)
                item = poll(runware_mock, http, task).json()["data"][0]
                video = http.get(item["videoURL"])
            assert item["status"] == "success"
            assert video.status_code == 200 and video.content[4:8] == b"ftyp"


        @pytest.mark.runware(progression="polls:2")
        async def test_async_client(runware_mock):
            task = edit_task(model="runway:aleph@2.0")
            async with httpx.AsyncClient() as http:
                await asubmit(runware_mock, http, task)
                statuses = []
                for _ in range(5):
                    reply = await apoll(runware_mock, http, task)
                    statuses.append(reply.json()["data"][0]["status"])
                    if statuses[-1] != "processing":
                        break
            assert statuses == ["processing", "processing", "success"]
            runware_mock.assert_task_submitted(model="runway:aleph@2.0")
        """,
    )
    result = downstream.runpytest_inprocess("-q")
    result.assert_outcomes(passed=2)


def test_failing_assertions_read_well(downstream: pytest.Pytester) -> None:
    write(
        downstream,
        """
        def test_wrong_model(runware_mock):
            submit(runware_mock, httpx, edit_task(positivePrompt="a neon town"))
            runware_mock.assert_task_submitted(
                model="runway:aleph@2.0", positivePrompt="a neon city"
            )


        def test_invalid_task(runware_mock):
            submit(runware_mock, httpx, edit_task(numberResults=9))
            runware_mock.assert_all_tasks_valid()


        def test_no_webhook(runware_server):
            task = edit_task(webhookURL=runware_server.webhook_url("hooks", fail=5))
            with httpx.Client(trust_env=False) as http:
                submit(runware_server, http, task)
                poll(runware_server, http, task)
            runware_server.assert_webhook_delivered("hooks")
        """,
    )
    result = downstream.runpytest_inprocess("-q")
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        [
            "*no task sent to the fake matches model='runway:aleph@2.0', "
            "positivePrompt='a neon city'",
            "*the closest is #1, videoInference runway:2@1 taskUUID *, where 2 of 2 expected*",
            "*  model",
            "*    expected: 'runway:aleph@2.0'",
            "*    sent:     'runway:2@1'",
            "*  positivePrompt",
            "*    expected: 'a neon city'",
            "*    sent:     'a neon town'",
            "*Task as sent:*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*1 of 1 task(s) the fake received break the contract:",
            "*request #1, task videoInference runway:2@1 taskUUID *",
            "*invalidNumberResults (numberResults): *",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*expected at least 1 webhook(s) delivered to sink 'hooks' (http://127.0.0.1:*"
            "/__testkit/sink/hooks), found 0.",
            "*Attempts to sink 'hooks' * (5):",
            "*attempt 1: retry: HTTP 500, retry in 0.5 s",
            "*attempt 5: failed: HTTP 500",
        ]
    )
    result.stdout.no_fnmatch_line("*not mocked*")


def test_scenarios_surface_as_runware_errors(downstream: pytest.Pytester) -> None:
    write(
        downstream,
        """
        def test_fail_next(runware_mock):
            runware_mock.fail_next("insufficientCredits", match={"model": "runway:2@1"})
            reply = submit(runware_mock, httpx, edit_task())
            assert reply.status_code == 402
            assert reply.json()["errors"][0]["code"] == "insufficientCredits"
            assert submit(runware_mock, httpx, edit_task()).status_code == 200


        @pytest.mark.runware(scenarios=["error=timeoutProvider@processing"])
        def test_marker_scenario(runware_server):
            task = edit_task()
            with httpx.Client(trust_env=False) as http:
                submit(runware_server, http, task)
                reply = poll(runware_server, http, task).json()
            assert reply["data"][0]["status"] == "error"
            assert reply["errors"][0]["code"] == "timeoutProvider"


        def test_magic_prompt_token(runware_mock):
            task = edit_task(positivePrompt="a kite [[testkit:error=promptBlocked]]")
            reply = submit(runware_mock, httpx, task)
            assert (reply.status_code, reply.json()["errors"][0]["code"]) == (400, "promptBlocked")
        """,
    )
    result = downstream.runpytest_inprocess("-q")
    result.assert_outcomes(passed=3)


def test_webhooks_reach_the_sink_and_respx_routes(downstream: pytest.Pytester) -> None:
    write(
        downstream,
        """
        import respx


        def test_sink(runware_server):
            task = edit_task(webhookURL=runware_server.webhook_url("edits"), numberResults=2)
            with httpx.Client(trust_env=False) as http:
                submit(runware_server, http, task)
                poll(runware_server, http, task)
            runware_server.assert_webhook_delivered("edits", count=2, status=200)
            bodies = [call["body"] for call in runware_server.webhooks("edits")]
            assert {body["data"][0]["taskUUID"] for body in bodies} == {task["taskUUID"]}


        def test_respx_route(runware_mock, respx_mock):
            hook = respx_mock.post("https://app.example/hooks").respond(202)
            task = edit_task(webhookURL="https://app.example/hooks")
            with httpx.Client() as http:
                submit(runware_mock, http, task)
                poll(runware_mock, http, task)
            runware_mock.assert_webhook_delivered("https://app.example/hooks", count=1, status=202)
            assert hook.call_count == 1
            assert hook.calls.last.request.read().startswith(b'{"data": [')
        """,
    )
    result = downstream.runpytest_inprocess("-q")
    result.assert_outcomes(passed=2)


def test_xdist_workers_each_get_their_own_server(downstream: pytest.Pytester) -> None:
    write(
        downstream,
        """
        import os
        import pathlib

        LOG = pathlib.Path(__file__).with_name("ports.log")


        @pytest.mark.parametrize("n", range(6))
        def test_round_trip(runware_server, n):
            task = edit_task()
            with httpx.Client(trust_env=False) as http:
                submit(runware_server, http, task)
                reply = poll(runware_server, http, task)
            assert reply.json()["data"][0]["status"] == "success"
            sent = [t["taskUUID"] for t in runware_server.requests() if "model" in t]
            assert sent == [task["taskUUID"]]
            with LOG.open("a") as log:
                log.write(f"{os.environ['PYTEST_XDIST_WORKER']} {runware_server.port}\\n")
        """,
    )
    # The inner file uses no Hypothesis; its plugin alone would add seconds to every process.
    result = downstream.runpytest_subprocess(
        "-q", "-n", "2", "-p", "xdist", "-p", "no:hypothesispytest", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=6)
    result.stdout.fnmatch_lines(["*tasks of 6 test(s) would have cost $4.5378 for 6 task(s)*"])
    rows = [line.split() for line in (downstream.path / "ports.log").read_text().splitlines()]
    ports_by_worker: dict[str, set[str]] = {}
    for worker, port in rows:
        ports_by_worker.setdefault(worker, set()).add(port)
    assert all(len(ports) == 1 for ports in ports_by_worker.values()), ports_by_worker
    all_ports = [next(iter(ports)) for ports in ports_by_worker.values()]
    assert len(set(all_ports)) == len(all_ports)


LIVE_TESTS = """
@pytest.mark.runware
def test_marked(runware_server):
    assert runware_server.base_url == "https://api.runware.ai/v1"
    assert runware_server.ws_url == "wss://ws-api.runware.ai/v1"
    assert runware_server.api_key == "rk-not-a-real-key"
    runware_server.advance(1)
    raise AssertionError("advance() must skip in live mode")


@pytest.mark.runware(scenarios=["error=insufficientCredits"])
def test_needs_scenarios(runware_mock):
    raise AssertionError("must not run in live mode")


@pytest.mark.runware(live=False)
def test_fake_only(runware_mock):
    assert runware_mock.base_url == "https://api.runware.ai/v1" and runware_mock.mode == "mock"


def test_unmarked(runware_mock):
    assert runware_mock.mode == "mock"
"""


def test_live_mode_without_a_key_skips_marked_tests(downstream: pytest.Pytester) -> None:
    write(downstream, LIVE_TESTS)
    result = downstream.runpytest_inprocess("-q", "-rs", "--runware-live")
    result.assert_outcomes(passed=2, skipped=2)
    reason = (
        "--runware-live: RUNWARE_API_KEY is not set, so this test cannot run against the real "
        "Runware API"
    )
    result.stdout.fnmatch_lines([f"SKIPPED [[]1[]] test_downstream.py:*: {reason}"] * 2)


def test_live_mode_with_a_key_points_at_runware_and_skips_fake_only_calls(
    downstream: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNWARE_API_KEY", "rk-not-a-real-key")
    write(downstream, LIVE_TESTS)
    result = downstream.runpytest_inprocess("-q", "-rs", "--runware-live")
    result.assert_outcomes(passed=2, skipped=2)
    result.stdout.fnmatch_lines_random(
        [
            "SKIPPED [[]1[]] *: runware live mode: advance() drives or inspects the fake server "
            "and has no counterpart on the real Runware API*",
            "SKIPPED [[]1[]] *: --runware-live: this test queues scenarios *which only the fake "
            "can play*",
        ]
    )


def test_live_header_says_where_tests_go(downstream: pytest.Pytester) -> None:
    write(downstream, "def test_nothing():\n    pass\n")
    result = downstream.runpytest_inprocess("--runware-live")
    result.stdout.fnmatch_lines(["runware: --runware-live without RUNWARE_API_KEY: *skipped"])


def test_command_line_defaults_and_marker_override(downstream: pytest.Pytester) -> None:
    write(
        downstream,
        """
        def test_defaults(runware_server):
            options = runware_server.options
            assert (options.progression, options.seed) == ("polls:2", 5)
            assert runware_server.state.engine.default_progression == "polls:2"


        @pytest.mark.runware(progression="immediate", clock="manual", api_keys=["k1", "k2"])
        def test_marker_wins(runware_mock):
            assert runware_mock.options.progression == "immediate"
            assert runware_mock.options.seed == 5
            assert runware_mock.api_key == "k1"
            assert runware_mock.advance(2.5)["now"] == 1_700_000_002.5
        """,
    )
    result = downstream.runpytest_inprocess(
        "-q", "--strict-markers", "--runware-progression", "polls:2", "--runware-seed", "5"
    )
    result.assert_outcomes(passed=2)


def test_marker_chooses_one_error_or_every_error(downstream: pytest.Pytester) -> None:
    write(
        downstream,
        """
        import uuid

        import httpx

        def bad_task():
            return {
                "taskType": "videoInference", "taskUUID": str(uuid.uuid4()),
                "model": "runway:2@1", "outputQuality": 5,
                "inputs": {"video": "https://example.com/clip.mp4"},
            }

        def codes(fake):
            reply = httpx.post(
                "https://api.runware.ai/v1", json=[bad_task()],
                headers={"Authorization": f"Bearer {fake.api_key}"},
            )
            assert reply.status_code == 400
            return sorted(e["code"] for e in reply.json()["errors"])

        def test_like_runware_by_default(runware_mock):
            assert codes(runware_mock) == ["missingPositivePrompt"]

        @pytest.mark.runware(errors="all")
        def test_every_error_on_request(runware_mock):
            assert codes(runware_mock) == ["invalidOutputQuality", "missingPositivePrompt"]

        @pytest.mark.runware(errors="all")
        def test_every_error_on_the_server_fixture(runware_server):
            reply = httpx.post(
                runware_server.base_url, json=[bad_task()],
                headers={"Authorization": f"Bearer {runware_server.api_key}"},
            )
            assert len(reply.json()["errors"]) == 2
        """,
    )
    downstream.runpytest_inprocess("-q", "--strict-markers").assert_outcomes(passed=3)


def test_ini_defaults(downstream: pytest.Pytester) -> None:
    downstream.makeini(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
        "runware_progression = polls:1\nrunware_seed = 9\n"
    )
    write(
        downstream,
        """
        def test_defaults(runware_mock):
            assert (runware_mock.options.progression, runware_mock.options.seed) == ("polls:1", 9)
        """,
    )
    downstream.runpytest_inprocess("-q").assert_outcomes(passed=1)


def test_bad_progression_option_is_a_usage_error(downstream: pytest.Pytester) -> None:
    write(downstream, "def test_nothing():\n    pass\n")
    result = downstream.runpytest_inprocess("--runware-progression", "sometimes")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--runware-progression: *sometimes*"])


def test_marker_typo_names_the_right_option(downstream: pytest.Pytester) -> None:
    write(
        downstream,
        """
        @pytest.mark.runware(progresion="polls:2")
        def test_typo(runware_mock):
            pass
        """,
    )
    # -rN: pytest's own short summary repeats the message (cut to the terminal's
    # width), so it is turned off to count only the kit's report.
    result = downstream.runpytest_inprocess("-q", "-rN")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["unknown @pytest.mark.runware option 'progresion' (did you mean 'progression'?)*"]
    )
    assert result.stdout.str().count("did you mean 'progression'?") == 1
    assert "During handling of the above exception" not in result.stdout.str()


def test_marker_scenario_with_an_unknown_error_code_is_refused_once(
    downstream: pytest.Pytester,
) -> None:
    write(
        downstream,
        """
        @pytest.mark.runware(scenarios=["error=insufficentCredits"])
        def test_typo(runware_mock):
            pass
        """,
    )
    result = downstream.runpytest_inprocess("-q", "-rN")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "@pytest.mark.runware: scenario 'error=insufficentCredits': unknown Runware error code "
            "'insufficentCredits' (did you mean 'insufficientCredits'?)*"
        ]
    )
    assert result.stdout.str().count("did you mean 'insufficientCredits'?") == 1


def test_hypothesis_with_the_context_manager(downstream: pytest.Pytester) -> None:
    write(
        downstream,
        """
        from hypothesis import given, settings, strategies as st

        from runware_testkit.testing import mock


        @settings(max_examples=5, deadline=None)
        @given(results=st.integers(1, 4))
        def test_any_number_of_results(results):
            with mock(seed=1) as fake:
                task = edit_task(numberResults=results)
                submit(fake, httpx, task)
                reply = poll(fake, httpx, task)
                assert len(reply.json()["data"]) == results
        """,
    )
    downstream.runpytest_inprocess("-q", "-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_plugin_import_stays_cheap() -> None:
    code = (
        "import sys, runware_testkit.pytest_plugin\n"
        "heavy = ('httpx', 'starlette', 'respx', 'uvicorn', 'jsonschema', 'pydantic', 'av')\n"
        "print(sorted(name for name in heavy if name in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert proc.stdout.strip() == "[]"
