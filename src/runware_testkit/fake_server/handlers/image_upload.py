"""``imageUpload``: store an image for later tasks [C, PROTOCOL.md "Media inputs"].

Request ``{"taskType": "imageUpload", "taskUUID", "image": <URL | data URI | base64>}`` (the
only field) -> ``{"taskType": "imageUpload", "taskUUID", "imageUUID", "imageURL"}``. The
``imageUUID`` (or ``imageURL``) is usable wherever an image input is accepted, by the uploading
API key only (another key gets ``mediaNotFound``).

Runware's rules [C]: JPEG, PNG, WebP, BMP or GIF; stored at most 2048 px on the long side (a
larger image is scaled down, aspect kept, in its own format). Bytes that are not such an image
are ``invalidImage``; a URL on a host the fake may not fetch is ``downloadFailed``. Runware
deletes uploads 30 days after their last use; the fake keeps them until reset.

A dry run reads and checks the image and answers ``{"taskType", "taskUUID", "dryRun": true}``.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from ..media.errors import MediaError
from ..media.image import extension as image_extension
from ..media.image_header import read_image_header
from ..media.image_input import STORED_LONG_SIDE, fit_long_side
from ..media.inputs import MediaInputError, read_upload
from ..protocol.wire import TaskReply, task_head
from .context import Context

if TYPE_CHECKING:
    from ..state import ServerState

__all__ = ["handle"]

_PARAMETER = "image"


async def handle(task: dict[str, Any], ctx: Context, state: ServerState) -> TaskReply:
    """Store the image (fitted to 2048 px) and answer its UUID and URL."""
    head = task_head(task)
    try:
        data = await read_upload(
            state,
            task["image"],
            parameter=_PARAMETER,
            api_key=ctx.api_key,
            request_base=ctx.request_base,
        )
        stored = await asyncio.to_thread(_fitted, data)
    except (MediaInputError, MediaError) as exc:
        return TaskReply.error(getattr(exc, "http_status", 400), **{**exc.to_error(), **head})
    if ctx.dry_run:
        return TaskReply(data=[{**head, "dryRun": True}])
    facts = read_image_header(stored, parameter=_PARAMETER)
    record = state.engine.add_media(
        format=image_extension(facts.format),
        data=stored,
        kind="input",
        width=facts.width,
        height=facts.height,
        api_key=ctx.api_key,
    )
    url = f"{state.media_base(ctx.request_base)}/{record.media_uuid}.{record.format}"
    return TaskReply(data=[{**head, "imageUUID": record.media_uuid, "imageURL": url}])


def _fitted(data: bytes) -> bytes:
    """The image as stored: checked readable, at most `STORED_LONG_SIDE` px on its long side."""
    return fit_long_side(data, STORED_LONG_SIDE, parameter=_PARAMETER)
