"""Per-task handling shared by REST and WebSocket: each task in, one `TaskReply` out.

Task types: ``ping``, ``getResponse``, ``videoInference`` (validated against the contract,
inputs probed, scenarios applied, then handed to the engine), ``mediaStorage`` (upload /
delete). Every task is first checked by the contract validator. ``authentication`` is the
transports' business.

Answers
-------
- submit: the acknowledgement ``{"taskType", "taskUUID"}`` and nothing else.
- getResponse while running: one ``{"taskType", "taskUUID", "status": "processing",
  "progress"}`` item; when done: ``numberResults`` success items (``videoUUID``,
  ``videoURL``, ``seed``, ``NSFWContent``, ``cost`` with ``includeCost``) in one reply.
- a task that failed: the ``status: "error"`` item, which also repeats ``code`` and
  ``message`` at its top level (the legacy ``runware`` SDK reads the code there), and the same
  error as a top-level ``errors`` entry carrying the ``taskUUID``.
- dry run: nothing is stored or started; a valid task answers
  ``{"taskType", "taskUUID", "dryRun": true}`` plus, for inference, ``cost`` (USD for all
  ``numberResults``) and ``numberResults``.
"""

from __future__ import annotations

import copy
import logging
import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...contract import ModelContract
from ..engine.engine import poll_items
from ..engine.errors import EngineError, MediaNotFound, TaskNotFound
from ..engine.pricing import task_cost
from ..engine.records import ScheduledFailure, TaskRecord
from ..faults.scenarios import MagicTokenError, Scenario, magic_tokens
from ..media.inputs import MediaInputError, load_media, resolve_video, sniff_format
from ..media.probe import ProbeError, probe_video
from ..protocol.contract_check import validate_task
from ..protocol.sessions import Session
from ..protocol.wire import TaskReply, error_object, task_head

if TYPE_CHECKING:
    from ..state import ServerState

__all__ = ["Context", "Dispatcher"]

log = logging.getLogger("runware_testkit.fake_server")

_DURATION_KEY = "x-media-duration-seconds"


@dataclass
class Context:
    """Who is asking and how."""

    api_key: str
    transport: str
    """``rest`` or ``websocket``."""
    request_base: str | None = None
    dry_run: bool = False
    session: Session | None = None


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
        if task.get("taskType") == "authentication":
            return TaskReply.error(
                400,
                code="invalidTaskOrder",
                message="The authentication task must be the first task of the request "
                "(or the first message of a WebSocket connection).",
                parameter="taskType",
                **head,
            )
        errors = validate_task(task, seen_task_uuids=seen, contract=self.state.contract)
        if errors:
            return TaskReply(
                errors=[{**e, **_missing(head, e)} for e in errors],
                status=_validation_status(errors),
            )
        task_type = task.get("taskType")
        if task_type == "ping":
            return TaskReply(data=[{"taskType": "ping", "pong": True}])
        if task_type == "getResponse":
            return self._get_response(task, ctx)
        if task_type == "mediaStorage":
            return await self._media_storage(task, ctx)
        return await self._inference(task, ctx)

    # -- getResponse ----------------------------------------------------------------------

    def _get_response(self, task: dict[str, Any], ctx: Context) -> TaskReply:
        uuid = task["taskUUID"]
        engine = self.state.engine
        try:
            if ctx.dry_run:
                record = engine.peek(uuid)
                if record.api_key != ctx.api_key:
                    raise TaskNotFound(uuid)
                return TaskReply(
                    data=[{"taskType": "getResponse", "taskUUID": uuid, "dryRun": True}]
                )
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
        return self.result_reply(record, ctx)

    def result_reply(self, record: TaskRecord, ctx: Context) -> TaskReply:
        """The reply reporting a task's current state (what a ``getResponse`` answers)."""
        items = poll_items(record, media_base_url=self.state.media_base(ctx.request_base))
        reply = TaskReply(data=items)
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
        if record.finished:
            reply.final_for = record.task_uuid
        else:
            effects = record.facts.get("poll_effects") or {}
            reply.latency_ms = int(effects.get("latency_ms", 0))
            reply.malformed_body = bool(effects.get("malformed_body"))
            reply.drop_connection = bool(effects.get("drop_connection"))
        return reply

    # -- videoInference -------------------------------------------------------------------

    async def _inference(self, task: dict[str, Any], ctx: Context) -> TaskReply:
        head = task_head(task)
        model = self.state.contract.model(str(task.get("model")))
        try:
            magic = magic_tokens(task.get("positivePrompt"))  # type: ignore[arg-type]
        except MagicTokenError as exc:
            return TaskReply.error(
                400, code=exc.code, message=str(exc), parameter=exc.parameter, **head
            )
        try:
            facts = await self._source_facts(task, model, ctx)
        except MediaInputError as exc:
            return TaskReply.error(exc.http_status, **{**exc.to_error(), **head})
        if ctx.dry_run:
            return self._priced(task, facts)
        scenarios = (
            [magic]
            if magic is not None
            else [
                s
                for s in (
                    self.state.scenarios.take(task, "submit"),
                    self.state.scenarios.take(task, "processing"),
                )
                if s is not None
            ]
        )
        for scenario in scenarios:
            self.state.journal.record(
                "scenario",
                taskUUID=head.get("taskUUID"),
                source="prompt" if scenario is magic else "queue",
                scenario=scenario.to_dict(),
            )
        effects = _Effects.of(scenarios)
        if effects.submit_error is not None:
            scenario = effects.submit_error
            status = scenario.status or 400
            error = scenario.error(head.get("taskUUID")) or {}
            return effects.apply(
                TaskReply(errors=[{**error, **_missing(head, error)}], status=status)
            )
        facts.update(effects.facts())
        try:
            self.state.engine.submit(
                task, api_key=ctx.api_key, facts=facts, failure=effects.failure
            )
        except EngineError as exc:  # conflictTaskUUID, rateLimitExceeded
            return TaskReply.error(exc.http_status, **{**exc.to_error(), **head})
        except ValueError as exc:
            return TaskReply.error(400, code="validationFailed", message=str(exc), **head)
        if ctx.session is not None:
            ctx.session.note_task(head["taskUUID"])
        ack = {"taskType": task["taskType"], "taskUUID": task["taskUUID"]}
        return effects.apply(TaskReply(data=[ack]))

    async def _source_facts(
        self, task: dict[str, Any], model: ModelContract | None, ctx: Context
    ) -> dict[str, Any]:
        """Probe the task's source video(s); enforce duration rules; return engine facts."""
        facts: dict[str, Any] = {}
        if model is None:
            return facts
        rules = dict(_duration_rules(model.request))
        paths = list(rules)
        if "inputs.video" not in paths:
            paths.append("inputs.video")
        sized_by_request = "width" in model.request.get("properties", {})
        for path in paths:
            value = _lookup(task, path)
            if not isinstance(value, str):
                continue
            source = await resolve_video(
                self.state, value, parameter=path, request_base=ctx.request_base
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
            if path == "inputs.video":
                if source.duration is not None:
                    facts["source_duration"] = round(source.duration, 3)
                if not sized_by_request and source.width and source.height:
                    facts["source_width"] = source.width
                    facts["source_height"] = source.height
        return facts

    def _priced(self, task: dict[str, Any], facts: dict[str, Any]) -> TaskReply:
        count = task.get("numberResults", 1)
        item: dict[str, Any] = {
            "taskType": task["taskType"],
            "taskUUID": task["taskUUID"],
            "dryRun": True,
            "numberResults": count,
        }
        try:
            per_result = task_cost(
                str(task.get("model")), duration_seconds=facts.get("source_duration")
            )
        except ValueError:
            per_result = None
        if per_result is not None:
            item["cost"] = round(per_result * count, 4)
        return TaskReply(data=[item])

    # -- media ----------------------------------------------------------------------------

    async def _media_storage(self, task: dict[str, Any], ctx: Context) -> TaskReply:
        head = task_head(task)
        operation = task["operation"]
        if operation == "delete":
            return self._delete_media(task, ctx, head)
        try:
            stored = await self._store_media(task["media"], "media", ctx)
        except MediaInputError as exc:
            return TaskReply.error(exc.http_status, **{**exc.to_error(), **head})
        item = {**head, "operation": "upload"}
        if stored is None:
            return TaskReply(data=[{**item, "dryRun": True}])
        uuid, url = stored
        return TaskReply(data=[{**item, "mediaUUID": uuid, "mediaURL": url}])

    def _delete_media(self, task: dict[str, Any], ctx: Context, head: dict[str, str]) -> TaskReply:
        media_uuid = str(task["media"]).lower()
        try:
            if ctx.dry_run:
                self.state.engine.media(media_uuid)
            else:
                self.state.engine.delete_media(media_uuid)
        except (MediaNotFound, EngineError) as exc:
            return TaskReply.error(
                404, code=exc.code, message=exc.message, parameter="media", **head
            )
        item = {**head, "operation": "delete", "mediaUUID": media_uuid}
        if ctx.dry_run:
            item["dryRun"] = True
        return TaskReply(data=[item])

    async def _store_media(
        self, value: str, parameter: str, ctx: Context
    ) -> tuple[str, str] | None:
        """Read and store an upload; (mediaUUID, mediaURL), or None in a dry run."""
        data = await load_media(
            self.state, value, parameter=parameter, request_base=ctx.request_base
        )
        if data is None:
            raise MediaInputError(
                "downloadFailed",
                f"{parameter}: the fake server does not fetch from this host; allowed hosts: "
                f"{', '.join(self.state.allowlist.entries)}",
                parameter,
            )
        try:
            extension, kind = sniff_format(data)
        except ValueError as exc:
            raise MediaInputError(
                "invalidMedia",
                f"{parameter} is neither a readable video nor a PNG/JPEG/WEBP/GIF image: {exc}",
                parameter,
            ) from exc
        if ctx.dry_run:
            return None
        width = height = duration = None
        if kind == "video":
            try:
                facts = probe_video(data)
            except ProbeError:  # sniff_format already probed it; keep going without facts
                facts = None
            if facts is not None:
                width, height, duration = facts.width, facts.height, facts.duration
        record = self.state.engine.add_media(
            format=extension, data=data, kind="input", width=width, height=height, duration=duration
        )
        url = f"{self.state.media_base(ctx.request_base)}/{record.media_uuid}.{extension}"
        return record.media_uuid, url


@dataclass
class _Effects:
    """What the scenarios of one submission do, merged."""

    submit_error: Scenario | None
    failure: ScheduledFailure | None
    nsfw: bool
    webhook_failures: int
    latency_ms: int
    malformed_body: bool
    drop_connection: bool
    poll_effects: dict[str, Any]

    @classmethod
    def of(cls, scenarios: list[Scenario]) -> _Effects:
        submit = [s for s in scenarios if s.phase == "submit"]
        processing = [s for s in scenarios if s.phase == "processing"]
        failures = [s.scheduled_failure() for s in processing]
        poll = {
            "latency_ms": max((s.latency_ms for s in processing), default=0),
            "malformed_body": any(s.malformed_body for s in processing),
            "drop_connection": any(s.drop_connection for s in processing),
        }
        return cls(
            submit_error=next((s for s in submit if s.error() is not None), None),
            failure=next((f for f in failures if f is not None), None),
            nsfw=any(s.nsfw for s in scenarios),
            webhook_failures=max((s.webhook_failures for s in scenarios), default=0),
            latency_ms=max((s.latency_ms for s in submit), default=0),
            malformed_body=any(s.malformed_body for s in submit),
            drop_connection=any(s.drop_connection for s in submit),
            poll_effects={k: v for k, v in poll.items() if v},
        )

    def facts(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.nsfw:
            out["nsfw"] = True
        if self.webhook_failures:
            out["webhook_failures"] = self.webhook_failures
        if self.poll_effects:
            out["poll_effects"] = copy.deepcopy(self.poll_effects)
        return out

    def apply(self, reply: TaskReply) -> TaskReply:
        reply.latency_ms = self.latency_ms
        reply.malformed_body = self.malformed_body
        reply.drop_connection = self.drop_connection
        return reply


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


def _validation_status(errors: list[dict[str, Any]]) -> int:
    from ..faults.scenarios import error_status

    statuses = {error_status(str(e.get("code", ""))) for e in errors}
    if statuses == {404}:
        return 400
    return statuses.pop() if len(statuses) == 1 else 400


def _missing(head: dict[str, str], error: dict[str, Any]) -> dict[str, str]:
    """The task fields of `head` that `error` does not carry yet."""
    return {key: value for key, value in head.items() if key not in error}
