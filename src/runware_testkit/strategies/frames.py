"""Protocol frames: getResponse poll replies, authentication and ping exchanges."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, NamedTuple

from hypothesis import strategies as st

from ..contract import load_contract
from . import primitives
from .responses import FAILURE_CODES, result_item_lists
from .schema_walk import compile_schema

PollStatus = Literal["processing", "success", "error"]
POLL_STATUSES: tuple[str, ...] = ("processing", "success", "error")
_KEY_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class FrameExchange(NamedTuple):
    """A client message (a JSON array of tasks) and the server's reply envelope."""

    request: list[dict[str, Any]]
    reply: dict[str, Any]


def _task_fields(task: Mapping[str, Any] | None) -> st.SearchStrategy[dict[str, str]]:
    if task is not None:
        return st.just(
            {"taskType": task.get("taskType", "videoInference"), "taskUUID": task["taskUUID"]}
        )
    return st.fixed_dictionaries(
        {"taskType": st.just("videoInference"), "taskUUID": primitives.uuid_strings()}
    )


def processing_items(task: Mapping[str, Any] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """A ``processing`` poll item, with or without ``progress`` (0-99)."""
    return st.tuples(_task_fields(task), st.none() | st.integers(0, 99)).map(
        lambda t: {**t[0], "status": "processing", **({} if t[1] is None else {"progress": t[1]})}
    )


def error_items(task: Mapping[str, Any] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """An ``error`` poll item: the task failed with ``{code, message}``."""
    error = st.fixed_dictionaries(
        {"code": st.sampled_from(FAILURE_CODES), "message": primitives.prompts(1, 80)}
    )
    return st.tuples(_task_fields(task), error).map(
        lambda t: {**t[0], "status": "error", "error": t[1]}
    )


def success_items(
    model: str | None = None, *, task: Mapping[str, Any] | None = None
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """All ``success`` items of one finished task: numberResults results, distinct videoUUIDs."""
    return result_item_lists(model, task=task).map(
        lambda items: [{**item, "status": "success"} for item in items]
    )


def poll_frames(
    status: PollStatus | None = None,
    *,
    task: Mapping[str, Any] | None = None,
    model: str | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """getResponse reply frames: ``{"data": [...]}`` for a task that is ``status``.

    ``processing``: one item, optional progress 0-99. ``success``: ``numberResults`` items with
    distinct ``videoUUID`` values, all in this one frame. ``error``: one item with
    ``error: {code, message}``. None draws any of them.
    """
    if status is not None and status not in POLL_STATUSES:
        raise ValueError(f"status must be one of {POLL_STATUSES}, not {status!r}")
    builders = {
        "processing": processing_items(task).map(lambda item: [item]),
        "success": success_items(model, task=task),
        "error": error_items(task).map(lambda item: [item]),
    }
    chosen = [status] if status else list(POLL_STATUSES)
    return st.one_of([builders[s] for s in chosen]).map(lambda items: {"data": items})


def api_keys() -> st.SearchStrategy[str]:
    """API keys as Runware issues them: 32 letters and digits."""
    return st.text(_KEY_ALPHABET, min_size=32, max_size=32)


def auth_frames(
    ok: bool | None = None, *, api_key: str | None = None
) -> st.SearchStrategy[FrameExchange]:
    """Authentication exchanges: a first message and its reply (a session, or invalidApiKey).

    ``ok`` picks success or failure (None: either). A successful reconnect (the request carries
    a ``connectionSessionUUID``) is answered with the same session.
    """
    platform = load_contract().platform
    keys = st.just(api_key) if api_key is not None else api_keys()
    requests = compile_schema(platform["authentication-request"], pinned={"apiKey": keys})
    replies = compile_schema(platform["authentication-response"])

    def answer(pair: tuple[dict[str, Any], dict[str, Any], bool]) -> FrameExchange:
        request, reply, success = pair
        if not success:
            error = {
                "code": "invalidApiKey",
                "message": "Invalid API key.",
                "parameter": "apiKey",
                "taskType": "authentication",
            }
            return FrameExchange([request], {"errors": [error]})
        if "connectionSessionUUID" in request:
            reply = {**reply, "connectionSessionUUID": request["connectionSessionUUID"]}
        return FrameExchange([request], {"data": [reply]})

    outcome = st.just(ok) if ok is not None else st.booleans().map(lambda b: not b)
    return st.tuples(requests, replies, outcome).map(answer)


def ping_frames() -> st.SearchStrategy[FrameExchange]:
    """Keepalive exchanges: ``[{"taskType": "ping", "ping": true}]`` and its pong."""
    platform = load_contract().platform
    return st.tuples(
        compile_schema(platform["ping-request"]), compile_schema(platform["pong-response"])
    ).map(lambda t: FrameExchange([t[0]], {"data": [t[1]]}))


__all__ = [
    "POLL_STATUSES",
    "FrameExchange",
    "api_keys",
    "auth_frames",
    "error_items",
    "ping_frames",
    "poll_frames",
    "processing_items",
    "success_items",
]
