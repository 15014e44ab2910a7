"""The shipped models imported from Runware's published documents, checked like the fixtures.

Models whose contract was read from an OpenAPI document (``source_format == "openapi"``) get
the same checks as the contract built directly from the pinned documents (see `official`):
a model built both ways gives the same errors through both contracts, and every imported model
answers unknown keys, broken width/height pairs, unsupported sizes and lower-case enums the way
Runware does.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from runware_testkit.contract import ModelContract, load_contract
from runware_testkit.validation import Validator, default_validator
from runware_testkit.validation.translate import allowed_parameters

from .official import DOCUMENTS, IMAGE, VIDEO, task

IMPORTED = [m for m in load_contract().models.values() if m.source_format == "openapi"]
FIXTURE_AIRS = {
    json.loads(path.read_text(encoding="utf-8"))["info"]["x-air-id"]
    for path in DOCUMENTS.glob("*.schema.json")
}
FIXTURED = [m for m in IMPORTED if m.air in FIXTURE_AIRS]

pytestmark = pytest.mark.skipif(not IMPORTED, reason="no model imported from a document yet")


@pytest.fixture
def validator() -> Validator:
    """The shared validator of the whole registry (every shipped model)."""
    return default_validator()


def base(model: ModelContract) -> dict[str, Any]:
    return {
        "taskType": model.task_type,
        "taskUUID": "3ad204c3-a9de-4963-8a1a-c3911e3afafe",
        "model": model.air,
    }


def ids(models: list[ModelContract]) -> list[str]:
    return [m.air for m in models]


@pytest.mark.parametrize("model", IMPORTED, ids=ids(IMPORTED))
def test_unknown_key_lists_the_documented_parameters(
    validator: Validator, model: ModelContract
) -> None:
    (error,) = validator.check_task({**base(model), "vjhProbe": 1}).errors
    assert (error.code, error.parameter) == ("unsupportedParameter", "vjhProbe")
    known = list(model.request["properties"])
    assert error.allowedValues == allowed_parameters(model.request, [], known)
    assert error.message.startswith(
        "Unsupported use of 'vjhProbe' parameter. This parameter is not supported for the "
        "selected model. Allowed values are: "
    )


@pytest.mark.parametrize("model", IMPORTED, ids=ids(IMPORTED))
def test_pairs_presets_and_enum_case(validator: Validator, model: ModelContract) -> None:
    props = model.request["properties"]
    task_ = base(model)
    codes = {e.code for e in validator.validate_request({**task_, "width": 1})}
    if {"width", "height"} <= set(props):
        assert "missingHeight" in codes
        sized = validator.validate_request({**task_, "width": 1, "height": 1})
        assert "unsupportedDimensions" in {e.code for e in sized} or any(
            e.parameter in ("width", "height") for e in sized
        )
    enum = props.get("outputFormat", {}).get("enum")
    if enum:
        check = validator.check_task({**task_, "outputFormat": enum[0].lower()}, mode="all")
        assert [w.canonical for w in check.warnings] == [enum[0]]


@pytest.mark.parametrize("model", FIXTURED, ids=ids(FIXTURED))
def test_same_errors_as_the_fixture_contract(
    validator: Validator, official: Validator, model: ModelContract
) -> None:
    cases = [
        task(model.air),
        task(model.air, width=1000, height=1000),
        task(model.air, width=1000),
        task(model.air, inputs={"frameImages": [IMAGE], "video": VIDEO}),
        task(model.air, positivePrompt=None, inputs=None),
        task(model.air, outputFormat="x", vjhProbe=1),
    ]
    for case in cases:
        shipped = [(e.code, e.parameter) for e in validator.validate_request(case)]
        fixture = [(e.code, e.parameter) for e in official.validate_request(case)]
        assert shipped == fixture, case
