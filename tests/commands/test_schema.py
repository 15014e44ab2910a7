"""``runware-testkit schema``: a model's generated documents, by AIR or slug."""

from __future__ import annotations

import json

import pytest

from runware_testkit.cli import main
from runware_testkit.resources import schemas_dir


def shipped(slug: str, name: str) -> object:
    return json.loads((schemas_dir() / "models" / slug / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("model", "slug"),
    [("runway:2@1", "runway-aleph"), ("runway-aleph-2-0", "runway-aleph-2-0")],
)
@pytest.mark.parametrize(
    ("kind", "name"),
    [
        (None, "request.schema.json"),
        ("request", "request.schema.json"),
        ("result", "result.schema.json"),
        ("openapi", "openapi.json"),
    ],
)
def test_prints_the_shipped_document(
    model: str, slug: str, kind: str | None, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["schema", model] + (["--kind", kind] if kind else [])
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out) == shipped(slug, name)


def test_air_is_matched_without_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "RUNWAY:ALEPH@2.0"]) == 0
    assert json.loads(capsys.readouterr().out)["x-air-id"] == "runway:aleph@2.0"


def test_unknown_model_exits_2_with_the_known_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "runway:9@9"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(
        "runware-testkit schema: unknown model 'runway:9@9'; known models: "
        "bfl:flux@3-image (bfl-flux-3-image), bytedance:seedance@2.5 (bytedance-seedance-2-5), "
    )
    assert captured.err.endswith("runway:2@1 (runway-aleph), runway:aleph@2.0 (runway-aleph-2-0)\n")


def test_bad_kind_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as info:
        main(["schema", "runway:2@1", "--kind", "yaml"])
    assert info.value.code == 2
