"""Generate schemas/ from model pages and schema documents: read, infer, emit, write
deterministically."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .emit_imported import imported_api_info, imported_request_schema, imported_result_schema
from .emit_jsonschema import request_schema, result_schema, schema_id
from .emit_openapi import ApiInfo, openapi_document, page_api_info
from .flattened_page import parse_flattened_page
from .imported import ImportedModel, load_json_document
from .inference import complete_pages
from .markdown_page import looks_like_markdown, parse_markdown_page
from .model import DocumentError, ModelPage, PageError, SourceError
from .openapi_document import looks_like_openapi_document, read_openapi_document
from .platform import load_platform, platform_id, platform_result_fields, platform_schemas
from .schema_service_reply import looks_like_schema_service_reply, read_schema_service_reply
from .traced import Traced

PAGE_FORMATS = ("markdown", "flattened")
DOCUMENT_FORMATS = ("openapi", "schema-service")


@dataclass(frozen=True)
class SourceInput:
    """One source to generate from: a model page or a schema document, the name to cite it by,
    and what we expect of it (``url``: the page's URL, or the document's; ``format``: one of
    ``PAGE_FORMATS`` or ``DOCUMENT_FORMATS``, detected from the content when None)."""

    path: Path
    display: str
    url: str | None = None
    format: str | None = None
    air: str | None = None
    sha256: str | None = None


def inputs_from_sources(sources_file: Path) -> list[SourceInput]:
    """The pages and documents listed in a sources file (paths relative to it).

    The file holds ``{"pages": [...], "documents": [...]}``, each entry ``{air, url, format,
    file, sha256}`` with only ``file`` required. Raises :class:`SourceError` when it is not so.
    """
    display = str(sources_file)
    data = load_json_document(sources_file.read_text(encoding="utf-8"), display)
    base = sources_file.parent
    inputs = []
    for group in ("pages", "documents"):
        entries = data.get(group, []) if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise DocumentError(display, f"/{group}", "expected a list of sources")
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
                raise DocumentError(display, f"/{group}/{index}", "expected {file, ...}")
            inputs.append(
                SourceInput(
                    path=base / entry["file"],
                    display=f"{base.name}/{entry['file']}",
                    url=entry.get("url"),
                    format=entry.get("format"),
                    air=entry.get("air"),
                    sha256=entry.get("sha256"),
                )
            )
    return inputs


def read_source(source: SourceInput) -> ModelPage | ImportedModel:
    """Read one page or document, checking its pinned hash, format and model id.

    JSON text (or a ``format`` of ``openapi``/``schema-service``) is a schema document: an
    OpenAPI document when it has ``openapi``, a schema service reply when it has
    ``requestSchema``. Anything else is a page. Raises :class:`SourceError` naming the file and
    the line or JSON pointer.
    """
    raw = source.path.read_bytes()
    if source.sha256 and hashlib.sha256(raw).hexdigest() != source.sha256:
        raise SourceError(source.display, "", "sha256 differs from the pinned value in sources")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PageError(source.display, line, "not UTF-8 text") from None
    fmt = source.format
    if fmt is None and text.lstrip().startswith(("{", "[")):
        fmt = "json"
    if fmt in (*DOCUMENT_FORMATS, "json"):
        return _read_document(source, text, fmt)
    return _read_page(source, text, fmt)


def _read_page(page: SourceInput, text: str, fmt: str | None) -> ModelPage:
    fmt = fmt or ("markdown" if looks_like_markdown(text) else "flattened")
    if fmt == "markdown":
        model = parse_markdown_page(text, page.display, page.url)
    elif fmt == "flattened":
        model = parse_flattened_page(text, page.display, page.url)
    else:
        formats = ", ".join((*PAGE_FORMATS, *DOCUMENT_FORMATS))
        raise PageError(page.display, 1, f"unknown format {fmt!r} (known: {formats})")
    if page.air and model.air != page.air:
        raise PageError(
            page.display, model.source.line, f"page is for {model.air!r}, sources say {page.air!r}"
        )
    return model


def _read_document(source: SourceInput, text: str, fmt: str) -> ImportedModel:
    data = load_json_document(text, source.display)
    if fmt == "openapi" or (fmt == "json" and looks_like_openapi_document(data)):
        model = read_openapi_document(data, source.display)
    elif fmt == "schema-service" or (fmt == "json" and looks_like_schema_service_reply(data)):
        model = read_schema_service_reply(data, source.display)
    elif not isinstance(data, dict):
        raise DocumentError(
            source.display, "", "expected a JSON object: an OpenAPI document or a schema reply"
        )
    else:
        raise DocumentError(
            source.display,
            "",
            "a JSON object that is neither an OpenAPI document (no 'openapi') nor a schema "
            "service reply (no 'requestSchema')",
        )
    if source.air and model.air.value != source.air:
        raise DocumentError(
            source.display,
            model.air.pointer,
            f"document is for {model.air.value!r}, sources say {source.air!r}",
        )
    if model.format == "openapi" and source.url:
        expected = f"/{model.slug.value}/schema.json"
        if not source.url.rstrip("/").endswith(expected):
            raise DocumentError(
                source.display,
                model.slug.pointer,
                f"model id {model.slug.value!r} does not match the document URL {source.url!r}",
            )
    return model


@dataclass
class _Emitted:
    """One model's generated files and its index entry."""

    slug: str
    request: tuple[dict[str, Any], Traced]
    result: tuple[dict[str, Any], Traced]
    info: ApiInfo
    entry: dict[str, Any]
    examples: list[dict[str, Any]]


def generate(sources: list[SourceInput], platform_file: Path) -> dict[str, str]:
    """Every output file (relative path -> text) for these pages and documents; nothing is
    written. Raises :class:`SourceError` naming the file and line or pointer."""
    platform = load_platform(platform_file)
    models = [read_source(s) for s in sources]
    _check_unique(models)
    pages = [m for m in models if isinstance(m, ModelPage)]
    complete_pages(pages, platform_result_fields(platform, platform_file))
    emitted = [
        _emit_page(m) if isinstance(m, ModelPage) else _emit_imported(m, platform) for m in models
    ]
    files: dict[str, str] = {}
    plat = platform_schemas(platform)
    plat_sources: dict[str, Any] = {}
    for name, (schema, trace) in plat.items():
        files[f"platform/{name}.schema.json"] = _dump(schema)
        plat_sources[name] = trace.sorted()
    files["platform/sources.json"] = _dump(plat_sources)
    index: dict[str, Any] = {"models": [], "platform": sorted(plat)}
    for model in sorted(emitted, key=lambda m: m.slug):
        (request, request_trace), (result, result_trace) = model.request, model.result
        api = openapi_document(model.info, request, result, {k: v[0] for k, v in plat.items()})
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
                **model.entry,
                "request": f"{folder}/request.schema.json",
                "result": f"{folder}/result.schema.json",
                "openapi": f"{folder}/openapi.json",
                "examples": model.examples,
            }
        )
    files["request-array.schema.json"] = _dump(_request_array(sorted(m.slug for m in emitted)))
    files["index.json"] = _dump(index)
    return files


def _check_unique(models: list[ModelPage | ImportedModel]) -> None:
    seen: dict[tuple[str, str], str] = {}
    for model in models:
        if isinstance(model, ModelPage):
            keys, file = (("slug", model.slug), ("AIR", model.air)), model.file
        else:
            keys, file = (("slug", model.slug.value), ("AIR", model.air.value)), model.file
        for key in keys:
            if key in seen:
                raise SourceError(file, "", f"{seen[key]} has the same {key[0]} {key[1]!r}")
            seen[key] = file


def _emit_page(page: ModelPage) -> _Emitted:
    entry = {
        "air": page.air,
        "slug": page.slug,
        "title": page.title,
        "taskType": page.task_type,
        "documentation": page.url,
        "page": page.file,
        "source": page.file,
        "format": page.format,
        "status": page.status,
        "capabilities": page.capabilities,
    }
    examples = [
        {"title": e.title, "line": e.source.line, "request": e.request, "response": e.response}
        for e in page.examples
    ]
    return _Emitted(
        page.slug, request_schema(page), result_schema(page), page_api_info(page), entry, examples
    )


def _emit_imported(model: ImportedModel, platform: dict[str, Any]) -> _Emitted:
    info = imported_api_info(model)
    entry: dict[str, Any] = {
        "air": info.air,
        "slug": info.slug,
        "title": info.title,
        "taskType": model.task_type.value,
        "documentation": info.documentation,
        "source": model.file,
        "format": model.format,
        "status": info.status,
        "capabilities": info.capabilities,
    }
    if info.pricing is not None:
        entry["pricing"] = info.pricing
    return _Emitted(
        info.slug,
        imported_request_schema(model),
        imported_result_schema(model, platform),
        info,
        entry,
        [],
    )


def _request_array(slugs: list[str]) -> dict[str, Any]:
    choices = [{"$ref": schema_id(slug, "request")} for slug in slugs]
    choices += [
        {"$ref": platform_id(n)}
        for n in (
            "authentication-request",
            "get-response-request",
            "ping-request",
            "media-storage-request",
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
