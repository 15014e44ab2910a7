"""``runware-testkit proxy``: a validating, recording proxy with a spend cap in front of Runware."""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
import urllib.parse
from pathlib import Path

from .listening import is_loopback_host, port_number

DEFAULT_PORT = 8766
DEFAULT_UPSTREAM_REST = "https://api.runware.ai/v1"
DEFAULT_UPSTREAM_WS = "wss://ws-api.runware.ai/v1"


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``proxy`` subcommand."""
    parser = sub.add_parser(
        "proxy",
        help="forward REST and WebSocket traffic to Runware, checking, pricing and recording it",
        description="Stand between a client and Runware's API (REST and WebSocket on /v1). "
        "Each task is checked against the contract and refused locally with Runware's error "
        "when it breaks it; each inference task is priced and refused with budgetExceeded when "
        "it would take the run past --budget. Traffic is recorded to --cassette "
        "(docs/cassettes.md), secrets scrubbed.",
    )
    parser.add_argument(
        "--upstream",
        default=DEFAULT_UPSTREAM_REST,
        metavar="URL",
        help=f"REST endpoint to forward to (default {DEFAULT_UPSTREAM_REST})",
    )
    parser.add_argument(
        "--upstream-ws",
        default=None,
        metavar="URL",
        help="WebSocket endpoint to forward to (default: --upstream with ws:// or wss://, or "
        f"{DEFAULT_UPSTREAM_WS} when --upstream is not given)",
    )
    parser.add_argument(
        "--cassette",
        type=Path,
        default=None,
        metavar="PATH",
        help="record the traffic to this file (JSON Lines; replaced if it exists)",
    )
    parser.add_argument(
        "--media",
        choices=("none", "hash"),
        default="none",
        help="none: record result downloads by size and type; hash: also keep each body in "
        "PATH.media/ named by its sha256 (needs --cassette)",
    )
    parser.add_argument(
        "--budget",
        type=_usd,
        default=None,
        metavar="USD",
        help="refuse any task that would take this run's spend past USD (default: no cap)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=port_number,
        default=DEFAULT_PORT,
        help=f"port (default {DEFAULT_PORT}; 0: any)",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow binding an address other than loopback (anyone who reaches the port could "
        "spend the budget with the key their client sends)",
    )
    parser.add_argument(
        "--relay-webhooks",
        action="store_true",
        help="route each task's webhookURL through the proxy, which records every delivery "
        "and passes it on to the original receiver",
    )
    parser.add_argument(
        "--public-url",
        default=None,
        metavar="URL",
        help="the proxy's address as the upstream reaches it, for relayed webhooks "
        "(default: the address clients use)",
    )
    parser.add_argument(
        "--every-error",
        action="store_true",
        help="refuse an invalid task with every error; by default with Runware's one error",
    )
    parser.add_argument(
        "--log-level",
        default="info",
        choices=("critical", "error", "warning", "info", "debug"),
        help="how much the proxy logs (default info: start-up, shutdown and errors; "
        "requests are in the cassette)",
    )
    parser.set_defaults(run=run)


def _usd(text: str) -> float:
    """A finite amount of USD >= 0 (argparse type)."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"expected an amount of USD >= 0, got {text!r}")
    return value


def websocket_upstream(rest: str, given: str | None, rest_given: bool) -> str:
    """The WebSocket upstream: ``given``, else the REST one with its scheme swapped when the
    REST one was chosen, else Runware's."""
    if given:
        return given
    if not rest_given:
        return DEFAULT_UPSTREAM_WS
    for http, ws in (("https://", "wss://"), ("http://", "ws://")):
        if rest.lower().startswith(http):
            return ws + rest[len(http) :]
    return rest


def run(args: argparse.Namespace) -> int:
    """Proxy until interrupted; 0 on a clean stop, 2 on bad usage."""
    import uvicorn

    from ..cassettes import CassetteError
    from ..fake_server.uvicorn_thread import bind_socket, uvicorn_config
    from ..proxy import ProxyConfig, create_proxy_app

    if not is_loopback_host(args.host) and not args.allow_remote:
        print(
            f"runware-testkit proxy: refusing to bind {args.host}: anyone who can reach the port "
            "could send tasks through it and spend the budget. Bind 127.0.0.1, or pass "
            "--allow-remote if you really mean to expose it.",
            file=sys.stderr,
        )
        return 2
    if urllib.parse.urlsplit(args.upstream).path in ("", "/"):
        args.upstream = args.upstream.rstrip("/") + "/v1"
        print(f"runware-testkit proxy: --upstream has no path; using {args.upstream}")
    upstream_ws = websocket_upstream(
        args.upstream, args.upstream_ws, args.upstream != DEFAULT_UPSTREAM_REST
    )
    try:
        config = ProxyConfig(
            upstream_rest=args.upstream,
            upstream_ws=upstream_ws,
            cassette=args.cassette,
            media=args.media,
            budget_usd=args.budget,
            relay_webhooks=args.relay_webhooks,
            public_url=args.public_url,
            error_reply="all" if args.every_error else "first",
        )
        app = create_proxy_app(config)
        sock = bind_socket(args.host, args.port)
    except (ValueError, OSError, CassetteError) as exc:
        print(f"runware-testkit proxy: {exc}", file=sys.stderr)
        return 2
    host = f"[{args.host}]" if ":" in args.host else args.host
    base = f"http://{host}:{sock.getsockname()[1]}"
    budget = "none" if args.budget is None else f"${args.budget:.4f}"
    print(
        "runware-testkit proxy\n"
        f"  REST       {base}/v1  ->  {config.upstream_rest}\n"
        f"  WebSocket  {base.replace('http://', 'ws://', 1)}/v1  ->  {config.upstream_ws}\n"
        f"  cassette   {config.cassette or 'none'}"
        f"{f' (media: {config.media})' if config.cassette else ''}\n"
        f"  budget     {budget}\n"
        f"  webhooks   {'relayed through the proxy' if config.relay_webhooks else 'direct'}\n"
        f"  spend      {base}/__proxy/spend\n"
        "Press Ctrl+C to stop.",
        flush=True,
    )
    server = uvicorn.Server(uvicorn_config(app, log_level=args.log_level))
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises Ctrl+C after shutting down
        server.run(sockets=[sock])
    ledger = app.state.proxy.ledger
    print(f"spent ${ledger.total_usd:.4f} on {len(ledger.charges)} task(s)", flush=True)
    return 0
