"""Schema checks for the strategy tests: plain jsonschema with the kit's format checker."""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from runware_testkit.contract import load_contract
from runware_testkit.validation.formats import format_checker

ALEPH = "runway:2@1"
ALEPH2 = "runway:aleph@2.0"
MODELS = (ALEPH, ALEPH2)


@cache
def _registry() -> Registry:
    contract = load_contract()
    return Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in contract.schemas() if "$id" in s
    )


@cache
def _validator(schema_id: str) -> Draft202012Validator:
    schema = _registry().contents(schema_id)
    return Draft202012Validator(schema, registry=_registry(), format_checker=format_checker())


def schema_errors(schema: dict[str, Any], instance: Any) -> list[str]:
    """Messages of every jsonschema error of ``instance`` against ``schema`` (by ``$id``)."""
    validator = _validator(schema["$id"])
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(instance)
    ]


def platform(name: str) -> dict[str, Any]:
    """A platform schema of the contract."""
    return load_contract().platform[name]


def request_schema(air: str) -> dict[str, Any]:
    """The request schema of model ``air``."""
    model = load_contract().model(air)
    assert model is not None
    return model.request


def result_schema(air: str) -> dict[str, Any]:
    """The result schema of model ``air``."""
    model = load_contract().model(air)
    assert model is not None
    return model.result
