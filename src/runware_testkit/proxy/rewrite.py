"""The URLs the proxy stands in for, both ways.

- Result URLs in answers (any key ending in ``URL`` but ``webhookURL``/``uploadEndpoint``, with
  an http(s) value) become ``<proxy>/__proxy/media/<token>``, so each download passes through
  the proxy and is recorded as a ``media`` line.
- With webhook relaying, a task's ``webhookURL`` becomes ``<proxy>/__proxy/webhook/<token>``.
- A stand-in URL a client sends back (a result URL used as an input) is restored to the
  original before the task leaves.
"""

from __future__ import annotations

from typing import Any

from .state import MEDIA_ROUTE, WEBHOOK_ROUTE, ProxyState

NOT_RESULT_URLS = frozenset({"webhookURL", "uploadEndpoint"})


def public_base(state: ProxyState, client_base: str) -> str:
    """Where the upstream reaches the proxy: ``public_url`` if set, else the client's base."""
    return (state.config.public_url or client_base).rstrip("/")


def rewrite_answer(state: ProxyState, value: Any, base: str) -> Any:
    """A copy of an answer with each result URL replaced by its stand-in on the proxy."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if (
                isinstance(item, str)
                and key.endswith("URL")
                and key not in NOT_RESULT_URLS
                and item.lower().startswith(("http://", "https://"))
            ):
                out[key] = state.stand_in(MEDIA_ROUTE, item, base)
            else:
                out[key] = rewrite_answer(state, item, base)
        return out
    if isinstance(value, list):
        return [rewrite_answer(state, item, base) for item in value]
    return value


def restore_request(state: ProxyState, value: Any) -> Any:
    """A copy of a client's task with every stand-in URL put back to its original."""
    if isinstance(value, dict):
        return {key: restore_request(state, item) for key, item in value.items()}
    if isinstance(value, list):
        return [restore_request(state, item) for item in value]
    if isinstance(value, str) and "/__proxy/" in value:
        return state.original(value) or value
    return value


def outgoing(state: ProxyState, task: Any, base: str) -> Any:
    """The task as it leaves for the upstream: stand-ins restored, ``webhookURL`` relayed."""
    task = restore_request(state, task)
    if (
        state.config.relay_webhooks
        and isinstance(task, dict)
        and isinstance(task.get("webhookURL"), str)
    ):
        task = {**task, "webhookURL": state.stand_in(WEBHOOK_ROUTE, task["webhookURL"], base)}
    return task
