"""``GET /media/{uuid}.{ext}``: result videos (rendered on first request) and uploaded inputs.

A result is a real, playable clip in the task's ``outputFormat`` at its output size, quality,
seed and duration. Errors are Runware-shaped: HTTP 404 ``mediaNotFound`` for an unknown or
deleted UUID or the wrong extension, HTTP **410** ``mediaExpired`` once the result's ``ttl``
has run out on the server clock (410 tells "it existed, it is gone" apart from "never
existed"). ``/media/{uuid}`` without an extension serves the file too. ``HEAD`` is supported.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..engine.errors import MediaExpired, MediaNotFound
from ..media.files import media_bytes, media_content_type

if TYPE_CHECKING:
    from ..state import ServerState

__all__ = ["media_routes"]

EXPIRED_STATUS = 410


def media_routes(state: ServerState) -> list[Route]:
    """Routes serving media files of `state`."""

    async def serve(request: Request) -> Response:
        state.bind_loop()
        name = request.path_params["name"]
        media_uuid, _, extension = name.partition(".")
        try:
            record = state.engine.media(media_uuid.lower())
        except MediaExpired as exc:
            return _error(EXPIRED_STATUS, exc.code, exc.message, media_uuid)
        except MediaNotFound as exc:
            return _error(404, exc.code, exc.message, media_uuid)
        if extension and extension.lower() != record.format:
            return _error(
                404,
                "mediaNotFound",
                f"Media {media_uuid} is a .{record.format} file, not .{extension}.",
                media_uuid,
            )
        try:
            data = await asyncio.to_thread(media_bytes, record)
        except ValueError as exc:
            return _error(404, "mediaNotFound", str(exc), media_uuid)
        headers = {"Cache-Control": "no-store"}
        if request.method == "HEAD":
            headers["Content-Length"] = str(len(data))
            return Response(b"", media_type=media_content_type(record), headers=headers)
        return Response(data, media_type=media_content_type(record), headers=headers)

    return [Route("/media/{name}", serve, methods=["GET", "HEAD"])]


def _error(status: int, code: str, message: str, media_uuid: str) -> Response:
    error = {"code": code, "message": message, "parameter": "mediaUUID", "mediaUUID": media_uuid}
    return JSONResponse({"errors": [error]}, status_code=status)
