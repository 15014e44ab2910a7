"""Prism (``@stoplight/prism-cli`` 5 from the npm registry) as the peer mock server.

Installed on first use with ``npm install --prefix .bench-node`` (bench/npm.py, kept there as
a cache) and run as
``prism mock -h 127.0.0.1 -p PORT -v warn schemas/models/runway-aleph/openapi.json``: it
validates each request against the kit's exported OpenAPI document and answers the example
response of the matching status. When node or npm is missing, or the install fails,
`PrismUnavailable` says why and the bench scripts print "n/a (reason)" in the peer column.
"""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from common import OUT, ROOT, stop, wait_answer
from npm import MODULES, NodeUnavailable, npm_install

PACKAGE = "@stoplight/prism-cli@5"
DOCUMENT = ROOT / "schemas" / "models" / "runway-aleph" / "openapi.json"


class PrismUnavailable(RuntimeError):
    """Prism cannot be run here; the message is the reason."""


def prism_bin() -> Path:
    """The Prism executable, installed under ``.bench-node`` if missing."""
    try:
        return npm_install(PACKAGE, MODULES / ".bin" / "prism")
    except NodeUnavailable as exc:
        raise PrismUnavailable(str(exc)) from None


def prism_version() -> str:
    """Prism's version, or "n/a (reason)"."""
    try:
        done = subprocess.run(
            [str(prism_bin()), "--version"], capture_output=True, text=True, timeout=60
        )
    except (PrismUnavailable, OSError, subprocess.TimeoutExpired) as exc:
        return f"n/a ({exc})"
    return done.stdout.strip() or "unknown"


def prism_command(port: int) -> list[str]:
    """The command line of a Prism mock of the kit's OpenAPI document on 127.0.0.1:port."""
    return [
        str(prism_bin()),
        "mock",
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "-v",
        "warn",
        str(DOCUMENT),
    ]


def start_prism(port: int) -> subprocess.Popen[Any]:
    """Start Prism (its output goes to ``.bench-out/prism.log``)."""
    OUT.mkdir(exist_ok=True)
    log = open(OUT / "prism.log", "ab")  # noqa: SIM115 - handed to the child process
    try:
        return subprocess.Popen(prism_command(port), stdout=log, stderr=subprocess.STDOUT)
    finally:
        log.close()


@contextlib.contextmanager
def prism_server(
    port: int, probe: bytes, timeout: float = 60.0
) -> Iterator[tuple[str, subprocess.Popen[Any]]]:
    """Run Prism on ``port`` until it answers ``probe`` on /v1; yields (base URL, process)."""
    proc = start_prism(port)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_answer(f"{base_url}/v1", probe, time.monotonic() + timeout, proc)
        yield base_url, proc
    finally:
        stop(proc)
