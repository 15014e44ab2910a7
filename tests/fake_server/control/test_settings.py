"""Settings taken by ``POST /__testkit/reset`` (and namespaces), here the ``errors`` reply mode."""

from __future__ import annotations

import pytest

from runware_testkit.fake_server.control.settings import SettingError, parse_settings

from ..harness import Harness, video_task


def _bad_task() -> dict:
    task = video_task(outputQuality=5)
    del task["positivePrompt"]
    return task


async def test_reset_switches_between_one_and_every_error(server: Harness) -> None:
    status, body = await server.call(_bad_task())
    assert (status, [e["code"] for e in body["errors"]]) == (400, ["missingPositivePrompt"])

    answer = await server.http.post("/__testkit/reset", json={"errors": "all"})
    assert answer.status_code == 200, answer.text
    _, body = await server.call(_bad_task())
    assert sorted(e["code"] for e in body["errors"]) == [
        "invalidOutputQuality",
        "missingPositivePrompt",
    ]

    await server.http.post("/__testkit/reset", json={"errors": "first"})
    _, body = await server.call(_bad_task())
    assert [e["code"] for e in body["errors"]] == ["missingPositivePrompt"]


async def test_a_bad_errors_setting_is_a_runware_error(server: Harness) -> None:
    answer = await server.http.post("/__testkit/reset", json={"errors": "some"})
    assert answer.status_code == 400
    (error,) = answer.json()["errors"]
    assert error["parameter"] == "errors"
    assert error["allowedValues"] == ["first", "all"]


@pytest.mark.parametrize("value", ["first", "all"])
def test_parse_settings_keeps_the_errors_mode(value: str) -> None:
    assert parse_settings({"errors": value}) == {"errors": value}


def test_parse_settings_refuses_other_modes() -> None:
    with pytest.raises(SettingError, match="errors must be one of first, all"):
        parse_settings({"errors": True})
