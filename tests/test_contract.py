"""The model registry: shipped models plus user contract directories.

A user directory is made the way the README says, with ``runware-testkit generate`` on a page,
here a copy of the pinned Aleph page re-labelled as another model (``acme:clip@1``) and one as
an override of ``runway:2@1`` with another title.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from runware_testkit import contract as registry
from runware_testkit.cli import main
from runware_testkit.contract import ContractError, load_contract, use_contracts
from runware_testkit.resources import contract_dir

ADDED = "acme:clip@1"


def _page(air: str, slug: str, title: str) -> str:
    text = (contract_dir() / "pages" / "runway-aleph.md").read_text(encoding="utf-8")
    text = text.replace("runway:2@1", air).replace("/models/runway-aleph", f"/models/{slug}")
    return text.replace("# Runway Aleph\n", f"# {title}\n", 1)


def _generate(out: Path, air: str, slug: str, title: str) -> Path:
    page = out.parent / f"{slug}.md"
    page.write_text(_page(air, slug, title), encoding="utf-8")
    assert main(["generate", str(page), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def added_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("added")
    return _generate(root / "contracts", ADDED, "acme-clip", "Acme Clip")


@pytest.fixture(scope="module")
def override_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("override")
    return _generate(root / "contracts", "runway:2@1", "runway-aleph", "Aleph As Tested Here")


@pytest.fixture(autouse=True)
def _clean_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(registry.ENV_VAR, raising=False)
    use_contracts([])
    yield
    use_contracts([])


def task(model: str = ADDED) -> dict:
    return {
        "taskType": "videoInference",
        "taskUUID": str(uuid.uuid4()),
        "model": model,
        "positivePrompt": "a paper boat on a rainy street",
        "inputs": {"video": "https://example.com/clip.mp4"},
    }


def test_shipped_registry_has_no_user_models() -> None:
    contract = load_contract()
    assert ADDED not in contract.models
    assert {m.origin for m in contract.models.values()} == {"shipped"}
    assert load_contract() is contract  # cached


def test_use_contracts_adds_a_generated_model(added_dir: Path) -> None:
    use_contracts([added_dir])
    contract = load_contract()
    model = contract.model(ADDED)
    assert model is not None
    assert model.origin == str(added_dir.resolve())
    assert model.title == "Acme Clip"
    assert model.source_format == "markdown"
    assert "runway:2@1" in contract.models  # shipped models stay


def test_environment_variable_adds_directories(
    added_dir: Path, override_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(registry.ENV_VAR, os.pathsep.join(["", str(added_dir), str(override_dir)]))
    contract = load_contract()
    assert contract.model(ADDED).origin == str(added_dir.resolve())
    assert contract.model("runway:2@1").title == "Aleph As Tested Here"


def test_a_user_directory_overrides_a_shipped_model(override_dir: Path) -> None:
    use_contracts([override_dir])
    model = load_contract().model("runway:2@1")
    assert model.title == "Aleph As Tested Here"
    assert model.origin == str(override_dir.resolve())
    assert load_contract().model("runway:aleph@2.0").origin == "shipped"


def test_first_directory_wins(added_dir: Path, tmp_path: Path) -> None:
    other = _generate(tmp_path / "c", ADDED, "acme-clip", "Acme Clip Two")
    use_contracts([other, added_dir])
    assert load_contract().model(ADDED).title == "Acme Clip Two"


def test_a_slug_clash_between_user_models_is_refused(added_dir: Path, tmp_path: Path) -> None:
    other = _generate(tmp_path / "c", "acme:other@1", "acme-clip", "Same Slug")
    use_contracts([added_dir, other])
    with pytest.raises(ContractError, match="acme-clip"):
        load_contract()


@pytest.mark.parametrize("kind", ["missing", "empty"])
def test_bad_directories_are_refused_naming_them(kind: str, tmp_path: Path) -> None:
    target = tmp_path / "nothing-here"
    if kind == "empty":
        target.mkdir()
    with pytest.raises(ContractError, match="nothing-here") as caught:
        use_contracts([target])
    assert "runware-testkit generate" in str(caught.value)


def test_a_broken_file_in_a_directory_is_named(added_dir: Path, tmp_path: Path) -> None:
    broken = _generate(tmp_path / "c", "acme:broken@1", "acme-broken", "Broken")
    (broken / "models" / "acme-broken" / "request.schema.json").write_text("{", encoding="utf-8")
    use_contracts([broken])
    with pytest.raises(ContractError, match=r"request\.schema\.json"):
        load_contract()


# -- every part of the kit reads the registry ---------------------------------------------------


def test_validate_request_follows_the_registry(
    added_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from runware_testkit.validation import validate_request

    assert [e.code for e in validate_request(task())] != []
    monkeypatch.setenv(registry.ENV_VAR, str(added_dir))
    assert validate_request(task()) == []
    bad = task()
    bad["outputFormat"] = "AVI"
    assert [e.parameter for e in validate_request(bad)] == ["outputFormat"]


def test_strategies_draw_for_an_added_model(added_dir: Path) -> None:
    from runware_testkit.strategies import requests
    from runware_testkit.validation import validate_request

    use_contracts([added_dir])

    @settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(requests(model=ADDED))
    def check(drawn: dict) -> None:
        assert drawn["model"] == ADDED
        assert validate_request(drawn) == []

    check()


def test_cli_models_lists_origins(added_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "--contract", str(added_dir), "--json"]) == 0
    rows = {r["air"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows[ADDED]["origin"] == str(added_dir.resolve())
    assert rows[ADDED]["source"].startswith("markdown: ")
    assert rows["runway:2@1"]["origin"] == "shipped"


def test_cli_lint_with_contract(
    added_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stored = tmp_path / "task.json"
    stored.write_text(json.dumps(task()), encoding="utf-8")
    assert main(["lint", "--contract", str(added_dir), str(stored)]) == 0
    capsys.readouterr()
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({**task(), "outputFormat": "AVI"}), encoding="utf-8")
    assert main(["lint", "--contract", str(added_dir), str(wrong)]) == 1
    assert "outputFormat" in capsys.readouterr().out


def test_cli_schema_prints_an_added_model(
    added_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", "--contract", str(added_dir), ADDED]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["properties"]["model"]["const"] == ADDED


def test_cli_refuses_a_missing_contract_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "--contract", str(tmp_path / "absent")]) == 2
    assert "absent" in capsys.readouterr().err


# -- the fake, as a `serve` process and through the pytest plugin -------------------------------


@pytest.mark.parametrize("how", ["option", "environment"])
def test_serve_answers_an_added_model(how: str, added_dir: Path) -> None:
    from tests.reliability.served import Served, poll

    extra = ["--contract", str(added_dir)] if how == "option" else []
    env = {registry.ENV_VAR: str(added_dir)} if how == "environment" else {}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        served = Served(None, progression="immediate", extra=extra)
    try:
        submitted = task()
        status, body = served.call(submitted)
        assert status == 200, body
        assert body["data"] == [{"taskType": "videoInference", "taskUUID": submitted["taskUUID"]}]
        status, body = served.call(poll(submitted["taskUUID"]))
        assert status == 200, body
        items = body["data"]
        assert [i["status"] for i in items] == ["success"]
        assert items[0]["videoURL"].startswith(served.base_url)
    finally:
        served.stop()


def test_serve_without_the_directory_refuses_the_model() -> None:
    from tests.reliability.served import Served

    served = Served(None)
    try:
        status, body = served.call(task())
        assert status == 400
        assert [e["code"] for e in body["errors"]] == ["unknownModel"]
    finally:
        served.stop()
