"""Every request example of the model pages lints clean, alone, as one body and as JSON Lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runware_testkit.cli import main
from runware_testkit.resources import schemas_dir


def page_examples() -> list[tuple[str, dict[str, object]]]:
    index = json.loads((schemas_dir() / "index.json").read_text(encoding="utf-8"))
    return [
        (f"{model['slug']}-{number}", example["request"])
        for model in index["models"]
        for number, example in enumerate(model.get("examples", []), 1)
    ]


EXAMPLES = page_examples()


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 4


def test_each_example_file_is_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = []
    for name, request in EXAMPLES:
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(request, indent=2), encoding="utf-8")
        paths.append(str(path))
    assert main(["lint", *paths]) == 0
    out = capsys.readouterr().out
    assert out == f"No problems ({len(EXAMPLES)} tasks in {len(EXAMPLES)} files checked).\n"


def test_examples_as_one_body_and_as_json_lines(tmp_path: Path) -> None:
    requests = [request for _, request in EXAMPLES]
    (tmp_path / "body.json").write_text(json.dumps(requests), encoding="utf-8")
    assert main(["lint", "-q", str(tmp_path / "body.json")]) == 0
    lines = "".join(json.dumps(r) + "\n" for r in requests)
    (tmp_path / "body.jsonl").write_text(lines, encoding="utf-8")
    assert main(["lint", "-q", str(tmp_path / "body.jsonl")]) == 0


def test_stored_payload_without_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, request = EXAMPLES[0]
    stored = {k: v for k, v in request.items() if k != "model"}
    path = tmp_path / "stored.json"
    path.write_text(json.dumps(stored, indent=2), encoding="utf-8")
    assert main(["lint", "--format", "json", str(path)]) == 1
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["code"], row["line"], row["column"]) == ("missingModel", 1, 1)
    assert main(["lint", "--model", str(request["model"]), str(path)]) == 0
