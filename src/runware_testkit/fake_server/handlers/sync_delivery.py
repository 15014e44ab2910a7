"""``deliveryMethod``: whether a task's answer is its acknowledgement or its finished result.

Runware's model documents give ``deliveryMethod`` as a ``oneOf`` of consts with a ``default``
[C, PROTOCOL.md "Machine-readable schemas published by Runware"]: ``sync`` ("returns complete
results directly in the API response") and/or ``async`` ("returns an immediate acknowledgment
with the task UUID; poll for results using getResponse"). Which one applies (`delivery_method`):
the request's value, else the model's schema default (``sync`` for ``bfl:flux@3-image`` and
``meta:muse@image``, ``async`` for the video models and the Aleph models, which allow nothing
else), else ``async`` for a model the contract does not describe.

A sync task is stored, journaled and run like any other (webhook, ``uploadEndpoint``, later
``getResponse`` / ``getTaskDetails`` all work), but its progression is ``immediate`` whatever
the server's default: a sync reply waits for the result, and on the fake there is nothing to
wait for (a ``time:S`` progression would need the server to wait on a clock that a test may be
holding still). Its answer (`sync_reply`) is then, in the same reply (REST body or WebSocket
frame):

- on success, the ``numberResults`` success items a ``getResponse`` answers once the task has
  ended (``status: "success"``, the media as ``outputType`` asks);
- on failure (a processing-phase scenario such as
  ``[[testkit:error=insufficientCredits@processing]]``), the Runware error alone:
  ``{"errors": [{code, message, taskType, taskUUID}]}`` with the code's HTTP status (402 for
  ``insufficientCredits``, or the scenario's ``http=NNN``), as a sync request that fails is
  answered [I: Runware holds a sync request open until the task ends].

Submit-phase scenarios answer instead of the task, as for async tasks. The transport effects of
processing-phase scenarios (latency, malformed body, dropped connection), which an async task
shows on its ``getResponse`` answers while it runs, apply to the sync reply, which is the
answer given while the task runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from ...contract import ModelContract
from ..engine.records import TaskRecord
from ..faults.scenarios import error_status
from ..protocol.wire import TaskReply
from .get_response import result_reply
from .outputs import request_default

if TYPE_CHECKING:
    from ..state import ServerState

__all__ = ["SYNC_PROGRESSION", "DeliveryMethod", "delivery_method", "sync_reply"]

DeliveryMethod = Literal["sync", "async"]
SYNC_PROGRESSION = "immediate"
"""The progression every sync task runs with."""


def delivery_method(task: dict[str, Any], model: ModelContract | None) -> DeliveryMethod:
    """``sync`` or ``async`` for `task` (see the module docstring). The validator has already
    refused a value the model does not allow and put the value in its documented spelling."""
    value = task.get("deliveryMethod")
    if value is None:
        value = request_default(model, "deliveryMethod")
    return "sync" if isinstance(value, str) and value.lower() == "sync" else "async"


async def sync_reply(
    record: TaskRecord,
    state: ServerState,
    *,
    request_base: str | None,
    failure_status: int | None = None,
) -> TaskReply:
    """The answer to a sync task that has ended: its success items, or its error alone with
    `failure_status` (default: the HTTP status of the error's code)."""
    if record.status == "error":
        error = dict(record.error or {})
        code = str(error.get("code"))
        reply = TaskReply.error(
            failure_status or error_status(code),
            code=code,
            message=str(error.get("message")),
            taskType=record.task_type,
            taskUUID=record.task_uuid,
        )
        reply.final_for = record.task_uuid
        return reply
    return await result_reply(record, state, request_base=request_base)
