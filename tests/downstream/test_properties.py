"""Property tests: any contract-valid edit round-trips through the app's client, and any
labelled invalid one comes back as the Runware error the contract predicts.

Each example gets its own in-process fake from ``runware_testkit.testing.mock()``: a
function-scoped fixture would be shared by every example of one test (Hypothesis warns about
exactly that), while the context manager is cheap enough to build per example.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from functools import cache

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from runware_testkit import contract
from runware_testkit.strategies import ABSENT, InvalidExample, invalid_requests, requests
from runware_testkit.testing import mock
from runware_testkit.validation import Validator

from .conftest import SOURCE
from .videoedit import VideoEditClient
from .videoedit.client import ALEPH, RunwareAPIError

PINNED = {"inputs.video": SOURCE, "webhookURL": ABSENT, "uploadEndpoint": ABSENT}
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(task=requests(model=ALEPH, pinned=PINNED))
def test_any_valid_edit_round_trips(task: dict) -> None:
    with mock(seed=0) as fake:
        client = VideoEditClient(fake.api_key, base_url=fake.base_url, sleep=lambda _: None)
        results = client.wait(client.submit(task))

        assert len(results) == task.get("numberResults", 1)
        assert len({r.video_uuid for r in results}) == len(results)
        fake.assert_task_submitted(model=ALEPH, taskUUID=task["taskUUID"])
        fake.assert_all_tasks_valid()


@cache
def _aleph_validator() -> Validator:
    full = contract.load_contract()
    aleph = {air: full.models[air] for air in ("runway:2@1", "runway:aleph@2.0")}
    return Validator(dataclasses.replace(full, models=aleph))


@pytest.fixture
def aleph_models_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The shipped contract also holds models imported from Runware's OpenAPI documents, whose
    parameters invalid_requests cannot draw yet (as another model's parameter): this example
    project uses the two Aleph models only."""
    validator = _aleph_validator()
    monkeypatch.setattr(contract, "_load_shipped", lambda: validator.contract)
    monkeypatch.setattr("runware_testkit.validation.default_validator", lambda: validator)
    yield


@SETTINGS
@given(example=st.deferred(lambda: invalid_requests(model=ALEPH)))
@pytest.mark.usefixtures("aleph_models_only")
def test_invalid_edit_is_refused_with_the_predicted_code(example: InvalidExample) -> None:
    task = example.task
    assume(isinstance(task.get("taskUUID"), str) and not example.seen_task_uuids)
    with mock() as fake:
        client = VideoEditClient(fake.api_key, base_url=fake.base_url, sleep=lambda _: None)
        try:
            client.submit(task)
        except RunwareAPIError as exc:
            assert exc.code in {code for code, _ in example.expected()}
        else:
            raise AssertionError(f"the fake accepted an invalid task: {example.violations}")
