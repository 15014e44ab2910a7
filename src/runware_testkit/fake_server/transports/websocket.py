"""``WS /v1``: the WebSocket transport.

- The first message must authenticate: ``[{"taskType": "authentication", "apiKey": K}]``
  (optionally with ``"connectionSessionUUID"`` to resume, and more tasks after it). The reply
  is ``{"data": [{"taskType": "authentication", "connectionSessionUUID": ...}]}``. Any other
  message before that gets a ``missingApiKey`` error frame (``taskType: "authentication"``),
  except keepalive pings, which get their pong (a client's heartbeat may race its own
  authentication on a fresh connection; answering it with an auth error would break the
  reconnect of the legacy ``runware`` SDK).
- Every client message is a JSON array of tasks; the server answers **one frame per task**
  (each one envelope object), so that a client routing frames by ``taskUUID`` never sees
  another task's error next to its data.
- Resuming a session (see `sessions`) replays the frames that could not be sent and the final
  results of the session's finished, undelivered tasks, right after the auth reply.
- Binary frames, frames over ``limits.max_ws_frame_bytes``, invalid JSON and bad arrays get an
  error frame; the connection stays usable.
- ``ping`` gets ``pong``. After ``idle_timeout`` seconds without a client message the server
  closes the socket with code 1001 ("idle timeout").
- Query ``?dryRun=1`` makes every message on the connection a dry run.

Network faults (`faults.scenarios`): a reply marked ``half_open`` is sent, then the connection
goes silent (client messages are journaled with ``half_open: true`` and not answered, pings
included; the socket stays open until the client closes it or the idle timeout); a reply
marked ``truncate_frame`` is written as a frame header and half its payload straight to the
socket, which is then closed (`cut.cut_frame`); after a reply marked ``replay_results`` (the
first one holding the task's results, or their first part) the socket is dropped the same way
and the task stays undelivered, so a resume replays its results. A connect-phase
scenario shapes the answer to the ``authentication`` message (late, refused, dropped, cut or
never sent). WebSocket-level ping frames are still answered by the server's WebSocket library.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import TYPE_CHECKING, Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from ..engine.errors import TaskNotFound
from ..handlers.dispatch import Context, Dispatcher
from ..protocol.auth import key_error
from ..protocol.sessions import Session
from ..protocol.wire import (
    BatchError,
    TaskReply,
    check_tasks,
    decode_json,
    envelope,
    error_object,
    for_journal,
)
from .cut import cut_frame

if TYPE_CHECKING:
    from ..state import ServerState

__all__ = ["IDLE_CLOSE_CODE", "websocket_endpoint"]

IDLE_CLOSE_CODE = 1001
DROP_CLOSE_CODE = 1011
_TRUE = {"1", "true", "yes", "on"}
_MALFORMED = '{"data": [{"taskType": "videoInference", "taskUUID": '


class _Gone(Exception):
    """The client is no longer there."""


def websocket_endpoint(state: ServerState):
    """The Starlette WebSocket endpoint for ``/v1`` bound to `state`."""
    dispatcher = Dispatcher(state)

    async def endpoint(websocket: WebSocket) -> None:
        state.bind_loop()
        await websocket.accept()
        connection = _Connection(state, dispatcher, websocket)
        try:
            await connection.run()
        finally:
            connection.detach()

    return endpoint


class _Connection:
    """One accepted WebSocket."""

    def __init__(self, state: ServerState, dispatcher: Dispatcher, websocket: WebSocket) -> None:
        self.state = state
        self.dispatcher = dispatcher
        self.ws = websocket
        self.session: Session | None = None
        self.dry_run = websocket.query_params.get("dryRun", "").strip().lower() in _TRUE
        base = str(websocket.base_url).replace("ws://", "http://", 1)
        self.request_base = base.replace("wss://", "https://", 1)
        self.ctx: Context | None = None
        self.half_open = False

    async def run(self) -> None:
        """Serve messages until the client leaves, the idle timeout hits or a drop is asked."""
        idle = self.state.config.idle_timeout
        while True:
            try:
                message = await asyncio.wait_for(self.ws.receive(), timeout=idle)
            except TimeoutError:
                self.state.journal.record(
                    "frame_out",
                    transport="websocket",
                    closed=True,
                    code=IDLE_CLOSE_CODE,
                    reason="idle timeout",
                )
                with contextlib.suppress(Exception):
                    await self.ws.close(code=IDLE_CLOSE_CODE, reason="idle timeout")
                return
            except (WebSocketDisconnect, RuntimeError):
                return
            if message["type"] == "websocket.disconnect":
                return
            try:
                await self._on_message(message)
            except _Gone:
                return
            except Exception as exc:
                reply = self.dispatcher.internal_error(exc, {})
                try:
                    await self._send({"errors": reply.errors})
                except _Gone:
                    return

    def detach(self) -> None:
        """Release the session so it may be resumed."""
        if self.session is not None:
            self.state.sessions.detach(self.session)
            self.session = None

    async def _on_message(self, message: dict[str, Any]) -> None:
        text = message.get("text")
        if self.half_open:
            self.state.journal.record(
                "frame_in", transport="websocket", half_open=True, data=_shown(text)
            )
            return
        if text is None:
            size = len(message.get("bytes") or b"")
            self.state.journal.record("frame_in", transport="websocket", binary=True, size=size)
            await self._send_error(
                "unsupportedFrameType", "Binary frames are not supported; send JSON text frames."
            )
            return
        limit = self.state.config.limits.max_ws_frame_bytes
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > limit:
            self.state.journal.record("frame_in", transport="websocket", size=size, data=None)
            await self._send_error(
                "maxPayloadSizeExceeded",
                f"The message is {size} bytes; at most {limit} are allowed.",
            )
            return
        try:
            parsed = decode_json(text)
        except BatchError as exc:
            self.state.journal.record("frame_in", transport="websocket", data=for_journal(text))
            await self._send({"errors": [exc.error]})
            return
        self.state.journal.record("frame_in", transport="websocket", data=for_journal(parsed))
        try:
            tasks = check_tasks(parsed, max_tasks=self.state.config.limits.max_tasks_per_request)
        except BatchError as exc:
            await self._send({"errors": [exc.error]})
            return
        first = tasks[0]
        if isinstance(first, dict) and first.get("taskType") == "authentication":
            if not await self._authenticate(first):
                return
            tasks = tasks[1:]
        elif self.ctx is None and _only_pings(tasks):
            for _ in tasks:
                await self._send({"data": [{"taskType": "ping", "pong": True}]})
            return
        elif self.ctx is None:
            error = key_error(self.state.config, None) or {}
            error["message"] = (
                "Authenticate first: the first message on a WebSocket connection must be "
                '[{"taskType": "authentication", "apiKey": "<key>"}].'
            )
            await self._send({"errors": [error]})
            return
        if not tasks or self.ctx is None:
            return
        try:
            replies = await self.dispatcher.run(tasks, self.ctx)
        except Exception as exc:
            replies = [self.dispatcher.internal_error(exc, {})]
        for reply in replies:
            await self._deliver(reply)

    async def _authenticate(self, task: dict[str, Any]) -> bool:
        key = task.get("apiKey")
        error = key_error(self.state.config, key)
        if error is not None:
            await self._send({"errors": [error]})
            return False
        fault = self.state.scenarios.take_connect()
        if fault is not None:
            self._journal_fault(fault.to_dict())
            if fault.latency_ms:
                await asyncio.sleep(fault.latency_ms / 1000)
            if (auth_error := fault.error()) is not None:
                await self._send({"errors": [{**auth_error, "taskType": "authentication"}]})
                return False
        resume = task.get("connectionSessionUUID")
        if self.session is not None and self.session.uuid == resume:
            session, resumed = self.session, False
        else:
            self.detach()
            session, resumed = self.state.sessions.open(str(key), resume)
        self.session = session
        self.ctx = Context(
            api_key=str(key),
            request_base=self.request_base,
            dry_run=self.dry_run,
            session=session,
            push=self._send,
        )
        answer = TaskReply(
            data=[{"taskType": "authentication", "connectionSessionUUID": session.uuid}]
        )
        if fault is not None:
            answer.drop_connection = fault.drop_connection
            answer.truncate_frame = fault.truncate_frame
            if fault.half_open:
                self._go_half_open()
                return True
        await self._deliver(answer)
        if resumed:
            await self._replay(session)
        return True

    async def _replay(self, session: Session) -> None:
        pending, session.pending = session.pending, []
        for frame in pending:
            await self._send(frame)
        assert self.ctx is not None
        for task_uuid in session.undelivered_tasks():
            try:
                record = self.state.engine.peek(task_uuid)
            except TaskNotFound:
                session.delivered.add(task_uuid)
                continue
            if record.finished and record.api_key == session.api_key:
                await self._deliver(await self.dispatcher.result_reply(record, self.ctx))

    async def _deliver(self, reply: TaskReply) -> None:
        if reply.latency_ms:
            await asyncio.sleep(reply.latency_ms / 1000)
        if reply.drop_connection:
            self.state.journal.record(
                "frame_out",
                transport="websocket",
                closed=True,
                code=DROP_CLOSE_CODE,
                reason="dropped by scenario",
            )
            with contextlib.suppress(Exception):
                await self.ws.close(code=DROP_CLOSE_CODE)
            raise _Gone
        if reply.truncate_frame:
            text = json.dumps(envelope(reply.data, reply.errors))
            self.state.journal.record(
                "frame_out", transport="websocket", closed=True, truncated=True, data=text
            )
            await cut_frame(self.ws, text)
            raise _Gone
        if reply.malformed_body:
            await self._send_text(_MALFORMED, data=_MALFORMED)
            return
        await self._send(envelope(reply.data, reply.errors), final_for=reply.final_for)
        if reply.replay_results and self.session is not None:
            if reply.final_for is not None:
                self.session.delivered.discard(reply.final_for)
            self.state.journal.record(
                "frame_out", transport="websocket", closed=True, reason="replay_results"
            )
            await cut_frame(self.ws, None)
            raise _Gone
        if reply.half_open:
            self._go_half_open()

    def _go_half_open(self) -> None:
        self.half_open = True
        self.state.journal.record("frame_out", transport="websocket", half_open=True)

    def _journal_fault(self, scenario: dict[str, Any]) -> None:
        self.state.journal.record("scenario", source="queue", scenario=scenario)

    async def _send_error(self, code: str, message: str) -> None:
        await self._send({"errors": [error_object(code=code, message=message)]})

    async def _send(self, frame: dict[str, Any], *, final_for: str | None = None) -> None:
        try:
            await self._send_text(json.dumps(frame), data=frame)
        except _Gone:
            if self.session is not None:
                self.session.pending.append(frame)
                if final_for is not None:
                    self.session.delivered.add(final_for)
            raise
        if final_for is not None and self.session is not None:
            self.session.delivered.add(final_for)

    async def _send_text(self, text: str, *, data: Any) -> None:
        if self.ws.application_state != WebSocketState.CONNECTED:
            raise _Gone
        try:
            await self.ws.send_text(text)
        except Exception as exc:
            raise _Gone from exc
        self.state.journal.record("frame_out", transport="websocket", data=data)


def _shown(text: str | None) -> Any:
    """A received text frame as the journal keeps it: its JSON value, else the text."""
    if text is None:
        return None
    try:
        return for_journal(decode_json(text))
    except BatchError:
        return for_journal(text)


def _only_pings(tasks: list[Any]) -> bool:
    return all(isinstance(t, dict) and t.get("taskType") == "ping" for t in tasks)
