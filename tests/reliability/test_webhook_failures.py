"""Webhook receivers that fail half the time, are slow, or are down: nothing is silently dropped.

Real receivers listen on 127.0.0.1: one answers 500 to a seeded half of its calls, one answers
after longer than the delivery timeout on a seeded half of its calls (the timeout is made
small for the test), and one is a bound port that never listens. Many tasks, with one to three
results each and a few failing while processing, name them as ``webhookURL``; the clock is
advanced so they all finish at once. Waits between attempts go to a recorder (no real
sleeping). Then, for every task: each of its webhooks (one per result, one for an error) was
either delivered within the attempt budget or journaled as failed on its last attempt; the
attempts are numbered 1..n with n at most the documented 5, every attempt is journaled with the
documented wait (0.5, 1, 2, 4 s); the receivers saw what the journal says; and tasks = delivered +
failed. The attempt count and waits are the README's ("Where Runware's protocol is unknown":
webhook retries), written here as literals, not read back from the delivery code.
"""

from __future__ import annotations

import asyncio
import random
import socket
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from runware_testkit.fake_server.app import create_app
from runware_testkit.fake_server.config import DEV_API_KEY, ServerConfig
from runware_testkit.fake_server.engine.clock import ManualClock
from runware_testkit.fake_server.state import ServerState
from runware_testkit.fake_server.uvicorn_thread import LiveServer

from .served import make_task

DELIVERY_TIMEOUT = 0.4
"""Seconds the fake waits for the slow receiver (10 by default, which the other tests keep so
a busy machine cannot turn a prompt answer into a timeout)."""
SLOW_ANSWER = 1.5
"""Seconds the slow receiver takes on its slow calls (more than `DELIVERY_TIMEOUT`)."""
RUNNING_SECONDS = 10
WEBHOOK = "webhook_attempt"
DOCUMENTED_ATTEMPTS = 5
"""Most attempts per webhook, as README.md documents (Runware publishes no retry count)."""
DOCUMENTED_WAITS = [0.5, 1.0, 2.0, 4.0]
"""Seconds waited after failed attempts 1..4, as README.md documents."""


@dataclass
class Receiver:
    """A loopback webhook receiver; records each call as (delivery key, status answered)."""

    seed: int
    calls: list[tuple[tuple[str, str], int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def app(self) -> Starlette:
        """Routes ``/flaky`` (500 on about half the calls) and ``/slow`` (half the calls
        answered after `SLOW_ANSWER` seconds)."""

        async def flaky(request: Request) -> Response:
            key = delivery_key(await request.json())
            status = 500 if self._rng.random() < 0.5 else 200
            self.calls.append((key, status))
            return JSONResponse({"ok": status == 200}, status_code=status)

        async def slow(request: Request) -> Response:
            key = delivery_key(await request.json())
            late = self._rng.random() < 0.5
            self.calls.append((key, 200))
            if late:
                await asyncio.sleep(SLOW_ANSWER)
            return JSONResponse({"ok": True})

        return Starlette(
            routes=[
                Route("/flaky", flaky, methods=["POST"]),
                Route("/slow", slow, methods=["POST"]),
            ]
        )


def delivery_key(payload: dict[str, Any]) -> tuple[str, str]:
    """(taskUUID, videoUUID or "error"): one webhook delivery of one task."""
    (item,) = payload["data"]
    return item["taskUUID"], item.get("videoUUID", "error")


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    """A running receiver and its base URL."""
    made = Receiver(seed=5)
    with LiveServer(made.app()) as live:
        yield made, live.base_url


@pytest.fixture
def down_url() -> Iterator[str]:
    """A URL on a loopback port that is bound (so nobody else takes it) but never listens."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/down"
    finally:
        sock.close()


@pytest.fixture
async def fake() -> AsyncIterator[tuple[ServerState, httpx.AsyncClient, list[float]]]:
    """An in-process fake on a manual clock (tasks run `RUNNING_SECONDS`), a client for it,
    and the recorded waits between delivery attempts (the delivery never sleeps)."""
    state = ServerState(
        ServerConfig(progression=f"time:{RUNNING_SECONDS}", seed=3), clock=ManualClock()
    )
    app = create_app(state=state)
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    state.delivery.sleep = record
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {DEV_API_KEY}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers=headers
    ) as client:
        yield state, client, waits
    await state.drain(30)
    state.engine.close()


async def submit_all(client: httpx.AsyncClient, tasks: list[dict[str, Any]]) -> None:
    """Submit `tasks` in batches of 50; every one must be acknowledged."""
    for start in range(0, len(tasks), 50):
        batch = tasks[start : start + 50]
        response = await client.post("/v1", json=batch)
        assert response.status_code == 200, response.text
        acked = [item["taskUUID"] for item in response.json()["data"]]
        assert acked == [task["taskUUID"] for task in batch]


def expected_deliveries(task: dict[str, Any]) -> int:
    """Webhooks a finished task owes: one per result, or one for an error."""
    return 1 if "[[testkit:error=" in task["positivePrompt"] else task["numberResults"]


def check_journal(
    state: ServerState, tasks: list[dict[str, Any]], waits: list[float]
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Every task's webhooks are accounted for in the journal, within the documented retries; the
    attempts of each delivery, by key."""
    policy = DOCUMENTED_WAITS
    limit = DOCUMENTED_ATTEMPTS
    assert state.journal.dropped == 0, "the journal overflowed; shrink the test"
    assert state.journal.entries("error") == [], state.journal.entries("error")[:2]
    attempts: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for entry in state.journal.entries(WEBHOOK):
        attempts[delivery_key(entry["body"])].append(entry)
    by_task = Counter(task_uuid for task_uuid, _ in attempts)
    for task in tasks:
        assert by_task[task["taskUUID"]] == expected_deliveries(task), task
    assert set(by_task) == {task["taskUUID"] for task in tasks}, "webhooks for unknown tasks"
    journaled_waits = []
    for key, entries in attempts.items():
        numbers = [entry["attempt"] for entry in entries]
        assert numbers == list(range(1, len(entries) + 1)), (key, numbers)
        assert len(entries) <= limit, (key, numbers)
        outcomes = [entry["outcome"] for entry in entries]
        last = outcomes[-1]
        assert outcomes[:-1] == ["retry"] * (len(entries) - 1), (key, outcomes)
        assert last == "delivered" or (last == "failed" and len(entries) == limit), outcomes
        assert [entry["retry_in"] for entry in entries[:-1]] == policy[: len(entries) - 1]
        assert entries[-1]["retry_in"] is None
        for entry in entries:
            assert (entry["error"] is None) == (entry["outcome"] == "delivered"), entry
        journaled_waits += policy[: len(entries) - 1]
    assert sorted(waits) == sorted(journaled_waits), "a wait was taken that no attempt recorded"
    return attempts


async def run(state: ServerState, client: httpx.AsyncClient, tasks: list[dict[str, Any]]) -> None:
    """Submit, finish every task at once through the control API, wait for the deliveries."""
    await submit_all(client, tasks)
    response = await client.post("/__testkit/clock/advance", json={"seconds": RUNNING_SECONDS})
    assert response.status_code == 200, response.text
    assert len(response.json()["finished"]) == len(tasks)
    await state.drain(120)
    assert state.pending_jobs() == 0, "deliveries still running after the drain deadline"


def webhook_tasks(seed: int, url: str, count: int) -> list[dict[str, Any]]:
    """`count` tasks sending their webhooks to `url`, about one in ten failing."""
    rng = random.Random(seed)
    return [make_task(rng, fail=rng.random() < 0.1, webhookURL=url) for _ in range(count)]


def outcome_counts(attempts: dict[tuple[str, str], list[dict[str, Any]]]) -> Counter[str]:
    """How many deliveries ended delivered / failed."""
    return Counter(entries[-1]["outcome"] for entries in attempts.values())


async def test_receiver_failing_half_the_time(fake, receiver) -> None:
    """500 on a seeded half of the calls: most webhooks get through on a retry, a few run out
    of attempts and are journaled as failed; the receiver saw exactly the journaled attempts."""
    state, client, waits = fake
    seen, base = receiver
    tasks = webhook_tasks(41, f"{base}/flaky", 40)
    await run(state, client, tasks)
    attempts = check_journal(state, tasks, waits)
    outcomes = outcome_counts(attempts)
    assert outcomes["delivered"] + outcomes["failed"] == len(attempts)
    assert outcomes["delivered"] > 0 and sum(len(e) for e in attempts.values()) > len(attempts)
    calls: dict[tuple[str, str], list[int]] = defaultdict(list)
    for key, status in seen.calls:
        calls[key].append(status)
    for key, entries in attempts.items():
        assert calls[key] == [entry["status"] for entry in entries], key
        assert calls[key].count(200) == (1 if entries[-1]["outcome"] == "delivered" else 0)


async def test_slow_receiver(fake, receiver) -> None:
    """Half the calls are answered after the delivery timeout: those attempts are journaled as
    timeouts and retried; every webhook ends delivered or failed after its last attempt."""
    state, client, waits = fake
    state.delivery.timeout = DELIVERY_TIMEOUT
    seen, base = receiver
    tasks = webhook_tasks(42, f"{base}/slow", 30)
    await run(state, client, tasks)
    attempts = check_journal(state, tasks, waits)
    timeouts = [e for entries in attempts.values() for e in entries if e["error"] is not None]
    assert timeouts, "no call was slow enough to time out"
    assert all(e["error"].startswith("timeout after") for e in timeouts), timeouts[:2]
    received = Counter(key for key, _ in seen.calls)
    for key, entries in attempts.items():
        assert received[key] >= sum(1 for e in entries if e["outcome"] == "delivered")


async def test_receiver_down(fake, down_url) -> None:
    """Nothing listens: every webhook makes all 5 documented attempts (connection refused,
    waiting 0.5, 1, 2, 4 s) and is journaled as failed; none is lost."""
    state, client, waits = fake
    tasks = webhook_tasks(43, down_url, 40)
    await run(state, client, tasks)
    attempts = check_journal(state, tasks, waits)
    assert outcome_counts(attempts) == {"failed": sum(map(expected_deliveries, tasks))}
    for entries in attempts.values():
        assert len(entries) == DOCUMENTED_ATTEMPTS
        assert all(e["status"] is None and e["sent"] for e in entries)
    assert sorted(waits) == sorted(DOCUMENTED_WAITS * len(attempts))


@pytest.mark.soak
async def test_all_three_receivers_at_once_soak(fake, receiver, down_url) -> None:
    """600 tasks spread over the failing, slow and dead receivers in one run."""
    state, client, waits = fake
    state.delivery.timeout = DELIVERY_TIMEOUT
    _, base = receiver
    tasks = [
        *webhook_tasks(51, f"{base}/flaky", 250),
        *webhook_tasks(52, f"{base}/slow", 100),
        *webhook_tasks(53, down_url, 250),
    ]
    random.Random(54).shuffle(tasks)
    await run(state, client, tasks)
    attempts = check_journal(state, tasks, waits)
    assert sum(outcome_counts(attempts).values()) == sum(map(expected_deliveries, tasks))
