"""``mediaStorage``: store a file for later tasks, or delete one [C, PROTOCOL.md "Media inputs"].

- ``{"operation": "upload", "media": <URL | data URI | base64>}`` (an image or a video) ->
  ``{"taskType", "taskUUID", "operation": "upload", "mediaUUID", "mediaURL"}``. The stored file
  is usable by its ``mediaUUID`` (or ``mediaURL``) as any media input, by the API key that
  uploaded it only (another key gets ``mediaNotFound``, as for an unknown UUID; its URL stays
  public, like Runware's delivery URLs). Bytes that are neither a
  readable video nor a JPEG, PNG, WebP, BMP or GIF image are ``invalidMedia``; a URL on a host
  the fake may not fetch is ``downloadFailed``.
- ``{"operation": "delete", "media": <mediaUUID>}`` -> ``{"taskType", "taskUUID", "operation":
  "delete", "mediaUUID"}`` (no URL); an unknown or already deleted UUID, or one of another
  API key's media, is ``mediaNotFound`` (HTTP 404). A deleted file is no longer served and no
  longer usable as an input.

A dry run reads and checks the media and answers with ``"dryRun": true`` and no UUID; nothing
is stored or deleted.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from ..engine.errors import EngineError
from ..media.inputs import MediaInputError, identify_upload, read_upload
from ..protocol.wire import TaskReply, task_head
from .context import Context

if TYPE_CHECKING:
    from ..state import ServerState

__all__ = ["handle"]


async def handle(task: dict[str, Any], ctx: Context, state: ServerState) -> TaskReply:
    """Upload or delete, as ``operation`` says."""
    head = task_head(task)
    if task["operation"] == "delete":
        return _delete(task, ctx, state, head)
    try:
        data = await read_upload(
            state,
            task["media"],
            parameter="media",
            api_key=ctx.api_key,
            request_base=ctx.request_base,
        )
        upload = await asyncio.to_thread(identify_upload, data, parameter="media")
    except MediaInputError as exc:
        return TaskReply.error(exc.http_status, **{**exc.to_error(), **head})
    item = {**head, "operation": "upload"}
    if ctx.dry_run:
        return TaskReply(data=[{**item, "dryRun": True}])
    record = state.engine.add_media(
        format=upload.extension,
        data=upload.data,
        kind="input",
        width=upload.width,
        height=upload.height,
        duration=upload.duration,
        api_key=ctx.api_key,
    )
    url = f"{state.media_base(ctx.request_base)}/{record.media_uuid}.{record.format}"
    return TaskReply(data=[{**item, "mediaUUID": record.media_uuid, "mediaURL": url}])


def _delete(
    task: dict[str, Any], ctx: Context, state: ServerState, head: dict[str, str]
) -> TaskReply:
    media_uuid = str(task["media"]).lower()
    try:
        if ctx.dry_run:
            state.engine.media(media_uuid, api_key=ctx.api_key)
        else:
            state.engine.delete_media(media_uuid, api_key=ctx.api_key)
    except EngineError as exc:  # mediaNotFound, mediaExpired
        return TaskReply.error(404, code=exc.code, message=exc.message, parameter="media", **head)
    item: dict[str, Any] = {**head, "operation": "delete", "mediaUUID": media_uuid}
    if ctx.dry_run:
        item["dryRun"] = True
    return TaskReply(data=[item])
