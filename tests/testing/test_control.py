"""FakeControl: the control API as Python methods (exercised in-process, the cheaper mode)."""

from __future__ import annotations

import pytest

from runware_testkit.fake_server.engine.errors import TaskFinished, TaskNotFound
from runware_testkit.fake_server.faults.scenarios import Scenario, UnknownErrorCode
from runware_testkit.testing import mock

from .helpers import edit_task, poll, send


def test_reset_applies_keys_and_forgets_everything() -> None:
    with mock(api_keys=["team"]) as fake:
        assert send(fake, edit_task(), key="rw-testkit-dev-key").status_code == 401
        assert send(fake, edit_task()).status_code == 200
        fake.fail_next("timeout")
        fake.reset(api_keys=None)
        assert fake.api_key == "rw-testkit-dev-key"
        assert (fake.tasks(), fake.requests(), fake.scenarios()) == ([], [], [])
        assert send(fake, edit_task()).status_code == 200


def test_requests_lists_every_task_received() -> None:
    with mock() as fake:
        task = edit_task()
        send(fake, {"taskType": "authentication", "apiKey": fake.api_key}, task)
        poll(fake, task)
        kinds = [t["taskType"] for t in fake.requests()]
        assert kinds == ["authentication", "videoInference", "getResponse"]
        assert [t["task_uuid"] for t in fake.tasks(status="success")] == [task["taskUUID"]]
        assert fake.tasks(model="runway:aleph@2.0") == []
        assert fake.task(task["taskUUID"])["status"] == "success"
        with pytest.raises(TaskNotFound):
            fake.task("00000000-0000-4000-8000-000000000000")


@pytest.mark.parametrize(
    ("match", "hit", "miss"),
    [
        ("[boat]", {"positivePrompt": "a [boat]"}, {"positivePrompt": "a kite"}),
        ({"model": "runway:aleph@2.0"}, {"model": "runway:aleph@2.0"}, {}),
        ({"positivePrompt": "boat"}, {"positivePrompt": "a boat"}, {"positivePrompt": "a kite"}),
    ],
)
def test_fail_next_matches(match: object, hit: dict, miss: dict) -> None:
    with mock() as fake:
        fake.fail_next("insufficientCredits", match=match)  # type: ignore[arg-type]
        assert send(fake, edit_task(**miss)).status_code == 200
        reply = send(fake, edit_task(**hit))
        assert (reply.status_code, reply.json()["errors"][0]["code"]) == (
            402,
            "insufficientCredits",
        )
        assert fake.scenarios() == []


def test_fail_next_refuses_unknown_match_keys() -> None:
    with mock() as fake, pytest.raises(ValueError, match=r"fail_next\(match=\.\.\.\) knows"):
        fake.fail_next("timeout", match={"prompt": "x"})


def test_fail_next_and_fail_refuse_unknown_error_codes() -> None:
    with mock(progression="polls:9") as fake:
        with pytest.raises(UnknownErrorCode, match=r"did you mean 'insufficientCredits'\?"):
            fake.fail_next("insufficentCredits")
        with pytest.raises(UnknownErrorCode, match="unknown Runware error code 'bogusCode'"):
            fake.fail_next("bogusCode", phase="processing")
        assert fake.scenarios() == []
        task = edit_task()
        send(fake, task)
        with pytest.raises(UnknownErrorCode, match=r"did you mean 'timeoutProvider'\?"):
            fake.fail(task["taskUUID"], "timeoutprovider")
        assert fake.task(task["taskUUID"])["status"] == "processing"
        fake.fail_next("teamBudgetExhausted", http_status=402)
        refused = send(fake, edit_task())
        assert refused.status_code == 402
        assert refused.json()["errors"][0]["code"] == "teamBudgetExhausted"


def test_fail_next_while_processing() -> None:
    with mock() as fake:
        fake.fail_next("timeoutProvider", phase="processing", message="too slow")
        task = edit_task()
        assert send(fake, task).status_code == 200
        item = poll(fake, task).json()["data"][0]
        assert item["error"] == {"code": "timeoutProvider", "message": "too slow"}


def test_scenarios_queue() -> None:
    with mock() as fake:
        added = fake.scenario(nsfw=True, times=None)
        assert fake.scenarios() == [added] == [Scenario(nsfw=True, times=None)]
        assert fake.clear_scenarios() == 1
        with pytest.raises(ValueError, match="unknown scenario key"):
            fake.scenario(nsfw_flag=True)


def test_complete_and_fail_by_hand() -> None:
    with mock(progression="polls:9") as fake:
        done, failed = edit_task(), edit_task()
        send(fake, done, failed)
        assert fake.complete(done["taskUUID"])["status"] == "success"
        failed_task = fake.fail(failed["taskUUID"], "insufficientCredits")
        assert failed_task["error"] == {
            "code": "insufficientCredits",
            "message": "Insufficient credits to run this task.",
        }
        with pytest.raises(TaskFinished):
            fake.complete(done["taskUUID"])


def test_advance_needs_the_manual_clock() -> None:
    with mock(progression="time:5") as fake:
        with pytest.raises(RuntimeError, match=r"mark the test with @pytest.mark.runware\(clock="):
            fake.advance(5)
        fake.reset(clock="manual")
        task = edit_task()
        send(fake, task)
        assert fake.advance(4.0)["finished"] == []
        assert fake.advance(1.0)["finished"] == [task["taskUUID"]]


def test_seed_repeats_ids() -> None:
    with mock(seed=11) as fake:
        task = edit_task()
        send(fake, task)
        first = poll(fake, task).json()["data"][0]["videoUUID"]
        fake.reset()
        send(fake, task)
        assert poll(fake, task).json()["data"][0]["videoUUID"] == first
        fake.seed(12)
        again = edit_task()
        send(fake, again)
        assert poll(fake, again).json()["data"][0]["videoUUID"] != first


def test_webhook_failures_and_journal() -> None:
    with mock() as fake:
        fake.fail_webhooks("hooks", times=1)
        task = edit_task(webhookURL=fake.webhook_url("hooks"))
        send(fake, task)
        poll(fake, task)
        attempts = fake.journal("webhook_attempt")
        assert [a["outcome"] for a in attempts] == ["retry", "delivered"]
        assert [a["retry_in"] for a in attempts] == [0.5, None]
        assert [w["status"] for w in fake.webhooks("hooks")] == [500, 200]
        assert fake.journal("scenario") == []
