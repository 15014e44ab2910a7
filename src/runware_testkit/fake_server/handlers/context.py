"""`Context`: who sends a task, over which connection, and whether it is a dry run."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ..protocol.sessions import Session

__all__ = ["Context"]


@dataclass
class Context:
    """What a handler knows about the sender of a task besides the task itself.

    ``request_base`` is the base URL the request came in on (``http://host:port/``), used for
    links when the server has no configured base URL; ``session`` is the WebSocket session (None
    over REST), which is told about accepted tasks so their results can be replayed; ``push``
    sends a frame on that WebSocket later (None over REST), which a replayed task uses for the
    frames the server pushed unasked when it was recorded.
    """

    api_key: str
    request_base: str | None = None
    dry_run: bool = False
    session: Session | None = None
    push: Callable[[dict[str, Any]], Awaitable[None]] | None = None
