"""A contract directory built from Runware's own per-model documents, for the validator's tests.

The documents are the ones pinned under ``contract/schemas/`` (their URLs and sha256 in
``contract/sources.json``); the directory is built straight from them, independently of the
kit's importer, so the validator is tested on the published ``items`` as they are.

The layout is the one `contract.load_contract` reads (``index.json`` and
``models/<slug>/request.schema.json``, ``result.schema.json``, ``openapi.json``); the request
schema is the document's ``components.schemas.RequestBody.items`` plus ``$schema``, ``$id``
and ``title``, as the kit's importer writes it. Platform schemas come from the shipped
contract (a directory without ``platform/`` falls back to it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from runware_testkit.resources import contract_dir

DOCUMENTS = contract_dir() / "schemas"

BFL = "bfl:flux@3-image"
SEEDANCE = "bytedance:seedance@2.5"
UPSCALER = "bytedance:50@1"
LTX = "lightricks:ltx@2.5-fast"
MUSE = "meta:muse@image"
MINIMAX = "minimax:h3@0"
UUID4 = "aac49721-1964-481a-ae78-8a4e29b91402"
IMAGE = "https://assets.example.com/in.jpg"

# An AIR no contract of the kit holds: the FLUX document under another name.
PRIVATE_FLUX = "acme:private-flux@1"
RENAMED = {PRIVATE_FLUX: BFL}
VIDEO = "https://assets.example.com/in.mp4"


def document(name: str) -> dict[str, Any]:
    """One of the six documents, by file stem (``minimax-h3``)."""
    return json.loads((DOCUMENTS / f"{name}.schema.json").read_text(encoding="utf-8"))


def request_schema(doc: dict[str, Any]) -> dict[str, Any]:
    """The task schema of a document, as the importer writes it."""
    items = doc["components"]["schemas"]["RequestBody"]["items"]
    slug = doc["info"]["x-model-id"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:runware-testkit:{slug}:request",
        "title": f"{doc['info']['title']} task",
        **items,
    }


def build_contract(root: Path, rename: Mapping[str, str] | None = None) -> Path:
    """Write a contract directory of the six documents under ``root``; returns ``root``.

    ``rename`` maps a document's AIR to another one (its ``model`` const, slug and ``$id``
    follow), for a contract that holds models the shipped contract does not.
    """
    shipped = json.loads(
        (Path(__file__).parents[2] / "schemas" / "index.json").read_text(encoding="utf-8")
    )
    models = []
    for path in sorted(DOCUMENTS.glob("*.schema.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        new_air = (rename or {}).get(doc["info"]["x-air-id"])
        if new_air is not None:
            doc = _renamed(doc, new_air)
        info = doc["info"]
        slug = info["x-model-id"]
        request = request_schema(doc)
        folder = root / "models" / slug
        folder.mkdir(parents=True)
        result = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"urn:runware-testkit:{slug}:result",
            "type": "object",
        }
        for name, content in (
            ("request.schema.json", request),
            ("result.schema.json", result),
            ("openapi.json", doc),
        ):
            (folder / name).write_text(json.dumps(content), encoding="utf-8")
        models.append(
            {
                "air": info["x-air-id"],
                "slug": slug,
                "title": info["title"],
                "taskType": request["properties"]["taskType"]["const"],
                "documentation": f"https://runware.ai/docs/models/{slug}",
                "request": f"models/{slug}/request.schema.json",
                "result": f"models/{slug}/result.schema.json",
                "openapi": f"models/{slug}/openapi.json",
                "format": "openapi",
            }
        )
    index = {"models": models, "platform": shipped["platform"]}
    (root / "index.json").write_text(json.dumps(index), encoding="utf-8")
    return root


def _renamed(doc: dict[str, Any], air: str) -> dict[str, Any]:
    doc = json.loads(json.dumps(doc))
    slug = "".join(c if c.isalnum() else "-" for c in air)
    doc["info"]["x-air-id"] = air
    doc["info"]["x-model-id"] = slug
    doc["components"]["schemas"]["RequestBody"]["items"]["properties"]["model"]["const"] = air
    return doc


def task(air: str, **fields: Any) -> dict[str, Any]:
    """A minimal valid task of ``air`` with ``fields`` added (None removes a field)."""
    base: dict[str, Any] = {
        BFL: {"taskType": "imageInference", "positivePrompt": "A lighthouse in a storm"},
        SEEDANCE: {"taskType": "videoInference", "positivePrompt": "A lighthouse in a storm"},
        UPSCALER: {"taskType": "upscale", "inputs": {"video": VIDEO}},
        LTX: {"taskType": "videoInference", "positivePrompt": "A lighthouse in a storm"},
        MUSE: {"taskType": "imageInference", "positivePrompt": "A lighthouse in a storm"},
        MINIMAX: {"taskType": "videoInference", "positivePrompt": "A lighthouse in a storm"},
    }[RENAMED.get(air, air)]
    out = {**base, "taskUUID": "3ad204c3-a9de-4963-8a1a-c3911e3afafe", "model": air}
    for key, value in fields.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out
