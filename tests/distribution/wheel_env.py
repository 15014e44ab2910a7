"""A fresh venv holding the kit's wheel and nothing else: what ``pip install runware-testkit``
gives a downstream project.

The wheel is built from this checkout (``pip wheel --no-deps``, hatchling in an isolated build
environment) and installed with no extras into a new venv; pip's cache makes the dependencies
quick to install again. Built once per test run: xdist workers share it through a lock in the
run's common temporary directory.

Where the wheel or the venv cannot be made (no package index reachable, no ``venv`` module) the
tests skip with the reason, except under CI (the ``CI`` environment variable set), where they
fail: CI must never pass without having checked the wheel.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT = 300.0
"""Seconds for one build or install step (a cold pip cache downloads every dependency)."""

# Variables of the outer test run that must not leak into the fresh venv's processes.
_LEAKY_PREFIXES = ("PYTEST_", "PYTHON", "VIRTUAL_ENV", "COV_", "HYPOTHESIS_")


class WheelEnvError(RuntimeError):
    """The wheel or its venv could not be made (the command and its output are in the text)."""


@dataclass(frozen=True)
class WheelEnv:
    """The built wheel, the venv it is installed in, and what that venv held right after the
    wheel went in (before the downstream project's own requirements were added)."""

    wheel: Path
    venv: Path
    installed: frozenset[str]
    """Canonical names (`canonical_name`) of what the venv held with only the wheel in it."""

    @property
    def python(self) -> Path:
        """The venv's interpreter."""
        return self.venv / "bin" / "python"

    def script(self, name: str) -> Path:
        """A console script the venv installed (``runware-testkit``)."""
        return self.venv / "bin" / name

    def pip(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run pip on the venv (the venv has no pip of its own: this run's pip drives it)."""
        return self.run(sys.executable, "-m", "pip", "--python", self.python, *args)

    def run(
        self, *args: str | Path, cwd: Path | None = None, timeout: float = 300.0
    ) -> subprocess.CompletedProcess[str]:
        """Run a command with the venv first on PATH and the outer run's variables removed."""
        return subprocess.run(
            [str(a) for a in args],
            cwd=cwd,
            env=clean_env(self.venv),
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )


def clean_env(venv: Path | None = None) -> dict[str, str]:
    """This process's environment without the test run's own variables (and the venv on PATH)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_LEAKY_PREFIXES)}
    if venv is not None:
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env["VIRTUAL_ENV"] = str(venv)
    return env


def canonical_name(name: str) -> str:
    """A distribution name as PEP 503 compares them (``jsonschema_rs`` -> ``jsonschema-rs``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def unavailable(reason: str) -> None:
    """Skip the test with `reason`, or fail it when the ``CI`` variable is set."""
    __tracebackhide__ = True
    if os.environ.get("CI", "").strip():
        pytest.fail(
            f"the wheel could not be built and installed, and CI is set, so this check may not "
            f"be skipped: {reason}",
            pytrace=False,
        )
    pytest.skip(f"the wheel could not be built and installed: {reason}")


def _step(cmd: list[str], cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(
            cmd,
            cwd=cwd,
            env=clean_env(),
            capture_output=True,
            text=True,
            check=False,
            timeout=BUILD_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise WheelEnvError(f"{' '.join(cmd)}: {exc}") from None
    if done.returncode != 0:
        output = "\n".join(
            line
            for line in (done.stdout + done.stderr).splitlines()
            if "is ignored: it is neither a file nor a directory" not in line
        )
        raise WheelEnvError(f"{' '.join(cmd)} exited {done.returncode}:\n{output[-4000:]}")
    return done.stdout


def build(root: Path, requirements: Path | None = None) -> WheelEnv:
    """Build the wheel into `root`/dist, install it alone into the new venv `root`/venv, then
    the downstream project's `requirements` file, if any."""
    dist = root / "dist"
    venv = root / "venv"
    for old in (dist, venv):
        shutil.rmtree(old, ignore_errors=True)
    _step(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), "."], REPO_ROOT
    )
    wheels = sorted(dist.glob("runware_testkit-*.whl"))
    if len(wheels) != 1:
        raise WheelEnvError(f"expected one runware_testkit wheel in {dist}, found {wheels}")
    # No pip inside the venv (ensurepip is the slowest part of making one): this run's pip
    # installs into it with --python.
    _step([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python")]
    _step([*pip, "install", "-q", str(wheels[0])])
    listed = json.loads(_step([*pip, "list", "--format", "json"]))
    installed = frozenset(canonical_name(item["name"]) for item in listed)
    if requirements is not None:
        _step([*pip, "install", "-q", "-r", str(requirements)])
    return WheelEnv(wheel=wheels[0], venv=venv, installed=installed)


def shared_wheel_env(shared_tmp: Path, requirements: Path | None = None) -> WheelEnv:
    """The run's wheel venv under `shared_tmp`, built by the first worker that asks for it.

    Raises `WheelEnvError` (also for every later caller, from the recorded failure).
    """
    root = shared_tmp / "runware-testkit-wheel"
    root.mkdir(parents=True, exist_ok=True)
    record = root / "result.json"
    with open(root / ".lock", "a+") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            if not record.exists():
                try:
                    env = build(root, requirements)
                except WheelEnvError as exc:
                    record.write_text(json.dumps({"error": str(exc)}))
                    raise
                saved = {"wheel": str(env.wheel), "venv": str(env.venv)}
                record.write_text(json.dumps({**saved, "installed": sorted(env.installed)}))
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
    saved = json.loads(record.read_text())
    if "error" in saved:
        raise WheelEnvError(saved["error"])
    return WheelEnv(
        wheel=Path(saved["wheel"]),
        venv=Path(saved["venv"]),
        installed=frozenset(saved["installed"]),
    )
