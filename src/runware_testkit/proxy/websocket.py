"""``WS /v1`` on the proxy: one upstream connection per client connection.

Client messages: a message that is not a JSON array of tasks is answered locally with the fake's
error frame; each task goes through the `TaskGate`, refused ones are answered locally with an
``{"errors": [...]}`` frame and never forwarded, the rest go upstream in one message. Upstream
frames go back to the client (result URLs standing in on the proxy). The query string of the
client's URL (``dryRun=1``) is passed on. If the upstream cannot be reached the client gets an
``upstreamUnreachable`` frame and the connection is closed (1011).

Recording: a sent task's line holds the first frame that answered it (matched by ``taskUUID``,
or by ``taskType`` for authentication and ping); later frames are ``server`` lines of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from dataclasses import dataclass
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from ..cassettes import Started
from ..fake_server.protocol.wire import BatchError, parse_tasks
from .ledger import Charge
from .rest import MAX_TASKS
from .rewrite import outgoing, public_base, restore_request, rewrite_answer
from .state import ProxyState, unreachable_error

OPEN_TIMEOUT_SECONDS = 10.0


@dataclass
class _Pending:
    started: Started | None
    task: dict[str, Any]
    charge: Charge | None


def websocket_endpoint(state: ProxyState):
    """The Starlette WebSocket endpoint for ``/v1`` bound to ``state``."""

    async def endpoint(websocket: WebSocket) -> None:
        await _Relay(state, websocket).run()

    return endpoint


class _Relay:
    def __init__(self, state: ProxyState, websocket: WebSocket) -> None:
        self.state = state
        self.client = websocket
        self.connection = state.next_connection()
        self.pending: dict[str, deque[_Pending]] = {}
        self.api_key: str | None = None
        http_base = str(websocket.base_url).replace("ws", "http", 1)
        self.base = public_base(state, http_base)
        self.dry_run = websocket.query_params.get("dryRun", "").lower() in {"1", "true"}

    async def run(self) -> None:
        await self.client.accept()
        target = self.state.config.upstream_ws
        query = self.client.url.query
        if query:
            target += ("&" if "?" in target else "?") + query
        try:
            upstream = await connect(
                target, max_size=None, open_timeout=OPEN_TIMEOUT_SECONDS, ping_interval=None
            )
        except (OSError, TimeoutError, WebSocketException) as exc:
            error = unreachable_error(self.state.config.upstream_ws, exc)
            await self.client.send_text(json.dumps({"errors": [error]}))
            await self.client.close(1011)
            return
        async with upstream:
            inbound = asyncio.create_task(self._client_to_upstream(upstream))
            outbound = asyncio.create_task(self._upstream_to_client(upstream))
            _, waiting = await asyncio.wait(
                {inbound, outbound}, return_when=asyncio.FIRST_COMPLETED
            )
            for task in waiting:
                task.cancel()
            for task in waiting:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        with contextlib.suppress(Exception):
            await self.client.close(_passable(upstream.close_code))

    async def _client_to_upstream(self, upstream: ClientConnection) -> None:
        try:
            while True:
                message = await self.client.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                if text is None:  # a binary frame: read as UTF-8 JSON like a text one
                    text = (message.get("bytes") or b"").decode("utf-8", "replace")
                await self._from_client(text, upstream)
        except (WebSocketDisconnect, RuntimeError):
            pass
        await upstream.close()

    async def _from_client(self, text: str, upstream: ClientConnection) -> None:
        try:
            tasks = parse_tasks(text, max_tasks=MAX_TASKS)
        except BatchError as exc:
            await self.client.send_text(json.dumps({"errors": [exc.error]}))
            return
        # A dry run's answers depend on the connection's dryRun query, which a replay does
        # not see: a dry-run connection records nothing.
        recorder = None if self.dry_run else self.state.recorder
        first = tasks[0]
        if isinstance(first, dict) and first.get("taskType") == "authentication":
            key = first.get("apiKey")
            self.api_key = key if isinstance(key, str) else self.api_key
        forward: list[Any] = []
        for task in tasks:
            started = recorder.start(task) if recorder is not None else None
            verdict = self.state.gate.admit(task, api_key=self.api_key, dry_run=self.dry_run)
            if verdict.refused:
                # The proxy's own answer (a contract error, budgetExceeded): not the
                # upstream's, so not recorded.
                await self.client.send_text(json.dumps({"errors": verdict.errors}))
                continue
            if isinstance(task, dict):
                pending = _Pending(started, restore_request(self.state, task), verdict.charge)
                self.pending.setdefault(_key(task), deque()).append(pending)
            forward.append(outgoing(self.state, task, self.base))
        if forward:
            await upstream.send(json.dumps(forward))

    async def _upstream_to_client(self, upstream: ClientConnection) -> None:
        try:
            async for message in upstream:
                text = message if isinstance(message, str) else message.decode("utf-8", "replace")
                frame = _json_or_none(text)
                if isinstance(frame, dict):
                    self._record_frame(frame)
                    text = json.dumps(rewrite_answer(self.state, frame, self.base))
                await self.client.send_text(text)
        except ConnectionClosed:
            pass

    def _record_frame(self, frame: dict[str, Any]) -> None:
        groups: dict[str, dict[str, list[Any]]] = {}
        order: list[str] = []
        for kind in ("data", "errors"):
            items = frame.get(kind)
            if not isinstance(items, list):
                continue
            for item in items:
                key = _key(item) if isinstance(item, dict) else "?"
                if key not in groups:
                    groups[key] = {}
                    order.append(key)
                groups[key].setdefault(kind, []).append(item)
        if not order:
            order, groups = ["?"], {"?": frame}
        recorder = None if self.dry_run else self.state.recorder
        for key in order:
            part = groups[key]
            waiting = self.pending.get(key)
            pending = waiting.popleft() if waiting else None
            if waiting is not None and not waiting:
                del self.pending[key]
            if pending is not None and pending.charge is not None and not part.get("data"):
                self.state.ledger.refund(pending.charge)
            if recorder is None:
                continue
            if pending is not None and pending.started is not None:
                recorder.record(
                    pending.started,
                    transport="websocket",
                    direction="client",
                    request=pending.task,
                    status=None,
                    response=part,
                    connection=self.connection,
                )
            else:
                recorder.record(
                    recorder.start(),
                    transport="websocket",
                    direction="server",
                    request=None,
                    status=None,
                    response=part,
                    connection=self.connection,
                )


def _passable(code: int | None) -> int:
    """The upstream's close code if it may be sent on (1005, 1006 and 1015 may not), else 1000
    for none and 1011 for an abnormal end."""
    if code is None:
        return 1000
    if code in (1005, 1006, 1015) or not (1000 <= code <= 4999):
        return 1011
    return code


def _key(item: dict[str, Any]) -> str:
    uuid = item.get("taskUUID")
    if isinstance(uuid, str):
        return "uuid:" + uuid
    return "type:" + str(item.get("taskType"))


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None
