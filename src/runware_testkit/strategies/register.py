"""``st.from_type`` support for the pydantic wire models in ``runware_testkit.models``.

The models are imported lazily, by name; a name the models package does not define is skipped,
so registering is safe whichever models exist.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from ..contract import load_contract
from ..validation.platform_tasks import BUILTIN_PLATFORM_REQUESTS
from .frames import auth_frames, error_items, ping_frames, poll_frames, processing_items
from .frames import success_items as _success_items
from .responses import (
    acknowledgements,
    error_envelopes,
    error_objects,
    result_items,
    webhook_payloads,
)
from .schema_walk import compile_schema, item_choices
from .valid import requests

MODELS_MODULE = "runware_testkit.models"


def _platform(name: str) -> st.SearchStrategy[dict[str, Any]]:
    return compile_schema(load_contract().platform[name])


def _part(path: str, *, item_object: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """Values of the request parameter at ``path`` (for an array: its object items)."""
    strategies = []
    for model in load_contract().models.values():
        schema = model.property_schema(path)
        if schema is None:
            continue
        if item_object:
            for choice in item_choices(schema):
                if choice.get("type") == "object":
                    strategies.append(compile_schema(choice, path=path))
        else:
            strategies.append(compile_schema(schema, path=path))
    return st.one_of(strategies)


def _poll_items() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        processing_items(), error_items(), _success_items().map(lambda items: items[0])
    )


def _envelopes() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(poll_frames(), acknowledgements(), webhook_payloads(), error_envelopes())


#: Strategy factories for the wire models of ``runware_testkit.models``, by class name.
SOURCES: dict[str, Callable[[], st.SearchStrategy[Any]]] = {
    "VideoInferenceTask": requests,
    "Inputs": lambda: _part("inputs"),
    "FrameImage": lambda: _part("inputs.frameImages", item_object=True),
    "Safety": lambda: _part("safety"),
    "ProviderSettings": lambda: _part("providerSettings"),
    "RunwaySettings": lambda: _part("providerSettings.runway"),
    "ContentModeration": lambda: _part("providerSettings.runway.contentModeration"),
    "ResultItem": result_items,
    "PollItem": _poll_items,
    "PollProcessing": processing_items,
    "PollSuccess": lambda: _success_items().map(lambda items: items[0]),
    "PollError": error_items,
    "PollErrorDetail": lambda: error_items().map(lambda item: item["error"]),
    "Envelope": _envelopes,
    "Acknowledgement": lambda: acknowledgements().map(lambda env: env["data"][0]),
    "WebhookPayload": webhook_payloads,
    "WebhookItem": lambda: webhook_payloads().map(lambda body: body["data"][0]),
    "RunwareErrorModel": error_objects,
    "AuthenticationRequest": lambda: auth_frames().map(lambda ex: ex.request[0]),
    "AuthenticationResponse": lambda: auth_frames(True).map(lambda ex: ex.reply["data"][0]),
    "Ping": lambda: ping_frames().map(lambda ex: ex.request[0]),
    "Pong": lambda: ping_frames().map(lambda ex: ex.reply["data"][0]),
    "GetResponseRequest": lambda: _platform("get-response-request"),
    "MediaStorageRequest": lambda: _platform("media-storage-request"),
    "MediaStorageResponse": lambda: _platform("media-storage-response"),
    "ImageUploadRequest": lambda: compile_schema(BUILTIN_PLATFORM_REQUESTS["image-upload-request"]),
    "ImageUploadResponse": lambda: _platform("image-upload-response"),
    "GetTaskDetailsRequest": lambda: compile_schema(
        BUILTIN_PLATFORM_REQUESTS["get-task-details-request"]
    ),
    "GetTaskDetailsResponse": lambda: _platform("get-task-details-response"),
}


def _build(model: type) -> Callable[[dict[str, Any]], Any]:
    validate = getattr(model, "model_validate", None)
    return validate if validate is not None else (lambda data: model(**data))


def register_type_strategies(module: str = MODELS_MODULE) -> list[str]:
    """Register a strategy for every wire model found in ``module``; returns their names.

    Each strategy draws the JSON shape from this package and builds the model with
    ``model_validate``, so ``st.from_type(VideoInferenceTask)`` yields valid model instances.
    """
    try:
        models = importlib.import_module(module)
    except ImportError:
        return []
    registered = []
    for name, factory in SOURCES.items():
        model = getattr(models, name, None)
        if not isinstance(model, type):
            continue
        st.register_type_strategy(model, st.deferred(factory).map(_build(model)))
        registered.append(name)
    return registered


__all__ = ["SOURCES", "register_type_strategies"]
