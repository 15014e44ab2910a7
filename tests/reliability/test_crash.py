"""``kill -9`` under load with SQLite state: after a restart every acknowledged task is there.

A ``runware-testkit serve --state FILE`` process takes submissions and polls from REST and
WebSocket clients; once a round has had a given number of acknowledgements the process gets
SIGKILL while submissions are still in flight. It is restarted on the same file and must hold
every task whose submission was acknowledged (a 200 with its taskUUID in ``data``), each
pollable to a terminal state with the results clients had already seen. A submission cut off
before its answer may or may not have been stored; whatever the server holds must be something
a client sent, listed once.
"""

from __future__ import annotations

import asyncio
import random
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from .served import (
    Ledger,
    Served,
    drive,
    make_task,
    poll,
    rest_exchange,
    ws_authenticate,
    ws_exchange,
)

REST_CLIENTS = 8
WS_CLIENTS = 4
TASKS_PER_CLIENT = 80
ROUND_DEADLINE = 45.0
CUT = (httpx.TransportError, ConnectionClosed, InvalidHandshake, OSError)
"""What a client sees when the server dies under it."""


async def load_until_killed(served: Served, ledger: Ledger, *, seed: int, kill_after: int) -> int:
    """Run the clients against `served` and SIGKILL it once this round has had `kill_after`
    acknowledgements; return how many submitted tasks were then still without an answer."""
    rng = random.Random(seed)
    count = REST_CLIENTS + WS_CLIENTS
    assert kill_after < count * TASKS_PER_CLIENT
    shares = [[make_task(rng) for _ in range(TASKS_PER_CLIENT)] for _ in range(count)]
    before = len(ledger.acks)
    deadline = time.monotonic() + ROUND_DEADLINE
    killed = asyncio.Event()

    async def client(index: int) -> None:
        own = random.Random(seed * 1000 + index)
        try:
            if index < WS_CLIENTS:
                async with connect(served.ws_url, proxy=None, max_size=None) as ws:
                    await ws_authenticate(ws)
                    await drive(ws_exchange(ws), shares[index], ledger, rng=own, deadline=deadline)
            else:
                async with httpx.AsyncClient(trust_env=False, timeout=30) as http:
                    exchange = rest_exchange(http, served.rest_url)
                    await drive(exchange, shares[index], ledger, rng=own, deadline=deadline)
        except CUT:
            if not killed.is_set():
                raise

    async def killer() -> int:
        while len(ledger.acks) - before < kill_after:
            if time.monotonic() > deadline:
                raise TimeoutError(f"never reached {kill_after} acks: {ledger.summary()}")
            await asyncio.sleep(0.005)
        unanswered = ledger.in_flight
        served.proc.send_signal(signal.SIGKILL)
        killed.set()
        return unanswered

    async with asyncio.timeout(ROUND_DEADLINE + 10):
        kill = asyncio.create_task(killer())
        await asyncio.gather(kill, *(client(index) for index in range(count)))
        return kill.result()


def poll_to_end(served: Served, task_uuids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Poll every task (batches of 50, at most 5 rounds) until none is processing."""
    finals: dict[str, list[dict[str, Any]]] = {}
    waiting = list(task_uuids)
    for _ in range(5):
        still = []
        for start in range(0, len(waiting), 50):
            batch = waiting[start : start + 50]
            status, body = served.call(*(poll(task_uuid) for task_uuid in batch))
            assert status == 200, body
            items: dict[str, list[dict[str, Any]]] = {task_uuid: [] for task_uuid in batch}
            for item in body["data"]:
                items[item["taskUUID"]].append(item)
            for task_uuid, found in items.items():
                if [item["status"] for item in found] == ["processing"]:
                    still.append(task_uuid)
                else:
                    finals[task_uuid] = found
        waiting = still
        if not waiting:
            return finals
    raise AssertionError(f"{len(waiting)} tasks still processing after 5 polls")


def check_after_restart(served: Served, ledger: Ledger) -> None:
    """Every acknowledged task is held once and pollable to the end, with the results clients
    already saw; the server holds nothing nobody sent."""
    held = [task["task_uuid"] for task in served.control("tasks")["tasks"]]
    assert len(held) == len(set(held)), "a task is listed twice"
    missing = ledger.acked - set(held)
    assert not missing, (
        f"{len(missing)} acknowledged tasks lost by the crash: {sorted(missing)[:3]}"
    )
    assert set(held) <= set(ledger.sent), "the server holds a task nobody sent"
    finals = poll_to_end(served, held)
    for task_uuid, items in finals.items():
        task = ledger.sent[task_uuid]
        assert [item["status"] for item in items] == ["success"] * task["numberResults"], items
        seen = ledger.finals.get(task_uuid)
        if seen is not None:
            assert [i["videoUUID"] for i in items] == [i["videoUUID"] for i in seen]
        ledger.finals[task_uuid] = items


def crash_rounds(tmp_path: Path, kills: list[int], seed: int) -> None:
    """Load, kill -9 and restart once per entry of `kills` (acks before the kill), checking
    after every restart; at least one kill must have cut submissions off mid-flight."""
    state = tmp_path / "state" / "crash.sqlite3"
    state.parent.mkdir()
    ledger = Ledger()
    cut_off = []
    served = Served(state, progression="polls:1")
    try:
        for round_no, kill_after in enumerate(kills):
            seed_round = seed + round_no
            cut_off.append(
                asyncio.run(
                    load_until_killed(served, ledger, seed=seed_round, kill_after=kill_after)
                )
            )
            served.kill_hard()
            assert served.proc.returncode == -signal.SIGKILL
            served = Served(state, progression="polls:1")
            check_after_restart(served, ledger)
            assert not ledger.server_errors and not ledger.unexpected, ledger.summary()
    finally:
        served.stop()
    assert sum(cut_off) > 0, "no kill landed while submissions were in flight"
    print(f"crash: {ledger.summary()} cut off per kill: {cut_off}")


def test_acknowledged_tasks_survive_three_kills_under_load(tmp_path: Path) -> None:
    """Three SIGKILLs at different moments (after 25, 150 and 400 acknowledgements)."""
    crash_rounds(tmp_path, [25, 150, 400], seed=21)


@pytest.mark.soak
def test_acknowledged_tasks_survive_many_kills_soak(tmp_path: Path) -> None:
    """Twelve SIGKILLs, from right after start-up to late in a round."""
    crash_rounds(tmp_path, [1, 5, 40, 90, 200, 300, 450, 600, 700, 800, 900, 120], seed=31)
