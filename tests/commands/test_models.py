"""``runware-testkit models``: the known models as a table or JSON."""

from __future__ import annotations

import json

import pytest

from runware_testkit.cli import main
from runware_testkit.contract import load_contract


def test_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["AIR", "TITLE", "TASK", "TYPE", "DOCUMENTATION"]
    assert lines[1].split() == [
        "runway:2@1",
        "Runway",
        "Aleph",
        "videoInference",
        "https://runware.ai/docs/models/runway-aleph",
    ]
    assert lines[2].startswith("runway:aleph@2.0  Runway Aleph 2.0  videoInference  https://")
    assert len(lines) == 1 + len(load_contract().models)


def test_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {
            "air": m.air,
            "slug": m.slug,
            "title": m.title,
            "taskType": m.task_type,
            "documentation": m.documentation,
        }
        for m in load_contract().models.values()
    ]
    assert [r["air"] for r in rows] == ["runway:2@1", "runway:aleph@2.0"]
