"""``runware-testkit proxy``: argument checks, and one run in a subprocess in front of a fake."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from runware_testkit.cassettes import read_cassette
from runware_testkit.cli import main
from runware_testkit.commands.proxy import websocket_upstream
from runware_testkit.testing import server

from .cli_process import CliProcess

OPTIONS = (
    "--upstream",
    "--upstream-ws",
    "--cassette",
    "--media",
    "--budget",
    "--host",
    "--port",
    "--relay-webhooks",
    "--public-url",
    "--every-error",
    "--contract",
)


def test_help_lists_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["proxy", "--help"])
    out = capsys.readouterr().out
    assert [option for option in OPTIONS if option not in out] == []


@pytest.mark.parametrize("budget", ["-1", "nan", "lots", "inf"])
def test_a_bad_budget_is_a_usage_error(budget: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["proxy", "--budget", budget])
    assert exited.value.code == 2
    assert "amount of USD" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--media", "hash"], "give a cassette too"),
        (["--upstream", "ftp://x/v1"], "upstream_rest must start with"),
        (["--upstream-ws", "http://x/v1"], "upstream_ws must start with"),
    ],
)
def test_bad_settings_are_refused_before_serving(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["proxy", "--port", "0", *argv]) == 2
    assert said in capsys.readouterr().err


def test_the_websocket_upstream_follows_the_rest_one() -> None:
    assert websocket_upstream("http://h:1/v1", None, True) == "ws://h:1/v1"
    assert websocket_upstream("https://h/v1", None, True) == "wss://h/v1"
    assert websocket_upstream("https://api.runware.ai/v1", None, False) == (
        "wss://ws-api.runware.ai/v1"
    )
    assert websocket_upstream("http://h/v1", "ws://other/v1", True) == "ws://other/v1"


def test_a_proxy_process_forwards_records_and_reports_its_spend(tmp_path: Path) -> None:
    cassette = tmp_path / "run.jsonl"
    with server(progression="polls:1") as fake:
        process = CliProcess(
            "proxy",
            "--upstream",
            fake.base_url,
            "--port",
            "0",
            "--cassette",
            str(cassette),
            "--budget",
            "1",
            "--log-level",
            "warning",
        )
        try:
            rest = process.rest_url
            task = {
                "taskType": "videoInference",
                "taskUUID": str(uuid.uuid4()),
                "model": "runway:2@1",
                "positivePrompt": "a paper boat",
                "inputs": {"video": "https://cdn.example.com/source.mp4"},
            }
            headers = {"Authorization": f"Bearer {fake.api_key}"}
            answer = httpx.post(rest, json=[task], headers=headers, trust_env=False)
            assert answer.status_code == 200
            again = httpx.post(
                rest,
                json=[{**task, "taskUUID": str(uuid.uuid4())}],
                headers=headers,
                trust_env=False,
            )
            assert again.json()["errors"][0]["code"] == "budgetExceeded"
        finally:
            out, err = process.interrupt()
    assert "budget     $1.0000" in process.banner_text
    assert "spent $0.7563 on 1 task(s)" in out, err
    assert [line.task for line in read_cassette(cassette).interactions] == [
        "t1"
    ]  # budgetExceeded was the proxy's own answer


def test_a_non_loopback_address_needs_allow_remote(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["proxy", "--host", "0.0.0.0", "--port", "0"]) == 2
    assert "--allow-remote" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["proxy", "serve"])
@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_a_port_out_of_range_is_a_usage_error(
    command: str, port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--port", port])
    assert exited.value.code == 2
    assert "port" in capsys.readouterr().err
