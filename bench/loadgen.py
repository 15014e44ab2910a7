"""The fallback HTTP load generator: N concurrent clients POST pre-built bodies to one URL.

bench/server.py uses it only when autocannon (bench/autocannon.py) cannot run: on 2 cores this
one Python process runs out of CPU before the servers do at 16 and more clients, so its
figures there measure the client. One ``httpx.AsyncClient`` with a keep-alive pool of N
connections and N worker coroutines take bodies from a shared list in order until the list or
the time runs out. Latency is per request, measured in the client (so at high concurrency it
includes time queued in this process's own event loop); a request that gets no answer
(transport error) counts in ``errors``.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

import httpx
from common import HEADERS, percentile


async def _load(url: str, bodies: Sequence[bytes], clients: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors = 0
    next_index = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=30.0, trust_env=False) as client:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal next_index, errors
            while next_index < len(bodies) and time.perf_counter() < deadline:
                body = bodies[next_index]
                next_index += 1
                start = time.perf_counter()
                try:
                    response = await client.post(url, content=body, headers=HEADERS)
                    await response.aread()
                except httpx.TransportError:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - start)
                statuses[response.status_code] += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "clients": clients,
        "requests": len(latencies),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed if elapsed else float("nan"),
        "p50_ms": 1000 * percentile(latencies, 50),
        "p99_ms": 1000 * percentile(latencies, 99),
        "statuses": {str(code): n for code, n in sorted(statuses.items())},
        "errors": errors,
    }


def run_load(url: str, bodies: Sequence[bytes], clients: int, seconds: float) -> dict[str, Any]:
    """POST ``bodies`` (in order, each once) to ``url`` with ``clients`` concurrent requests,
    stopping after the last body or ``seconds``; request count, rps, p50/p99 ms, statuses and
    the number of requests left unanswered."""
    return asyncio.run(_load(url, bodies, clients, seconds))
