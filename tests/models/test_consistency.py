"""The wire models follow the generated and platform schemas.

For every model (and every nested model): field names equal the schema's keys, required fields
equal the schema's ``required``, unknown keys are forbidden exactly where the schema says
``additionalProperties: false``, allowed values equal the schema's const/enum/oneOf values, and
numeric and length bounds match. A regenerated schema with a new field, a new allowed value or a
changed bound fails here until the models follow.
"""

from __future__ import annotations

import types
import typing
from typing import Any

import annotated_types
import pytest
from pydantic import BaseModel

from runware_testkit import models as m
from runware_testkit.contract import load_contract

CONTRACT = load_contract()
BY_ID = {schema["$id"]: schema for schema in CONTRACT.schemas()}
P = CONTRACT.platform
# The wire models cover the two Aleph models; the contract also holds models imported from
# Runware's OpenAPI documents (other task types), which these models do not describe.
ALEPH_MODELS = ("runway:2@1", "runway:aleph@2.0")
REQUESTS = [CONTRACT.models[air].request for air in ALEPH_MODELS]
RESULTS = [CONTRACT.models[air].result for air in ALEPH_MODELS]

CASES: list[tuple[type[BaseModel], list[dict[str, Any]]]] = [
    (m.VideoInferenceTask, REQUESTS),
    (m.ResultItem, RESULTS),
    (m.RunwareErrorModel, [P["error"]]),
    (m.Envelope, [P["envelope"]]),
    (m.Acknowledgement, [P["acknowledgement"]]),
    (m.WebhookPayload, [P["webhook-payload"]]),
    (m.GetResponseRequest, [P["get-response-request"]]),
    (m.AuthenticationRequest, [P["authentication-request"]]),
    (m.AuthenticationResponse, [P["authentication-response"]]),
    (m.Ping, [P["ping-request"]]),
    (m.Pong, [P["pong-response"]]),
    (m.MediaStorageRequest, [P["media-storage-request"]]),
    (m.MediaStorageResponse, [P["media-storage-response"]]),
]
BOUNDS = {
    "minimum": annotated_types.Ge,
    "maximum": annotated_types.Le,
    "minLength": annotated_types.MinLen,
    "maxLength": annotated_types.MaxLen,
    "minItems": annotated_types.MinLen,
    "maxItems": annotated_types.MaxLen,
}


def test_every_platform_and_model_schema_has_a_model():
    covered = {id(node) for _, nodes in CASES for node in nodes}
    covered.add(id(P["get-response-item"]))  # PollItem, checked below
    missing = [name for name, schema in P.items() if id(schema) not in covered]
    assert missing == []
    assert all(id(s) in covered for s in REQUESTS + RESULTS)


@pytest.mark.parametrize(("model", "nodes"), CASES, ids=[c[0].__name__ for c in CASES])
def test_model_follows_schema(model, nodes):
    check(model, nodes, model.__name__)


def test_poll_item_follows_schema():
    poll = P["get-response-item"]
    variants = [m.PollProcessing, m.PollSuccess, m.PollError]
    result_keys = set().union(*(schema["properties"] for schema in RESULTS))
    known = set(poll["properties"]) | result_keys
    for variant in variants:
        assert set(variant.model_fields) <= known, variant.__name__
        assert set(poll["required"]) <= required_fields(variant), variant.__name__
    assert set().union(*(v.model_fields for v in variants)) >= set(poll["properties"])
    assert set(m.PollSuccess.model_fields) >= result_keys
    assert {literals(v.model_fields["status"].annotation).pop() for v in variants} == set(
        poll["properties"]["status"]["enum"]
    )
    assert "error" in required_fields(m.PollError)  # the schema's if status=error then required
    check(m.PollErrorDetail, [poll["properties"]["error"]], "PollErrorDetail")


def test_model_literal_lists_every_air():
    assert literals(m.VideoInferenceTask.model_fields["model"].annotation) == set(ALEPH_MODELS)


# -- the recursive comparison --------------------------------------------------------------


def check(model: type[BaseModel], nodes: list[dict[str, Any]], where: str) -> None:
    nodes = [resolve(node) for node in nodes]
    keys = set().union(*(set(n.get("properties", {})) | set(n.get("required", [])) for n in nodes))
    assert set(model.model_fields) == keys, where
    required = set.intersection(*(set(n.get("required", [])) for n in nodes))
    assert required_fields(model) == required, where
    forbid = all(n.get("additionalProperties") is False for n in nodes)
    assert (model.model_config.get("extra") == "forbid") == forbid, where
    for name, info in model.model_fields.items():
        fields = [n["properties"][name] for n in nodes if name in n.get("properties", {})]
        check_values(info.annotation, fields, f"{where}.{name}")
        check_bounds(info.metadata, fields, f"{where}.{name}")
        for sub in submodels(info.annotation):
            check(sub, [o for f in fields for o in object_nodes(f)], f"{where}.{name}")


def check_values(annotation: Any, fields: list[dict[str, Any]], where: str) -> None:
    allowed = [allowed_values(f) for f in fields]
    if not fields or any(a is None for a in allowed):
        return
    expected = set().union(*allowed)
    assert literals(annotation) == expected, where


def check_bounds(metadata: list[Any], fields: list[dict[str, Any]], where: str) -> None:
    for key, kind in BOUNDS.items():
        values = {f.get(key) for f in fields}
        if len(values) != 1 or None in values:
            continue
        found = [
            getattr(x, next(iter(kind.__dataclass_fields__)))
            for x in metadata
            if isinstance(x, kind)
        ]
        assert found == [values.pop()], f"{where} {key}"


def allowed_values(node: dict[str, Any]) -> set[Any] | None:
    if "const" in node:
        return {node["const"]}
    if isinstance(node.get("enum"), list):
        return set(node["enum"])
    branches = node.get("oneOf") or []
    if branches and all("const" in b for b in branches):
        return {b["const"] for b in branches}
    return None


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    return BY_ID[node["$ref"]] if "$ref" in node else node


def object_nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    node = resolve(node)
    if "properties" in node or node.get("type") == "object":
        return [node]
    found: list[dict[str, Any]] = []
    if isinstance(node.get("items"), dict):
        found += object_nodes(node["items"])
    for choice in node.get("anyOf", []) + node.get("oneOf", []):
        found += object_nodes(choice)
    return found


def required_fields(model: type[BaseModel]) -> set[str]:
    return {name for name, info in model.model_fields.items() if info.is_required()}


def submodels(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [sub for arg in typing.get_args(annotation) for sub in submodels(arg)]


def literals(annotation: Any) -> set[Any]:
    if typing.get_origin(annotation) is typing.Annotated:
        return literals(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) is typing.Literal:
        return set(typing.get_args(annotation))
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return set().union(*(literals(arg) for arg in typing.get_args(annotation)))
    return set()


def test_the_comparison_notices_a_new_schema_field():
    schema = REQUESTS[0]["properties"]["safety"]
    grown = {**schema, "properties": {**schema["properties"], "threshold": {"type": "number"}}}
    with pytest.raises(AssertionError):
        check(m.Safety, [grown], "Safety")


def test_the_comparison_notices_a_new_allowed_value():
    schema = REQUESTS[0]["properties"]["outputFormat"]
    grown = {**schema, "oneOf": [*schema["oneOf"], {"const": "MKV"}]}
    with pytest.raises(AssertionError):
        check_values(m.VideoInferenceTask.model_fields["outputFormat"].annotation, [grown], "x")
