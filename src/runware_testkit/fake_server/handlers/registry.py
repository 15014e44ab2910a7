"""The task types the fake answers: one module each, behind one table (`HANDLERS`).

Adding a task type
------------------
1. Write ``handlers/<task_type>.py`` with ``async def handle(task, ctx, state) -> TaskReply``:
   it receives a task the contract validator has accepted (its schema is a model's request
   schema, or a platform schema ``<name>-request`` under ``contract/platform.json``) and
   answers it.
2. If the engine runs it (it is submitted, polled, finished): plan its output in ``handle``
   (``inference.run_inference`` with a planner does the common steps) and give a result
   builder, ``build_results(record, draw) -> (items, media)`` (``results.media_results`` builds
   media items from the task's `OutputPlan`).
3. Add a `TaskHandler` line to `HANDLERS` below.

`dispatch.Dispatcher` routes every valid task through `HANDLERS`; `result_builders` gives the
engine its builders. A task type the contract accepts but `HANDLERS` lacks is answered
``unsupportedTaskType``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..engine.engine import ResultBuilder
from ..protocol.wire import TaskReply
from . import (
    get_response,
    get_task_details,
    image_inference,
    image_upload,
    media_storage,
    ping,
    upscale,
    video_inference,
)
from .context import Context

if TYPE_CHECKING:
    from ..state import ServerState

__all__ = ["HANDLERS", "Handle", "TaskHandler", "result_builders"]

Handle = Callable[[dict[str, Any], Context, "ServerState"], Awaitable[TaskReply]]
"""``handle(task, ctx, state) -> TaskReply``: the answer to one valid task."""


@dataclass(frozen=True, slots=True)
class TaskHandler:
    """How the fake answers one taskType.

    ``results`` is the engine's result builder for task types the engine runs (None for
    tasks answered at once).
    """

    task_type: str
    handle: Handle
    results: ResultBuilder | None = None


HANDLERS: dict[str, TaskHandler] = {
    handler.task_type: handler
    for handler in (
        TaskHandler("ping", ping.handle),
        TaskHandler("getResponse", get_response.handle),
        TaskHandler("getTaskDetails", get_task_details.handle),
        TaskHandler("mediaStorage", media_storage.handle),
        TaskHandler("imageUpload", image_upload.handle),
        TaskHandler("videoInference", video_inference.handle, video_inference.build_results),
        TaskHandler("imageInference", image_inference.handle, image_inference.build_results),
        TaskHandler("upscale", upscale.handle, upscale.build_results),
    )
}
"""taskType -> its handler."""


def result_builders() -> dict[str, ResultBuilder]:
    """taskType -> result builder, for every task type the engine runs."""
    return {name: h.results for name, h in HANDLERS.items() if h.results is not None}
