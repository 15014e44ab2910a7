"""videoedit: edits videos with Runway Aleph through Runware's REST API (an example app)."""

from .client import EditResult, RunwareAPIError, VideoEditClient
from .webhooks import WebhookError, WebhookStore, handle_webhook, webhook_app

__all__ = [
    "EditResult",
    "RunwareAPIError",
    "VideoEditClient",
    "WebhookError",
    "WebhookStore",
    "handle_webhook",
    "webhook_app",
]
