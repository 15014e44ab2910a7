"""A cached npm install of ``@runware/sdk-js`` for the JavaScript SDK tests.

Installed on first use under ``<repo>/.sdk-node/`` (or ``$RUNWARE_TESTKIT_SDK_NODE``) with the
ordinary npm client, bounded by `INSTALL_TIMEOUT`, and reused while its marker names the same
version. Without node or npm the tests skip with the reason, except when the environment
variable ``CI`` is set: there a missing toolchain fails the test instead, so CI cannot go
green without running the SDK.
"""

from __future__ import annotations

import fcntl
import json
import os
import pathlib
import shutil
import subprocess

from .unavailable import setup_unavailable

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
DRIVER = pathlib.Path(__file__).resolve().parent / "js" / "drive.mjs"
CACHE_ENV_VAR = "RUNWARE_TESTKIT_SDK_NODE"
PACKAGE = "@runware/sdk-js"
VERSION = "1.3.2"
"""The SDK version under test (the current 1.3.x release)."""
INSTALL_TIMEOUT = 240.0
MARKER = ".testkit-installed"


def cache_dir() -> pathlib.Path:
    """The directory holding ``node_modules`` with the SDK."""
    override = os.environ.get(CACHE_ENV_VAR)
    return pathlib.Path(override).expanduser() if override else REPO_ROOT / ".sdk-node"


def missing(reason: str) -> None:
    """Skip with `reason`, or fail when running under CI (env ``CI`` set)."""
    setup_unavailable(reason)


def node() -> str:
    """The node executable (skips, or fails under CI, when there is none)."""
    found = shutil.which("node")
    if found is None or shutil.which("npm") is None:
        missing("node and npm are needed to run @runware/sdk-js and are not on PATH")
    return str(found)


def sdk_dir() -> pathlib.Path:
    """The install directory, installing the SDK on first use (locked across processes)."""
    node()
    where = cache_dir()
    wanted = f"{PACKAGE}@{VERSION}"
    marker = where / MARKER
    if _installed(marker, wanted):
        return where
    where.mkdir(parents=True, exist_ok=True)
    with open(where.parent / f".{where.name}.lock", "a+") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            if not _installed(marker, wanted):
                _install(where, wanted)
                marker.write_text(wanted + "\n")
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
    return where


def _installed(marker: pathlib.Path, wanted: str) -> bool:
    try:
        return marker.read_text().strip() == wanted
    except OSError:
        return False


def _install(where: pathlib.Path, wanted: str) -> None:
    (where / "package.json").write_text(
        json.dumps({"name": "runware-testkit-sdk-js", "private": True, "type": "module"})
    )
    command = [
        "npm", "install", "--no-audit", "--no-fund", "--no-save", "--ignore-scripts",
        "--prefix", str(where), wanted,
    ]  # fmt: skip
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        missing(f"npm install {wanted} took longer than {INSTALL_TIMEOUT:g} s")
    if done.returncode != 0:
        missing(f"npm install {wanted} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
