"""getResponse request and the poll items, discriminated by status."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from runware_testkit.models import (
    GetResponseRequest,
    PollError,
    PollItem,
    PollProcessing,
    PollSuccess,
)

UUID4 = "aac49721-1964-481a-ae78-8a4e29b91402"
BASE = {"taskType": "videoInference", "taskUUID": UUID4}


@pytest.mark.parametrize(
    ("item", "variant"),
    [
        ({**BASE, "status": "processing", "progress": 40}, PollProcessing),
        (
            {**BASE, "status": "success", "videoUUID": UUID4, "videoURL": "https://x/y.mp4"},
            PollSuccess,
        ),
        ({**BASE, "status": "error", "error": {"code": "timeout", "message": "m"}}, PollError),
    ],
)
def test_variant_by_status(item, variant):
    parsed = PollItem.model_validate(item).root
    assert type(parsed) is variant
    assert parsed.to_wire() == item


@pytest.mark.parametrize(
    "item",
    [
        {**BASE, "status": "queued"},
        {**BASE, "status": "processing", "videoURL": "https://x/y.mp4"},
        {**BASE, "status": "processing", "progress": 101},
        {**BASE, "status": "success", "progress": 100},
        {**BASE, "status": "error"},
        {"taskType": "videoInference", "status": "processing"},
    ],
)
def test_bad_items(item):
    with pytest.raises(ValidationError):
        PollItem.model_validate(item)


def test_get_response_request():
    assert GetResponseRequest.model_validate({"taskType": "getResponse", "taskUUID": UUID4})
    with pytest.raises(ValidationError):
        GetResponseRequest.model_validate({"taskType": "getResponse", "taskUUID": UUID4, "x": 1})
