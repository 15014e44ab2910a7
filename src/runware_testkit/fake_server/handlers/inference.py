"""What every task the engine runs shares, from a valid task to its acknowledgement.

1. Magic tokens in ``positivePrompt`` (a malformed one is the prompt's error).
2. The task type's planner reads the task's inputs and decides its `TaskFacts` (with the
   `OutputPlan`), any outputs rendered right away, and the price of one result. Bad media is
   answered with its Runware error (``mediaNotFound``, ``invalidVideo`` ...).
3. A dry run stops here: ``{"taskType", "taskUUID", "dryRun": true, "numberResults", "cost"}``,
   ``cost`` being the price of all results (USD).
4. Scenarios: the prompt's magic tokens, else the first queued scenario of each phase. A
   submit-phase error answers instead of the acknowledgement; the others shape the task.
5. A simulated queue (a ``queue_capacity`` scenario or ``queue=N`` token, see
   `faults.capacity`) may refuse the task: 429 / 503 with ``retry_after``, or 504. A scenario's
   ``auth_latency_ms`` queues a late answer for the next authentication.
6. The engine stores the task. ``conflictTaskUUID`` and ``rateLimitExceeded`` come from the
   engine.
7. The answer follows the task's ``deliveryMethod`` (the request's, else the model's default;
   see `sync_delivery`):

   - ``async``: the acknowledgement ``{"taskType", "taskUUID"}`` and nothing else [C/I,
     PROTOCOL.md "Async delivery and polling"] (never an URL key: the SDKs would read it as a
     finished result); the client polls ``getResponse``.
   - ``sync``: the task runs to its end at once (progression ``immediate``, whatever the
     server's default: a sync reply waits for the result, and on the fake there is nothing to
     wait for) and the answer is its result: the ``numberResults`` success items a
     ``getResponse`` would give, or its processing-phase error as a Runware error with that
     error's HTTP status. The task stays stored: its webhook and upload go out as for any task,
     and ``getResponse`` / ``getTaskDetails`` report it afterwards.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...contract import ModelContract
from ..engine.errors import EngineError
from ..engine.records import MediaRecord, TaskFacts
from ..faults.scenarios import MagicTokenError, Scenario, magic_tokens
from ..media.errors import MediaError
from ..media.inputs import MediaInputError
from ..protocol.wire import TaskReply, task_head
from .context import Context
from .effects import Effects
from .outputs import OutputChoiceError
from .sync_delivery import SYNC_PROGRESSION, delivery_method, sync_reply

if TYPE_CHECKING:
    from ..state import ServerState

__all__ = ["Planned", "Planner", "run_inference"]


@dataclass
class Planned:
    """What a planner decided for one task: its facts (output plan included), outputs already
    rendered (stored with the task), and the USD price of one result."""

    facts: TaskFacts
    unit_price: float
    media: list[MediaRecord] = field(default_factory=list)


Planner = Callable[
    [dict[str, Any], "ModelContract | None", Context, "ServerState"], Awaitable[Planned]
]
"""``planner(task, model, ctx, state) -> Planned``; raises `MediaInputError`, `MediaError` or
`OutputChoiceError` for inputs or outputs it cannot use. In a dry run it renders nothing."""


async def run_inference(
    task: dict[str, Any], ctx: Context, state: ServerState, planner: Planner
) -> TaskReply:
    """Accept a valid inference task (see the module docstring)."""
    head = task_head(task)
    model = state.contract.model(str(task.get("model")))
    try:
        magic = magic_tokens(task.get("positivePrompt"))  # type: ignore[arg-type]
    except MagicTokenError as exc:
        return TaskReply.error(
            400, code=exc.code, message=str(exc), parameter=exc.parameter, **head
        )
    try:
        planned = await planner(task, model, ctx, state)
    except (MediaInputError, MediaError, OutputChoiceError) as exc:
        status = getattr(exc, "http_status", 400)
        return TaskReply.error(status, **{**exc.to_error(), **head})
    if ctx.dry_run:
        return _priced(task, planned.unit_price)
    effects = Effects.of(_scenarios(task, magic, state))
    if effects.submit_error is not None:
        scenario = effects.submit_error
        error = scenario.error(head.get("taskUUID")) or {}
        missing = {key: value for key, value in head.items() if key not in error}
        return effects.apply(
            TaskReply(errors=[{**error, **missing}], status=scenario.status or 400)
        )
    sync = delivery_method(task, model) == "sync"
    refusal = state.scenarios.admit(task, state.clock.now(), magic, sync=sync)
    if refusal is not None:
        reply = TaskReply.error(refusal.status, code=refusal.code, message=refusal.message, **head)
        reply.retry_after = refusal.retry_after
        return effects.apply(reply)
    if effects.auth_latency_ms:
        state.scenarios.add(Scenario(phase="connect", latency_ms=effects.auth_latency_ms))
    facts = dataclasses.replace(
        planned.facts,
        nsfw=planned.facts.nsfw or effects.nsfw,
        webhook_failures=effects.webhook_failures,
        poll_effects=effects.poll or None,
        unit_price=planned.unit_price,
    )
    try:
        state.engine.submit(
            task,
            api_key=ctx.api_key,
            progression=SYNC_PROGRESSION if sync else None,
            facts=facts,
            failure=effects.failure,
            media=planned.media,
        )
    except EngineError as exc:  # conflictTaskUUID, rateLimitExceeded
        return TaskReply.error(exc.http_status, **{**exc.to_error(), **head})
    except ValueError as exc:
        return TaskReply.error(400, code="validationFailed", message=str(exc), **head)
    if ctx.session is not None:
        ctx.session.note_task(head["taskUUID"])
    if sync:
        record = state.engine.peek(task["taskUUID"])  # immediate: this read ends the task
        reply = await sync_reply(
            record,
            state,
            request_base=ctx.request_base,
            failure_status=effects.failure_status,
        )
        return effects.apply_sync(reply)
    return effects.apply(
        TaskReply(data=[{"taskType": task["taskType"], "taskUUID": task["taskUUID"]}])
    )


def _scenarios(task: dict[str, Any], magic: Scenario | None, state: ServerState) -> list[Scenario]:
    """The prompt's scenario, else the first queued one of each phase; each is journaled."""
    if magic is not None:
        chosen, source = [magic], "prompt"
    else:
        taken = (state.scenarios.take(task, "submit"), state.scenarios.take(task, "processing"))
        chosen, source = [s for s in taken if s is not None], "queue"
    for scenario in chosen:
        state.journal.record(
            "scenario", taskUUID=task.get("taskUUID"), source=source, scenario=scenario.to_dict()
        )
    return chosen


def _priced(task: dict[str, Any], unit_price: float) -> TaskReply:
    count = task.get("numberResults", 1)
    item: dict[str, Any] = {
        "taskType": task["taskType"],
        "taskUUID": task["taskUUID"],
        "dryRun": True,
        "numberResults": count,
        "cost": round(unit_price * count, 4),
    }
    return TaskReply(data=[item])
