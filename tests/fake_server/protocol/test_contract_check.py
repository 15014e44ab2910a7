"""The server's door to the validator: a task the kit has no contract for gets one clear
error; a task naming an earlier task's UUID claims nothing; in-process and live."""

from __future__ import annotations

import pytest

from runware_testkit.cli import main
from runware_testkit.contract import load_contract
from runware_testkit.fake_server.protocol.contract_check import (
    ADD_CONTRACT_HINT,
    no_contract_error,
    validate_task,
)
from runware_testkit.resources import contract_dir

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
    assert validate_task(details, seen_task_uuids=seen) == []
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


async def test_following_the_hint_makes_the_model_run(
    make_server, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = contract_dir() / "schemas" / "meta-muse-image.schema.json"
    document = tmp_path / "acme-muse-test.schema.json"
    text = shipped.read_text(encoding="utf-8")
    document.write_text(
        text.replace("meta:muse@image", "acme:muse@test").replace("meta-muse-image", "acme-muse"),
        encoding="utf-8",
    )
    task = image_task("acme:muse@test")
    assert validate_task(task)[0]["code"] == "unknownModel"
    out = tmp_path / "contract"
    assert main(["generate", str(document), "--out", str(out)]) == 0
    monkeypatch.setenv("RUNWARE_TESTKIT_CONTRACTS", str(out))
    server = make_server(contract=load_contract())
    body = await server.run_to_end(task)
    assert body["data"][0]["status"] == "success"
    assert body["data"][0]["imageURL"].endswith(".jpg")


@pytest.mark.parametrize("task_type", [["videoInference"], {"videoInference": True}, 5, None])
def test_a_task_type_of_another_json_type_is_one_unsupported_task_type_error(
    task_type: object,
) -> None:
    task = {"taskType": task_type, "taskUUID": new_uuid(), "model": "runway:2@1"}
    (error,) = validate_task(task)
    assert (error["code"], error["parameter"]) == ("unsupportedTaskType", "taskType")
    assert "videoInference" in error["allowedValues"]
