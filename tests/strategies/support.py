"""Schema checks for the strategy tests: plain jsonschema with the kit's format checker."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import pytest
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from runware_testkit import contract as contract_module
from runware_testkit.contract import Contract, load_contract
from runware_testkit.validation import Validator
from runware_testkit.validation.formats import format_checker

ALEPH = "runway:2@1"
ALEPH2 = "runway:aleph@2.0"
MODELS = (ALEPH, ALEPH2)


_SHIPPED = contract_module._load_shipped


@cache
def _aleph_contract() -> Contract:
    full = _SHIPPED()
    return dataclasses.replace(full, models={air: full.models[air] for air in MODELS})


@cache
def _aleph_validator() -> Validator:
    return Validator(_aleph_contract())


@contextlib.contextmanager
def aleph_only() -> Iterator[None]:
    """Within the block, the shipped contract (and so every strategy and ``validate_request``)
    holds only the two Aleph models these tests are written for; the contract also holds models
    imported from Runware's OpenAPI documents, which the strategies do not draw yet."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("runware_testkit.contract._load_shipped", _aleph_contract)
        patch.setattr("runware_testkit.validation.default_validator", _aleph_validator)
        yield


def on_aleph(factory: Callable[..., st.SearchStrategy[Any]], *args: Any, **kwargs: Any) -> Any:
    """``factory(*args, **kwargs)`` built at first draw, inside a test, where the autouse fixture
    of this package limits the contract to the Aleph models (for strategies that otherwise
    draw from every model of the shipped contract)."""
    return st.deferred(lambda: factory(*args, **kwargs))


@cache
def _registry() -> Registry:
    contract = _SHIPPED()
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
