"""``runware-testkit models``: the known models as a table or JSON."""

from __future__ import annotations

import json

import pytest

from runware_testkit.cli import main
from runware_testkit.contract import load_contract


def test_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["AIR", "TITLE", "TASK", "TYPE", "ORIGIN", "SOURCE"]
    aleph = next(line for line in lines if line.startswith("runway:2@1 "))
    assert aleph.split() == [
        "runway:2@1",
        "Runway",
        "Aleph",
        "videoInference",
        "shipped",
        "markdown:",
        "contract/pages/runway-aleph.md",
    ]
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
            "origin": "shipped",
            "source": f"{m.source_format}: {m.source}",
        }
        for m in load_contract().models.values()
    ]
    assert {"runway:2@1", "runway:aleph@2.0"} <= {r["air"] for r in rows}
