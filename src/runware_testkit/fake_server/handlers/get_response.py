"""``getResponse``: the state of an earlier task of the same API key [C, PROTOCOL.md "Async
delivery and polling"].

Counts one poll (the task's progression may move on), then answers its current state
(`result_reply`): while processing one ``processing`` item, when done ``numberResults`` success
items in one reply, on failure the ``status: "error"`` item, which also repeats ``code`` and
``message`` at its top level (the legacy ``runware`` SDK reads the code there), plus the same
error as a top-level ``errors`` entry carrying the ``taskUUID``. A processing reply carries the
task's poll effects (latency, malformed body, dropped or cut connection, half-open socket)
when a scenario set them. A ``partial_results`` task answers its first poll after finishing
with one success item (not final) and every later poll with all; a ``replay_results`` task's
first reply holding results (all of them, or the first part) asks the WebSocket transport to
drop the connection after it and to count the task as undelivered.

An unknown taskUUID, or one of another API key, is ``taskNotFound`` (HTTP 404). A dry run
checks the task exists and answers ``{"taskType": "getResponse", "taskUUID", "dryRun": true}``
without counting a poll.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..engine.errors import TaskNotFound
from ..engine.records import TaskRecord
from ..protocol.wire import TaskReply, error_object
from .context import Context
from .results import poll_items

if TYPE_CHECKING:
    from ..state import ServerState

__all__ = ["handle", "result_reply"]


async def handle(task: dict[str, Any], ctx: Context, state: ServerState) -> TaskReply:
    """Count a poll of the task and report its state."""
    uuid = task["taskUUID"]
    engine = state.engine
    try:
        if ctx.dry_run:
            record = engine.peek(uuid)
            if record.api_key != ctx.api_key:
                raise TaskNotFound(uuid)
            return TaskReply(data=[{"taskType": "getResponse", "taskUUID": uuid, "dryRun": True}])
        record = engine.poll(uuid, api_key=ctx.api_key)
    except TaskNotFound as exc:
        return TaskReply.error(
            404,
            code=exc.code,
            message=exc.message,
            parameter="taskUUID",
            taskType="getResponse",
            taskUUID=uuid,
        )
    return await result_reply(record, state, request_base=ctx.request_base)


async def result_reply(
    record: TaskRecord,
    state: ServerState,
    *,
    request_base: str | None = None,
    play_faults: bool = True,
) -> TaskReply:
    """The reply reporting a task's current state (what a ``getResponse`` answers).

    ``play_faults=False`` leaves the task's network faults out (for replies that are no
    answer to the client's poll: task details, webhooks)."""
    items = await poll_items(
        record,
        media_base_url=state.media_base(request_base),
        engine=state.engine,
        report_progress=state.config.report_progress,
    )
    effects = record.facts.poll_effects if play_faults else None
    uuid = record.task_uuid
    partial = (
        effects is not None
        and effects.partial_results
        and record.status == "success"
        and len(items) > 1
        and state.scenarios.first_time("partial", uuid)
    )
    reply = TaskReply(data=items[:1] if partial else items)
    if record.status == "error":
        error = dict(record.error or {})
        items[0].update({"code": error.get("code"), "message": error.get("message")})
        reply.errors = [
            error_object(
                code=str(error.get("code")),
                message=str(error.get("message")),
                taskType=record.task_type,
                taskUUID=record.task_uuid,
            )
        ]
    if record.status == "success" and effects is not None and effects.replay_results:
        reply.replay_results = state.scenarios.first_time("replay", uuid)
    if partial:
        return reply
    if record.finished:
        reply.final_for = uuid
    elif effects is not None:
        reply.latency_ms = effects.latency_ms
        reply.malformed_body = effects.malformed_body
        reply.drop_connection = effects.drop_connection
        reply.truncate_frame = effects.truncate_frame
        reply.half_open = effects.half_open and state.scenarios.first_time("half-open", uuid)
    return reply
