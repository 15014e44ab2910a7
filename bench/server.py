"""REST submit throughput against Prism, and the kit's full round trip, on loopback only.

Part 1 starts ``runware-testkit serve --memory --port 0 --progression immediate``, the same
with ``--state`` on a new SQLite file (what ``serve`` does by default), and Prism
(``prism mock`` of the kit's exported OpenAPI document, see bench/prism.py) as separate
processes and loads both with autocannon (npm ``autocannon@8``, driven by bench/loadgen.mjs,
see bench/autocannon.py): one runway:2@1 videoInference task per POST /v1, every request with
a fresh UUID v4 taskUUID drawn from a per-level seed (the kit refuses duplicates), so both
servers receive the very same sequence of bodies. 1, 16 and 64 connections (pipelining 1),
each level a warm-up of ``--warmup-seconds`` and then ``--level-seconds`` measured, kit and
Prism alternating level by level; the CPU used by the client and by the server is recorded.
Every load request must be answered 200 (no other status, no connection error or timeout):
otherwise the tables and JSON are still written and the script then exits with an error.
Before measuring, both must answer the valid body 200 and an invalid one (unknown
outputFormat, no inputs.video) 4xx, so both really validate. Prism is stateless, so only the
submit call is compared.

Without node/npm or autocannon the load comes from bench/loadgen.py (asyncio + httpx in this
process), which on 2 cores runs out of CPU before the servers at 16 and 64 clients; the peer
column then says so ("n/a (...)").

Under ``immediate`` progression the open-task cap (``Limits.max_open_tasks``, 1000 per key)
is never reached by submit-only load: every submit re-derives the key's open tasks and an
``immediate`` task is finished the first time it is read, so at most one task is open.

Part 2 (kit only) times one full async round trip (submit, poll to success, download the video
from videoURL) in-process (httpx.ASGITransport, no sockets) and against the live server, with
a fresh random seed per task (every video is encoded) and with one fixed seed (the server's
video cache answers after the first run); the first run is reported on its own.

    python bench/server.py [--level-seconds 6] [--warmup-seconds 1] [--runs 20]
        [--trip-seconds 5] [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from autocannon import MARKER, ensure_autocannon, run_autocannon
from common import (
    HEADERS,
    OUT,
    fmt,
    free_port,
    machine,
    serve_subprocess,
    video_task,
    write_json,
)
from loadgen import run_load
from npm import NodeUnavailable
from prism import PrismUnavailable, prism_server, prism_version

from runware_testkit.fake_server.app import create_app
from runware_testkit.fake_server.config import ServerConfig

LEVELS = (1, 16, 64)
MAX_BODIES = 20_000
"""Bodies built per level for the Python fallback generator (autocannon builds its own)."""
MAX_POLLS = 20
PYTHON_GENERATOR = "bench/loadgen.py (asyncio + httpx, one Python process)"

Load = Callable[[str, str, int, float, int | None], dict[str, Any]]
"""(URL, seed, clients, seconds, server pid) -> the row of one measured level."""


def bodies(name: str, count: int) -> list[bytes]:
    """``count`` POST bodies, each one valid task with a taskUUID drawn from seed ``name``."""
    rng = random.Random(name)
    return [
        json.dumps([video_task(str(uuid.UUID(int=rng.getrandbits(128), version=4)))]).encode()
        for _ in range(count)
    ]


def invalid_body() -> bytes:
    """One task with two violations (unknown outputFormat, no inputs.video)."""
    task = video_task()
    task["outputFormat"] = "AVI"
    task["inputs"] = {}
    return json.dumps([task]).encode()


def check_validates(url: str) -> dict[str, int]:
    """HTTP statuses answered to a valid and an invalid body; raises unless 200 and 4xx."""
    with httpx.Client(trust_env=False, timeout=10) as client:
        valid = client.post(url, content=bodies("check", 1)[0], headers=HEADERS).status_code
        invalid = client.post(url, content=invalid_body(), headers=HEADERS).status_code
    if valid != 200 or not 400 <= invalid < 500:
        raise RuntimeError(f"{url}: valid body -> {valid}, invalid body -> {invalid}")
    return {"valid": valid, "invalid": invalid}


async def poll_until_done(client: httpx.AsyncClient, task_uuid: str) -> dict[str, Any]:
    """POST getResponse until the task is no longer processing; its final item."""
    poll = [{"taskType": "getResponse", "taskUUID": task_uuid}]
    for _ in range(MAX_POLLS):
        response = await client.post("/v1", json=poll, headers=HEADERS)
        item = response.json()["data"][0]
        if item.get("status") != "processing":
            if item.get("status") != "success":
                raise RuntimeError(f"task ended with {item}")
            return item
    raise RuntimeError(f"task still processing after {MAX_POLLS} polls")


async def full_trip(client: httpx.AsyncClient, seed: int | None) -> tuple[float, int]:
    """Seconds for submit -> success -> video download, and the video's size in bytes."""
    start = time.perf_counter()
    task = video_task(seed=seed)
    (await client.post("/v1", json=[task], headers=HEADERS)).raise_for_status()
    item = await poll_until_done(client, task["taskUUID"])
    response = await client.get(item["videoURL"])
    response.raise_for_status()
    return time.perf_counter() - start, len(response.content)


async def trips_with(
    client: httpx.AsyncClient, runs: int, seconds: float, seed: int | None
) -> dict[str, Any]:
    """First and median-of-the-rest wall time of at most ``runs`` full round trips."""
    times, size = [], 0
    deadline = time.perf_counter() + seconds
    for _ in range(runs):
        elapsed, size = await full_trip(client, seed)
        times.append(elapsed)
        if time.perf_counter() > deadline:
            break
    rest = times[1:] or times
    return {
        "runs": len(times),
        "first_ms": 1000 * times[0],
        "median_ms": 1000 * statistics.median(rest),
        "video_bytes": size,
    }


async def full_trips(client: httpx.AsyncClient, runs: int, seconds: float) -> dict[str, Any]:
    """Full round trips with a fresh random seed each, then with one fixed seed."""
    return {
        "fresh seed": await trips_with(client, runs, seconds, None),
        "fixed seed": await trips_with(client, runs, seconds, 42),
    }


async def in_process_trips(runs: int, seconds: float) -> dict[str, Any]:
    """`full_trips` against the app through httpx.ASGITransport, lifespan included."""
    app = create_app(ServerConfig(progression="immediate"))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", timeout=30
        ) as client:
            return await full_trips(client, runs, seconds)


async def live_trips(base_url: str, runs: int, seconds: float) -> dict[str, Any]:
    """`full_trips` against the live server."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30, trust_env=False) as client:
        return await full_trips(client, runs, seconds)


def autocannon_load(warmup_seconds: float) -> Load:
    """Levels measured by autocannon: a warm-up, then the measured run, one node process."""
    template = json.dumps([video_task(MARKER)]).encode()

    def load(url: str, seed: str, clients: int, seconds: float, pid: int | None) -> dict[str, Any]:
        return run_autocannon(url, template, seed, clients, seconds, warmup_seconds, pid)

    return load


def python_load(warmup_seconds: float) -> Load:
    """Levels measured by the Python generator (bench/loadgen.py), warm-up included."""

    def load(url: str, seed: str, clients: int, seconds: float, pid: int | None) -> dict[str, Any]:
        warm = run_load(url, bodies(f"{seed}/warm-up", MAX_BODIES), clients, warmup_seconds)
        row = run_load(url, bodies(seed, MAX_BODIES), clients, seconds)
        row["warmup"] = {key: warm[key] for key in ("requests", "statuses", "errors")}
        return row

    return load


def pick_generator(warmup_seconds: float) -> tuple[dict[str, Any], Load]:
    """autocannon if it can run here, else the Python generator and the reason."""
    try:
        version = ensure_autocannon()
    except NodeUnavailable as exc:
        return {"name": PYTHON_GENERATOR, "fallback": str(exc)}, python_load(warmup_seconds)
    return {"name": f"autocannon {version}"}, autocannon_load(warmup_seconds)


def submit_levels(
    load: Load,
    kit: tuple[str, int],
    prism: tuple[str, int] | None,
    seconds: float,
    kit_sqlite: tuple[str, int] | None = None,
) -> dict[str, Any]:
    """Every server ((URL, pid) each), level by level, the same seed per level for all;
    Prism's rows absent without Prism. ``kit`` keeps its tasks in memory (``--memory``),
    ``kit_sqlite`` in an SQLite file (``--state``, what ``serve`` does by default)."""
    rows: dict[str, dict[str, Any]] = {"kit": {}, "kit_sqlite": {}, "prism": {}}
    servers = (("kit", kit), ("kit_sqlite", kit_sqlite), ("prism", prism))
    for clients in LEVELS:
        for name, server in servers:
            if server is not None:
                url, pid = server
                rows[name][str(clients)] = load(url, f"level-{clients}", clients, seconds, pid)
    return rows


def unanswered(submit: dict[str, Any]) -> list[str]:
    """Every level (warm-up included) where a request was not answered 200, and how."""
    problems = []
    for name, levels in submit.items():
        for clients, row in levels.items():
            for part, figures in (("measured", row), ("warm-up", row.get("warmup") or {})):
                statuses = figures.get("statuses", {})
                errors = figures.get("errors", 0) + figures.get("timeouts", 0)
                if set(statuses) - {"200"} or errors:
                    problems.append(
                        f"{name}, {clients} clients, {part}: statuses {statuses}, "
                        f"{errors} errors/timeouts"
                    )
    return problems


def percent(value: float | None) -> str:
    """``12 %``, or ``-`` when not measured."""
    return "-" if value is None else f"{value:.0f} %"


def print_tables(result: dict[str, Any]) -> None:
    """The human tables."""
    peer, generator = result["peer"], result["generator"]
    print(f"\nSubmit one videoInference task per POST /v1; peer: Prism {peer['version']}")
    print(f"load generator: {generator['name']}", end="")
    print(f" (fallback: {generator['fallback']})" if generator.get("fallback") else "")
    print(
        f"{'server':<15} {'clients':>7} {'requests':>8} {'req/s':>8} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'client CPU':>10} {'server CPU':>10}  statuses"
    )
    labels = (("kit", "runware-testkit"), ("kit_sqlite", "kit, SQLite"), ("prism", "Prism"))
    for name, label in labels:
        for clients, row in result["submit"].get(name, {}).items():
            cpu = [percent(row.get(key)) for key in ("client_cpu_pct", "server_cpu_pct")]
            print(
                f"{label:<15} {clients:>7} {row['requests']:>8} {fmt(row['rps'], 1):>8} "
                f"{fmt(row['p50_ms'], 2):>8} {fmt(row['p99_ms'], 2):>8} "
                f"{cpu[0]:>10} {cpu[1]:>10}  {row['statuses']}"
            )
    if peer.get("unavailable"):
        print(f"Prism: n/a ({peer['unavailable']})")
    print("\nFull round trip (kit): submit -> success -> download video")
    print(f"{'mode':<11} {'seed':<11} {'runs':>4} {'first ms':>9} {'median ms':>10} {'bytes':>8}")
    for mode, rows in result["round_trip"].items():
        for seed, row in rows.items():
            print(
                f"{mode:<11} {seed:<11} {row['runs']:>4} {row['first_ms']:>9.1f} "
                f"{row['median_ms']:>10.2f} {row['video_bytes']:>8}"
            )


def peer_note(prism_problem: str | None, generator: dict[str, Any]) -> str | None:
    """What the peer column says instead of "Prism" (None when the comparison is sound)."""
    fallback = generator.get("fallback")
    if prism_problem and fallback:
        return f"{prism_problem}; kit loaded by the Python client"
    if fallback:
        return f"Python client, client-bound at 16+ clients: {fallback}"
    return prism_problem


def main() -> None:
    """Parse arguments, run both parts, print the tables and write the JSON; exit with an
    error if a load request was not answered 200."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--level-seconds", type=float, default=6.0, help="time per level")
    parser.add_argument("--warmup-seconds", type=float, default=1.0, help="warm-up per level")
    parser.add_argument("--runs", type=int, default=20, help="full round trips per series")
    parser.add_argument("--trip-seconds", type=float, default=5.0, help="cap per series")
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 s levels, 3 trips")
    parser.add_argument("--json", help="write the figures to this JSON file")
    args = parser.parse_args()
    if args.quick:
        args.level_seconds, args.warmup_seconds = 1.0, 0.5
        args.runs, args.trip_seconds = 3, 2.0
    start = time.perf_counter()
    print(f"{machine()}")
    generator, load = pick_generator(args.warmup_seconds)
    result: dict[str, Any] = {
        "peer": {"name": "Prism", "version": prism_version()},
        "generator": generator,
    }
    inproc = asyncio.run(in_process_trips(args.runs, args.trip_seconds))
    OUT.mkdir(exist_ok=True)
    with (
        tempfile.TemporaryDirectory(dir=OUT) as scratch,
        serve_subprocess() as (kit_url, kit_proc),
        serve_subprocess(state=str(Path(scratch) / "state.sqlite")) as (sqlite_url, sqlite_proc),
        contextlib.ExitStack() as peer,
    ):
        result["checks"] = {"kit": check_validates(f"{kit_url}/v1")}
        live = asyncio.run(live_trips(kit_url, args.runs, args.trip_seconds))
        result["round_trip"] = {"in-process": inproc, "live": live}
        prism, problem = None, None
        try:
            url, proc = peer.enter_context(prism_server(free_port(), bodies("probe", 1)[0]))
            result["checks"]["prism"] = check_validates(f"{url}/v1")
            prism = (f"{url}/v1", proc.pid)
        except (PrismUnavailable, RuntimeError) as exc:
            peer.close()
            problem = str(exc)
        note = peer_note(problem, generator)
        if note:
            result["peer"]["unavailable"] = note
        kit = (f"{kit_url}/v1", kit_proc.pid)
        kit_sqlite = (f"{sqlite_url}/v1", sqlite_proc.pid)
        result["submit"] = submit_levels(load, kit, prism, args.level_seconds, kit_sqlite)
    result["seconds"] = time.perf_counter() - start
    print_tables(result)
    print(f"total {result['seconds']:.1f} s; load average now {machine()['loadavg']}")
    write_json(args.json, result)
    problems = unanswered(result["submit"])
    if problems:
        sys.exit("not every load request was answered 200:\n  " + "\n  ".join(problems))


if __name__ == "__main__":
    main()
