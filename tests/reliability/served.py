"""Shared pieces of the reliability tests: a ``serve`` subprocess and the load clients.

`Served` starts ``runware-testkit serve`` on 127.0.0.1 port 0, reads the URL it prints, waits
until it answers, and can be stopped gracefully or killed with SIGKILL (the crash tests).

`drive` is one load client (over REST or WebSocket through an `Exchange`) that submits its
tasks in waves and polls them to the end, recording everything in a shared `Ledger`.
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection

from runware_testkit.fake_server.config import DEV_API_KEY

__all__ = [
    "AUTH",
    "MODELS",
    "START_TIMEOUT",
    "Ledger",
    "Served",
    "control_get",
    "drive",
    "make_task",
    "poll",
    "rest_exchange",
    "ws_authenticate",
    "ws_exchange",
]

AUTH = {"Authorization": f"Bearer {DEV_API_KEY}"}
START_TIMEOUT = 30.0


class Served:
    """A ``runware-testkit serve`` subprocess and its base URL (``http://127.0.0.1:PORT``).

    `state` is the SQLite file, or None for ``--memory``; `extra` is appended to the command.
    """

    def __init__(
        self,
        state: Path | None,
        *,
        progression: str = "polls:1",
        seed: int | None = None,
        extra: Sequence[str] = (),
    ) -> None:
        command = [sys.executable, "-m", "runware_testkit.cli", "serve", "--port", "0"]
        command += ["--memory"] if state is None else ["--state", str(state)]
        command += ["--progression", progression, "--log-level", "warning"]
        if seed is not None:
            command += ["--seed", str(seed)]
        command += list(extra)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        self._stderr: list[str] = []
        stderr = self.proc.stderr
        assert stderr is not None
        self._readers = [threading.Thread(target=lambda: self._stderr.extend(stderr), daemon=True)]
        self._readers[0].start()
        self.base_url = self._read_base_url()
        self._wait_ready()

    @property
    def rest_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``."""
        return f"{self.base_url}/v1"

    @property
    def ws_url(self) -> str:
        """``ws://127.0.0.1:PORT/v1``."""
        return self.base_url.replace("http://", "ws://", 1) + "/v1"

    def stderr_tail(self, chars: int = 2000) -> str:
        """The end of what the server wrote to stderr (for failure messages)."""
        return "".join(self._stderr)[-chars:]

    def _read_base_url(self) -> str:
        assert self.proc.stdout is not None
        lines: queue.Queue[str] = queue.Queue()
        stdout = self.proc.stdout
        reader = threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True)
        reader.start()
        self._readers.append(reader)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            match = re.search(r"REST\s+(http://\S+)/v1", line)
            if match:
                return match.group(1)
        self.proc.kill()
        self.proc.wait(10)
        raise AssertionError(f"serve did not print its URL: {self.stderr_tail()}")

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.base_url}/__testkit/health", trust_env=False, timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        self.kill_hard()
        raise AssertionError(f"serve never answered: {self.stderr_tail()}")

    def call(self, *tasks: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST the tasks to ``/v1`` with the dev key; (status, JSON body)."""
        response = httpx.post(
            self.rest_url, json=list(tasks), headers=AUTH, trust_env=False, timeout=10
        )
        return response.status_code, response.json()

    def control(self, path: str) -> Any:
        """GET ``/__testkit/<path>``; the JSON body (AssertionError unless 200)."""
        return control_get(self.base_url, path)

    def kill_hard(self) -> None:
        """SIGKILL the process (no shutdown code runs) and reap it."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self._close_streams()

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM, wait (bounded; SIGKILL after `timeout`), and return the exit status."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._close_streams()
        return self.proc.returncode

    def _close_streams(self) -> None:
        for reader in self._readers:
            reader.join(5)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def control_get(base_url: str, path: str) -> Any:
    """GET ``{base_url}/__testkit/<path>``; the JSON body (AssertionError unless 200)."""
    response = httpx.get(f"{base_url}/__testkit/{path}", trust_env=False, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


# -- load clients ------------------------------------------------------------------------------

MODELS = ("runway:2@1", "runway:aleph@2.0")
SOURCE_VIDEO = "https://example.com/source.mp4"
FAIL_TOKEN = "[[testkit:error=timeoutProvider@processing]]"
RATE_LIMITED = "rateLimitExceeded"
REFUSED_PAUSE = 0.02
"""Seconds a client waits after a wave in which every submission was refused with 429."""


def make_task(rng: random.Random, *, fail: bool = False, **fields: Any) -> dict[str, Any]:
    """A valid videoInference task: either model, ``numberResults`` 1-3, drawn from `rng`.

    With `fail` the prompt carries a token that makes the task end in ``timeoutProvider``.
    """
    prompt = "the same street at night, neon rain"
    task: dict[str, Any] = {
        "taskType": "videoInference",
        "taskUUID": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "model": rng.choice(MODELS),
        "positivePrompt": f"{prompt} {FAIL_TOKEN}" if fail else prompt,
        "inputs": {"video": SOURCE_VIDEO},
        "numberResults": rng.choice((1, 1, 2, 3)),
    }
    task.update(fields)
    return task


def poll(task_uuid: str) -> dict[str, Any]:
    """A getResponse task."""
    return {"taskType": "getResponse", "taskUUID": task_uuid}


@dataclass
class Ledger:
    """Everything the load clients saw, shared by all of them (one event loop, no locking)."""

    sent: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Every task ever submitted, by taskUUID."""
    acks: Counter[str] = field(default_factory=Counter)
    """How many acknowledgements each taskUUID got (exactly 1 expected)."""
    refused: int = 0
    """Submissions answered 429 ``rateLimitExceeded`` (not acknowledged, retried later)."""
    finals: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """The first terminal poll answer (its data items) of each task."""
    server_errors: list[str] = field(default_factory=list)
    """Every 5xx status or ``internalServerError`` seen."""
    unexpected: list[str] = field(default_factory=list)
    """Every other answer a well-formed load should never get."""
    messages: int = 0
    """Requests / WebSocket messages sent."""
    in_flight: int = 0
    """Submitted tasks whose answer has not arrived yet."""

    @property
    def acked(self) -> set[str]:
        """The acknowledged taskUUIDs."""
        return set(self.acks)

    def summary(self) -> str:
        """One line of counts, for failure messages."""
        return (
            f"sent={len(self.sent)} acked={len(self.acks)} terminal={len(self.finals)} "
            f"refused={self.refused} messages={self.messages} "
            f"5xx={len(self.server_errors)} unexpected={len(self.unexpected)}"
        )


Exchange = Callable[[list[dict[str, Any]]], Awaitable[list[tuple[int | None, dict[str, Any]]]]]
"""Sends one request (a task array) and returns its answers as (HTTP status or None, envelope)."""


async def drive(
    exchange: Exchange,
    tasks: list[dict[str, Any]],
    ledger: Ledger,
    *,
    rng: random.Random,
    deadline: float,
    wave: int = 12,
) -> None:
    """One client: submit `tasks` in waves of up to `wave` (batches of 1-4), then poll the wave's
    acknowledged tasks (batches of up to 8 getResponse) until each is terminal. A 429 ends the
    wave early (its open tasks are polled first, like a client backing off) and the refused
    tasks are resent first with the same taskUUID (after `REFUSED_PAUSE` when nothing of the
    wave was accepted). Stops with TimeoutError past `deadline`."""
    queue = list(tasks)
    while queue:
        submitted: list[dict[str, Any]] = []
        refused: list[dict[str, Any]] = []
        while queue and len(submitted) < wave:
            size = rng.randint(1, 4)
            batch, queue = queue[:size], queue[size:]
            _check_deadline(deadline, ledger)
            for task in batch:
                ledger.sent[task["taskUUID"]] = task
            turned_away = await _submit(exchange, batch, ledger)
            refused += turned_away
            submitted += [task for task in batch if task not in turned_away]
            if turned_away:
                break  # at the cap: poll what is open before submitting more
        queue = refused + queue
        if refused and not submitted:
            await asyncio.sleep(REFUSED_PAUSE)  # a client backs off a 429 (bounded by deadline)
        outstanding = [t["taskUUID"] for t in submitted if t["taskUUID"] in ledger.acks]
        while outstanding:
            _check_deadline(deadline, ledger)
            batch_ids, outstanding = outstanding[:8], outstanding[8:]
            outstanding += await _poll(exchange, batch_ids, ledger)


async def _submit(exchange: Exchange, batch: list[dict[str, Any]], ledger: Ledger) -> list[dict]:
    """Submit `batch`; record acknowledgements; return the tasks refused with 429."""
    ledger.messages += 1
    by_uuid = {task["taskUUID"]: task for task in batch}
    answered: set[str] = set()
    refused = []
    ledger.in_flight += len(batch)
    try:
        replies = await exchange(batch)
    finally:
        ledger.in_flight -= len(batch)
    for status, body in replies:
        _note_server_error(status, body, ledger)
        for item in body.get("data", []):
            task_uuid = item.get("taskUUID")
            if task_uuid in by_uuid and set(item) == {"taskType", "taskUUID"}:
                ledger.acks[task_uuid] += 1
                answered.add(task_uuid)
            else:
                ledger.unexpected.append(f"submit answered {item!r}")
        for error in body.get("errors", []):
            task_uuid = error.get("taskUUID")
            if error.get("code") == RATE_LIMITED and task_uuid in by_uuid:
                refused.append(by_uuid[task_uuid])
                answered.add(task_uuid)
                ledger.refused += 1
            else:
                ledger.unexpected.append(f"submit ({status}) answered {error!r}")
    if answered != set(by_uuid):
        ledger.unexpected.append(f"no answer for {sorted(set(by_uuid) - answered)}")
    return refused


async def _poll(exchange: Exchange, task_uuids: list[str], ledger: Ledger) -> list[str]:
    """Poll `task_uuids`; record terminal answers; return those still processing."""
    ledger.messages += 1
    items: dict[str, list[dict[str, Any]]] = {task_uuid: [] for task_uuid in task_uuids}
    for status, body in await exchange([poll(task_uuid) for task_uuid in task_uuids]):
        _note_server_error(status, body, ledger)
        for item in body.get("data", []):
            if item.get("taskUUID") in items:
                items[item["taskUUID"]].append(item)
            else:
                ledger.unexpected.append(f"poll answered {item!r}")
        for error in body.get("errors", []):
            if error.get("taskUUID") not in items or error.get("code") != "timeoutProvider":
                ledger.unexpected.append(f"poll ({status}) answered {error!r}")
    still = []
    for task_uuid, found in items.items():
        statuses = {item.get("status") for item in found}
        if statuses == {"processing"} and len(found) == 1:
            still.append(task_uuid)
        elif statuses <= {"success", "error"} and found:
            ledger.finals.setdefault(task_uuid, found)
        else:
            ledger.unexpected.append(f"poll of {task_uuid} answered {found!r}")
    return still


def _note_server_error(status: int | None, body: dict[str, Any], ledger: Ledger) -> None:
    codes = [error.get("code") for error in body.get("errors", [])]
    if (status is not None and status >= 500) or "internalServerError" in codes:
        ledger.server_errors.append(f"{status} {body!r}"[:500])


def _check_deadline(deadline: float, ledger: Ledger) -> None:
    if time.monotonic() > deadline:
        raise TimeoutError(f"load did not finish in time: {ledger.summary()}")


def rest_exchange(client: httpx.AsyncClient, url: str) -> Exchange:
    """An `Exchange` over REST: one POST per request, one envelope back."""

    async def exchange(tasks: list[dict[str, Any]]) -> list[tuple[int | None, dict[str, Any]]]:
        response = await client.post(url, json=tasks, headers=AUTH)
        return [(response.status_code, response.json())]

    return exchange


def ws_exchange(connection: ClientConnection) -> Exchange:
    """An `Exchange` over an authenticated WebSocket: one message out, one frame per task back."""

    async def exchange(tasks: list[dict[str, Any]]) -> list[tuple[int | None, dict[str, Any]]]:
        await connection.send(json.dumps(tasks))
        return [(None, json.loads(await connection.recv())) for _ in tasks]

    return exchange


async def ws_authenticate(connection: ClientConnection) -> None:
    """Send the authentication message and check the reply."""
    await connection.send(json.dumps([{"taskType": "authentication", "apiKey": DEV_API_KEY}]))
    reply = json.loads(await connection.recv())
    assert reply["data"][0]["taskType"] == "authentication", reply
