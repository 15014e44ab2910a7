"""Breaking a WebSocket off in the middle of a frame, as a connection lost mid-frame looks.

ASGI offers no way to send part of a frame: `cut_frame` writes straight to the socket under
the connection when the server runs on one (uvicorn), and closes with code 1011 otherwise.
"""

from __future__ import annotations

import contextlib
from typing import Any

from starlette.websockets import WebSocket

__all__ = ["CLOSE_CODE", "cut_frame"]

CLOSE_CODE = 1011
"""The close code used instead when there is no socket (in-process)."""


async def cut_frame(websocket: WebSocket, text: str | None) -> None:
    """Break the connection off in the middle of a text frame holding `text` (None: at once).

    On a real socket (uvicorn) the frame header and half the payload are written to it and the
    socket is closed with no closing handshake, as a connection lost mid-frame looks to the
    client. Without a socket (in-process) the connection is closed with code 1011 instead.
    """
    transport = _socket_transport(websocket)
    if transport is None:
        with contextlib.suppress(Exception):
            await websocket.close(code=CLOSE_CODE)
        return
    if text is not None:
        payload = text.encode()
        transport.write(_frame_header(len(payload)) + payload[: len(payload) // 2])
    transport.close()


def _frame_header(size: int) -> bytes:
    """An unmasked server text frame header (FIN, opcode 1) for a payload of `size` bytes."""
    if size < 126:
        return bytes([0x81, size])
    if size < 1 << 16:
        return bytes([0x81, 126]) + size.to_bytes(2, "big")
    return bytes([0x81, 127]) + size.to_bytes(8, "big")


def _socket_transport(websocket: WebSocket) -> Any:
    """The asyncio transport under a WebSocket served by uvicorn, or None (in-process).

    ASGI hides it: it is found on the server's ``send`` method, which Starlette's middleware
    may hold in the closure of its own ``send`` wrappers (searched a few levels deep)."""
    pending: list[Any] = [getattr(websocket, "_send", None)]
    for _ in range(16):
        if not pending:
            break
        send = pending.pop(0)
        transport = getattr(getattr(send, "__self__", None), "transport", None)
        if transport is not None and hasattr(transport, "write"):
            return None if transport.is_closing() else transport
        cells = getattr(send, "__closure__", None) or ()
        pending.extend(cell.cell_contents for cell in cells if callable(_cell(cell)))
    return None


def _cell(cell: Any) -> Any:
    try:
        return cell.cell_contents
    except ValueError:  # an empty cell
        return None
