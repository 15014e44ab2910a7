"""The plugin's ``--runware-contract`` option and ``runware_contracts`` ini key: a model from a
user contract directory is served by both fixtures and known to the validator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.test_contract import ADDED, _generate, task

from .conftest import INI


@pytest.fixture(scope="module")
def added_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("added")
    return _generate(root / "contracts", ADDED, "acme-clip", "Acme Clip")


def test_plugin_serves_an_added_model(added_dir: Path, downstream: pytest.Pytester) -> None:
    pytester = downstream
    pytester.makeini(INI + f"runware_contracts =\n    {added_dir}\n")
    pytester.makepyfile(
        test_added=f"""
        import uuid
        import httpx

        def test_added_model_completes(runware_server):
            task = {json.dumps(task())}
            task["taskUUID"] = str(uuid.uuid4())
            headers = {{"Authorization": f"Bearer {{runware_server.api_key}}"}}
            ack = httpx.post(runware_server.base_url, json=[task], headers=headers)
            assert ack.status_code == 200, ack.text
            poll = [{{"taskType": "getResponse", "taskUUID": task["taskUUID"]}}]
            reply = httpx.post(runware_server.base_url, json=poll, headers=headers).json()
            assert reply["data"][0]["status"] == "success"

        def test_mock_knows_it_too(runware_mock):
            from runware_testkit.validation import validate_request
            task = {json.dumps(task())}
            assert validate_request(task) == []
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    bad = pytester.runpytest_subprocess("--runware-contract", str(added_dir / "absent"))
    assert bad.ret != 0
    assert "runware_contracts" in bad.stderr.str() or "runware-contract" in bad.stderr.str()
