"""``runware-testkit verify``: exit status, every output format (snapshots), unreadable input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from runware_testkit import __version__
from runware_testkit.cli import main
from runware_testkit.verify.compare import KINDS

CASSETTES = Path(__file__).parents[1] / "verify" / "cassettes"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["verify", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def in_cassettes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASSETTES)


def normalized(out: str, fmt: str) -> str:
    if fmt != "sarif":
        return out
    log = json.loads(out)
    assert log["runs"][0]["tool"]["driver"]["version"] == __version__
    log["runs"][0]["tool"]["driver"]["version"] = "<version>"
    return json.dumps(log, indent=2, ensure_ascii=False)


def test_a_faithful_cassette_has_no_drift(
    in_cassettes: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "faithful.jsonl")
    assert (code, err) == (0, "")
    assert out == "1 cassette verified, 6 interactions compared, 0 skipped: no drift.\n"


def test_each_hand_made_drift_is_reported_with_exit_1(
    in_cassettes: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--format", "json", "drifted.jsonl")
    assert code == 1
    drifts = json.loads(out)["cassettes"][0]["drifts"]
    found = {(d["kind"], d["line"], d["pointer"]) for d in drifts}
    assert {
        ("envelope", 2, "/response"),
        ("missing-field", 3, "/response/data/0/progress"),
        ("wrong-type", 5, "/response/data/0/seed"),
        ("status-sequence", 5, "/response/data/0/status"),
        ("error-code", 7, "/response/errors/0/code"),
    } <= found
    assert {d["kind"] for d in drifts} <= set(KINDS)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_format_snapshot(
    fmt: str, in_cassettes: None, capsys: pytest.CaptureFixture[str], snapshot: Any
) -> None:
    code, out, err = run(capsys, "--format", fmt, "drifted.jsonl", "faithful.jsonl")
    assert (code, err) == (1, "")
    assert normalized(out, fmt) == snapshot


def test_sarif_results_point_at_the_cassette_line(
    in_cassettes: None, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "--format", "sarif", "drifted.jsonl")
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    run_ = log["runs"][0]
    rules = [rule["id"] for rule in run_["tool"]["driver"]["rules"]]
    assert rules == list(KINDS)
    for result in run_["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "drifted.jsonl"
        line = location["region"]["startLine"]
        assert 2 <= line <= 7


def test_output_file(
    in_cassettes: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "drift.json"
    code, out, _ = run(capsys, "--format", "json", "--output", str(target), "drifted.jsonl")
    assert (code, out) == (1, "")
    assert json.loads(target.read_text())["drifts"] > 0


def test_an_unreadable_cassette_exits_2_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.jsonl"
    header = (CASSETTES / "faithful.jsonl").read_text().splitlines()[0]
    bad.write_text(header + "\n" + '{"id": 1, "transport": "carrier pigeon"}\n')
    code, out, err = run(capsys, str(bad), str(tmp_path / "missing.jsonl"))
    assert code == 2
    assert f"{bad} line 2: transport must be one of" in err
    assert f"{tmp_path / 'missing.jsonl'}: no such file" in err
    assert "Traceback" not in err
    assert out.endswith("2 cassettes unreadable: no drift in what could be read.\n")


def test_no_cassette_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["verify"])
    assert exit_.value.code == 2
