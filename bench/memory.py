"""Peak RSS of ``runware-testkit serve`` holding 100,000 finished tasks, in memory and SQLite.

For each store a fresh ``runware-testkit serve --progression immediate`` process (``--memory``,
then ``--state`` on a new SQLite file under ``.bench-out/``) is filled through its own REST API:
POST /v1 arrays of ``Limits.max_tasks_per_request`` (100) runway:2@1 videoInference tasks,
4 requests in flight, every one answered 200 with one acknowledgement per task. Under
``immediate`` a task is finished the first time it is read, and every submit reads the open
tasks to enforce the open-task cap, so each batch finishes the one before it; a last request
polls the final batch (``getResponse``), after which every task has succeeded.

The server's peak RSS (``VmHWM`` in ``/proc/PID/status``) is read right then, and its RSS
after start-up (a ping answered) is the baseline: "per task" is (peak - baseline) / tasks.
Afterwards the control API confirms that no task is still processing. Each fill stops at
``--seconds`` even if not complete (the row then says how many tasks it holds).

    python bench/memory.py [--tasks 100000] [--seconds 240] [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
import uuid
from typing import Any

import httpx
from common import HEADERS, OUT, fmt, machine, serve_subprocess, video_task, write_json

BATCH = 100
IN_FLIGHT = 4
MiB = 1024 * 1024


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in bytes."""
    found = {}
    with open(f"/proc/{pid}/status", encoding="utf-8") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) * 1024
    return found


def batch_body(rng: random.Random, size: int) -> tuple[bytes, list[str]]:
    """One POST body of ``size`` fresh tasks and their taskUUIDs."""
    tasks = [
        video_task(str(uuid.UUID(int=rng.getrandbits(128), version=4)), seed=rng.randrange(10**6))
        for _ in range(size)
    ]
    return json.dumps(tasks).encode(), [t["taskUUID"] for t in tasks]


async def fill(base_url: str, tasks: int, seconds: float) -> dict[str, Any]:
    """Submit ``tasks`` tasks in batches, then poll the last batch; counts and seconds."""
    rng = random.Random(f"memory-{tasks}")
    sent = acked = 0
    last: list[str] = []
    deadline = time.perf_counter() + seconds
    start = time.perf_counter()
    async with httpx.AsyncClient(base_url=base_url, timeout=60, trust_env=False) as client:

        async def worker() -> None:
            nonlocal sent, acked, last
            while sent < tasks and time.perf_counter() < deadline:
                size = min(BATCH, tasks - sent)
                sent += size
                body, uuids = batch_body(rng, size)
                response = await client.post("/v1", content=body, headers=HEADERS)
                data = response.json().get("data", [])
                if response.status_code != 200 or len(data) != size:
                    raise RuntimeError(f"HTTP {response.status_code}: {response.text[:300]}")
                acked += size
                last = uuids
                if acked % 20_000 == 0:
                    print(f"  {acked:,} tasks, {time.perf_counter() - start:.0f} s", flush=True)

        await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
        polls = [{"taskType": "getResponse", "taskUUID": u} for u in last]
        response = await client.post("/v1", json=polls, headers=HEADERS)
        response.raise_for_status()
    return {"tasks": acked, "complete": acked == tasks, "fill_s": time.perf_counter() - start}


def measure(tasks: int, seconds: float, state: str | None) -> dict[str, Any]:
    """Fill one fresh server and read its memory figures."""
    with serve_subprocess("--seed", "7", state=state) as (base_url, proc):
        baseline = proc_status(proc.pid)["VmRSS"]
        row = asyncio.run(fill(base_url, tasks, seconds))
        status = proc_status(proc.pid)
        with httpx.Client(base_url=base_url, timeout=120, trust_env=False) as client:
            open_tasks = client.get("/__testkit/tasks", params={"status": "processing"})
            open_tasks.raise_for_status()
    row.update(
        baseline_mib=baseline / MiB,
        rss_mib=status["VmRSS"] / MiB,
        peak_mib=status["VmHWM"] / MiB,
        bytes_per_task=(status["VmHWM"] - baseline) / max(1, row["tasks"]),
        still_processing=len(open_tasks.json()["tasks"]),
    )
    return row


def main() -> None:
    """Parse arguments, fill both stores, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000, help="finished tasks to hold")
    parser.add_argument("--seconds", type=float, default=240.0, help="cap per fill")
    parser.add_argument("--quick", action="store_true", help="smoke run: 2,000 tasks")
    parser.add_argument("--json", help="write the figures to this JSON file")
    args = parser.parse_args()
    tasks = 2_000 if args.quick else args.tasks
    print(machine())
    OUT.mkdir(exist_ok=True)
    result: dict[str, Any] = {"tasks": tasks, "memory": measure(tasks, args.seconds, None)}
    with tempfile.TemporaryDirectory(dir=OUT) as scratch:
        result["sqlite"] = measure(tasks, args.seconds, f"{scratch}/state.sqlite3")
    print(f"\n{tasks:,} finished tasks (batches of {BATCH}, {IN_FLIGHT} in flight)")
    print(
        f"{'store':<8} {'tasks':>8} {'fill s':>7} {'baseline MiB':>12} {'peak MiB':>9} "
        f"{'bytes/task':>10} {'processing':>10}"
    )
    for name in ("memory", "sqlite"):
        row = result[name]
        print(
            f"{name:<8} {row['tasks']:>8,} {row['fill_s']:>7.1f} {row['baseline_mib']:>12.1f} "
            f"{row['peak_mib']:>9.1f} {fmt(row['bytes_per_task']):>10} "
            f"{row['still_processing']:>10}"
        )
    write_json(args.json, result)


if __name__ == "__main__":
    main()
