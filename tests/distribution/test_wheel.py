"""The built wheel in a fresh venv with no extras: a downstream project gets every feature.

``tests/downstream/`` (an httpx video-edit client and its webhook receiver, tested with
``runware_mock``, ``runware_server``, the ``runware`` marker and the strategies) is copied into a
directory of its own and run by the venv's pytest, which comes from the kit's own dependencies;
the project's own ``requirements.txt`` (pytest-asyncio, for its async tests) is installed after
the wheel.
Marked ``wheel``: ``pytest -m 'not wheel'`` leaves these tests out.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from runware_testkit import __version__

from .wheel_env import REPO_ROOT, WheelEnv, WheelEnvError, shared_wheel_env, unavailable

pytestmark = pytest.mark.wheel

DOWNSTREAM = REPO_ROOT / "tests" / "downstream"


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory: pytest.TempPathFactory) -> WheelEnv:
    """The wheel, built and installed once per run (xdist workers share it)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    try:
        return shared_wheel_env(shared, DOWNSTREAM / "requirements.txt")
    except WheelEnvError as exc:
        unavailable(str(exc))
        raise


def test_wheel_ships_types_license_and_contract(wheel_env: WheelEnv) -> None:
    with zipfile.ZipFile(wheel_env.wheel) as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read(f"runware_testkit-{__version__}.dist-info/METADATA").decode()
    dist_info = f"runware_testkit-{__version__}.dist-info"
    assert "runware_testkit/py.typed" in names
    assert f"{dist_info}/licenses/LICENSE" in names
    assert "runware_testkit/__main__.py" in names
    assert any(n.startswith("runware_testkit/_schemas/models/") for n in names)
    assert "runware_testkit/_contract/platform.json" in names
    inspector = "runware_testkit/fake_server/inspector/static/"
    assert {inspector + f"inspector.{ext}" for ext in ("html", "css", "js")} <= names
    runtime = re.findall(r"^Requires-Dist: ([A-Za-z0-9_.-]+)(?!.*extra ==)", metadata, re.M)
    assert {"pytest", "hypothesis", "respx"} <= set(runtime)
    assert re.search(r"^Project-URL: .+, https://", metadata, re.M)


def test_installed_with_no_extras_and_consistent(wheel_env: WheelEnv) -> None:
    names = wheel_env.installed
    assert {"runware-testkit", "pytest", "hypothesis", "respx"} <= names
    assert not names & {"pytest-xdist", "pytest-asyncio", "syrupy", "schemathesis", "ruff"}
    check = wheel_env.pip("check")
    assert check.returncode == 0, check.stdout + check.stderr
    where = wheel_env.run(
        wheel_env.python, "-c", "import runware_testkit; print(runware_testkit.__file__)"
    )
    assert Path(where.stdout.strip()).is_relative_to(wheel_env.venv), where.stdout


def test_command_line_from_the_wheel(wheel_env: WheelEnv, tmp_path: Path) -> None:
    version = wheel_env.run(wheel_env.script("runware-testkit"), "--version")
    assert version.stdout == f"runware-testkit {__version__}\n"
    module = wheel_env.run(wheel_env.python, "-m", "runware_testkit", "--version")
    assert module.stdout == version.stdout
    (tmp_path / "edit.json").write_text(
        json.dumps({"taskType": "videoInference", "model": "runway:2@1", "widht": 1280})
    )
    lint = wheel_env.run(wheel_env.script("runware-testkit"), "lint", "edit.json", cwd=tmp_path)
    assert lint.returncode == 1, lint.stderr
    assert "edit.json:1:" in lint.stdout
    assert "did you mean 'width'?" in lint.stdout.lower()


def test_downstream_project_passes_in_the_fresh_venv(wheel_env: WheelEnv, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(
        DOWNSTREAM, project / "downstream", ignore=shutil.ignore_patterns("__pycache__")
    )
    # A project of its own: its own rootdir and settings, nothing of this repository's.
    (project / "pytest.ini").write_text(
        "[pytest]\naddopts = -p no:cacheprovider\nasyncio_mode = auto\n"
        "asyncio_default_fixture_loop_scope = function\n"
    )

    done = wheel_env.run(wheel_env.python, "-m", "pytest", "-q", "-rfEs", cwd=project)

    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    passed = re.search(r"(\d+) passed", summary)
    assert passed and int(passed.group(1)) >= 20, summary
    assert "skipped" not in summary and "error" not in summary, summary
    assert "runware-testkit" not in done.stderr, done.stderr


def test_ci_makes_an_unbuildable_wheel_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        unavailable("no package index")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no package index"):
        unavailable("no package index")
