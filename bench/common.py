"""Shared pieces of the bench scripts: machine facts, JSON output, percentiles, free ports,
starting ``runware-testkit serve`` and waiting for a server's first answer (loopback only)."""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".bench-out"
DEV_API_KEY = "rw-testkit-dev-key"
HEADERS = {"Authorization": f"Bearer {DEV_API_KEY}", "Content-Type": "application/json"}
AIR = "runway:2@1"


def dist_version(dist: str) -> str:
    """The installed version of a distribution, or "absent"."""
    try:
        return version(dist)
    except PackageNotFoundError:
        return "absent"


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, if readable."""
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def ram_gib() -> float | None:
    """Total RAM in GiB from /proc/meminfo, if readable."""
    with contextlib.suppress(OSError), open("/proc/meminfo", encoding="utf-8") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    return None


def machine() -> dict[str, Any]:
    """Date, OS, CPU, cores, RAM, Python and the load average right now."""
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "os": f"{platform.system()} {platform.release()}",
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "ram_gib": ram_gib(),
        "python": platform.python_version(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }


def write_json(path: str | None, data: dict[str, Any]) -> None:
    """Write ``data`` (plus the machine facts) to ``path`` if one was given."""
    if path:
        data = {"machine": machine(), **data}
        Path(path).write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending sequence (nan if empty)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * pct // 100))
    return sorted_values[int(rank) - 1]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def video_task(task_uuid: str | None = None, seed: int | None = None) -> dict[str, Any]:
    """A valid runway:2@1 videoInference task (fresh taskUUID unless given)."""
    task: dict[str, Any] = {
        "taskType": "videoInference",
        "taskUUID": task_uuid or str(uuid.uuid4()),
        "model": AIR,
        "positivePrompt": "a paper boat on a rainy street",
        "inputs": {"video": "https://example.com/in.mp4"},
    }
    if seed is not None:
        task["seed"] = seed
    return task


def serve_command(*extra: str, port: int = 0, state: str | None = None) -> list[str]:
    """The ``runware-testkit serve`` command line (immediate progression, quiet logs)."""
    where = ["--state", state] if state else ["--memory"]
    return [
        sys.executable,
        "-m",
        "runware_testkit.cli",
        "serve",
        *where,
        "--port",
        str(port),
        "--progression",
        "immediate",
        "--log-level",
        "warning",
        *extra,
    ]


def stop(proc: subprocess.Popen[Any]) -> None:
    """SIGTERM a process started here, then SIGKILL it if it lingers."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_answer(
    url: str, body: bytes, deadline: float, proc: subprocess.Popen[Any] | None = None
) -> httpx.Response:
    """POST ``body`` to ``url`` until it is answered (any HTTP status) or ``deadline``."""
    with httpx.Client(trust_env=False, timeout=2.0) as client:
        while True:
            try:
                return client.post(url, content=body, headers=HEADERS)
            except httpx.TransportError:
                if time.monotonic() > deadline or (proc is not None and proc.poll() is not None):
                    raise RuntimeError(f"{url} did not answer") from None
                time.sleep(0.01)


@contextlib.contextmanager
def serve_subprocess(
    *extra: str, state: str | None = None, timeout: float = 30.0
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Run ``runware-testkit serve`` on 127.0.0.1 with a free port; yields (base URL, process)."""
    proc = subprocess.Popen(serve_command(*extra, state=state), stdout=subprocess.PIPE, text=True)
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
        ping = json.dumps([{"taskType": "ping", "ping": True}]).encode()
        wait_answer(f"{base_url}/v1", ping, time.monotonic() + timeout, proc)
        yield base_url, proc
    finally:
        stop(proc)
        if proc.stdout is not None:
            proc.stdout.close()


def fmt(value: float | None, digits: int = 0) -> str:
    """A number with thousands separators (``-`` for None/nan)."""
    if value is None or value != value:
        return "-"
    return f"{value:,.{digits}f}"
