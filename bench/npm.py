"""npm packages the bench scripts run under node, installed on first use into ``.bench-node``.

``npm install --no-audit --no-fund --prefix .bench-node PACKAGE@MAJOR`` (the prefix is kept as
a cache, so later runs start at once). When node or npm is missing, or the install fails,
`NodeUnavailable` says why; the bench scripts then print "n/a (reason)".
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from common import ROOT

PREFIX = ROOT / ".bench-node"
MODULES = PREFIX / "node_modules"
INSTALL_TIMEOUT_S = 300


class NodeUnavailable(RuntimeError):
    """A node package cannot be run here; the message is the reason."""


def node_bin() -> str:
    """The node executable on PATH; raises `NodeUnavailable` without it."""
    node = shutil.which("node")
    if node is None:
        raise NodeUnavailable("node not found")
    return node


def npm_install(spec: str, marker: Path) -> Path:
    """``marker`` (a file the package provides), installing ``spec`` under `PREFIX` if missing;
    raises `NodeUnavailable` without node (needed to run it) or, to install, without npm."""
    node_bin()
    if marker.exists():
        return marker
    if shutil.which("npm") is None:
        raise NodeUnavailable("npm not found")
    command = ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(PREFIX), spec]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        raise NodeUnavailable(f"npm install {spec} timed out") from None
    if done.returncode != 0 or not marker.exists():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise NodeUnavailable(f"npm install {spec} failed: {last[:80]}")
    return marker


def installed_version(name: str) -> str | None:
    """The version of package ``name`` installed under `PREFIX`, if any."""
    manifest = MODULES / name / "package.json"
    try:
        return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return None
