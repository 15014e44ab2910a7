"""The pinned OpenAPI documents and helpers for the importer tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from runware_testkit.schemagen.imported import resolve

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS_DIR = ROOT / "contract" / "schemas"
FIXTURES = Path(__file__).parent / "fixtures"
ITEMS = "/components/schemas/RequestBody/items"

# model id (file stem) -> AIR, as the pinned documents' info.x-air-id give them
DOCUMENTS = {
    "bfl-flux-3-image": "bfl:flux@3-image",
    "bytedance-seedance-2-5": "bytedance:seedance@2.5",
    "bytedance-video-upscaler": "bytedance:50@1",
    "lightricks-ltx-2-5-fast": "lightricks:ltx@2.5-fast",
    "meta-muse-image": "meta:muse@image",
    "minimax-h3": "minimax:h3@0",
}


def display(slug: str) -> str:
    """How the generator cites a pinned document."""
    return f"contract/schemas/{slug}.schema.json"


def document(slug: str) -> dict[str, Any]:
    """A fresh copy of the pinned document of ``slug``."""
    return json.loads((SCHEMAS_DIR / f"{slug}.schema.json").read_text(encoding="utf-8"))


def items(slug: str) -> dict[str, Any]:
    """The task object schema of the pinned document, as published."""
    return document(slug)["components"]["schemas"]["RequestBody"]["items"]


REMOVE = object()


def edited(slug: str, pointer: str, value: Any) -> dict[str, Any]:
    """The document of ``slug`` with the value at ``pointer`` replaced (or removed if value is
    ``REMOVE``)."""
    doc = copy.deepcopy(document(slug))
    parent_pointer, _, key = pointer.rpartition("/")
    found, parent = resolve(doc, parent_pointer)
    assert found, parent_pointer
    key = key.replace("~1", "/").replace("~0", "~")
    if isinstance(parent, list):
        key = int(key)
    if value is REMOVE:
        del parent[key]
    else:
        parent[key] = value
    return doc


def source_of(citation: str) -> tuple[str, str, str | None]:
    """Split ``file#pointer (note)`` into its parts."""
    head, _, note = citation.partition(" (")
    file, _, pointer = head.partition("#")
    return file, pointer, note[:-1] if note else None


def resolve_citation(citation: str) -> tuple[bool, Any]:
    """(found, value) of a ``file#pointer`` citation, reading the file under the repository."""
    file, pointer, _ = source_of(citation)
    data = json.loads((ROOT / file).read_text(encoding="utf-8"))
    return resolve(data, pointer)
