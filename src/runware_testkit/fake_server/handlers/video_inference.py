"""``videoInference``: generate videos [C, PROTOCOL.md "Result item (videoInference)"].

Inputs: the task's source video(s) are probed where the fake can read them (its own media, a
data URI or base64, an allowlisted URL; see `media.inputs`). A parameter whose schema carries
``x-media-duration-seconds`` (Runway Aleph 2.0's ``inputs.video``: 1-30 s) is checked against
the probed length: ``invalid<Param>`` otherwise. A URL the fake may not fetch is accepted
unprobed.

Output (`outputs`): format from ``outputFormat`` (MP4, WEBM, MOV; else the contract's default,
else MP4), quality from ``outputQuality`` (else the contract's, else 95), size from the request,
its ``resolution``, the source (for models not sized by the request), the contract's defaults
and presets, else 1280x720; length from ``duration``, else the source's, else the contract's
default, else 5 s; ``outputType`` URL. Each result is a real clip rendered when first fetched.

Result items: ``taskType``, ``taskUUID``, ``videoUUID`` (a fresh UUID v4 per result),
``videoURL``, ``seed``, ``NSFWContent``, and ``cost`` with ``includeCost`` (see `pricing`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...contract import ModelContract
from ..engine.records import OutputPlan, TaskFacts, TaskRecord
from ..media.inputs import MediaInputError, resolve_video
from .context import Context
from .inference import Planned, run_inference
from .outputs import (
    VIDEO_FORMATS,
    output_duration,
    output_format,
    output_quality,
    output_size,
    output_type,
)
from .pricing import DEFAULT_DURATION_SECONDS, PriceQuery, unit_cost
from .results import results_builder

if TYPE_CHECKING:
    from ..protocol.wire import TaskReply
    from ..state import ServerState

__all__ = ["DEFAULT_SIZE", "build_results", "handle", "plan"]

DEFAULT_SIZE = (1280, 720)
"""Output size when neither the request, the contract nor the source gives one."""
SOURCE_PATH = "inputs.video"
_DURATION_KEY = "x-media-duration-seconds"


async def handle(task: dict[str, Any], ctx: Context, state: ServerState) -> TaskReply:
    """Accept the task (see `inference.run_inference`)."""
    return await run_inference(task, ctx, state, plan)


async def plan(
    task: dict[str, Any], model: ModelContract | None, ctx: Context, state: ServerState
) -> Planned:
    """Probe the sources, check their duration rules, decide the output and its price."""
    facts = await _source_facts(task, model, ctx, state)
    source = (
        (facts.source_width, facts.source_height)
        if facts.source_width and facts.source_height
        else None
    )
    width, height = output_size(task, model, source=source, fallback=DEFAULT_SIZE, ratio="16:9")
    duration = output_duration(
        task, model, source=facts.source_duration, fallback=DEFAULT_DURATION_SECONDS
    )
    price = unit_cost(
        PriceQuery(
            "videoInference",
            task.get("model"),
            width=width,
            height=height,
            seconds=duration,
            source_seconds=facts.source_duration,
            resolution=task.get("resolution"),
        ),
        model,
    )
    facts.output = OutputPlan(
        kind="video",
        format=output_format(task, model, VIDEO_FORMATS, "MP4"),
        width=width,
        height=height,
        quality=output_quality(task, model),
        duration=duration,
        output_type=output_type(task, model),
        unit_cost=price if task.get("includeCost") is True else None,
        ttl=task.get("ttl"),
    )
    return Planned(facts=facts, unit_price=price)


def fallback_plan(record: TaskRecord) -> OutputPlan:
    """The plan of a task given to the engine without one (submitted around the handler):
    the request, then the source facts, then the defaults, as before plans existed."""
    request, facts = record.request, record.facts
    source = (
        (facts.source_width, facts.source_height)
        if facts.source_width and facts.source_height
        else None
    )
    width, height = output_size(request, None, source=source, fallback=DEFAULT_SIZE, ratio="16:9")
    duration = output_duration(
        request, None, source=facts.source_duration, fallback=DEFAULT_DURATION_SECONDS
    )
    name = str(request.get("outputFormat") or "MP4").upper()
    cost = None
    if request.get("includeCost") is True:
        query = PriceQuery(
            record.task_type,
            record.model,
            width=width,
            height=height,
            seconds=duration,
            source_seconds=facts.source_duration,
        )
        cost = unit_cost(query, None)
    return OutputPlan(
        kind="video",
        format=VIDEO_FORMATS.get(name, "mp4"),
        width=width,
        height=height,
        quality=output_quality(request, None),
        duration=duration,
        output_type=output_type(request, None),
        unit_cost=cost,
        ttl=request.get("ttl"),
    )


async def _source_facts(
    task: dict[str, Any], model: ModelContract | None, ctx: Context, state: ServerState
) -> TaskFacts:
    """Probe the task's source video(s) and enforce their duration rules."""
    facts = TaskFacts()
    if model is None:
        return facts
    rules, paths = _source_rules(model.request)
    for path in paths:
        value = _lookup(task, path)
        if not isinstance(value, str):
            continue
        source = await resolve_video(
            state, value, parameter=path, api_key=ctx.api_key, request_base=ctx.request_base
        )
        if source is None:
            continue
        rule = rules.get(path)
        if rule is not None and source.duration is not None:
            low, high = rule
            if (low is not None and source.duration < low) or (
                high is not None and source.duration > high
            ):
                leaf = path.rsplit(".", 1)[-1]
                raise MediaInputError(
                    "invalid" + leaf[:1].upper() + leaf[1:],
                    f"source video is {source.duration:.1f} s; {model.air} accepts "
                    f"{_num(low)}-{_num(high)} s",
                    path,
                )
        if path == SOURCE_PATH:
            if source.duration is not None:
                facts.source_duration = round(source.duration, 3)
            if source.width and source.height:
                facts.source_width, facts.source_height = source.width, source.height
    return facts


_RULES: dict[int, tuple[dict[str, Any], dict[str, tuple], list[str]]] = {}
"""id(request schema) -> (that schema, its duration rules, the source paths to probe)."""


def _source_rules(schema: dict[str, Any]) -> tuple[dict[str, tuple], list[str]]:
    """The duration rules of a request schema and the paths to probe, worked out once per
    schema object (walking the schema took a tenth of a submit's time)."""
    known = _RULES.get(id(schema))
    if known is None or known[0] is not schema:
        rules = dict(_duration_rules(schema))
        paths = list(rules)
        if SOURCE_PATH not in paths:
            paths.append(SOURCE_PATH)
        known = _RULES[id(schema)] = (schema, rules, paths)
    return known[1], known[2]


def _duration_rules(schema: dict[str, Any], prefix: str = "") -> list[tuple[str, tuple]]:
    """(dotted path, (min, max)) of every property carrying ``x-media-duration-seconds``."""
    found: list[tuple[str, tuple]] = []
    for name, child in (schema.get("properties") or {}).items():
        if not isinstance(child, dict):
            continue
        path = f"{prefix}{name}"
        rule = child.get(_DURATION_KEY)
        if isinstance(rule, dict):
            found.append((path, (rule.get("minimum"), rule.get("maximum"))))
        found.extend(_duration_rules(child, path + "."))
    return found


def _lookup(task: dict[str, Any], path: str) -> Any:
    node: Any = task
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _num(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else str(value)


build_results = results_builder("videoInference", fallback_plan)
