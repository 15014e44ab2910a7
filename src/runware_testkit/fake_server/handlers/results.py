"""Result items of media tasks: built once when a task succeeds, rendered on every answer.

Building (`media_results`, the shared part of every media task type's result builder): one
item per result, ``{taskType, taskUUID, <kind>UUID}`` plus, for task types whose plan says so,
``seed`` and ``NSFWContent``, and ``cost`` when the request asked ``includeCost``; one output
`MediaRecord` per item. Seeds: with a request ``seed`` S, result i gets ``(S + i) mod 2**32``;
without one a random uint32 R is drawn and result i gets ``(R + i) mod 2**32``. Stored items
hold no URL: the base URL is the answering server's.

Rendering (`render_items`): the item's media in the form its ``outputType`` asks for, under a
key named after its kind, right after its UUID key [C, PROTOCOL.md "Result item"]:

==============  =======================  ==========================================
outputType      video                    image
==============  =======================  ==========================================
``URL``         ``videoURL``             ``imageURL``  (``{media base}/{uuid}.{ext}``)
``base64Data``  ``videoBase64Data``      ``imageBase64Data``
``dataURI``     ``videoDataURI``         ``imageDataURI``  (``data:<mime>;base64,...``)
==============  =======================  ==========================================

`poll_items` gives the ``data`` items answering a ``getResponse`` [C, PROTOCOL.md "Poll
reply"]: while processing one ``{taskType, taskUUID, status: "processing"}`` item (plus
``progress`` 0-100 only when the server reports progress: Runware sends it only for the few
tasks that support it [C/I]); on success one item per result with ``status: "success"``; on
error one ``{taskType, taskUUID, status: "error", error: {code, message}}`` item.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import dataclasses
from collections.abc import Callable
from typing import Any

from ..engine.engine import Engine, ResultDraw
from ..engine.errors import MediaExpired, MediaNotFound
from ..engine.records import MediaRecord, OutputPlan, TaskRecord
from ..media.files import media_bytes, media_content_type
from .outputs import VIDEO_FORMATS

__all__ = [
    "legacy_plan",
    "media_key",
    "media_results",
    "output_plan",
    "poll_items",
    "render_items",
]

_UINT32 = 2**32
_VALUE_KEYS = {"URL": "URL", "base64Data": "Base64Data", "dataURI": "DataURI"}


def media_key(kind: str) -> str:
    """The item key holding a result's media UUID: ``videoUUID`` or ``imageUUID``."""
    return f"{kind}UUID"


def output_plan(record: TaskRecord) -> OutputPlan:
    """The task's `OutputPlan`: stored with it, or read back from a record an older version of
    the kit stored (see `legacy_plan`)."""
    return record.facts.output or legacy_plan(record)


def legacy_plan(record: TaskRecord) -> OutputPlan:
    """The plan of a task stored without one: what the kit did before plans existed (videos,
    ``outputFormat`` MP4/WEBM/MOV, default MP4, URL results; the media records hold the
    rest). An item holding ``imageUUID`` makes it an image plan."""
    kind = "image" if any("imageUUID" in item for item in record.results) else "video"
    name = str(record.request.get("outputFormat") or "MP4").upper()
    extension = VIDEO_FORMATS.get(name, "mp4") if kind == "video" else name.lower()
    return OutputPlan(kind=kind, format=extension, width=0, height=0, quality=0)


def results_builder(
    task_type: str, fallback: Callable[[TaskRecord], OutputPlan]
) -> Callable[[TaskRecord, ResultDraw], tuple[list[dict[str, Any]], list[MediaRecord]]]:
    """The result builder (`engine.ResultBuilder`) of a media task type: `media_results` on the
    task's output plan, or on ``fallback(record)`` for a task given to the engine without one
    (submitted around its handler, or stored before plans existed)."""

    def build_results(
        record: TaskRecord, draw: ResultDraw
    ) -> tuple[list[dict[str, Any]], list[MediaRecord]]:
        if record.facts.output is None:
            record.facts.output = fallback(record)
        return media_results(record, draw, record.facts.output)

    build_results.__doc__ = f"The result builder (`engine.ResultBuilder`) of {task_type} tasks."
    return build_results


def media_results(
    record: TaskRecord, draw: ResultDraw, plan: OutputPlan
) -> tuple[list[dict[str, Any]], list[MediaRecord]]:
    """The items and output media of a media task that has just succeeded (see the module
    docstring); the plan's ``prepared`` outputs are used as they are, one per result."""
    requested = record.request.get("seed")
    base_seed = (
        requested
        if isinstance(requested, int) and not isinstance(requested, bool)
        else draw.seed32()
    )
    count = len(plan.prepared) or record.number_results
    items: list[dict[str, Any]] = []
    media: list[MediaRecord] = []
    for index in range(count):
        seed = (base_seed + index) % _UINT32
        if plan.prepared:
            output = _prepared(draw, plan, plan.prepared[index])
        else:
            output = MediaRecord.new(
                draw.media_uuid(),
                kind="output",
                format=plan.format,
                created_at=draw.now,
                task_uuid=record.task_uuid,
                width=plan.width,
                height=plan.height,
                quality=plan.quality,
                seed=seed,
                duration=plan.duration if plan.kind == "video" else None,
                ttl=plan.ttl,
            )
        item: dict[str, Any] = {
            "taskType": record.task_type,
            "taskUUID": record.task_uuid,
            media_key(plan.kind): output.media_uuid,
        }
        if plan.seed:
            item["seed"] = seed
            item["NSFWContent"] = record.facts.nsfw
        if plan.unit_cost is not None:
            item["cost"] = plan.unit_cost
        items.append(item)
        media.append(output)
    return items, media


async def render_items(
    record: TaskRecord, *, media_base_url: str, engine: Engine
) -> list[dict[str, Any]]:
    """The task's result items as sent on the wire (without ``status``): each with its media as
    its ``outputType`` asks (see the module docstring). Base64 forms read or render the file in
    a worker thread; a result whose file is gone gets its URL instead."""
    plan = output_plan(record)
    key = media_key(plan.kind)
    value_key = plan.kind + _VALUE_KEYS.get(plan.output_type, "URL")
    base = media_base_url.rstrip("/")
    rendered = []
    for item in record.results:
        media_uuid = item.get(key)
        url = f"{base}/{media_uuid}.{plan.format}"
        value, name = url, plan.kind + "URL"
        if plan.output_type != "URL" and isinstance(media_uuid, str):
            encoded = await _encoded(engine, media_uuid, data_uri=plan.output_type == "dataURI")
            if encoded is not None:
                value, name = encoded, value_key
        rendered.append(_with_value(item, key, name, value))
    return rendered


async def poll_items(
    record: TaskRecord, *, media_base_url: str, engine: Engine, report_progress: bool
) -> list[dict[str, Any]]:
    """The ``data`` items answering a ``getResponse`` for the task (see the module docstring)."""
    head = {"taskType": record.task_type, "taskUUID": record.task_uuid}
    if record.status == "processing":
        item: dict[str, Any] = {**head, "status": "processing"}
        if report_progress:
            item["progress"] = record.progress
        return [item]
    if record.status == "error":
        return [{**head, "status": "error", "error": dict(record.error or {})}]
    rendered = await render_items(record, media_base_url=media_base_url, engine=engine)
    return [{**item, "status": "success"} for item in rendered]


def _prepared(draw: ResultDraw, plan: OutputPlan, media_uuid: str) -> MediaRecord:
    """A prepared output, dated now and given the plan's ttl from now."""
    stored = draw.stored_media(media_uuid)
    if stored is None:
        raise ValueError(f"prepared output {media_uuid} is missing from the store")
    expires = None if plan.ttl is None else draw.now + plan.ttl
    return dataclasses.replace(stored, created_at=draw.now, expires_at=expires)


async def _encoded(engine: Engine, media_uuid: str, *, data_uri: bool) -> str | None:
    try:
        record = engine.media(media_uuid)
    except (MediaNotFound, MediaExpired):
        return None
    data = await asyncio.to_thread(media_bytes, record)
    text = base64.b64encode(data).decode("ascii")
    return f"data:{media_content_type(record)};base64,{text}" if data_uri else text


def _with_value(item: dict[str, Any], key: str, name: str, value: str) -> dict[str, Any]:
    """A copy of `item` with `name` = `value` right after `key`."""
    rendered: dict[str, Any] = {}
    for field, content in item.items():
        rendered[field] = copy.deepcopy(content)
        if field == key:
            rendered[name] = value
    rendered.setdefault(name, value)
    return rendered
