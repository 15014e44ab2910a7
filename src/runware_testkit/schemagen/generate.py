"""Generate schemas/ from model pages: parse, infer, emit, write deterministically."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .emit_jsonschema import request_schema, result_schema, schema_id
from .emit_openapi import openapi_document
from .flattened_page import parse_flattened_page
from .inference import complete_pages
from .markdown_page import looks_like_markdown, parse_markdown_page
from .model import ModelPage, PageError
from .platform import load_platform, platform_id, platform_result_fields, platform_schemas


@dataclass(frozen=True)
class PageInput:
    """One page to generate from: its file, the name to cite it by, and what we expect of it."""

    path: Path
    display: str
    url: str | None = None
    format: str | None = None
    air: str | None = None
    sha256: str | None = None


def inputs_from_sources(sources_file: Path) -> list[PageInput]:
    """The pages listed in a sources file (paths relative to it)."""
    data = json.loads(sources_file.read_text(encoding="utf-8"))
    base = sources_file.parent
    return [
        PageInput(
            path=base / entry["file"],
            display=f"{base.name}/{entry['file']}",
            url=entry.get("url"),
            format=entry.get("format"),
            air=entry.get("air"),
            sha256=entry.get("sha256"),
        )
        for entry in data["pages"]
    ]


def parse_page(page: PageInput) -> ModelPage:
    """Read and parse one page, checking its pinned hash, format and model id."""
    raw = page.path.read_bytes()
    if page.sha256 and hashlib.sha256(raw).hexdigest() != page.sha256:
        raise PageError(page.display, 1, "sha256 differs from the pinned value in sources")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PageError(page.display, line, "page is not UTF-8 text") from None
    fmt = page.format or ("markdown" if looks_like_markdown(text) else "flattened")
    if fmt == "markdown":
        model = parse_markdown_page(text, page.display, page.url)
    elif fmt == "flattened":
        model = parse_flattened_page(text, page.display, page.url)
    else:
        raise PageError(page.display, 1, f"unknown page format {fmt!r}")
    if page.air and model.air != page.air:
        raise PageError(
            page.display, model.source.line, f"page is for {model.air!r}, sources say {page.air!r}"
        )
    return model


def generate(pages: list[PageInput], platform_file: Path) -> dict[str, str]:
    """Every output file (relative path -> text) for these pages; nothing is written."""
    platform = load_platform(platform_file)
    models = [parse_page(p) for p in pages]
    slugs = [m.slug for m in models]
    if len(set(slugs)) != len(slugs):
        raise PageError(models[0].file, 1, f"two pages share a docs slug: {slugs}")
    complete_pages(models, platform_result_fields(platform, platform_file))
    files: dict[str, str] = {}
    plat = platform_schemas(platform)
    plat_sources: dict[str, Any] = {}
    for name, (schema, trace) in plat.items():
        files[f"platform/{name}.schema.json"] = _dump(schema)
        plat_sources[name] = trace.sorted()
    files["platform/sources.json"] = _dump(plat_sources)
    index: dict[str, Any] = {"models": [], "platform": sorted(plat)}
    for model in sorted(models, key=lambda m: m.slug):
        request, request_trace = request_schema(model)
        result, result_trace = result_schema(model)
        api = openapi_document(model, request, result, {k: v[0] for k, v in plat.items()})
        folder = f"models/{model.slug}"
        files[f"{folder}/request.schema.json"] = _dump(request)
        files[f"{folder}/result.schema.json"] = _dump(result)
        files[f"{folder}/openapi.json"] = _dump(api)
        files[f"{folder}/sources.json"] = _dump(
            {
                "request.schema.json": request_trace.sorted(),
                "result.schema.json": result_trace.sorted(),
                "openapi.json": "assembled from request.schema.json, result.schema.json and "
                "platform/ (see their sources)",
            }
        )
        index["models"].append(
            {
                "air": model.air,
                "slug": model.slug,
                "title": model.title,
                "taskType": model.task_type,
                "documentation": model.url,
                "page": model.file,
                "format": model.format,
                "request": f"{folder}/request.schema.json",
                "result": f"{folder}/result.schema.json",
                "openapi": f"{folder}/openapi.json",
                "examples": [
                    {
                        "title": e.title,
                        "line": e.source.line,
                        "request": e.request,
                        "response": e.response,
                    }
                    for e in model.examples
                ],
            }
        )
    files["request-array.schema.json"] = _dump(_request_array(models))
    files["index.json"] = _dump(index)
    return files


def _request_array(models: list[ModelPage]) -> dict[str, Any]:
    choices = [{"$ref": schema_id(m.slug, "request")} for m in sorted(models, key=lambda m: m.slug)]
    choices += [
        {"$ref": platform_id(n)}
        for n in (
            "authentication-request",
            "get-response-request",
            "ping-request",
            "media-storage-request",
            "image-upload-request",
            "get-task-details-request",
        )
    ]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:runware-testkit:request-array",
        "title": "Runware request body",
        "description": "Every call carries a JSON array of task objects, even for one task.",
        "type": "array",
        "minItems": 1,
        "items": {"anyOf": choices},
    }


def write(files: dict[str, str], out: Path) -> list[Path]:
    """Write generated files under ``out``, removing stale generated files; return what changed."""
    changed: list[Path] = []
    out.mkdir(parents=True, exist_ok=True)
    wanted = {out / name for name in files}
    for stale in sorted(out.rglob("*.json")):
        if stale not in wanted:
            stale.unlink()
            changed.append(stale)
    for name, text in sorted(files.items()):
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            changed.append(target)
    return changed


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
