"""Server-side payloads: result items, webhook bodies, error envelopes, acknowledgements.

Result items are compiled from each model's generated result schema (a new result field shows up
after regeneration); when a ``task`` is given they agree with it: same ``taskUUID``, the output
field its ``outputType`` asks for, its ``seed``, a ``cost`` only with ``includeCost``.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from functools import cache
from typing import Any

from hypothesis import strategies as st

from ..contract import ModelContract
from . import primitives
from .schema_walk import ABSENT, compile_schema, enum_values
from .valid import model_contracts

#: Failure codes a finished task may carry (PROTOCOL.md, "The error object": provider, safety,
#: timeout and server codes seen in official sources).
FAILURE_CODES: tuple[str, ...] = (
    "inferenceError",
    "processingFailed",
    "timeoutProvider",
    "providerTimeout",
    "providerContentPolicyViolation",
    "contentPolicyViolation",
    "nsfwContentDetected",
    "downloadFailed",
    "uploadFailed",
    "modelUnavailable",
    "noAvailableServer",
    "internalServerError",
    "unknownError",
)
#: Codes a request may be refused with (validation, auth, quota, rate, not found).
REQUEST_ERROR_CODES: tuple[str, ...] = (
    "invalidPositivePrompt",
    "missingPositivePrompt",
    "unsupportedParameter",
    "incompatibleParameters",
    "conflictTaskUUID",
    "unsupportedDimensions",
    "unknownModel",
    "invalidApiKey",
    "missingApiKey",
    "insufficientCredits",
    "rateLimitExceeded",
    "taskNotFound",
    "mediaNotFound",
    "serviceUnavailable",
)
_UINT32 = 2**32 - 1
_OUTPUT_SUFFIXES = ("URL", "Base64Data", "DataURI")
_MIME = {"MP4": "video/mp4", "WEBM": "video/webm", "MOV": "video/quicktime"}


def _contract_for(model: str | None, task: Mapping[str, Any] | None) -> list[ModelContract]:
    if task is not None and model is None:
        model = task.get("model")
    return model_contracts(model)


def _default(contract: ModelContract, path: str) -> Any:
    schema = contract.property_schema(path) or {}
    return schema.get("default")


def output_fields(contract: ModelContract) -> list[str]:
    """The result fields that carry the generated media (``videoURL``, ``videoBase64Data`` ...)."""
    return [
        name for name in contract.result.get("properties", {}) if name.endswith(_OUTPUT_SUFFIXES)
    ]


def _output_field(fields: list[str], output_type: str) -> str | None:
    wanted = output_type.lower()
    matches = [f for f in fields if f.lower().endswith(wanted)]
    return min(matches, key=len) if matches else None


def _media_value(field: str, video_uuid: str, fmt: str) -> st.SearchStrategy[str]:
    extension = fmt.lower()
    if field.endswith("URL"):
        host = st.sampled_from(primitives.MEDIA_HOSTS)
        return host.map(lambda h: f"https://{h}/video/{video_uuid}.{extension}")
    payload = st.binary(min_size=3, max_size=48).map(lambda b: base64.b64encode(b).decode("ascii"))
    if field.endswith("DataURI"):
        mime = _MIME.get(fmt, f"video/{extension}")
        return payload.map(lambda text: f"data:{mime};base64,{text}")
    return payload


def costs() -> st.SearchStrategy[float]:
    """Task costs in USD: positive, four decimals (the pages show 0.7563 for one clip)."""
    return st.integers(1, 100_000).map(lambda n: n / 10_000)


@cache
def _result_base(air: str) -> st.SearchStrategy[dict[str, Any]]:
    """The model's result schema compiled once: output fields left out, a seed always set."""
    contract = model_contracts(air)[0]
    seed_schema = contract.property_schema("seed") or {}
    pins: dict[str, Any] = {name: ABSENT for name in output_fields(contract)}
    pins["seed"] = st.integers(seed_schema.get("minimum", 0), seed_schema.get("maximum", _UINT32))
    pins["cost"] = st.none() | costs()
    known = {k: v for k, v in pins.items() if k in contract.result.get("properties", {})}
    return compile_schema(contract.result, pinned=known)


def _result_item(
    contract: ModelContract, task: Mapping[str, Any] | None, **fixed_fields: Any
) -> st.SearchStrategy[dict[str, Any]]:
    fields = output_fields(contract)
    base = _result_base(contract.air)
    overrides: dict[str, Any] = {}
    wants_cost: bool | None = None
    if task is not None:
        overrides["taskUUID"] = task["taskUUID"]
        overrides["taskType"] = task.get("taskType", contract.task_type)
        if "seed" in task:
            overrides["seed"] = task["seed"]
        wants_cost = bool(task.get("includeCost", _default(contract, "includeCost")))
    overrides.update(fixed_fields)
    output_type = (task or {}).get("outputType", _default(contract, "outputType"))
    fmt = (task or {}).get("outputFormat", _default(contract, "outputFormat")) or "MP4"
    if task is not None and output_type:
        allowed = [output_type]
    else:
        allowed = enum_values(contract.property_schema("outputType") or {}) or list(
            _OUTPUT_SUFFIXES
        )
    choices = [f for f in (_output_field(fields, t) for t in allowed) if f] or fields

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        item = {**draw(base), **overrides}
        cost = item.pop("cost", None)
        if wants_cost or (wants_cost is None and cost is not None):
            item["cost"] = cost if cost is not None else draw(costs())
        if choices:
            name = draw(st.sampled_from(choices))
            item[name] = draw(_media_value(name, item["videoUUID"], fmt))
        return item

    return build()


def result_items(
    model: str | None = None, *, task: Mapping[str, Any] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Result items of a finished ``videoInference`` (one generated video each).

    With ``task`` the item answers it (taskUUID, outputType's field, seed, cost iff includeCost).
    """
    return st.one_of([_result_item(c, task) for c in _contract_for(model, task)])


def result_item_lists(
    model: str | None = None, *, task: Mapping[str, Any] | None = None
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """All results of one task: ``numberResults`` items with distinct ``videoUUID`` values."""

    def for_contract(contract: ModelContract) -> st.SearchStrategy[list[dict[str, Any]]]:
        if task is not None:
            count = task.get("numberResults", _default(contract, "numberResults") or 1)
            sizes = st.just(count)
        else:
            schema = contract.property_schema("numberResults") or {}
            sizes = st.integers(schema.get("minimum", 1), schema.get("maximum", 4))
        return sizes.flatmap(lambda n: _distinct_results(contract, task, n))

    return st.one_of([for_contract(c) for c in _contract_for(model, task)])


def _distinct_results(
    contract: ModelContract, task: Mapping[str, Any] | None, count: int
) -> st.SearchStrategy[list[dict[str, Any]]]:
    @st.composite
    def build(draw: st.DrawFn) -> list[dict[str, Any]]:
        task_uuid = task["taskUUID"] if task is not None else draw(primitives.uuid_strings())
        uuids = draw(
            st.lists(primitives.uuid_strings(), min_size=count, max_size=count, unique=True)
        )
        return [draw(_result_item(contract, task, taskUUID=task_uuid, videoUUID=u)) for u in uuids]

    return build()


def webhook_payloads(
    model: str | None = None, *, task: Mapping[str, Any] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Webhook POST bodies: ``{"data": [one result item]}`` (one call per finished result)."""
    return result_items(model, task=task).map(lambda item: {"data": [item]})


def error_objects(
    *, task: Mapping[str, Any] | None = None, codes: tuple[str, ...] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Runware error objects: code and message, optionally parameter, taskType, taskUUID ..."""
    parameter = st.sampled_from(["positivePrompt", "inputs.video", "numberResults"]) | st.just(
        ["width", "height"]
    )
    task_uuid = st.just(task["taskUUID"]) if task else primitives.uuid_strings()
    task_type = (
        st.just(task.get("taskType", "videoInference"))
        if task
        else st.sampled_from(["videoInference", "getResponse", "authentication"])
    )
    optional = {
        "parameter": parameter,
        "taskType": task_type,
        "taskUUID": task_uuid,
        "documentation": st.sampled_from(["https://runware.ai/docs/models/runway-aleph"]),
        "allowedValues": st.lists(st.integers(1, 4), min_size=1, max_size=4, unique=True),
    }
    if task is not None:
        required = {"taskType": task_type, "taskUUID": task_uuid}
        optional = {k: v for k, v in optional.items() if k not in required}
    else:
        required = {}
    return st.fixed_dictionaries(
        {
            "code": st.sampled_from(codes or (*REQUEST_ERROR_CODES, *FAILURE_CODES)),
            "message": primitives.prompts(1, 80),
            **required,
        },
        optional=optional,
    )


def error_envelopes(
    *, task: Mapping[str, Any] | None = None, max_errors: int = 3
) -> st.SearchStrategy[dict[str, Any]]:
    """Failure envelopes: ``{"errors": [error, ...]}`` with one to ``max_errors`` errors."""
    return st.lists(error_objects(task=task), min_size=1, max_size=max_errors).map(
        lambda errors: {"errors": errors}
    )


def acknowledgements(*, task: Mapping[str, Any] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Async acknowledgements: ``{"data": [{"taskType", "taskUUID"}]}`` and nothing else."""
    if task is not None:
        item = st.just(
            {"taskType": task.get("taskType", "videoInference"), "taskUUID": task["taskUUID"]}
        )
    else:
        item = st.fixed_dictionaries(
            {"taskType": st.just("videoInference"), "taskUUID": primitives.uuid_strings()}
        )
    return item.map(lambda i: {"data": [i]})


__all__ = [
    "FAILURE_CODES",
    "REQUEST_ERROR_CODES",
    "acknowledgements",
    "costs",
    "error_envelopes",
    "error_objects",
    "output_fields",
    "result_item_lists",
    "result_items",
    "webhook_payloads",
]
