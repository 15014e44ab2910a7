"""``getTaskDetails``: an earlier task of the same API key, as sent and as answered
[C, PROTOCOL.md "Task details"].

Request ``{"taskType": "getTaskDetails", "taskUUID": <the inspected task's UUID>}``; its
taskUUID names the task and claims nothing (it never conflicts with the inspected task). Reply
item ``{"taskType": "getTaskDetails", "taskUUID", "request": [<the task as sent>], "response":
<envelope>}``, where ``response`` is the envelope a ``getResponse`` would answer now: the final
one (``data`` with the results, or ``data`` and ``errors`` of a failure) once the task has
ended, its ``processing`` state before [U: the useful choice]. Reading details counts no poll.

Which tasks: those the server ran (inference tasks). An unknown taskUUID, or another key's, is
``taskFailedOrNotFound`` with HTTP 404 [I: the code the official TypeScript SDK maps for it].
A dry run checks the task and answers ``{"taskType", "taskUUID", "dryRun": true}``.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from ..engine.errors import TaskNotFound
from ..protocol.wire import TaskReply, envelope
from .context import Context
from .get_response import result_reply

if TYPE_CHECKING:
    from ..state import ServerState

__all__ = ["NOT_FOUND_CODE", "handle"]

NOT_FOUND_CODE = "taskFailedOrNotFound"


async def handle(task: dict[str, Any], ctx: Context, state: ServerState) -> TaskReply:
    """The details of the task the taskUUID names."""
    uuid = task["taskUUID"]
    head = {"taskType": "getTaskDetails", "taskUUID": uuid}
    try:
        record = state.engine.peek(uuid)
        if record.api_key != ctx.api_key:
            raise TaskNotFound(uuid)
    except TaskNotFound:
        return TaskReply.error(
            404,
            code=NOT_FOUND_CODE,
            message=f"No task with taskUUID {uuid} was found for this API key, so it has no "
            "details.",
            parameter="taskUUID",
            **head,
        )
    if ctx.dry_run:
        return TaskReply(data=[{**head, "dryRun": True}])
    state_now = await result_reply(record, state, request_base=ctx.request_base, play_faults=False)
    item = {
        **head,
        "request": [copy.deepcopy(record.request)],
        "response": envelope(state_now.data, state_now.errors),
    }
    return TaskReply(data=[item])
