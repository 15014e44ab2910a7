"""The schema service (/resolve/{AIR}, /registry.json, /docs/models/{slug}/schema.json)."""

from __future__ import annotations

import pytest

from runware_testkit.contract import load_contract

from ..harness import ALEPH, ALEPH2, Harness


@pytest.mark.parametrize("air", [ALEPH, ALEPH2])
async def test_resolve_gives_the_model_schemas(server: Harness, air: str) -> None:
    response = await server.http.get(f"/resolve/{air}")
    assert response.status_code == 200
    body = response.json()
    model = load_contract().model(air)
    assert body["requestSchema"] == model.request
    assert body["responseSchema"] == model.result
    assert body["documentation"] == model.documentation


async def test_resolve_unknown_model_is_404(server: Harness) -> None:
    response = await server.http.get("/resolve/runway:9@9")
    assert response.status_code == 404
    (error,) = response.json()["errors"]
    assert error["code"] == "modelNotFound"
    assert ALEPH in error["allowedValues"]


async def test_registry_maps_models_to_task_type_and_id(server: Harness) -> None:
    body = (await server.http.get("/registry.json")).json()
    assert body["models"][ALEPH] == {"taskType": "videoInference", "id": "runway-aleph"}
    assert body["models"][ALEPH2] == {"taskType": "videoInference", "id": "runway-aleph-2-0"}


async def test_openapi_document_per_model(server: Harness) -> None:
    body = (await server.http.get("/docs/models/runway-aleph-2-0/schema.json")).json()
    assert body == load_contract().model(ALEPH2).openapi
    assert (await server.http.get("/docs/models/nope/schema.json")).status_code == 404
