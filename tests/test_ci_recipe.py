"""The README's CI recipe (GitHub Actions), run as written: serve in the background, wait on
/__testkit/health, pytest with --runware-url.

The steps are read from the README's YAML block and each ``run`` is given to ``bash -e`` the
way a runner does, in a directory holding a small downstream test, with two differences: a
free port instead of 8765 (other servers may hold 8765 on this machine), and no
``pip install`` step (the kit under test is installed here already).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

README = Path(__file__).resolve().parents[1] / "README.md"
STEP_TIMEOUT = 120.0

DOWNSTREAM_TEST = textwrap.dedent(
    """
    import uuid

    import httpx


    def test_against_the_served_fake(runware_server):
        assert runware_server.mode == "remote"
        task = {"taskType": "videoInference", "taskUUID": str(uuid.uuid4()),
                "model": "runway:2@1", "positivePrompt": "make it snow",
                "inputs": {"video": "https://cdn.example.com/in.mp4"}}
        answer = httpx.post(runware_server.base_url, json=[task], trust_env=False,
                            headers={"Authorization": f"Bearer {runware_server.api_key}"})
        assert answer.status_code == 200
        runware_server.assert_task_submitted(model="runway:2@1")
    """
)


def recipe_steps() -> list[dict]:
    """The steps of the README's GitHub Actions recipe (the YAML block naming --runware-url)."""
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text(), flags=re.S)
    recipes = [block for block in blocks if "--runware-url" in block]
    assert len(recipes) == 1, "the README should hold exactly one CI recipe"
    steps = yaml.safe_load(recipes[0])
    assert isinstance(steps, list) and all("run" in step for step in steps)
    return steps


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_readme_ci_recipe_runs(tmp_path: Path) -> None:
    if shutil.which("curl") is None:
        if os.environ.get("CI"):
            pytest.fail("curl is needed by the CI recipe and is not installed")
        pytest.skip("curl is needed by the CI recipe and is not installed")
    steps = recipe_steps()
    runs = [step["run"] for step in steps if not step["run"].startswith("pip install")]
    assert len(runs) == 2 and "serve" in runs[0] and "pytest" in runs[1]
    port = str(free_port())
    (tmp_path / "test_downstream.py").write_text(DOWNSTREAM_TEST)
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    for name in ("RUNWARE_TESTKIT_URL", "RUNWARE_TESTKIT_CONTROL_TOKEN", "PYTEST_ADDOPTS"):
        env.pop(name, None)
    groups: list[int] = []
    try:
        outputs = []
        for script in runs:
            step = subprocess.Popen(
                ["bash", "-e", "-c", script.replace("8765", port)],
                cwd=tmp_path,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
            groups.append(step.pid)
            output, _ = step.communicate(timeout=STEP_TIMEOUT)
            outputs.append(output)
            log = (tmp_path / "serve.log").read_text() if (tmp_path / "serve.log").exists() else ""
            assert step.returncode == 0, f"step failed:\n{script}\n{output}\nserve.log:\n{log}"
        assert '"status":"ok"' in outputs[0].replace(" ", "")
        assert "1 passed" in outputs[1]
        assert f"uses the fake at http://127.0.0.1:{port}" in outputs[1]
    finally:
        for group in groups:  # the background serve lives in the first step's group
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGTERM)
