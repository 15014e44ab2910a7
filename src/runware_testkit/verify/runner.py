"""Sending a cassette's recorded requests to a fresh contract-driven fake, in recorded order.

The fake runs in this process (`create_app` behind httpx's ASGI transport, no sockets) on a
manual clock that is moved to each line's recorded time before its request goes out, so polls
happen when they were recorded. Each task is given a progression that finishes it when the
recording first saw it finished (``time:S``), or never when it did not, so the fake's statuses
line up in time with the recorded ones and a difference is the fake's.

Every task goes through the fake's REST door, one task per request (WebSocket lines too: a
frame answers one task, and the envelope compared is the same; their HTTP status is not
compared, a WebSocket frame having none). Placeholders in a request get fresh values the first
time (a UUID for a task, the fake's webhook sink for a webhook URL); a placeholder in a recorded
answer is bound to the fake's value at the same place, so a later request that reuses an
identifier (a poll's taskUUID, an uploaded image's UUID) sends the fake's own.

Not compared, and counted as skipped: ``authentication`` lines (the transport's handshake, which
REST and WebSocket answer differently), frames the server pushed unasked, webhook lines after
the first attempt.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from ..cassettes import Cassette, fill_placeholders, parse_placeholder, read_cassette
from ..fake_server.app import create_app
from ..fake_server.config import DEV_API_KEY, ServerConfig
from ..fake_server.engine.clock import ManualClock
from ..fake_server.replay.load import interaction_lines
from ..fake_server.state import IN_PROCESS_HOST, ServerState
from .compare import Drift, compare_answers, compare_statuses

__all__ = ["CassetteResult", "verify_cassette"]

_BASE = f"http://{IN_PROCESS_HOST}"
_SINK = "verify"
_START = 1_800_000_000.0
_FINAL = ("success", "error")
_NEVER = 10.0**9


@dataclass
class CassetteResult:
    """What verifying one cassette found."""

    path: str
    compared: int = 0
    skipped: int = 0
    drifts: list[Drift] = field(default_factory=list)


def verify_cassette(path: str | Path) -> CassetteResult:
    """Verify the cassette at `path` (see the module docstring); `cassettes.CassetteError`
    (naming file and line) when it cannot be read."""
    cassette = read_cassette(path)
    return asyncio.run(_verify(cassette, str(path)))


async def _verify(cassette: Cassette, name: str) -> CassetteResult:
    result = CassetteResult(name)
    clock = ManualClock(_START)
    state = ServerState(ServerConfig(progression="immediate", seed=0), clock=clock)
    app = create_app(state=state)
    lines = interaction_lines(cassette)
    steps = list(zip(cassette.interactions, lines, strict=False))
    finish_at = _finish_times(cassette)
    values: dict[str, str] = {}
    started: dict[str, float] = {}
    recorded_statuses: dict[str, list[str]] = {}
    found_statuses: dict[str, list[str]] = {}
    last_line: dict[str, int] = {}
    webhooks_seen: dict[str, int] = {}

    def fresh(kind: str, _name: str) -> str:
        if kind in ("webhook", "url"):
            return f"{_BASE}/__testkit/sink/{_SINK}"
        return state.ids.uuid4()

    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url=_BASE, timeout=60) as http,
    ):
        for interaction, line in steps:
            task = interaction.task
            if task is not None and task in started:
                moment = started[task] + interaction.at
            else:
                moment = _START + (interaction.at if task is None else 0.0)
            if moment > clock.now():
                clock.advance(moment - clock.now())
                state.engine.settle()
            if interaction.task_type == "authentication" or interaction.direction == "server":
                if interaction.transport == "webhook" and (interaction.attempt or 1) == 1:
                    drifts = await _webhook(state, interaction, line, values, webhooks_seen)
                    result.drifts += drifts
                    result.compared += 1
                else:
                    result.skipped += 1
                continue
            if interaction.transport == "media":
                result.drifts += await _media(http, interaction, line, values)
                result.compared += 1
                continue
            request = fill_placeholders(interaction.request, values, fresh)
            is_poll = interaction.task_type == "getResponse"
            if task is not None and not is_poll and task not in started:
                started[task] = clock.now()
                spec = finish_at.get(task)
                state.engine.default_progression = (
                    "immediate" if spec is None else f"time:{max(spec - 1e-6, 1e-6)!r}"
                )
            answer = await http.post(
                "/v1", json=[request], headers={"Authorization": f"Bearer {DEV_API_KEY}"}
            )
            try:
                body = answer.json()
            except ValueError:
                body = None
            _bind(interaction.response, body, values)
            status = interaction.status if interaction.transport == "rest" else None
            result.drifts += compare_answers(
                interaction.response,
                body,
                line=line,
                recorded_status=status,
                found_status=answer.status_code if status is not None else None,
            )
            result.compared += 1
            if is_poll and task is not None:
                recorded_statuses.setdefault(task, []).append(_status(interaction.response))
                found_statuses.setdefault(task, []).append(_status(body))
                last_line[task] = line
        for task, recorded in recorded_statuses.items():
            result.drifts += compare_statuses(
                task, recorded, found_statuses.get(task, []), line=last_line.get(task)
            )
        await state.drain(10.0)
    state.engine.close()
    result.drifts.sort(key=lambda d: (d.line or 0, d.pointer))
    return result


def _finish_times(cassette: Cassette) -> dict[str, float]:
    """Task -> seconds after its submit at which the recording first saw it finished (a task
    whose polls never saw it finished: never; a task without polls: absent, immediate)."""
    times: dict[str, float] = {}
    polled: set[str] = set()
    for interaction in cassette.interactions:
        if interaction.task is None or interaction.task_type != "getResponse":
            continue
        polled.add(interaction.task)
        if _status(interaction.response) in _FINAL and interaction.task not in times:
            times[interaction.task] = interaction.at
    return {task: times.get(task, _NEVER) for task in polled}


def _status(envelope: Any) -> str:
    if isinstance(envelope, Mapping):
        data = envelope.get("data")
        if isinstance(data, list) and data and isinstance(data[0], Mapping):
            status = data[0].get("status")
            if isinstance(status, str):
                return status
        if envelope.get("errors"):
            return "error"
    return "none"


def _bind(recorded: Any, found: Any, values: dict[str, str]) -> None:
    """Bind each whole placeholder of `recorded` to the fake's value at the same place."""
    if isinstance(recorded, str):
        if parse_placeholder(recorded) is not None and isinstance(found, str):
            values.setdefault(recorded, found)
    elif isinstance(recorded, Mapping) and isinstance(found, Mapping):
        for key, value in recorded.items():
            if key in found:
                _bind(value, found[key], values)
    elif isinstance(recorded, list) and isinstance(found, list):
        for a, b in zip(recorded, found, strict=False):
            _bind(a, b, values)


async def _webhook(
    state: ServerState,
    interaction: Any,
    line: int,
    values: dict[str, str],
    seen: dict[str, int],
) -> list[Drift]:
    """Compare a recorded webhook delivery with the fake's next one for the same task."""
    await state.drain(10.0)
    own = values.get("{{task:" + str(interaction.task) + "}}")
    bodies = [
        entry.get("body")
        for entry in state.sink.received(_SINK)
        if own is not None and own in str(entry.get("body"))
    ]
    index = seen.get(str(interaction.task), 0)
    seen[str(interaction.task)] = index + 1
    if index >= len(bodies):
        return [
            Drift(
                "envelope",
                "/request",
                f"the fake sent no webhook for task {interaction.task} by this time",
                line,
                "webhook",
                None,
            )
        ]
    return compare_answers(interaction.request, bodies[index], line=line, base="/request")


async def _media(
    http: httpx.AsyncClient, interaction: Any, line: int, values: dict[str, str]
) -> list[Drift]:
    """Download the fake's file for a recorded media line and compare its content type."""
    request = interaction.request or {}
    url = fill_placeholders(request.get("url"), values, lambda kind, name: "")
    recorded = (interaction.response or {}).get("contentType")
    if not url:
        return []
    answer = await http.get(url)
    found = answer.headers.get("content-type")
    if interaction.status is not None and answer.status_code != interaction.status:
        return [
            Drift(
                "envelope",
                "/status",
                f"the download answered HTTP {answer.status_code}, recorded {interaction.status}",
                line,
                interaction.status,
                answer.status_code,
            )
        ]
    if recorded and found and recorded.split("/")[0] != found.split("/")[0]:
        return [
            Drift(
                "wrong-format",
                "/response/contentType",
                f"the downloaded file is {found}, recorded {recorded}",
                line,
                recorded,
                found,
            )
        ]
    return []
