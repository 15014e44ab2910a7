"""Per-task handling shared by REST and WebSocket: each task in, one `TaskReply` out.

Every task is first checked by the contract validator (`protocol.contract_check`, the one
door to it): a task it refuses is answered with its errors (HTTP status: the catalog status
the errors share, a lone "not found" status read as 400). A valid task goes to the handler of
its ``taskType`` (`registry.HANDLERS`); a type the contract knows but no handler answers gets
``unsupportedTaskType``. ``authentication`` is the transports' business: met here, after the
first task, it is ``invalidTaskOrder``. An unexpected exception becomes a journaled
``internalServerError`` (HTTP 500), never a traceback.

Dry run: nothing is stored or started; each handler answers ``"dryRun": true`` items.

Replay: when the state holds a `replay.ReplaySession` (``serve --replay``, a test's cassette),
a task is first offered to it; what it answers from the recordings is the reply, and what it
leaves (None) is handled as above.
"""

from __future__ import annotations

import logging
import traceback
from typing import TYPE_CHECKING, Any

from ..faults.scenarios import error_status
from ..protocol.contract_check import check_task
from ..protocol.wire import TaskReply, task_head
from .context import Context
from .get_response import result_reply
from .registry import HANDLERS

if TYPE_CHECKING:
    from ..engine.records import TaskRecord
    from ..state import ServerState

__all__ = ["Context", "Dispatcher"]

log = logging.getLogger("runware_testkit.fake_server")


class Dispatcher:
    """Turns tasks into replies against one `ServerState`."""

    def __init__(self, state: ServerState) -> None:
        self.state = state

    async def run(self, tasks: list[Any], ctx: Context) -> list[TaskReply]:
        """One reply per task, in order (taskUUIDs may not repeat within one request)."""
        seen: set[str] = set()
        return [await self.run_one(task, ctx, seen) for task in tasks]

    async def run_one(self, task: Any, ctx: Context, seen: set[str] | None = None) -> TaskReply:
        """The reply to one task; an unexpected failure becomes ``internalServerError``."""
        try:
            return await self._route(task, ctx, seen if seen is not None else set())
        except Exception as exc:
            return self.internal_error(exc, task_head(task))

    async def result_reply(self, record: TaskRecord, ctx: Context) -> TaskReply:
        """The reply reporting a task's current state (what a ``getResponse`` answers)."""
        return await result_reply(record, self.state, request_base=ctx.request_base)

    def internal_error(self, exc: BaseException, head: dict[str, str]) -> TaskReply:
        """Journal an unexpected exception and answer it as ``internalServerError``."""
        log.exception("unexpected error while handling a task")
        self.state.journal.record(
            "error",
            where="dispatch",
            error=repr(exc),
            traceback="".join(traceback.format_exception(exc)),
            **head,
        )
        return TaskReply.error(
            500,
            code="internalServerError",
            message=f"The fake server failed unexpectedly ({type(exc).__name__}); "
            "see the journal for the traceback.",
            **head,
        )

    async def _route(self, task: Any, ctx: Context, seen: set[str]) -> TaskReply:
        if not isinstance(task, dict):
            return TaskReply.error(
                400, code="invalidTask", message="Every task must be a JSON object."
            )
        head = task_head(task)
        task_type = task.get("taskType")
        replay = self.state.replay
        if replay is not None and task_type != "authentication" and not ctx.dry_run:
            replayed = await replay.answer(
                task,
                self.state,
                request_base=ctx.request_base,
                push=ctx.push,
                api_key=ctx.api_key,
            )
            if replayed is not None:
                return replayed
        if task_type == "authentication":
            return TaskReply.error(
                400,
                code="invalidTaskOrder",
                message="The authentication task must be the first task of the request "
                "(or the first message of a WebSocket connection).",
                parameter="taskType",
                **head,
            )
        checked = check_task(
            task,
            seen_task_uuids=seen,
            contract=self.state.contract,
            mode=self.state.config.error_reply,
        )
        errors = checked.errors
        if errors:
            return TaskReply(
                errors=[{**e, **_missing(head, e)} for e in errors],
                status=_validation_status(errors),
            )
        handler = HANDLERS.get(task_type) if isinstance(task_type, str) else None
        if handler is None:
            return TaskReply.error(
                400,
                code="unsupportedTaskType",
                message=f"The fake server does not run {task_type} tasks; it runs "
                f"{', '.join(sorted(HANDLERS))}.",
                parameter="taskType",
                **head,
            )
        return await handler.handle(checked.task, ctx, self.state)


def _validation_status(errors: list[dict[str, Any]]) -> int:
    statuses = {error_status(str(e.get("code", ""))) for e in errors}
    if statuses == {404}:
        return 400
    return statuses.pop() if len(statuses) == 1 else 400


def _missing(head: dict[str, str], error: dict[str, Any]) -> dict[str, str]:
    """The task fields of `head` that `error` does not carry yet."""
    return {key: value for key, value in head.items() if key not in error}
