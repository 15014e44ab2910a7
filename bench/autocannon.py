"""Submit load from autocannon (npm ``autocannon@8``) through ``bench/loadgen.mjs``.

autocannon is installed on first use into ``.bench-node`` (bench/npm.py), next to Prism, and
driven from a small node script so that every request carries a fresh body: the kit refuses a
taskUUID it has seen, so the script replaces a marker in one request template by a UUID v4
derived from (seed, index) (`task_uuid` is the same derivation in Python). The same seed
therefore sends the same sequence of bodies to every server. One node process per run: a
warm-up, then the measured run, figures as JSON on stdout.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import uuid
from pathlib import Path
from typing import Any

from common import HEADERS
from npm import MODULES, PREFIX, NodeUnavailable, installed_version, node_bin, npm_install

PACKAGE = "autocannon@8"
SCRIPT = Path(__file__).resolve().with_name("loadgen.mjs")
MARKER = "00000000-0000-4000-8000-000000000000"
"""The taskUUID of the request template, replaced in every request."""
RUN_SLACK_S = 60.0


def ensure_autocannon() -> str:
    """The installed autocannon's version, installing it first if needed."""
    npm_install(PACKAGE, MODULES / "autocannon" / "package.json")
    return installed_version("autocannon") or "unknown"


def task_uuid(seed: str, index: int) -> str:
    """The UUID v4 that bench/loadgen.mjs sends as request ``index`` of sequence ``seed``."""
    digest = bytearray(hashlib.sha256(f"{seed}:{index}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x40
    digest[8] = (digest[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(digest)))


def run_autocannon(
    url: str,
    template: bytes,
    seed: str,
    clients: int,
    seconds: float,
    warmup_seconds: float,
    server_pid: int | None = None,
) -> dict[str, Any]:
    """POST ``template`` (its `MARKER` replaced per request) to ``url`` over ``clients``
    connections: a warm-up, then ``seconds`` measured; requests, rps, p50/p99 ms, statuses,
    errors, timeouts, client and server (``server_pid``) CPU in % of one core, and the
    warm-up's counts. Raises `NodeUnavailable` if node fails."""
    config = {
        "prefix": str(PREFIX),
        "url": url,
        "headers": HEADERS,
        "template": template.decode(),
        "marker": MARKER,
        "seed": seed,
        "connections": clients,
        "seconds": seconds,
        "warmupSeconds": warmup_seconds,
        "serverPid": server_pid,
        "clockTicks": os.sysconf("SC_CLK_TCK"),
    }
    try:
        done = subprocess.run(
            [node_bin(), str(SCRIPT)],
            input=json.dumps(config),
            capture_output=True,
            text=True,
            timeout=seconds + warmup_seconds + RUN_SLACK_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise NodeUnavailable(f"{SCRIPT.name} did not finish") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise NodeUnavailable(f"{SCRIPT.name} failed: {last[:120]}")
    row: dict[str, Any] = json.loads(done.stdout)
    if row["bodies_built"] and row["first_task_uuid"] != task_uuid(seed, 0):
        raise RuntimeError(f"{SCRIPT.name} sent {row['first_task_uuid']}, not the seed's first")
    return row
