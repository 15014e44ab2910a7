"""Where `serve` and `proxy` listen: the port argument and the loopback rule."""

from __future__ import annotations

import argparse


def port_number(text: str) -> int:
    """A TCP port 0-65535 (0: any free one), as an argparse type."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0-65535 (0 picks a free one), got {port}")
    return port


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (``127.0.0.0/8``, ``::1``, IPv4-mapped),
    by the control API's own rule (`is_loopback_client`)."""
    from ..fake_server.control.api import is_loopback_client

    return is_loopback_client(host)
