"""Schema checks for the strategy tests: plain jsonschema with the kit's format checker, and
Runware's published per-model documents (tests/strategies/data/runware-openapi, upstream data)
as a contract of their own."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from runware_testkit.contract import Contract, ModelContract, load_contract
from runware_testkit.validation.formats import format_checker

ALEPH = "runway:2@1"
ALEPH2 = "runway:aleph@2.0"
MODELS = (ALEPH, ALEPH2)

UPSTREAM_DIR = Path(__file__).parent / "data" / "runware-openapi"
#: AIR of each upstream document, by its model id (file name without ``.schema.json``).
UPSTREAM = {
    "bfl-flux-3-image": "bfl:flux@3-image",
    "bytedance-seedance-2-5": "bytedance:seedance@2.5",
    "bytedance-video-upscaler": "bytedance:50@1",
    "lightricks-ltx-2-5-fast": "lightricks:ltx@2.5-fast",
    "meta-muse-image": "meta:muse@image",
    "minimax-h3": "minimax:h3@0",
}
UPSTREAM_MODELS = tuple(UPSTREAM.values())


@cache
def upstream_document(slug: str) -> dict[str, Any]:
    """Runware's published OpenAPI document of model ``slug``, as published."""
    return json.loads((UPSTREAM_DIR / f"{slug}.schema.json").read_text(encoding="utf-8"))


def upstream_items(air: str) -> dict[str, Any]:
    """``components.schemas.RequestBody.items`` of the document of ``air``: the task object."""
    slug = next(s for s, a in UPSTREAM.items() if a == air)
    return upstream_document(slug)["components"]["schemas"]["RequestBody"]["items"]


def _upstream_model(slug: str) -> ModelContract:
    document = upstream_document(slug)
    items = document["components"]["schemas"]["RequestBody"]["items"]
    title = document["info"]["title"].removeprefix("Runware API - ")
    request = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:runware-testkit:{slug}:request",
        "title": f"{title} {items['properties']['taskType']['const']} task",
        **items,
    }
    return ModelContract(
        air=document["info"]["x-air-id"],
        slug=slug,
        title=title,
        task_type=items["properties"]["taskType"]["const"],
        documentation=f"https://runware.ai/docs/models/{slug}",
        request=request,
        result={},
        openapi=document,
    )


@cache
def upstream_contract() -> Contract:
    """The shipped models plus the six upstream ones, each request schema laid out the way the
    document importer writes ``schemas/models/<slug>/request.schema.json`` (the document's
    ``items`` with ``$schema``/``$id``/``title``)."""
    shipped = load_contract()
    models = {**shipped.models, **{m.air: m for m in map(_upstream_model, UPSTREAM)}}
    return replace(shipped, models=models)


@cache
def aleph_contract() -> Contract:
    """The two Runway Aleph models alone (tests about them stay true as models are added)."""
    shipped = load_contract()
    return replace(shipped, models={air: shipped.models[air] for air in MODELS})


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
