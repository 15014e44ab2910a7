"""A contract directory for tests: the shipped schemas plus two small models of task types the
shipped contract may lack, an image generator and an image/video upscaler.

Their request schemas follow Runware's published style (``outputFormat`` / ``outputType`` /
``outputQuality`` with defaults, inputs under ``inputs``, titled width/height presets) and their
OpenAPI ``info`` carries ``x-pricing``, so the fake's contract-driven defaults and prices can be
checked on them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from runware_testkit.contract import Contract, load_contract
from runware_testkit.resources import schemas_dir

IMAGE_MODEL = "testkit:image@1"
UPSCALER = "testkit:upscaler@1"
IMAGE_PRICE = 0.02
UPSCALE_PRICE = 0.005

_MEDIA = {
    "type": "string",
    "anyOf": [
        {"type": "string", "format": "uuid"},
        {"type": "string", "format": "uri", "pattern": "^https?://"},
        {"type": "string", "pattern": "^data:[a-z]+/[A-Za-z0-9.+-]+;base64,[A-Za-z0-9+/]+={0,2}$"},
        {"type": "string", "pattern": "^[A-Za-z0-9+/]+={0,2}$"},
    ],
}


def _common(task_type: str, air: str, formats: list[str], default_format: str) -> dict[str, Any]:
    return {
        "taskType": {"type": "string", "const": task_type},
        "taskUUID": {"type": "string", "format": "uuid"},
        "model": {"type": "string", "const": air},
        "outputType": {
            "type": "string",
            "enum": ["URL", "base64Data", "dataURI"],
            "default": "URL",
        },
        "outputFormat": {"type": "string", "enum": formats, "default": default_format},
        "outputQuality": {"type": "integer", "minimum": 20, "maximum": 99, "default": 95},
        "includeCost": {"type": "boolean"},
        "webhookURL": {"type": "string", "format": "uri"},
        "uploadEndpoint": {"type": "string", "format": "uri"},
        "ttl": {"type": "integer", "minimum": 60},
        "deliveryMethod": {"type": "string", "enum": ["async"], "default": "async"},
    }


def _image_request() -> dict[str, Any]:
    properties = _common("imageInference", IMAGE_MODEL, ["JPG", "PNG", "WEBP"], "JPG")
    properties.update(
        {
            "positivePrompt": {"type": "string", "minLength": 2},
            "width": {"type": "integer", "minimum": 16, "maximum": 2048},
            "height": {"type": "integer", "minimum": 16, "maximum": 2048},
            "resolution": {"type": "string", "enum": ["small", "large"], "default": "small"},
            "numberResults": {"type": "integer", "minimum": 1, "maximum": 4, "default": 1},
            "seed": {"type": "integer", "minimum": 0, "maximum": 4294967295},
            "inputs": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"referenceImages": {"type": "array", "items": _MEDIA}},
            },
        }
    )
    presets = [
        ("small (1:1)", 96, 96),
        ("small (16:9)", 128, 72),
        ("large (1:1)", 256, 256),
        ("large (16:9)", 320, 180),
    ]
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["taskType", "taskUUID", "model", "positivePrompt"],
        "properties": properties,
        "allOf": [
            {"dependentRequired": {"width": ["height"], "height": ["width"]}},
            {
                "not": {
                    "allOf": [
                        {"required": ["resolution"]},
                        {"anyOf": [{"required": ["width"]}, {"required": ["height"]}]},
                    ]
                }
            },
            {
                "if": {"anyOf": [{"required": ["width"]}, {"required": ["height"]}]},
                "then": {
                    "oneOf": [
                        {
                            "title": title,
                            "properties": {"width": {"const": w}, "height": {"const": h}},
                        }
                        for title, w, h in presets
                    ]
                },
            },
        ],
    }


def _upscale_request() -> dict[str, Any]:
    properties = _common("upscale", UPSCALER, ["JPG", "PNG", "WEBP", "MP4", "WEBM", "MOV"], "PNG")
    del properties["outputFormat"]["default"]
    properties.update(
        {
            "upscaleFactor": {"type": "integer", "minimum": 2, "maximum": 4, "default": 2},
            "inputs": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"image": _MEDIA, "video": _MEDIA},
            },
        }
    )
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["taskType", "taskUUID", "model", "inputs"],
        "properties": properties,
    }


_MODELS = [
    (IMAGE_MODEL, "testkit-image", "imageInference", _image_request, IMAGE_PRICE),
    (UPSCALER, "testkit-upscaler", "upscale", _upscale_request, UPSCALE_PRICE),
]


def write_contract(root: Path) -> Path:
    """Copy the shipped schemas to `root` and add the two test models; `root`."""
    shutil.copytree(schemas_dir(), root)
    index = json.loads((root / "index.json").read_text(encoding="utf-8"))
    for air, slug, task_type, request, price in _MODELS:
        folder = root / "models" / slug
        folder.mkdir(parents=True)
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"urn:runware-testkit:{slug}:request",
            "title": f"{slug} {task_type} task",
            **request(),
        }
        result = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"urn:runware-testkit:{slug}:result",
            "type": "object",
        }
        info = {
            "title": slug,
            "x-air-id": air,
            "x-pricing": {"rates": [{"amount": price, "unit": "output"}]},
        }
        files = {
            "request.schema.json": schema,
            "result.schema.json": result,
            "openapi.json": {"openapi": "3.1.0", "info": info},
        }
        for name, body in files.items():
            (folder / name).write_text(json.dumps(body), encoding="utf-8")
        index["models"].append(
            {
                "air": air,
                "slug": slug,
                "title": slug,
                "taskType": task_type,
                "documentation": f"https://example.test/{slug}",
                "request": f"models/{slug}/request.schema.json",
                "result": f"models/{slug}/result.schema.json",
                "openapi": f"models/{slug}/openapi.json",
            }
        )
    (root / "index.json").write_text(json.dumps(index), encoding="utf-8")
    return root


def extended_contract(root: Path) -> Contract:
    """The contract of `write_contract(root)`."""
    return load_contract(write_contract(root))
