"""RunwareErrorModel accepts what the validator produces."""

from __future__ import annotations

from runware_testkit.models import RunwareErrorModel
from runware_testkit.validation import validate_request


def test_validator_errors_parse():
    errors = validate_request({"taskType": "videoInference", "model": "runway:2@1", "width": 5})
    assert errors
    for error in errors:
        parsed = RunwareErrorModel.model_validate(error.to_dict())
        assert parsed.to_wire() == error.to_dict()


def test_allowed_values_as_object():
    parsed = RunwareErrorModel.model_validate(
        {"code": "invalidX", "message": "m", "allowedValues": {"0": "a", "1": "b"}}
    )
    assert parsed.allowedValues == {"0": "a", "1": "b"}
