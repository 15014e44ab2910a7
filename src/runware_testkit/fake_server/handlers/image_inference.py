"""``imageInference``: generate images [C, Runware's imageInference documents and PROTOCOL.md].

Inputs (`image_inputs`): every image under ``inputs`` (``referenceImages`` ...) and the
watermark image is read before the task is accepted. A UUID or own URL must name media of the
caller's key (an ``imageUpload`` or ``mediaStorage`` upload, or an earlier result):
``mediaNotFound`` / ``mediaExpired`` otherwise; inline images (data URI, base64) must decode
as ``imageUpload`` requires (``invalid<Param>``, ``invalidInputSize``); URLs of hosts the fake
does not reach are taken unread. The model's ``x-constraints`` on image width and height are
enforced. The first image under ``inputs`` whose size is known gives the source's aspect
ratio when a ``resolution`` preset is chosen.

Output (`outputs`): format from ``outputFormat`` (JPG, PNG, WEBP; else the contract's default,
else JPG), quality from ``outputQuality`` (else the contract's, else 95), size from the
request's ``width``/``height``, its ``resolution`` preset, the contract's default size and
presets, else 1024x1024; ``outputType`` ``URL`` (``imageURL``), ``base64Data``
(``imageBase64Data``) or ``dataURI`` (``imageDataURI``). Each result is a real picture of
exactly that size and format, rendered when first needed.

Result items: ``taskType``, ``taskUUID``, ``imageUUID`` (a fresh UUID v4 per result), the image
as its ``outputType`` asks, ``seed``, ``NSFWContent``, and ``cost`` with ``includeCost``.

Delivery: image models may allow ``deliveryMethod: "sync"`` and default to it
(``bfl:flux@3-image``, ``meta:muse@image``); such a task is answered with these items in the
same reply instead of the acknowledgement (see `sync_delivery`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...contract import ModelContract
from ..engine.records import OutputPlan, TaskFacts, TaskRecord
from .context import Context
from .image_inputs import read_images
from .inference import Planned, run_inference
from .outputs import IMAGE_FORMATS, output_format, output_quality, output_size, output_type
from .pricing import PriceQuery, unit_cost
from .results import results_builder

if TYPE_CHECKING:
    from ..protocol.wire import TaskReply
    from ..state import ServerState

__all__ = ["DEFAULT_SIZE", "build_results", "handle", "plan"]

DEFAULT_SIZE = (1024, 1024)
"""Output size when neither the request nor the contract gives one."""


async def handle(task: dict[str, Any], ctx: Context, state: ServerState) -> TaskReply:
    """Accept the task (see `inference.run_inference`)."""
    return await run_inference(task, ctx, state, plan)


async def plan(
    task: dict[str, Any], model: ModelContract | None, ctx: Context, state: ServerState
) -> Planned:
    """Decide the output images and their price."""
    facts = TaskFacts()
    for image in await read_images(task, model, ctx, state):
        if image.path.startswith("inputs.") and image.width and image.height:
            facts.source_width, facts.source_height = image.width, image.height
            break
    source = (facts.source_width, facts.source_height) if facts.source_width else None
    width, height = output_size(task, model, source=source, fallback=DEFAULT_SIZE, ratio="1:1")
    price = unit_cost(
        PriceQuery(
            "imageInference",
            task.get("model"),
            width=width,
            height=height,
            resolution=task.get("resolution"),
        ),
        model,
    )
    facts.output = OutputPlan(
        kind="image",
        format=output_format(task, model, IMAGE_FORMATS, "JPG"),
        width=width,
        height=height,
        quality=output_quality(task, model),
        output_type=output_type(task, model),
        unit_cost=price if task.get("includeCost") is True else None,
        ttl=task.get("ttl"),
    )
    return Planned(facts=facts, unit_price=price)


def fallback_plan(record: TaskRecord) -> OutputPlan:
    """The plan of a task given to the engine without one: the request, then the defaults."""
    request = record.request
    width, height = output_size(request, None, source=None, fallback=DEFAULT_SIZE, ratio="1:1")
    cost = None
    if request.get("includeCost") is True:
        cost = unit_cost(PriceQuery(record.task_type, record.model, width, height), None)
    name = str(request.get("outputFormat") or "JPG").upper()
    return OutputPlan(
        kind="image",
        format=IMAGE_FORMATS.get(name, "jpg"),
        width=width,
        height=height,
        quality=output_quality(request, None),
        output_type=output_type(request, None),
        unit_cost=cost,
        ttl=request.get("ttl"),
    )


build_results = results_builder("imageInference", fallback_plan)
