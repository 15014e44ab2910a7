"""Bounded load on a real ``runware-testkit serve`` process, over loopback only.

64 concurrent clients (REST and WebSocket mixed, both paths share the engine) submit thousands
of tasks of both models, some with ``numberResults`` > 1 and some set to fail while processing,
and poll each of their own tasks to the end. Then: every acknowledged task reached a terminal
state through polling with the right number of results, the server holds exactly the
acknowledged set (nothing lost, nothing duplicated, no ghost), and nothing answered 5xx. A 429
``rateLimitExceeded`` (per-key cap on open tasks) is a legitimate refusal: the task is retried
with the same taskUUID, which must then be accepted as new. Where a run pushes past the cap, the
cap must also have held: replaying every held task's ``created_at`` / ``finished_at`` (the
control API's task records), the key never had more tasks open at once than the cap.
"""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest
from websockets.asyncio.client import connect

from runware_testkit.fake_server.app import create_app
from runware_testkit.fake_server.config import Limits, ServerConfig
from runware_testkit.fake_server.uvicorn_thread import LiveServer

from .served import (
    Ledger,
    Served,
    control_get,
    drive,
    make_task,
    rest_exchange,
    ws_authenticate,
    ws_exchange,
)

CLIENTS = 64
WS_CLIENTS = 24
"""Of the `CLIENTS`, how many speak WebSocket (the rest REST)."""
FAILING_SHARE = 0.05
OPEN_TASK_CAP = 24
"""The cap the capped load test sets (`Limits.max_open_tasks`)."""
SERVE_OPEN_TASK_CAP = 1000
"""The open-task cap per key of ``runware-testkit serve`` when none is given (`Limits`)."""


class Endpoint(Protocol):
    """Where the load goes: a `Served` process or a `LiveServer`."""

    base_url: str
    rest_url: str
    ws_url: str


async def run_load(
    served: Endpoint, *, tasks: int, seed: int, deadline_s: float, wave: int = 12
) -> Ledger:
    """Run `CLIENTS` clients submitting `tasks` tasks in all; the ledger of what they saw.

    Fails the test (instead of hanging) when the whole run takes more than `deadline_s`.
    """
    rng = random.Random(seed)
    everything = [make_task(rng, fail=rng.random() < FAILING_SHARE) for _ in range(tasks)]
    shares = [everything[index::CLIENTS] for index in range(CLIENTS)]
    ledger = Ledger()
    deadline = time.monotonic() + deadline_s

    async def rest_client(index: int) -> None:
        limits = httpx.Limits(max_connections=1)
        async with httpx.AsyncClient(trust_env=False, timeout=30, limits=limits) as client:
            exchange = rest_exchange(client, served.rest_url)
            await drive(
                exchange,
                shares[index],
                ledger,
                rng=random.Random(seed + index),
                deadline=deadline,
                wave=wave,
            )

    async def ws_client(index: int) -> None:
        async with connect(served.ws_url, proxy=None, max_size=None, open_timeout=30) as ws:
            await ws_authenticate(ws)
            await drive(
                ws_exchange(ws),
                shares[index],
                ledger,
                rng=random.Random(seed + index),
                deadline=deadline,
                wave=wave,
            )

    clients = [ws_client(i) if i < WS_CLIENTS else rest_client(i) for i in range(CLIENTS)]
    try:
        async with asyncio.timeout(deadline_s + 5):
            await asyncio.gather(*clients)
    except TimeoutError as exc:
        pytest.fail(f"load did not finish within {deadline_s} s: {ledger.summary()} ({exc})")
    return ledger


def check_outcome(served: Endpoint, ledger: Ledger) -> None:
    """Every acknowledged task is terminal with its results, and the server holds exactly them."""
    assert ledger.server_errors == [], ledger.server_errors[:5]
    assert ledger.unexpected == [], ledger.unexpected[:5]
    twice = {task_uuid: n for task_uuid, n in ledger.acks.items() if n != 1}
    assert twice == {}, f"acknowledged more than once: {twice}"
    assert ledger.acked == set(ledger.sent), "a submitted task was never acknowledged"
    not_terminal = ledger.acked - set(ledger.finals)
    assert not not_terminal, f"{len(not_terminal)} acknowledged tasks never ended"
    video_uuids: list[str] = []
    for task_uuid, items in ledger.finals.items():
        task = ledger.sent[task_uuid]
        if "[[testkit:error=" in task["positivePrompt"]:
            assert [item["status"] for item in items] == ["error"], items
            assert items[0]["error"]["code"] == "timeoutProvider"
            continue
        assert len(items) == task["numberResults"], (task, items)
        assert {item["status"] for item in items} == {"success"}
        video_uuids += [item["videoUUID"] for item in items]
    assert len(video_uuids) == len(set(video_uuids)), "a videoUUID was handed out twice"

    held = control_get(served.base_url, "tasks")["tasks"]
    held_uuids = [task["task_uuid"] for task in held]
    assert len(held_uuids) == len(set(held_uuids)), "the server lists a task twice"
    assert set(held_uuids) - ledger.acked == set(), "the server holds tasks nobody had acked"
    assert ledger.acked - set(held_uuids) == set(), "acknowledged tasks are missing"
    for record in held:
        assert record["status"] in ("success", "error"), record
        results = record["results"]
        expected = 0 if record["status"] == "error" else record["request"].get("numberResults", 1)
        assert len(results) == expected, record


def peak_open_tasks(held: list[dict[str, Any]]) -> int:
    """Most tasks open at once among `held` (control API task records of one key), replaying
    each task's ``created_at`` (+1) and ``finished_at`` (-1); a finish and a submission stamped
    at the same instant count the finish first."""
    events = [(record["created_at"], 1) for record in held]
    events += [(record["finished_at"], -1) for record in held if record["finished_at"] is not None]
    open_now = peak = 0
    for _, change in sorted(events):
        open_now += change
        peak = max(peak, open_now)
    return peak


def check_cap_held(served: Endpoint, cap: int) -> int:
    """The server never had more than `cap` tasks of the one load key open at once; the peak."""
    held = control_get(served.base_url, "tasks")["tasks"]
    assert len({record["api_key"] for record in held}) == 1, "the load uses one API key"
    peak = peak_open_tasks(held)
    assert peak <= cap, f"{peak} tasks were open at once under a cap of {cap}"
    return peak


def test_peak_open_tasks_counts_overlaps() -> None:
    """The replay counts overlapping tasks, not finished ones, and lets a task start at the
    instant another ends."""
    held = [
        {"created_at": 0.0, "finished_at": 2.0},
        {"created_at": 1.0, "finished_at": 3.0},
        {"created_at": 2.0, "finished_at": None},
        {"created_at": 2.5, "finished_at": 2.6},
    ]
    assert peak_open_tasks(held) == 3
    assert peak_open_tasks(held[:2]) == 2
    assert peak_open_tasks([]) == 0


def test_load_64_clients_rest_and_websocket() -> None:
    """2,000 tasks from 64 clients on an in-memory server; nothing lost, duplicated or 5xx."""
    with Served(None, progression="polls:1", seed=11) as served:
        ledger = asyncio.run(run_load(served, tasks=2000, seed=11, deadline_s=60))
        check_outcome(served, ledger)
    print(f"load: {ledger.summary()}")


def test_load_over_the_open_task_cap_is_refused_with_429_and_retried() -> None:
    """With a cap of 24 open tasks per key and 64 clients pushing waves of 6, submissions are
    refused with 429; a refused taskUUID was not stored, so resending it is accepted as new,
    and the end state is still exactly the acknowledged set."""
    config = ServerConfig(
        progression="polls:1", seed=13, limits=Limits(max_open_tasks=OPEN_TASK_CAP)
    )
    with LiveServer(create_app(config)) as live:
        ledger = asyncio.run(run_load(live, tasks=256, seed=13, deadline_s=60, wave=6))
        check_outcome(live, ledger)
        peak = check_cap_held(live, OPEN_TASK_CAP)
    assert ledger.refused > 0, ledger.summary()
    assert peak == OPEN_TASK_CAP, f"the load never filled the cap (peak {peak})"
    print(f"capped load: {ledger.summary()} peak open={peak}")


@pytest.mark.soak
def test_load_soak_sqlite(tmp_path: Path) -> None:
    """12,000 tasks from 64 clients on an SQLite-backed server, in waves large enough to reach
    the 1,000 open-task cap."""
    state = tmp_path / "soak.sqlite3"
    with Served(state, progression="polls:2", seed=12) as served:
        ledger = asyncio.run(run_load(served, tasks=12_000, seed=12, deadline_s=600, wave=24))
        check_outcome(served, ledger)
        peak = check_cap_held(served, SERVE_OPEN_TASK_CAP)
    print(f"soak load: {ledger.summary()} peak open={peak}")
