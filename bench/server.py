"""REST throughput and round-trip latency of the fake server, on loopback only.

Part 1 runs the server as a separate process (``runware-testkit serve --memory --port 0
--progression immediate``) and has 1, 16 and 64 concurrent clients (one httpx.AsyncClient
each) loop over submit (a runway:2@1 videoInference task) + getResponse until success, for a
fixed number of round trips per client and at most ``--level-seconds`` per level
(worst case about a minute in all, typically much less).

Part 2 times one full round trip (submit, poll to success, download the video from videoURL)
in-process (httpx.ASGITransport, no sockets) and against the live server, first with a fresh
random seed per task (every video is encoded), then with one fixed seed (the server's video
cache answers after the first run); the first run is reported on its own. Each series stops
after ``--runs`` runs or ``--trip-seconds``.

    python bench/server.py [--level-seconds 9] [--runs 20] [--trip-seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from runware_testkit.fake_server.app import create_app
from runware_testkit.fake_server.config import DEV_API_KEY, ServerConfig

AIR = "runway:2@1"
HEADERS = {"Authorization": f"Bearer {DEV_API_KEY}", "Content-Type": "application/json"}
LEVELS = ((1, 200), (16, 50), (64, 12))
"""(concurrent clients, round trips per client)."""
MAX_POLLS = 20


def video_task(seed: int | None = None) -> dict[str, Any]:
    """A valid videoInference task with a fresh taskUUID (and ``seed`` if given)."""
    task: dict[str, Any] = {
        "taskType": "videoInference",
        "taskUUID": str(uuid.uuid4()),
        "model": AIR,
        "positivePrompt": "a paper boat on a rainy street",
        "inputs": {"video": "https://example.com/in.mp4"},
    }
    if seed is not None:
        task["seed"] = seed
    return task


@dataclass
class Timings:
    """Latencies (seconds) of single requests and the number of finished round trips."""

    requests: list[float] = field(default_factory=list)
    round_trips: int = 0


async def timed_post(client: httpx.AsyncClient, task: dict[str, Any], out: Timings) -> Any:
    """POST one task to /v1; the first data item (latency appended to ``out``)."""
    start = time.perf_counter()
    response = await client.post("/v1", json=[task], headers=HEADERS)
    out.requests.append(time.perf_counter() - start)
    body = response.json()
    if response.status_code != 200 or "data" not in body:
        raise RuntimeError(f"HTTP {response.status_code}: {body}")
    return body["data"][0]


async def round_trip(
    client: httpx.AsyncClient, out: Timings, seed: int | None = None
) -> dict[str, Any]:
    """Submit a task and poll until it is no longer processing; the final item."""
    task = video_task(seed)
    await timed_post(client, task, out)
    poll = {"taskType": "getResponse", "taskUUID": task["taskUUID"]}
    for _ in range(MAX_POLLS):
        item = await timed_post(client, poll, out)
        if item.get("status") != "processing":
            if item.get("status") != "success":
                raise RuntimeError(f"task ended with {item}")
            out.round_trips += 1
            return item
    raise RuntimeError(f"task still processing after {MAX_POLLS} polls")


@contextlib.contextmanager
def serve_subprocess(timeout: float = 20.0) -> Iterator[str]:
    """Run ``runware-testkit serve`` on 127.0.0.1 with a free port; yields its base URL."""
    command = [
        sys.executable,
        "-m",
        "runware_testkit.cli",
        "serve",
        "--memory",
        "--port",
        "0",
        "--progression",
        "immediate",
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        base_url = None
        assert proc.stdout is not None
        for line in proc.stdout:
            match = re.search(r"REST\s+(http://\S+)/v1", line)
            if match:
                base_url = match.group(1)
                break
        if base_url is None:
            raise RuntimeError("serve exited before printing its address")
        deadline = time.monotonic() + timeout
        while True:
            try:
                httpx.get(f"{base_url}/v1", timeout=1.0, trust_env=False)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"server at {base_url} did not answer") from None
                time.sleep(0.05)
        yield base_url
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


async def throughput(base_url: str, clients: int, per_client: int, seconds: float) -> dict:
    """Run ``clients`` concurrent loops of ``per_client`` round trips (capped at ``seconds``)."""
    results = [Timings() for _ in range(clients)]
    deadline = time.perf_counter() + seconds

    async def client_loop(out: Timings) -> None:
        limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
        async with httpx.AsyncClient(
            base_url=base_url, limits=limits, timeout=30, trust_env=False
        ) as client:
            for _ in range(per_client):
                if time.perf_counter() > deadline:
                    return
                await round_trip(client, out)

    start = time.perf_counter()
    await asyncio.gather(*(client_loop(out) for out in results))
    elapsed = time.perf_counter() - start
    latencies = sorted(x for out in results for x in out.requests)
    trips = sum(out.round_trips for out in results)
    return {
        "clients": clients,
        "round_trips": trips,
        "planned": clients * per_client,
        "seconds": elapsed,
        "trips_per_s": trips / elapsed,
        "requests_per_s": len(latencies) / elapsed,
        "p50_ms": 1000 * percentile(latencies, 50),
        "p99_ms": 1000 * percentile(latencies, 99),
    }


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * pct // 100))
    return sorted_values[int(rank) - 1]


async def full_trip(client: httpx.AsyncClient, seed: int | None) -> tuple[float, int]:
    """Seconds for submit -> success -> video download, and the video's size in bytes."""
    start = time.perf_counter()
    item = await round_trip(client, Timings(), seed)
    response = await client.get(item["videoURL"])
    response.raise_for_status()
    size = len(response.content)
    return time.perf_counter() - start, size


async def full_trips(client: httpx.AsyncClient, runs: int, seconds: float) -> dict:
    """Full round trips with a fresh random seed each, then with one fixed seed (so the
    server's video cache answers after the first); first run and median of the rest."""
    return {
        "fresh seed": await trips_with(client, runs, seconds, None),
        "fixed seed": await trips_with(client, runs, seconds, 42),
    }


async def trips_with(
    client: httpx.AsyncClient, runs: int, seconds: float, seed: int | None
) -> dict:
    """First and median-of-the-rest wall time of ``runs`` full round trips."""
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


async def in_process_trips(runs: int, seconds: float) -> dict:
    """`full_trips` against the app through httpx.ASGITransport, lifespan included."""
    app = create_app(ServerConfig(progression="immediate"))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", timeout=30
        ) as client:
            return await full_trips(client, runs, seconds)


async def live_trips(base_url: str, runs: int, seconds: float) -> dict:
    """`full_trips` against the live server."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30, trust_env=False) as client:
        return await full_trips(client, runs, seconds)


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, if readable."""
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


async def main_async(args: argparse.Namespace) -> None:
    """Run both parts and print the tables."""
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {cpu_model()}, "
        f"load average {tuple(round(x, 2) for x in os.getloadavg())}"
    )
    inproc = await in_process_trips(args.runs, args.trip_seconds)
    throughput_rows = []
    with serve_subprocess() as base_url:
        print(f"live server: runware-testkit serve subprocess at {base_url}")
        live = await live_trips(base_url, args.runs, args.trip_seconds)
        for clients, per_client in LEVELS:
            throughput_rows.append(
                await throughput(base_url, clients, per_client, args.level_seconds)
            )

    print("\nSubmit + poll to success (live, separate server process)")
    print(f"{'clients':>7} {'trips':>9} {'seconds':>7} {'trips/s':>8} {'req/s':>8} ", end="")
    print(f"{'p50 ms':>7} {'p99 ms':>7}")
    for row in throughput_rows:
        print(
            f"{row['clients']:>7} {row['round_trips']:>4}/{row['planned']:<4} "
            f"{row['seconds']:>7.2f} {row['trips_per_s']:>8.1f} {row['requests_per_s']:>8.1f} "
            f"{row['p50_ms']:>7.2f} {row['p99_ms']:>7.2f}"
        )

    print("\nFull round trip: submit -> success -> download video")
    print(
        f"{'mode':<11} {'seed':<11} {'runs':>4} {'first ms':>9} {'median ms':>10} "
        f"{'video bytes':>12}"
    )
    for name, rows in (("in-process", inproc), ("live", live)):
        for seed, row in rows.items():
            print(
                f"{name:<11} {seed:<11} {row['runs']:>4} {row['first_ms']:>9.1f} "
                f"{row['median_ms']:>10.2f} {row['video_bytes']:>12}"
            )
    print(f"\nload average after: {tuple(round(x, 2) for x in os.getloadavg())}")


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--level-seconds", type=float, default=9.0, help="time cap per concurrency level"
    )
    parser.add_argument("--runs", type=int, default=20, help="full round trips per mode")
    parser.add_argument(
        "--trip-seconds", type=float, default=5.0, help="time cap per full round-trip series"
    )
    args = parser.parse_args()
    start = time.perf_counter()
    asyncio.run(main_async(args))
    print(f"total {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
