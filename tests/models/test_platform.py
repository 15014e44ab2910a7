"""Authentication, ping and mediaStorage models."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from runware_testkit.models import (
    AuthenticationRequest,
    AuthenticationResponse,
    MediaStorageRequest,
    MediaStorageResponse,
    Ping,
    Pong,
)

UUID4 = "aac49721-1964-481a-ae78-8a4e29b91402"


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (AuthenticationRequest, {"taskType": "authentication", "apiKey": "k"}),
        (AuthenticationResponse, {"taskType": "authentication", "connectionSessionUUID": UUID4}),
        (Ping, {"taskType": "ping", "ping": True}),
        (Pong, {"taskType": "ping", "pong": True}),
        (
            MediaStorageRequest,
            {"taskType": "mediaStorage", "taskUUID": UUID4, "operation": "delete", "media": UUID4},
        ),
        (
            MediaStorageResponse,
            {
                "taskType": "mediaStorage",
                "taskUUID": UUID4,
                "operation": "upload",
                "mediaUUID": UUID4,
                "mediaURL": "https://x/y.png",
            },
        ),
    ],
)
def test_round_trip(model, data):
    assert model.model_validate(data).to_wire() == data


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (AuthenticationRequest, {"taskType": "authentication", "apiKey": ""}),
        (AuthenticationRequest, {"taskType": "authentication", "apiKey": "k", "x": 1}),
        (Ping, {"taskType": "ping", "ping": False}),
        (Pong, {"taskType": "ping", "pong": 1}),
        (
            MediaStorageRequest,
            {"taskType": "mediaStorage", "taskUUID": UUID4, "operation": "copy", "media": "m"},
        ),
    ],
)
def test_refused(model, data):
    with pytest.raises(ValidationError):
        model.model_validate(data)
