"""The task-type registry and the dispatcher routing through it."""

from __future__ import annotations

from runware_testkit.fake_server.handlers.registry import HANDLERS, result_builders

from ..harness import Harness, new_uuid


def test_every_task_type_a_runware_client_sends_has_a_handler() -> None:
    assert set(HANDLERS) == {
        "ping",
        "getResponse",
        "getTaskDetails",
        "mediaStorage",
        "imageUpload",
        "videoInference",
        "imageInference",
        "upscale",
    }
    assert all(name == h.task_type for name, h in HANDLERS.items())
    assert set(result_builders()) == {"videoInference", "imageInference", "upscale"}


async def test_a_type_the_contract_knows_without_a_handler_is_unsupported(
    server: Harness, monkeypatch
) -> None:
    monkeypatch.delitem(HANDLERS, "ping")
    status, body = await server.call({"taskType": "ping", "ping": True})
    assert status == 400
    (error,) = body["errors"]
    assert (error["code"], error["parameter"]) == ("unsupportedTaskType", "taskType")
    assert "does not run ping tasks" in error["message"]


async def test_authentication_after_the_first_task_is_out_of_order(server: Harness) -> None:
    status, body = await server.call(
        {"taskType": "ping", "ping": True},
        {"taskType": "authentication", "apiKey": "x", "taskUUID": new_uuid()},
    )
    assert status == 200
    assert body["errors"][0]["code"] == "invalidTaskOrder"
