"""What happens when a task finishes: its webhook calls and its upload-endpoint PUTs.

- ``webhookURL``: one POST of ``{"data": [item]}`` per result (the item as in a poll reply,
  with ``videoURL``, without ``status``); a failed task gets one POST of
  ``{"data": [{"taskType", "taskUUID", "status": "error", "error": {code, message}}]}``.
- ``uploadEndpoint``: one PUT of each result's rendered video (raw bytes, the video's
  content type); ``videoURL`` keeps pointing at this server.

Sending, retries, the allowlist and journaling are `state.delivery`'s job.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from ..engine.engine import poll_items, render_results
from ..engine.records import TaskRecord
from ..media.files import media_bytes, media_content_type

if TYPE_CHECKING:
    from ..state import ServerState

__all__ = ["notify_finished"]


async def notify_finished(state: ServerState, record: TaskRecord) -> None:
    """Send the webhook calls and upload PUTs of a task that has just finished."""
    request = record.request
    webhook = request.get("webhookURL")
    upload = request.get("uploadEndpoint")
    failures = _int(record.facts.get("webhook_failures"))
    media_base = state.media_base()
    if record.status != "success":
        if isinstance(webhook, str) and webhook:
            (item,) = poll_items(record, media_base_url=media_base)
            await state.delivery.deliver_webhook(
                webhook,
                {"data": [item]},
                failures_to_inject=failures,
                task_uuid=record.task_uuid,
            )
        return
    for item in render_results(record, media_base_url=media_base):
        if isinstance(webhook, str) and webhook:
            await state.delivery.deliver_webhook(
                webhook,
                {"data": [item]},
                failures_to_inject=failures,
                task_uuid=record.task_uuid,
            )
        if isinstance(upload, str) and upload:
            await _upload(state, upload, item)


async def _upload(state: ServerState, url: str, item: dict[str, Any]) -> None:
    record = state.engine.store.get_media(item["videoUUID"])
    if record is None:
        return
    data = await asyncio.to_thread(media_bytes, record)
    await state.delivery.deliver_upload(
        url, data, media_content_type(record), task_uuid=item["taskUUID"]
    )


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0
