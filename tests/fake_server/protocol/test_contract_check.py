"""The server's door to the validator: a task the kit has no contract for gets one clear
error; a task naming an earlier task's UUID claims nothing; in-process and live."""

from __future__ import annotations

import pytest

from runware_testkit.contract import load_contract
from runware_testkit.fake_server.protocol.contract_check import (
    ADD_CONTRACT_HINT,
    no_contract_error,
    validate_task,
)

from ..harness import Harness, image_task, new_uuid, video_task


def test_an_unknown_model_is_one_error_naming_the_way_to_add_it() -> None:
    task = video_task("acme:video@9", outputQuality=5)
    (error,) = validate_task(task)
    assert error["code"] == "unknownModel"
    assert (error["parameter"], error["taskType"], error["taskUUID"]) == (
        "model",
        "videoInference",
        task["taskUUID"],
    )
    assert "no contract for model 'acme:video@9'" in error["message"]
    assert "runware-testkit generate PAGE_OR_SCHEMA --out DIR" in error["message"]
    assert "--contract DIR" in error["message"]
    assert "RUNWARE_TESTKIT_CONTRACTS=DIR" in error["message"]
    assert set(error["allowedValues"]) >= {"runway:2@1", "runway:aleph@2.0"}


def test_an_inference_task_type_without_any_model_is_the_same_error() -> None:
    contract = load_contract()
    if any(m.task_type == "audioInference" for m in contract.models.values()):
        pytest.skip("the shipped contract has an audioInference model")
    task = {"taskType": "audioInference", "taskUUID": new_uuid(), "model": "acme:sound@1"}
    (error,) = validate_task(task)
    assert error == no_contract_error(task, contract)
    assert error["code"] == "unknownModel" and "allowedValues" not in error
    assert error["message"].endswith(ADD_CONTRACT_HINT)
    nameless = {"taskType": "audioInference", "taskUUID": new_uuid()}
    (error,) = validate_task(nameless)
    assert "names no model" in error["message"]


def test_an_unknown_non_inference_task_type_stays_unsupported() -> None:
    (error,) = validate_task({"taskType": "makeCoffee", "taskUUID": new_uuid()})
    assert error["code"] == "unsupportedTaskType"


def test_a_task_naming_an_earlier_task_claims_no_uuid() -> None:
    seen: set[str] = set()
    task = video_task()
    assert validate_task(task, seen_task_uuids=seen) == []
    details = {"taskType": "getTaskDetails", "taskUUID": task["taskUUID"]}
    assert validate_task(details, seen_task_uuids=None) == []
    assert seen == {task["taskUUID"]}


@pytest.mark.parametrize("transport", ["rest", "websocket"])
async def test_the_server_answers_a_model_without_contract_with_one_error(
    server: Harness, transport: str
) -> None:
    task = image_task("acme:image@2", width=3)
    if transport == "rest":
        status, body = await server.call(task)
        assert status == 400
    else:
        with server.ws() as ws:
            ws.auth()
            ws.send([task])
            body = ws.recv()
    (error,) = body["errors"]
    assert error["code"] == "unknownModel" and error["taskUUID"] == task["taskUUID"]
    assert "no contract for model 'acme:image@2'" in error["message"]
    assert "data" not in body
