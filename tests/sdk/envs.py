"""Cached virtual environments holding the official Runware Python SDKs.

``runware`` (legacy, WebSocket only) and ``runware-sdk`` both install the import name
``runware``, so each lives in its own venv. The venvs are built on first use under
``<repo>/.venv-sdk/<name>`` (or ``$RUNWARE_TESTKIT_SDK_CACHE/<name>``) and reused afterwards.
"""

from __future__ import annotations

import fcntl
import os
import pathlib
import shutil
import subprocess
import sys

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
DRIVERS_DIR = pathlib.Path(__file__).resolve().parent / "drivers"
CACHE_ENV_VAR = "RUNWARE_TESTKIT_SDK_CACHE"
BASE_PYTHON_ENV_VAR = "RUNWARE_TESTKIT_SDK_PYTHON"

SDK_PACKAGES: dict[str, str] = {
    "runware-0.5.24": "runware==0.5.24",
    "runware-sdk-1.8.0": "runware-sdk==1.8.0",
}
MARKER = ".testkit-installed"


class SdkEnvError(RuntimeError):
    """Raised when an SDK virtual environment cannot be built."""


def cache_dir() -> pathlib.Path:
    """Return the directory that holds the SDK venvs."""
    override = os.environ.get(CACHE_ENV_VAR)
    return pathlib.Path(override).expanduser() if override else REPO_ROOT / ".venv-sdk"


def _venv_python(venv: pathlib.Path) -> pathlib.Path:
    return venv / "bin" / "python"


def _base_python() -> str:
    explicit = os.environ.get(BASE_PYTHON_ENV_VAR)
    if explicit:
        return explicit
    found = shutil.which("python3.11")
    if found:
        return found
    if sys.version_info[:2] == (3, 11):
        return sys.executable
    raise SdkEnvError(f"python3.11 not found; set {BASE_PYTHON_ENV_VAR}")


def _run(cmd: list[str]) -> None:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except OSError as exc:  # the base python (or the venv's) cannot be run at all
        raise SdkEnvError(f"could not run {cmd[0]}: {exc}") from exc
    if proc.returncode != 0:
        raise SdkEnvError(
            f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}"
        )


def _marker_ok(venv: pathlib.Path, requirement: str) -> bool:
    marker = venv / MARKER
    try:
        return marker.read_text().strip() == requirement and _venv_python(venv).exists()
    except OSError:
        return False


def _build(venv: pathlib.Path, requirement: str) -> None:
    if venv.exists():
        shutil.rmtree(venv)
    _run([_base_python(), "-m", "venv", str(venv)])
    py = str(_venv_python(venv))
    _run(
        [
            py,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-input",
            requirement,
        ]
    )
    _run([py, "-c", "import runware"])
    (venv / MARKER).write_text(requirement + "\n")


def sdk_python(name: str) -> pathlib.Path:
    """Return the python executable of the venv for ``name``, building it on first use."""
    try:
        requirement = SDK_PACKAGES[name]
    except KeyError:
        raise ValueError(
            f"unknown SDK env {name!r}; expected one of {sorted(SDK_PACKAGES)}"
        ) from None
    venv = cache_dir() / name
    if _marker_ok(venv, requirement):
        return _venv_python(venv)
    venv.parent.mkdir(parents=True, exist_ok=True)
    lock_path = venv.parent / f".{name}.lock"
    with open(lock_path, "a+") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            if not _marker_ok(venv, requirement):
                _build(venv, requirement)
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
    return _venv_python(venv)


def driver_path(name: str) -> pathlib.Path:
    """Return the path of a driver script (``legacy_ws`` or ``sdk_v1``)."""
    return DRIVERS_DIR / f"{name}.py"
