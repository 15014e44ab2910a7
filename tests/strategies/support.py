"""Schema checks for the strategy tests: plain jsonschema with the kit's format checker; the
contract cut down to the two Aleph models; Runware's published per-model documents
(contract/schemas/) as an oracle for the models imported from them."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import pytest
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from runware_testkit import contract as contract_module
from runware_testkit.contract import Contract, load_contract
from runware_testkit.resources import contract_dir
from runware_testkit.validation import Validator
from runware_testkit.validation.formats import format_checker

ALEPH = "runway:2@1"
ALEPH2 = "runway:aleph@2.0"
MODELS = (ALEPH, ALEPH2)
#: AIR of each model imported from Runware's published documents, by its model id (the
#: document's file name in contract/schemas/ without ``.schema.json``).
UPSTREAM = {
    "bfl-flux-3-image": "bfl:flux@3-image",
    "bytedance-seedance-2-5": "bytedance:seedance@2.5",
    "bytedance-video-upscaler": "bytedance:50@1",
    "lightricks-ltx-2-5-fast": "lightricks:ltx@2.5-fast",
    "meta-muse-image": "meta:muse@image",
    "minimax-h3": "minimax:h3@0",
}
UPSTREAM_MODELS = tuple(UPSTREAM.values())


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


def aleph_contract() -> Contract:
    """The shipped contract cut down to the two Aleph models."""
    return _aleph_contract()


@cache
def full_contract() -> Contract:
    """The shipped contract with every model, the six imported from Runware's published
    documents included (whatever the autouse fixture of this package patches)."""
    contract = _SHIPPED()
    missing = [air for air in UPSTREAM_MODELS if air not in contract.models]
    assert not missing, f"the shipped contract lacks {missing}"
    return contract


@cache
def upstream_document(slug: str) -> dict[str, Any]:
    """Runware's published OpenAPI document of model ``slug``, as pinned in contract/schemas/."""
    path = contract_dir() / "schemas" / f"{slug}.schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


def upstream_items(air: str) -> dict[str, Any]:
    """``components.schemas.RequestBody.items`` of the document of ``air``: the task object as
    Runware publishes it (not the kit's import of it)."""
    slug = next(s for s, a in UPSTREAM.items() if a == air)
    return upstream_document(slug)["components"]["schemas"]["RequestBody"]["items"]


@cache
def oracle(air: str) -> Draft202012Validator:
    """Plain jsonschema on the published ``items`` schema with jsonschema's own format checker."""
    items = upstream_items(air)
    return Draft202012Validator(items, format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def strict_oracle(air: str) -> Draft202012Validator:
    """The same with the kit's ``uuid``/``uri`` checks (jsonschema's own checker passes every
    ``uri`` unless rfc3987 is installed)."""
    return Draft202012Validator(upstream_items(air), format_checker=format_checker())
