"""What one result costs, as reported in ``cost`` when the request has ``includeCost: true``.

The first rule that applies, per result item, rounded to 4 decimals (USD):

1. Runway Aleph's model pages: ``runway:2@1`` costs a flat 0.7563 per result (the figure in
   every example response on its page); ``runway:aleph@2.0`` 0.28 per second of the source
   video (its page), the source taken as `DEFAULT_DURATION_SECONDS` (5 s, so 1.4) when the
   fake could not probe it.
2. ``info.x-pricing`` of the model's OpenAPI document (the models imported from Runware's
   published documents carry it), in one of the shapes those documents use:

   - ``rates``: a list of ``{amount, unit, label?}``. Per output unless ``unit`` says
     ``second`` (then ``amount`` x the output's seconds). With several labelled rates, the
     one whose label is the label of the output size's preset (``"1K"`` for 1024x1024 on
     ``bfl:flux@3-image``), else of the request's ``resolution``, else the first rate.
   - ``overview``: a sentence; the first ``$X per second`` in it prices each second of the
     output video, else the first ``$X per image``/``per run``/``per output`` prices a result.
   - ``examples``: the ``price`` of the first example (``0.01`` or ``"$1.17"``), per result.
3. The fake's own figures per task type (`FALLBACK_PRICES`), for a model whose contract says
   nothing: imageInference 0.01 per image, videoInference 0.05 per second of output, upscale
   0.01 per result. They are not Runware's prices; they only make ``cost`` present and stable.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ...contract import ModelContract
from .outputs import output_duration, output_size, size_presets

__all__ = [
    "ALEPH_2_0",
    "ALEPH_2_0_USD_PER_SECOND",
    "ALEPH_V1",
    "ALEPH_V1_USD_PER_RESULT",
    "DEFAULT_DURATION_SECONDS",
    "FALLBACK_PRICES",
    "PriceQuery",
    "request_cost",
    "task_cost",
    "unit_cost",
]

ALEPH_V1 = "runway:2@1"
ALEPH_2_0 = "runway:aleph@2.0"
ALEPH_V1_USD_PER_RESULT = 0.7563
ALEPH_2_0_USD_PER_SECOND = 0.28
DEFAULT_DURATION_SECONDS = 5.0
FALLBACK_PRICES: dict[str, tuple[float, str]] = {
    "imageInference": (0.01, "result"),
    "videoInference": (0.05, "second"),
    "upscale": (0.01, "result"),
}
"""taskType -> (USD, per ``result`` or per ``second`` of output) for models priced nowhere."""
_DEFAULT_FALLBACK = (0.01, "result")
_REQUEST_SIZES: dict[str, tuple[tuple[int, int], str]] = {
    "imageInference": ((1024, 1024), "1:1"),
    "videoInference": ((1280, 720), "16:9"),
}
"""taskType -> (fallback output size, preferred ratio), as the task type's planner uses them."""
_PER_SECOND = re.compile(
    r"\$\s*([0-9]*\.?[0-9]+)\s*(?:USD\s*)?(?:per|/)\s*(?:second|sec|s)\b", re.I
)
_PER_RESULT = re.compile(
    r"\$\s*([0-9]*\.?[0-9]+)\s*(?:USD\s*)?(?:per|/)\s*(?:image|run|output|result|video)\b", re.I
)
_PRICE = re.compile(r"[0-9]*\.?[0-9]+")


@dataclass(frozen=True, slots=True)
class PriceQuery:
    """What the price of one result depends on: the task type, the model's AIR, the output
    size (pixels), the output video's length and the source video's length (seconds), and the
    request's ``resolution`` label."""

    task_type: str
    air: str | None
    width: int | None = None
    height: int | None = None
    seconds: float | None = None
    source_seconds: float | None = None
    resolution: str | None = None


def unit_cost(query: PriceQuery, model: ModelContract | None) -> float:
    """USD cost of one result (see the module docstring for the rules); ValueError for a
    negative or non-finite duration."""
    for seconds in (query.seconds, query.source_seconds):
        if seconds is not None and (not math.isfinite(seconds) or seconds < 0):
            raise ValueError(f"a duration must be finite and >= 0, got {seconds!r}")
    if query.air in (ALEPH_V1, ALEPH_2_0):
        return task_cost(query.air, duration_seconds=query.source_seconds)
    pricing = _x_pricing(model)
    price = _from_x_pricing(pricing, query, model) if pricing else None
    if price is None:
        amount, unit = FALLBACK_PRICES.get(query.task_type, _DEFAULT_FALLBACK)
        price = amount * _seconds(query) if unit == "second" else amount
    return round(price, 4)


def task_cost(model: str, *, duration_seconds: float | None = None) -> float:
    """Cost in USD of one result of a Runway Aleph model (the page rules, rule 1);
    ValueError for any other model or a bad duration."""
    if model == ALEPH_V1:
        return ALEPH_V1_USD_PER_RESULT
    if model == ALEPH_2_0:
        seconds = DEFAULT_DURATION_SECONDS if duration_seconds is None else duration_seconds
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise ValueError(f"duration_seconds must be a number, got {seconds!r}")
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"duration_seconds must be finite and >= 0, got {seconds!r}")
        return round(ALEPH_2_0_USD_PER_SECOND * seconds, 4)
    raise ValueError(f"no page price known for model {model!r} (priced: {ALEPH_V1}, {ALEPH_2_0})")


def _x_pricing(model: ModelContract | None) -> dict[str, Any] | None:
    if model is None:
        return None
    info = model.openapi.get("info") if isinstance(model.openapi, dict) else None
    pricing = info.get("x-pricing") if isinstance(info, dict) else None
    return pricing if isinstance(pricing, dict) else None


def _from_x_pricing(
    pricing: dict[str, Any], query: PriceQuery, model: ModelContract | None
) -> float | None:
    rate = _rate(pricing.get("rates"), query, model)
    if rate is not None:
        amount, unit = rate
        return amount * _seconds(query) if "second" in unit.lower() else amount
    overview = pricing.get("overview")
    if isinstance(overview, str):
        if match := _PER_SECOND.search(overview):
            return float(match[1]) * _seconds(query)
        if match := _PER_RESULT.search(overview):
            return float(match[1])
    for example in pricing.get("examples") or []:
        price = _number(example.get("price")) if isinstance(example, dict) else None
        if price is not None:
            return price
    return None


def _rate(rates: Any, query: PriceQuery, model: ModelContract | None) -> tuple[float, str] | None:
    usable = [
        (amount, str(r.get("unit") or ""), r.get("label"))
        for r in (rates if isinstance(rates, list) else [])
        if isinstance(r, dict) and (amount := _number(r.get("amount"))) is not None
    ]
    if not usable:
        return None
    wanted = []
    if query.width and query.height:
        wanted += [
            p.label
            for p in size_presets(model)
            if (p.width, p.height) == (query.width, query.height)
        ]
    if query.resolution:
        wanted.append(query.resolution)
    for label in wanted:
        for amount, unit, rate_label in usable:
            if isinstance(rate_label, str) and rate_label.lower() == label.lower():
                return amount, unit
    amount, unit, _ = usable[0]
    return amount, unit


def _seconds(query: PriceQuery) -> float:
    for seconds in (query.seconds, query.source_seconds):
        if seconds is not None:
            return seconds
    return DEFAULT_DURATION_SECONDS


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) and value >= 0 else None
    if isinstance(value, str) and (match := _PRICE.search(value.replace(",", ""))):
        return float(match[0])
    return None


def request_cost(task: dict[str, Any], model: ModelContract | None) -> float:
    """USD price of a whole task (one result's price x ``numberResults``) from its request
    alone, before it runs: the rules above with the output size and length taken from the
    request, then the model's contract defaults, then the planners' fallbacks (inputs are not
    probed, so a length that follows the source video counts as `DEFAULT_DURATION_SECONDS`).

    A task that is not an inference task (no ``model``) costs 0.0.
    """
    task_type = task.get("taskType")
    air = task.get("model")
    if not isinstance(task_type, str) or not isinstance(air, str):
        return 0.0
    count = task.get("numberResults", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        count = 1
    width = height = None
    if task_type in _REQUEST_SIZES:
        fallback, ratio = _REQUEST_SIZES[task_type]
        width, height = output_size(task, model, source=None, fallback=fallback, ratio=ratio)
    seconds = None
    if task_type == "videoInference":
        seconds = output_duration(task, model, source=None, fallback=DEFAULT_DURATION_SECONDS)
    resolution = task.get("resolution")
    query = PriceQuery(
        task_type,
        air,
        width=width,
        height=height,
        seconds=seconds,
        resolution=resolution if isinstance(resolution, str) else None,
    )
    return round(unit_cost(query, model) * count, 4)
