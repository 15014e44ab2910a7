"""The README's calls of the official Python SDKs, run as written against ``runware_server``.

The ``runware-sdk`` block runs in this interpreter, over REST and over WebSocket; the legacy
``runware`` block runs in that SDK's own venv (see `envs`), with its timing variables as the
README sets them. Each block defines ``edit(...)``, called here with the fixture's URLs.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
import re
import subprocess
from pathlib import Path

import pytest

from .envs import SdkEnvError, sdk_python
from .unavailable import setup_unavailable

pytestmark = [pytest.mark.sdk, pytest.mark.runware(progression="polls:1", live=False)]

README = Path(__file__).resolve().parents[2] / "README.md"


def sdk_blocks() -> list[str]:
    """The Python blocks of the README's "Official SDKs" section, in order."""
    text = README.read_text()
    section = text[text.index("## Official SDKs") :]
    section = section[: section.index("\n## ", 1)]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_the_section_holds_both_sdks():
    blocks = sdk_blocks()
    assert len(blocks) == 2
    assert 'transport="rest"' in blocks[0] and "RUNWARE_VIDEO_INITIAL_TIMEOUT" in blocks[1]


@pytest.mark.parametrize("transport", ["rest", "websocket"])
def test_runware_sdk_call_as_written(runware_server, transport):
    try:
        importlib.metadata.version("runware-sdk")
    except importlib.metadata.PackageNotFoundError:
        setup_unavailable(
            "runware-sdk is not installed here (pip install -e '.[test]' installs it)"
        )
    code = sdk_blocks()[0]
    if transport == "websocket":
        code = (
            code.replace(
                '    client = Runware(api_key=api_key, transport="rest", http_base_url=base_url, '
                "validate=False)\n",
                "",
            )
            .replace("    # WebSocket: ", "    ")
            .replace("    #                   ", "    ")
        )
        assert 'transport="websocket"' in code and 'transport="rest"' not in code
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    results = asyncio.run(
        namespace["edit"](runware_server.base_url, runware_server.ws_url, runware_server.api_key)
    )
    assert len({item["videoUUID"] for item in results}) == 2
    runware_server.assert_task_submitted(model="runway:2@1", numberResults=2)


def test_legacy_runware_call_as_written(runware_server, tmp_path):
    try:
        python = sdk_python("runware-0.5.24")
    except SdkEnvError as exc:
        setup_unavailable(f"the legacy runware venv could not be built: {exc}")
    script = tmp_path / "legacy.py"
    script.write_text(
        sdk_blocks()[1]
        + "\nimport asyncio, json\n"
        + f"videos = asyncio.run(edit({runware_server.ws_url!r}, {runware_server.api_key!r}))\n"
        + "print(json.dumps([v.videoUUID for v in videos]))\n"
    )
    done = subprocess.run(
        [str(python), str(script)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    uuids = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(set(uuids)) == 2
    runware_server.assert_task_submitted(model="runway:2@1", numberResults=2)
