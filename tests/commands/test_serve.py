"""``runware-testkit serve``: argument checks that need no running server."""

from __future__ import annotations

import pytest
import uvicorn

from runware_testkit.cli import main

from .cli_process import CliProcess


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.com"])
def test_non_loopback_host_is_refused(host: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--host", host, "--memory"]) == 2
    err = capsys.readouterr().err
    assert "refusing to bind" in err and "--allow-remote" in err


def test_bad_progression_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--memory", "--port", "0", "--progression", "sometimes"]) == 2
    assert "progression" in capsys.readouterr().err


def test_help_lists_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = capsys.readouterr().out
    for option in (
        "--host",
        "--port",
        "--state",
        "--memory",
        "--api-key",
        "--progression",
        "--report-progress",
        "--seed",
        "--allow-remote",
        "--max-body-mb",
        "--max-frame-mb",
    ):
        assert option in out


@pytest.mark.parametrize(("flags", "reported"), [([], False), (["--report-progress"], True)])
def test_report_progress_reaches_the_server(
    flags: list[str], reported: bool, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    served = []

    def run(self, sockets=None) -> None:
        served.append(self.config.app.root_state.config)
        for sock in sockets or []:
            sock.close()

    monkeypatch.setattr(uvicorn.Server, "run", run)
    assert main(["serve", "--memory", "--port", "0", *flags]) == 0
    (config,) = served
    assert config.report_progress is reported
    banner = capsys.readouterr().out
    assert ("time:8 with progress" in banner) is reported


def _served_config(args: list[str], monkeypatch) -> object:
    served = []

    def run(self, sockets=None) -> None:
        served.append((self.config.app.root_state.config, self.config.ws_max_size))
        for sock in sockets or []:
            sock.close()

    monkeypatch.setattr(uvicorn.Server, "run", run)
    assert main(["serve", "--memory", "--port", "0", *args]) == 0
    (served_config,) = served
    return served_config


def test_size_limits_default_to_64_mib(monkeypatch, capsys) -> None:
    config, ws_max_size = _served_config([], monkeypatch)
    mib = 1024 * 1024
    assert config.limits.max_body_bytes == 64 * mib
    assert config.limits.max_ws_frame_bytes == 64 * mib
    assert config.limits.max_media_bytes == 64 * mib
    assert ws_max_size == 4 * 64 * mib


def test_size_limit_options_reach_the_server(monkeypatch, capsys) -> None:
    config, ws_max_size = _served_config(
        ["--max-body-mb", "200", "--max-frame-mb", "8"], monkeypatch
    )
    mib = 1024 * 1024
    assert config.limits.max_body_bytes == 200 * mib
    assert config.limits.max_ws_frame_bytes == 8 * mib
    assert config.limits.max_media_bytes == 200 * mib
    assert ws_max_size == 32 * mib


def test_batch_limit_option_reaches_the_server(monkeypatch, capsys) -> None:
    default, _ = _served_config([], monkeypatch)
    assert default.limits.max_tasks_per_request == 100
    config, _ = _served_config(["--max-tasks", "5000"], monkeypatch)
    assert config.limits.max_tasks_per_request == 5000


@pytest.mark.parametrize("value", ["0", "2.5", "many"])
def test_bad_batch_limit_is_a_usage_error(value: str, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "--memory", "--port", "0", "--max-tasks", value])
    assert stopped.value.code == 2
    assert "whole number >= 1" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["0", "-3", "1.5", "lots"])
def test_bad_size_limit_is_a_usage_error(value: str, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "--memory", "--port", "0", "--max-body-mb", value])
    assert stopped.value.code == 2
    assert "whole number of MiB" in capsys.readouterr().err


def test_a_served_fake_drops_quietly_and_stops_on_ctrl_c_without_a_traceback() -> None:
    """A `drop` fault is deliberate: the log shows no traceback for it, and Ctrl+C ends the
    process with status 0 and no KeyboardInterrupt traceback."""
    import uuid

    import httpx

    process = CliProcess("serve", "--memory", "--port", "0", merge_stderr=True)
    try:
        rest = process.rest_url
        task = {
            "taskType": "videoInference",
            "taskUUID": str(uuid.uuid4()),
            "model": "runway:2@1",
            "positivePrompt": "a paper boat [[testkit:drop]]",
            "inputs": {"video": "https://cdn.example.com/in.mp4"},
        }
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.post(rest, json=[task], headers={"Authorization": "Bearer rw-testkit-dev-key"})
        assert httpx.get(rest.replace("/v1", "/__testkit/health")).status_code == 200
    finally:
        out, _ = process.interrupt()
    assert process.proc.returncode == 0, out
    assert "Traceback" not in out, out
