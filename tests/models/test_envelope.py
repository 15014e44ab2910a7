"""Envelope, Acknowledgement and WebhookPayload."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from runware_testkit.models import Acknowledgement, Envelope, RunwareErrorModel, WebhookPayload

UUID4 = "aac49721-1964-481a-ae78-8a4e29b91402"


def test_envelope_with_data_errors_or_both():
    Envelope.model_validate({"data": [{"taskType": "ping", "pong": True}]})
    env = Envelope.model_validate(
        {
            "data": [],
            "errors": [{"code": "invalidApiKey", "message": "m", "taskType": "authentication"}],
        }
    )
    assert isinstance(env.errors[0], RunwareErrorModel)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"errors": []},
        {"data": [{}]},
        {"errors": [{"message": "m"}]},
        {"data": [{"taskType": 1}]},
    ],
)
def test_bad_envelopes(body):
    with pytest.raises(ValidationError):
        Envelope.model_validate(body)


def test_acknowledgement():
    ack = Acknowledgement.model_validate({"taskType": "videoInference", "taskUUID": UUID4})
    assert ack.to_wire() == {"taskType": "videoInference", "taskUUID": UUID4}


@pytest.mark.parametrize(
    "extra", [{"status": "success"}, {"webhookURL": "https://x"}, {"videoBase64Data": "AA"}]
)
def test_acknowledgement_must_not_look_like_a_result(extra):
    with pytest.raises(ValidationError):
        Acknowledgement.model_validate({"taskType": "videoInference", "taskUUID": UUID4, **extra})


def test_webhook_payload_holds_exactly_one_item():
    item = {"taskType": "videoInference", "taskUUID": UUID4, "videoUUID": UUID4}
    assert WebhookPayload.model_validate({"data": [item]}).data[0].model_extra == {
        "videoUUID": UUID4
    }
    for data in ([], [item, item]):
        with pytest.raises(ValidationError):
            WebhookPayload.model_validate({"data": data})
