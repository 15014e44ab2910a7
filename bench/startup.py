"""Time to first request: ``import runware_testkit``, ``runware-testkit serve`` and Prism.

- import: wall time of ``python -c "import runware_testkit"`` minus that of ``python -c pass``
  (median of ``--runs`` each, at least 5, alternating), the same for the server's modules
  (``import runware_testkit.fake_server.app``), and the top-level cumulative figure that
  ``python -X importtime`` reports for ``runware_testkit`` in one more run;
- serve: from starting ``runware-testkit serve --memory --port P --progression immediate``
  (the console script, a fresh process each time, P a free port picked beforehand) to its first
  answered ``POST /v1`` of a valid videoInference task with HTTP 200, polled every 10 ms;
- Prism: the same for ``prism mock`` of the kit's exported OpenAPI document (bench/prism.py).

Each start is timed ``--runs`` times (median reported, min and max kept); every process is
stopped before the next starts.

    python bench/startup.py [--runs 5] [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import fmt, free_port, machine, stop, video_task, wait_answer, write_json
from prism import PrismUnavailable, prism_version, start_prism

SERVE = Path(sys.executable).with_name("runware-testkit")
START_TIMEOUT_S = 60.0
SERVER_MODULE = "runware_testkit.fake_server.app"


def wall(command: list[str]) -> float:
    """Seconds a command takes to run to completion."""
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def import_times(runs: int) -> dict[str, Any]:
    """Median wall time of the imports net of interpreter start, and -X importtime's figure."""
    bare, loaded, server = [], [], []
    for _ in range(runs):
        bare.append(wall([sys.executable, "-c", "pass"]))
        loaded.append(wall([sys.executable, "-c", "import runware_testkit"]))
        server.append(wall([sys.executable, "-c", f"import {SERVER_MODULE}"]))
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import runware_testkit"],
        capture_output=True,
        text=True,
        check=True,
    )
    cumulative = None
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| runware_testkit$", line)
        if match:
            cumulative = int(match.group(1)) / 1000
    return {
        "runs": runs,
        "bare_ms": 1000 * statistics.median(bare),
        "with_import_ms": 1000 * statistics.median(loaded),
        "import_ms": 1000 * (statistics.median(loaded) - statistics.median(bare)),
        "server_import_ms": 1000 * (statistics.median(server) - statistics.median(bare)),
        "importtime_cumulative_ms": cumulative,
    }


def first_answer(start: Callable[[int], subprocess.Popen[Any]]) -> float:
    """Seconds from starting a server to its first HTTP 200 on a valid task."""
    port = free_port()
    body = json.dumps([video_task()]).encode()
    began = time.perf_counter()
    proc = start(port)
    try:
        response = wait_answer(
            f"http://127.0.0.1:{port}/v1", body, time.monotonic() + START_TIMEOUT_S, proc
        )
        elapsed = time.perf_counter() - began
        if response.status_code != 200:
            raise RuntimeError(f"first answer was HTTP {response.status_code}")
        return elapsed
    finally:
        stop(proc)


def start_serve(port: int) -> subprocess.Popen[Any]:
    """``runware-testkit serve`` on 127.0.0.1:port, in memory, quiet."""
    command = [str(SERVE), "serve", "--memory", "--port", str(port)]
    command += ["--progression", "immediate", "--log-level", "warning"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL)


def summary(times: list[float]) -> dict[str, Any]:
    """Median, min and max in ms."""
    return {
        "runs": len(times),
        "median_ms": 1000 * statistics.median(times),
        "min_ms": 1000 * min(times),
        "max_ms": 1000 * max(times),
    }


def main() -> None:
    """Parse arguments, time everything, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timings per figure")
    parser.add_argument("--quick", action="store_true", help="smoke run: 2 timings each")
    parser.add_argument("--json", help="write the figures to this JSON file")
    args = parser.parse_args()
    runs = 2 if args.quick else max(1, args.runs)
    print(machine())
    result: dict[str, Any] = {"peer": {"name": "Prism", "version": prism_version()}}
    result["import"] = import_times(max(runs, 5))
    serve_times, prism_times = [], []
    for _ in range(runs):  # alternate, so a change in load hits both alike
        serve_times.append(first_answer(start_serve))
        if "unavailable" not in result["peer"]:
            try:
                prism_times.append(first_answer(start_prism))
            except (PrismUnavailable, RuntimeError) as exc:
                result["peer"]["unavailable"] = str(exc)
    result["serve"] = summary(serve_times)
    result["prism"] = summary(prism_times) if prism_times else None

    imp = result["import"]
    print(
        f"\nimport runware_testkit: {fmt(imp['import_ms'], 1)} ms (median of {imp['runs']}: "
        f"{fmt(imp['with_import_ms'], 1)} ms with the import - {fmt(imp['bare_ms'], 1)} ms "
        f"bare); -X importtime cumulative {fmt(imp['importtime_cumulative_ms'], 1)} ms"
    )
    print(f"import {SERVER_MODULE}: {fmt(imp['server_import_ms'], 1)} ms")
    print(f"{'start -> first HTTP 200':<30} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
    for label, row in (("runware-testkit serve", result["serve"]), ("Prism", result["prism"])):
        if row is None:
            print(f"{label:<30} n/a ({result['peer'].get('unavailable')})")
            continue
        print(
            f"{label:<30} {fmt(row['median_ms']):>10} {fmt(row['min_ms']):>8} "
            f"{fmt(row['max_ms']):>8}"
        )
    write_json(args.json, result)


if __name__ == "__main__":
    main()
