"""The schema service Runware publishes at schemas.runware.ai, served from the contract:

- ``GET /resolve/{AIR}`` -> ``{"requestSchema", "responseSchema", "documentation"}``
  (404 ``modelNotFound`` for an AIR the kit does not know);
- ``GET /registry.json`` -> ``{"models": {AIR: {"taskType", "id"}}}``;
- ``GET /docs/models/{slug}/schema.json`` -> that model's OpenAPI 3.1 document.

runware-sdk fetches the first two when ``validate=True``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

if TYPE_CHECKING:
    from ..state import ServerState

__all__ = ["schema_routes"]


def schema_routes(state: ServerState) -> list[Route]:
    """Routes of the schema service over `state.contract`."""
    contract = state.contract

    async def resolve(request: Request) -> Response:
        air = request.path_params["air"]
        model = contract.model(air)
        if model is None:
            return _not_found(
                "modelNotFound", f"No schema for model {air!r}.", "model", sorted(contract.models)
            )
        return JSONResponse(
            {
                "requestSchema": model.request,
                "responseSchema": model.result,
                "documentation": model.documentation,
            }
        )

    async def registry(request: Request) -> Response:
        models = {
            air: {"taskType": m.task_type, "id": m.slug}
            for air, m in sorted(contract.models.items())
        }
        return JSONResponse({"models": models})

    async def openapi(request: Request) -> Response:
        slug = request.path_params["slug"]
        for model in contract.models.values():
            if model.slug == slug:
                return JSONResponse(model.openapi)
        return _not_found(
            "modelNotFound",
            f"No model documented as {slug!r}.",
            "slug",
            sorted(m.slug for m in contract.models.values()),
        )

    return [
        Route("/resolve/{air:path}", resolve, methods=["GET"]),
        Route("/registry.json", registry, methods=["GET"]),
        Route("/docs/models/{slug}/schema.json", openapi, methods=["GET"]),
    ]


def _not_found(code: str, message: str, parameter: str, allowed: list[str]) -> Response:
    error = {"code": code, "message": message, "parameter": parameter, "allowedValues": allowed}
    return JSONResponse({"errors": [error]}, status_code=404)
