"""What happens when a task finishes: its webhook calls and its upload-endpoint PUTs.

- ``webhookURL`` on success: one POST of ``{"data": [item]}`` per result [C, PROTOCOL.md
  "Webhooks"], the item as in a poll reply (with its media URL or data), with ``status:
  "success"`` unless ``ServerConfig.webhook_success_status`` is False [U].
- ``webhookURL`` on failure: one POST; its body follows ``ServerConfig.webhook_error_envelope``
  [U]: by default the very envelope the task's failed ``getResponse`` answers (``data`` with
  the ``status: "error"`` item and ``errors`` with the error), else ``errors`` or ``data`` only.
- ``uploadEndpoint``: one PUT of each result's file (raw bytes, the file's content type)
  [C]; the result's URL keeps pointing at this server.

Sending, retries, the allowlist and journaling are `state.delivery`'s job.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from ..engine.records import TaskRecord
from ..handlers.get_response import result_reply
from ..handlers.results import media_key, output_plan, render_items
from ..media.files import media_bytes, media_content_type
from ..protocol.wire import envelope

if TYPE_CHECKING:
    from ..state import ServerState

__all__ = ["failure_payload", "notify_finished"]


async def notify_finished(state: ServerState, record: TaskRecord) -> None:
    """Send the webhook calls and upload PUTs of a task that has just finished."""
    request = record.request
    webhook = request.get("webhookURL")
    upload = request.get("uploadEndpoint")
    failures = record.facts.webhook_failures
    if record.status != "success":
        if isinstance(webhook, str) and webhook:
            await state.delivery.deliver_webhook(
                webhook,
                await failure_payload(state, record),
                failures_to_inject=failures,
                task_uuid=record.task_uuid,
            )
        return
    key = media_key(output_plan(record).kind)
    items = await render_items(record, media_base_url=state.media_base(), engine=state.engine)
    for item in items:
        if isinstance(webhook, str) and webhook:
            sent = {**item, "status": "success"} if state.config.webhook_success_status else item
            await state.delivery.deliver_webhook(
                webhook,
                {"data": [sent]},
                failures_to_inject=failures,
                task_uuid=record.task_uuid,
            )
        if isinstance(upload, str) and upload:
            await _upload(state, upload, item.get(key), record.task_uuid)


async def failure_payload(state: ServerState, record: TaskRecord) -> dict[str, Any]:
    """The webhook body of a failed task (see ``ServerConfig.webhook_error_envelope``)."""
    reply = await result_reply(record, state, play_faults=False)
    shape = state.config.webhook_error_envelope
    if shape == "errors":
        return {"errors": reply.errors}
    if shape == "data":
        return {"data": reply.data}
    return envelope(reply.data, reply.errors)


async def _upload(state: ServerState, url: str, media_uuid: Any, task_uuid: str) -> None:
    record = state.engine.store.get_media(media_uuid) if isinstance(media_uuid, str) else None
    if record is None:
        return
    data = await asyncio.to_thread(media_bytes, record)
    await state.delivery.deliver_upload(url, data, media_content_type(record), task_uuid=task_uuid)
