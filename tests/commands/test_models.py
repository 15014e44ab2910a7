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
    rows = {line.split()[0]: line for line in lines[1:]}
    assert rows["runway:2@1"].split() == [
        "runway:2@1",
        "Runway",
        "Aleph",
        "videoInference",
        "shipped",
        "markdown:",
        "contract/pages/runway-aleph.md",
    ]
    assert rows["runway:aleph@2.0"].split()[1:5] == ["Runway", "Aleph", "2.0", "videoInference"]
    assert rows["bytedance:50@1"].split()[-3:] == [
        "shipped",
        "openapi:",
        "contract/schemas/bytedance-video-upscaler.schema.json",
    ]
    assert len(lines) == 1 + len(load_contract().models) == 9


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
    assert [r["air"] for r in rows] == [
        "bfl:flux@3-image",
        "bytedance:seedance@2.5",
        "bytedance:50@1",
        "lightricks:ltx@2.5-fast",
        "meta:muse@image",
        "minimax:h3@0",
        "runway:2@1",
        "runway:aleph@2.0",
    ]
