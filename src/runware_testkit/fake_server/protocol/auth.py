"""API key checks, with the error objects Runware answers (``taskType: "authentication"``,
``parameter: "apiKey"``: the legacy ``runware`` SDK only notices an auth error carrying both)."""

from __future__ import annotations

from typing import Any

from ..config import ServerConfig

__all__ = ["bearer_key", "key_error"]


def bearer_key(header: str | None) -> str | None:
    """The key of an ``Authorization: Bearer <key>`` header (None if absent or another scheme)."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def key_error(config: ServerConfig, key: object) -> dict[str, Any] | None:
    """None when `key` is accepted, else the ``missingApiKey`` / ``invalidApiKey`` error."""
    head = {"parameter": "apiKey", "taskType": "authentication"}
    if not isinstance(key, str) or not key.strip():
        return {
            "code": "missingApiKey",
            "message": "An API key is required: send 'Authorization: Bearer <key>' or an "
            "authentication task first.",
            **head,
        }
    if not config.accepts_key(key):
        return {"code": "invalidApiKey", "message": "Invalid API key.", **head}
    return None
