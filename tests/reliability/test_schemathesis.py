"""Schemathesis against the exported OpenAPI documents of both models, in-process (ASGI) and
live (uvicorn on 127.0.0.1), with schema-valid and schema-violating requests: no 5xx, every
answer conforms to the documented statuses, content types and response schemas, every 4xx is a
Runware error object, invalid tasks are never accepted and valid ones always are (unless a fact
the document cannot know refuses them; see `schemathesis_support`).

The default run is derandomized and small; ``--soak`` runs the same checks on many more
examples.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from runware_testkit.fake_server.config import DEV_API_KEY

from .schemathesis_support import (
    FUZZ_CONFIG,
    MODES,
    SLUGS,
    Target,
    acceptance_check,
    document_path,
    item_validator,
    open_target,
    runware_error_body,
)

EXAMPLES = 20
AUTH_EXAMPLES = 10
SOAK_EXAMPLES = 400
AIRS = {"runway-aleph": "runway:2@1", "runway-aleph-2-0": "runway:aleph@2.0"}


@pytest.fixture(scope="module", params=[(m, s) for m in MODES for s in SLUGS], ids="-".join)
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    """A fake server with the fuzzing configuration and the schemas it serves."""
    mode, slug = request.param
    with open_target(mode, slug) as opened:
        yield opened


def checks_for(target: Target, tally: Counter[str], *, acceptance: bool = True) -> list[Any]:
    """Schemathesis's response checks plus ours, for one target; `acceptance` adds the check
    that judges, from the body alone, which tasks had to be accepted."""
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
        runware_error_body,
    ]
    if acceptance:
        document = json.loads(document_path(target.slug).read_text())
        checks.append(acceptance_check(target, item_validator(document), tally))
    return checks


def fuzz(target: Target, mode: GenerationMode, examples: int, *, auth: bool = False) -> Counter:
    """Run `examples` derandomized cases of `mode` against `target` (credentials generated
    too when `auth`); what the acceptance check saw."""
    schema = target.auth_schema if auth else target.schema
    operation = schema["/v1"]["POST"]
    tally: Counter[str] = Counter()
    checks = checks_for(target, tally)

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        target.reset()
        response = target.send(case)
        case.validate_response(response, checks=checks)
        tally[case.meta.generation.mode.value] += 1

    run()
    assert set(tally) & {"positive", "negative"} == {mode.value}
    kind = "credentials" if auth else "bodies"
    print(f"schemathesis {target.mode}/{target.slug} {kind} {mode.value}: {dict(tally)}")
    return tally


@pytest.mark.parametrize("mode", list(GenerationMode), ids=str)
def test_fuzz_bodies(target: Target, mode: GenerationMode) -> None:
    """Bodies of each generation mode, sent with the dev key, pass every check; the run
    really exercised acceptance (positive) or refusal of invalid tasks (negative)."""
    tally = fuzz(target, mode, EXAMPLES)
    if mode is GenerationMode.POSITIVE:
        assert tally["accepted"] > 0, tally
    else:
        assert tally["invalid"] > 0 and tally["accepted"] == 0, tally


def test_fuzz_credentials(target: Target) -> None:
    """Negative cases that break the ``Authorization`` header too: every one refused with a
    Runware error, no task accepted."""
    tally = fuzz(target, GenerationMode.NEGATIVE, AUTH_EXAMPLES, auth=True)
    assert tally["unusable"] > 0 and tally["accepted"] == 0, tally


@pytest.mark.soak
@pytest.mark.parametrize("mode", list(GenerationMode), ids=str)
def test_fuzz_bodies_soak(target: Target, mode: GenerationMode) -> None:
    """The body fuzzing on many more examples."""
    fuzz(target, mode, SOAK_EXAMPLES)


@pytest.mark.soak
def test_fuzz_credentials_soak(target: Target) -> None:
    """The credential fuzzing on many more examples."""
    fuzz(target, GenerationMode.NEGATIVE, SOAK_EXAMPLES, auth=True)


# -- directed cases through the same checks -------------------------------------------------


def send(target: Target, body: list[Any]) -> Any:
    """POST `body` with the dev key as a Schemathesis case; the validated response."""
    case = target.schema["/v1"]["POST"].Case(
        body=body, headers={"Authorization": f"Bearer {DEV_API_KEY}"}
    )
    response = target.send(case)
    case.validate_response(response, checks=checks_for(target, Counter()))
    return response


def video_task(target: Target, **fields: Any) -> dict[str, Any]:
    """A schema-valid videoInference task for the target's model."""
    return {
        "taskType": "videoInference",
        "taskUUID": str(uuid.uuid4()),
        "model": AIRS[target.slug],
        "positivePrompt": "a paper boat on a rainy street",
        "inputs": {"video": "https://example.com/source.mp4"},
        **fields,
    }


def test_served_document_is_the_exported_one(target: Target) -> None:
    """The fuzzed schema is the exported file, byte for byte as JSON."""
    served = target.control.get(f"{target.base_url}/docs/models/{target.slug}/schema.json")
    assert served.status_code == 200
    assert served.json() == json.loads(document_path(target.slug).read_text())
    assert target.schema.raw_schema == served.json()


def test_unknown_poll_is_a_documented_404(target: Target) -> None:
    """Polling a taskUUID the server never saw: 404 ``taskNotFound``, a status the document
    lists, with a conforming error body."""
    target.reset()
    unknown = str(uuid.uuid4())
    response = send(target, [{"taskType": "getResponse", "taskUUID": unknown}])
    assert response.status_code == 404
    (error,) = response.json()["errors"]
    assert (error["code"], error["taskUUID"]) == ("taskNotFound", unknown)


def test_integral_numbers_count_as_integers(target: Target) -> None:
    """``numberResults: 2.0`` is the integer 2 (JSON does not tell them apart): the task is
    accepted and yields two results; on Aleph, ``seed: 7.0`` seeds them 7 and 8."""
    target.reset()
    seeded = (
        "seed"
        in json.loads(document_path(target.slug).read_text())["components"]["schemas"]["Task"][
            "properties"
        ]
    )
    task = video_task(target, numberResults=2.0, **({"seed": 7.0} if seeded else {}))
    assert b'"numberResults": 2.0' in send_raw(target, task)
    poll = send(target, [{"taskType": "getResponse", "taskUUID": task["taskUUID"]}])
    items = poll.json()["data"]
    assert [i["status"] for i in items] == ["success", "success"]
    if seeded:
        assert [i["seed"] for i in items] == [7, 8]


def send_raw(target: Target, task: dict[str, Any]) -> bytes:
    """Submit one task; the request body as sent (after checking it was acknowledged)."""
    response = send(target, [task])
    assert response.status_code == 200, response.text
    assert response.json()["data"] == [{"taskType": "videoInference", "taskUUID": task["taskUUID"]}]
    return response.request.body


def test_document_and_server_agree_on_uuid_v4(target: Target) -> None:
    """A version-1 taskUUID is outside the document (its ``pattern``) and the server refuses
    it as ``invalidTaskUUID``; the version-4 twin is valid and accepted."""
    target.reset()
    document = json.loads(document_path(target.slug).read_text())
    is_valid = item_validator(document)
    v1 = video_task(target, taskUUID=str(uuid.uuid1()))
    assert not is_valid(v1)
    response = send(target, [v1])
    assert response.status_code == 400
    assert [e["code"] for e in response.json()["errors"]] == ["invalidTaskUUID"]
    v4 = video_task(target)
    assert is_valid(v4)
    send_raw(target, v4)


def test_oversized_and_non_json_bodies_get_documented_statuses(target: Target) -> None:
    """A body over the size limit is a documented 413 and a body sent as text/plain a
    documented 415, each with a conforming Runware error body, and neither stores a task."""
    target.reset()
    padding = "x" * (FUZZ_CONFIG.limits.max_body_bytes + 1)
    oversized = send(target, [video_task(target, positivePrompt=padding)])
    assert oversized.status_code == 413
    assert oversized.json()["errors"][0]["code"] == "maxPayloadSizeExceeded"
    case = target.schema["/v1"]["POST"].Case(
        body=[video_task(target)],
        headers={"Authorization": f"Bearer {DEV_API_KEY}", "Content-Type": "text/plain"},
    )
    response = target.send(case)
    assert response.status_code == 415, response.text
    assert response.request.headers["Content-Type"] == "text/plain"
    assert response.json()["errors"][0]["code"] == "unsupportedContentType"
    # The acceptance check judges bodies alone, so it would call this valid body wrongly
    # refused: the refusal is the header's doing. Every other check applies.
    case.validate_response(response, checks=checks_for(target, Counter(), acceptance=False))
    assert target.accepted() == []


@pytest.mark.parametrize(
    "task_type", [["videoInference"], {"videoInference": True}], ids=["array", "object"]
)
def test_task_type_of_another_json_type_is_refused_with_a_4xx(
    target: Target, task_type: Any
) -> None:
    """A taskType that is not a string is a Runware 4xx error, not a server error."""
    target.reset()
    case = target.schema["/v1"]["POST"].Case(
        body=[{"taskType": task_type, "taskUUID": str(uuid.uuid4())}],
        headers={"Authorization": f"Bearer {DEV_API_KEY}"},
    )
    response = target.send(case)
    assert 400 <= response.status_code < 500, response.text
    case.validate_response(response, checks=checks_for(target, Counter()))
    assert target.accepted() == []
