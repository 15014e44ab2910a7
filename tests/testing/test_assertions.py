"""The assertions: what they accept, and what their failure messages say."""

from __future__ import annotations

from collections.abc import Iterator
from unittest.mock import ANY

import httpx
import pytest

from runware_testkit.testing import mock
from runware_testkit.testing.mock_fixture import RunwareMock

from .helpers import SOURCE, edit_task, poll, send


@pytest.fixture(scope="module")
def fake() -> Iterator[RunwareMock]:
    with mock() as shared:
        yield shared


@pytest.fixture(autouse=True)
def fresh(fake: RunwareMock) -> None:
    fake.reset()


def message(call, *args, **kwargs) -> str:
    with pytest.raises(AssertionError) as caught:
        call(*args, **kwargs)
    return str(caught.value)


# -- assert_task_submitted --------------------------------------------------------------------


def test_task_submitted_matches_subsets_paths_predicates(fake: RunwareMock) -> None:
    task = edit_task(numberResults=2, seed=5)
    send(fake, task)
    assert fake.assert_task_submitted(model="runway:2@1") == task
    fake.assert_task_submitted(inputs={"video": SOURCE}, numberResults=2)
    fake.assert_task_submitted(**{"inputs.video": SOURCE})
    fake.assert_task_submitted(seed=lambda s: s > 1, taskUUID=ANY)
    fake.assert_task_submitted(taskType="videoInference", count=1)
    assert fake.assert_task_submitted(model="runway:aleph@2.0", count=0) is None


def test_task_submitted_skips_protocol_tasks_unless_asked(fake: RunwareMock) -> None:
    task = edit_task()
    send(fake, task)
    poll(fake, task)
    fake.assert_task_submitted(taskType="getResponse", taskUUID=task["taskUUID"])
    text = message(fake.assert_task_submitted, model="runway:2@1", count=2)
    assert text.startswith("expected 2 task(s) matching model='runway:2@1', the fake received 1: ")


def test_task_submitted_shows_the_closest_task_and_its_contract_errors(fake: RunwareMock) -> None:
    send(fake, edit_task(positivePrompt="a kite"))
    send(fake, edit_task(positivePrompt="a boat", numberResults=9))
    text = message(
        fake.assert_task_submitted,
        positivePrompt="a boat",
        numberResults=1,
        inputs={"video": SOURCE, "referenceImages": ["x"]},
    )
    lines = text.splitlines()
    assert lines[0] == (
        "no task sent to the fake matches positivePrompt='a boat', numberResults=1, "
        f"inputs.video={SOURCE!r}, inputs.referenceImages=['x']"
    )
    assert lines[1].startswith(
        "The fake received 2 task(s) (videoInference runway:2@1 x2); the closest is #2, "
    )
    assert lines[1].endswith("where 2 of 4 expected field(s) differ:")
    assert lines[2:8] == [
        "  numberResults",
        "    expected: 1",
        "    sent:     9",
        "  inputs.referenceImages",
        "    expected: ['x']",
        "    sent:     (missing)",
    ]
    assert "The contract rejects that task:" in lines
    assert any(line.startswith("  invalidNumberResults (numberResults): ") for line in lines)
    assert '    "numberResults": 9' in lines


def test_task_submitted_with_nothing_sent(fake: RunwareMock) -> None:
    text = message(fake.assert_task_submitted, model="runway:2@1")
    assert "The fake received no tasks at all (is the client pointed at " in text
    assert fake.base_url in text


def test_task_submitted_with_only_protocol_tasks(fake: RunwareMock) -> None:
    send(fake, {"taskType": "ping", "ping": True})
    text = message(fake.assert_task_submitted, model="runway:2@1")
    assert "only protocol tasks (ping x1), no work task" in text


def test_long_values_are_clipped(fake: RunwareMock) -> None:
    send(fake, edit_task(positivePrompt="x" * 400))
    text = message(fake.assert_task_submitted, positivePrompt="y")
    assert "... (402 chars)" in text
    assert "x" * 300 not in text


# -- assert_webhook_delivered -----------------------------------------------------------------


def test_webhook_delivered_by_name_or_url(fake: RunwareMock) -> None:
    hook = fake.webhook_url("hooks") + "?token=t"
    task = edit_task(webhookURL=hook, numberResults=2)
    send(fake, task)
    poll(fake, task)
    delivered = fake.assert_webhook_delivered("hooks", count=2, status=200)
    assert {d["body"]["data"][0]["taskUUID"] for d in delivered} == {task["taskUUID"]}
    fake.assert_webhook_delivered(fake.webhook_url("hooks"), count=2)
    fake.assert_webhook_delivered(hook, count=2, status="success")
    text = message(fake.assert_webhook_delivered, fake.webhook_url("hooks") + "?token=u")
    assert "found 0" in text


def test_webhook_reports_error_payloads(fake: RunwareMock) -> None:
    fake.fail_next("timeoutProvider", phase="processing")
    task = edit_task(webhookURL=fake.webhook_url())
    send(fake, task)
    poll(fake, task)
    fake.assert_webhook_delivered(status="error", count=1)
    text = message(fake.assert_webhook_delivered, status="success")
    assert "reporting task status 'success', found 0." in text


def test_webhook_message_lists_attempts_and_other_targets(fake: RunwareMock, respx_mock) -> None:
    respx_mock.post("https://app.example/hook").respond(500)
    task = edit_task(webhookURL="https://app.example/hook")
    send(fake, task)
    poll(fake, task)
    text = message(fake.assert_webhook_delivered, "edits", count=1)
    lines = text.splitlines()
    assert lines[0].startswith("expected 1 webhook(s) delivered to sink 'edits' (")
    assert "The fake made no attempt to reach sink 'edits'" in lines[1]
    assert lines[2:4] == [
        "Other webhook targets the fake tried:",
        "  https://app.example/hook (5 attempt(s); last: failed: HTTP 500)",
    ]
    assert lines[4] == "Accepted tasks with a webhookURL: 1 (1 success)."


def test_webhook_message_when_the_task_still_runs(fake: RunwareMock) -> None:
    fake.reset(progression="polls:3")
    send(fake, edit_task(webhookURL=fake.webhook_url()))
    text = message(fake.assert_webhook_delivered)
    assert "Accepted tasks with a webhookURL: 1 (1 processing)." in text
    assert "Webhooks go out when a task finishes" in text


def test_webhook_message_without_any_webhook_task(fake: RunwareMock) -> None:
    send(fake, edit_task())
    assert "No accepted task has a webhookURL." in message(fake.assert_webhook_delivered)


# -- assert_all_tasks_valid -------------------------------------------------------------------


def test_all_tasks_valid_passes_and_fails(fake: RunwareMock) -> None:
    send(fake, {"taskType": "authentication", "apiKey": fake.api_key}, edit_task())
    fake.assert_all_tasks_valid()
    bad = edit_task(outputFormat="AVI", seed=-1)
    send(fake, bad)
    text = message(fake.assert_all_tasks_valid)
    lines = text.splitlines()
    assert lines[0] == "1 of 2 task(s) the fake received break the contract:"
    assert lines[1] == f"  request #2, task videoInference runway:2@1 taskUUID {bad['taskUUID']}:"
    assert any(line.startswith("      invalidOutputFormat (outputFormat): ") for line in lines)
    assert any(line.startswith("      invalidSeed (seed): ") for line in lines)


def test_all_tasks_valid_flags_a_body_that_is_not_an_array(fake: RunwareMock) -> None:
    headers = {"Authorization": f"Bearer {fake.api_key}"}
    httpx.post(fake.base_url, json={"taskType": "ping"}, headers=headers)
    text = message(fake.assert_all_tasks_valid)
    assert "request #1: the body is not a JSON array of tasks" in text


# -- assert_no_unfinished_tasks ---------------------------------------------------------------


def test_no_unfinished_tasks(fake: RunwareMock) -> None:
    fake.reset(progression="polls:2", clock="manual")
    task = edit_task()
    send(fake, task)
    poll(fake, task)
    text = message(fake.assert_no_unfinished_tasks)
    assert text.splitlines()[:2] == [
        "1 task(s) still processing:",
        f"  {task['taskUUID']} (runway:2@1): progression polls:2, polled 1 time(s), submitted "
        "0.0 s ago (fake clock)",
    ]
    poll(fake, task)
    poll(fake, task)
    fake.assert_no_unfinished_tasks()
