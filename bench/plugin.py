"""Wall time of the pytest plugin's fakes: a full submit -> success round trip, per-test reset.

The fixtures' objects are used directly (what ``runware_mock`` and ``runware_server`` yield):

- round trip: POST a runway:2@1 ``videoInference`` task, POST ``getResponse`` until success
  (immediate progression: one poll), with a sync ``httpx.Client`` and an ``httpx.AsyncClient``;
  under ``runware_mock`` (respx -> the app on its loop thread, no sockets) and under
  ``runware_server`` (uvicorn on 127.0.0.1, keep-alive connection);
- reset: what each fixture does before every test (``reset`` / ``activate``, then the teardown);
- ``mock()``: building, starting and closing a fresh in-process fake, as a Hypothesis example does.

Each cell is the median of at most ``--runs`` timings and at most ``--seconds`` of running;
the whole script takes a few seconds.

    python bench/plugin.py [--runs 200] [--seconds 1.0] [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from common import write_json

from runware_testkit.testing import RunwareMock, RunwareServer, mock
from runware_testkit.testing.control import FakeControl

AIR = "runway:2@1"
MAX_POLLS = 10


def task() -> dict[str, Any]:
    """A fresh valid task."""
    return {
        "taskType": "videoInference",
        "taskUUID": str(uuid.uuid4()),
        "model": AIR,
        "positivePrompt": "a paper boat on a rainy street",
        "inputs": {"video": "https://cdn.example.com/source.mp4"},
    }


def sync_trip(fake: FakeControl, http: httpx.Client) -> None:
    """One round trip with a sync client."""
    headers = {"Authorization": f"Bearer {fake.api_key}"}
    sent = task()
    http.post(fake.base_url, json=[sent], headers=headers).raise_for_status()
    poll = [{"taskType": "getResponse", "taskUUID": sent["taskUUID"]}]
    for _ in range(MAX_POLLS):
        item = http.post(fake.base_url, json=poll, headers=headers).json()["data"][0]
        if item.get("status") == "success":
            return
    raise RuntimeError("task did not finish")


async def async_trip(fake: FakeControl, http: httpx.AsyncClient) -> None:
    """One round trip with an async client."""
    headers = {"Authorization": f"Bearer {fake.api_key}"}
    sent = task()
    (await http.post(fake.base_url, json=[sent], headers=headers)).raise_for_status()
    poll = [{"taskType": "getResponse", "taskUUID": sent["taskUUID"]}]
    for _ in range(MAX_POLLS):
        item = (await http.post(fake.base_url, json=poll, headers=headers)).json()["data"][0]
        if item.get("status") == "success":
            return
    raise RuntimeError("task did not finish")


def measure(step: Callable[[], Any], runs: int, seconds: float) -> tuple[float, int]:
    """(median seconds, number of runs) of ``step()`` after one warm-up call."""
    step()
    times: list[float] = []
    deadline = time.perf_counter() + seconds
    while len(times) < runs and time.perf_counter() < deadline:
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(times)


async def ameasure(
    step: Callable[[], Awaitable[Any]], runs: int, seconds: float
) -> tuple[float, int]:
    """`measure` for a coroutine function."""
    await step()
    times: list[float] = []
    deadline = time.perf_counter() + seconds
    while len(times) < runs and time.perf_counter() < deadline:
        start = time.perf_counter()
        await step()
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(times)


def bench_fake(fake: FakeControl, runs: int, seconds: float, trust_env: bool) -> dict[str, Any]:
    """Round trips (sync, async) and the per-test reset of one fake."""
    with httpx.Client(trust_env=trust_env) as http:
        sync = measure(lambda: sync_trip(fake, http), runs, seconds)

    async def run_async() -> tuple[float, int]:
        async with httpx.AsyncClient(trust_env=trust_env) as http:
            return await ameasure(lambda: async_trip(fake, http), runs, seconds)

    return {"sync": sync, "async": asyncio.run(run_async())}


def main() -> None:
    """Time every cell, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="most timings per cell")
    parser.add_argument("--seconds", type=float, default=1.0, help="most seconds per cell")
    parser.add_argument("--quick", action="store_true", help="smoke run: 20 runs, 0.2 s")
    parser.add_argument("--json", help="write the medians to this JSON file")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.seconds = 20, 0.2
    runs, seconds = max(1, args.runs), max(0.05, args.seconds)

    rows: list[tuple[str, tuple[float, int]]] = []

    in_process = RunwareMock().open()
    try:
        in_process.activate()
        found = bench_fake(in_process, runs, seconds, trust_env=True)
        rows.append(("round trip, runware_mock, httpx.Client", found["sync"]))
        rows.append(("round trip, runware_mock, httpx.AsyncClient", found["async"]))

        def mock_test() -> None:
            in_process.activate()
            in_process.deactivate()

        in_process.deactivate()
        rows.append(("per-test setup + teardown, runware_mock", measure(mock_test, runs, seconds)))
    finally:
        in_process.close()

    live = RunwareServer().start()
    try:
        found = bench_fake(live, runs, seconds, trust_env=False)
        rows.append(("round trip, runware_server, httpx.Client", found["sync"]))
        rows.append(("round trip, runware_server, httpx.AsyncClient", found["async"]))

        def server_test() -> None:
            live.reset()
            live.drain()

        rows.append(
            ("per-test setup + teardown, runware_server", measure(server_test, runs, seconds))
        )
    finally:
        live.stop()

    def fresh_mock() -> None:
        with mock():
            pass

    rows.append(("mock() built, started and closed", measure(fresh_mock, runs, seconds)))

    print(
        f"Python {platform.python_version()}, {platform.system()} {platform.machine()}, "
        f"httpx {httpx.__version__}; median of at most {runs} runs / {seconds:g} s per cell"
    )
    width = max(len(name) for name, _ in rows)
    print(f"{'':<{width}}  {'median':>10}  {'runs':>5}")
    for name, (median, count) in rows:
        print(f"{name:<{width}}  {median * 1000:>8.2f} ms  {count:>5}")
    write_json(
        args.json,
        {"rows": {name: {"median_ms": 1000 * median, "runs": n} for name, (median, n) in rows}},
    )


if __name__ == "__main__":
    main()
