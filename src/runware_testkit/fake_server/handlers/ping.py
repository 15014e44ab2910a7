"""``ping``: the keepalive [C, PROTOCOL.md "Keepalive"].

``[{"taskType": "ping", "ping": true}]`` answers ``{"taskType": "ping", "pong": true}``, with no
taskUUID, in a dry run too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..protocol.wire import TaskReply
from .context import Context

if TYPE_CHECKING:
    from ..state import ServerState

__all__ = ["handle"]


async def handle(task: dict[str, Any], ctx: Context, state: ServerState) -> TaskReply:
    """The pong."""
    return TaskReply(data=[{"taskType": "ping", "pong": True}])
