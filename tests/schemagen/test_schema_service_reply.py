"""Importing a schema service reply (``GET schemas.runware.ai/resolve/<AIR>``).

The fixture ``fixtures/bytedance-50-1.resolve.json`` is written from the pinned ByteDance
Video Upscaler document: ``requestSchema`` is its ``RequestBody.items``, ``responseSchema`` its
``ResponseBody``, ``documentation`` its model page.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from runware_testkit.schemagen.emit_imported import (
    imported_request_schema,
    imported_result_schema,
)
from runware_testkit.schemagen.model import DocumentError
from runware_testkit.schemagen.openapi_document import read_openapi_document
from runware_testkit.schemagen.platform import load_platform
from runware_testkit.schemagen.schema_service_reply import (
    looks_like_schema_service_reply,
    read_schema_service_reply,
)

from .documents import FIXTURES, ROOT, display, document, items

REPLY = FIXTURES / "bytedance-50-1.resolve.json"
PLATFORM = load_platform(ROOT / "contract" / "platform.json")
KIT_WRITTEN = ("title", "description", "x-documentation")


def reply() -> dict[str, Any]:
    return json.loads(REPLY.read_text(encoding="utf-8"))


def test_fixture_is_the_documents_task_schema():
    data = reply()
    assert data["requestSchema"] == items("bytedance-video-upscaler")
    assert (
        data["responseSchema"]
        == document("bytedance-video-upscaler")["components"]["schemas"]["ResponseBody"]
    )
    assert looks_like_schema_service_reply(data)


def test_reply_imports_like_the_document():
    model = read_schema_service_reply(reply(), "bytedance-50-1.resolve.json")
    assert (model.air.value, model.slug.value, model.task_type.value, model.format) == (
        "bytedance:50@1",
        "bytedance-video-upscaler",
        "upscale",
        "schema-service",
    )
    assert model.air.pointer == "/requestSchema/properties/model/const"
    assert model.slug.pointer == "/documentation"
    from_reply, trace = imported_request_schema(model)
    doc = read_openapi_document(
        document("bytedance-video-upscaler"), display("bytedance-video-upscaler")
    )
    from_document, _ = imported_request_schema(doc)
    assert {k: v for k, v in from_reply.items() if k != "title"} == {
        k: v for k, v in from_document.items() if k not in ("title", "description")
    }
    assert from_reply["title"] == "bytedance:50@1 upscale task"  # the reply names no model
    assert trace.sources["/properties/inputs/required"] == (
        "bytedance-50-1.resolve.json#/requestSchema/properties/inputs/required"
    )
    result, _ = imported_result_schema(model, PLATFORM)
    assert result == imported_result_schema(doc, PLATFORM)[0]


def test_untyped_reply_takes_the_platform_result_item():
    data = {
        "requestSchema": items("minimax-h3"),
        "responseSchema": None,
        "documentation": "https://runware.ai/docs/models/minimax-h3",
    }
    model = read_schema_service_reply(data, "h3.resolve.json")
    assert model.response_item is None
    result, trace = imported_result_schema(model, PLATFORM)
    assert result["x-inferred-from"] == "platform"
    assert result["required"] == ["taskType", "taskUUID", "videoUUID"]
    assert trace.sources["/properties/videoUUID/format"].startswith(
        "contract/platform.json#/results/videoInference/fields/2/format (inferred: "
    )


@pytest.mark.parametrize(
    ("change", "pointer", "words"),
    [
        (lambda r: r.pop("documentation"), "/documentation", "missing"),
        (lambda r: r.update(documentation="runware model page"), "/documentation", "http(s) URL"),
        (lambda r: r.update(documentation="https://runware.ai/"), "/documentation", "folder"),
        (
            lambda r: r["requestSchema"]["properties"]["model"].pop("const"),
            "/requestSchema/properties/model/const",
            "the model's AIR",
        ),
        (lambda r: r.update(requestSchema=[]), "/requestSchema", "expected an object"),
        (lambda r: r.update(responseSchema="none"), "/responseSchema", "a schema or null"),
        (
            lambda r: r["requestSchema"].update(
                {"$schema": "http://json-schema.org/draft-07/schema#"}
            ),
            "/requestSchema/$schema",
            "2020-12",
        ),
    ],
)
def test_malformed_replies_name_file_and_pointer(change, pointer, words):
    data = reply()
    change(data)
    with pytest.raises(DocumentError) as info:
        model = read_schema_service_reply(data, "r.json")
        imported_request_schema(model)
    assert str(info.value).startswith(f"r.json#{pointer}: ")
    assert words in str(info.value)
