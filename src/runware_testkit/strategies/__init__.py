"""Hypothesis strategies for Runware requests and replies, generated from the contract.

``requests()`` draws valid tasks by walking each model's request schema (cross-field rules
solved, not filtered);
``invalid_requests()`` breaks them on purpose and labels what the validator must report;
``result_items()``, ``poll_frames()``, ``webhook_payloads()``, ``error_envelopes()``,
``acknowledgements()``, ``auth_frames()`` and ``ping_frames()`` draw what a server sends back.
``register_type_strategies()`` makes ``st.from_type`` work for the pydantic wire models.
"""

from __future__ import annotations

from .cross_field import BROKEN_CONDITION
from .frames import (
    POLL_STATUSES,
    FrameExchange,
    api_keys,
    auth_frames,
    error_items,
    ping_frames,
    poll_frames,
    processing_items,
    success_items,
)
from .invalid import ALIASES, KINDS, MISSING_ITEM, InvalidExample, Violation, invalid_requests
from .register import register_type_strategies
from .responses import (
    FAILURE_CODES,
    REQUEST_ERROR_CODES,
    acknowledgements,
    costs,
    error_envelopes,
    error_objects,
    output_fields,
    result_item_lists,
    result_items,
    webhook_payloads,
)
from .schema_walk import ABSENT, PRESENT, Preset, UnsupportedSchema, compile_schema, presets
from .valid import request_batches, requests

__all__ = [
    "ABSENT",
    "ALIASES",
    "BROKEN_CONDITION",
    "FAILURE_CODES",
    "KINDS",
    "MISSING_ITEM",
    "POLL_STATUSES",
    "PRESENT",
    "REQUEST_ERROR_CODES",
    "FrameExchange",
    "InvalidExample",
    "Preset",
    "UnsupportedSchema",
    "Violation",
    "acknowledgements",
    "api_keys",
    "auth_frames",
    "compile_schema",
    "costs",
    "error_envelopes",
    "error_items",
    "error_objects",
    "invalid_requests",
    "output_fields",
    "ping_frames",
    "poll_frames",
    "presets",
    "processing_items",
    "register_type_strategies",
    "request_batches",
    "requests",
    "result_item_lists",
    "result_items",
    "success_items",
    "webhook_payloads",
]
