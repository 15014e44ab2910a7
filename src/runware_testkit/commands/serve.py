"""``runware-testkit serve``: run the fake Runware server on this machine."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from ..fake_server.config import DEFAULT_MAX_BYTES, Limits
from .listening import is_loopback_host, port_number

DEFAULT_STATE = Path(".testkit-state/runware.sqlite3")
DEFAULT_PORT = 8765
MIB = 1024 * 1024
DEFAULT_MAX_MB = DEFAULT_MAX_BYTES // MIB
TOKEN_ENV = "RUNWARE_TESTKIT_CONTROL_TOKEN"
"""Environment variable holding the control token (keeps it out of the process list)."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``serve`` subcommand."""
    parser = sub.add_parser(
        "serve",
        help="run the fake Runware API (REST + WebSocket) on 127.0.0.1",
        description="Run the fake Runware server: REST and WebSocket on /v1, result videos on "
        "/media, the schema service, and the control API on /__testkit. Tasks survive restarts "
        "in an SQLite file unless --memory is given.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=port_number,
        default=DEFAULT_PORT,
        help=f"port (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--state",
        type=Path,
        default=DEFAULT_STATE,
        help=f"SQLite file holding tasks and media (default {DEFAULT_STATE})",
    )
    where.add_argument("--memory", action="store_true", help="keep state in memory only")
    parser.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        metavar="KEY",
        help="accepted API key (repeatable; default: the dev key)",
    )
    parser.add_argument("--any-key", action="store_true", help="accept any non-empty API key")
    parser.add_argument(
        "--progression",
        default=None,
        help="how long tasks stay processing: immediate, polls:N or time:S (default time:8)",
    )
    parser.add_argument(
        "--report-progress",
        action="store_true",
        help="give processing poll items a 'progress' (0-100); Runware sends it only for the few "
        "tasks that report progress, so by default the fake leaves it out",
    )
    parser.add_argument(
        "--every-error",
        action="store_true",
        help="answer a task that breaks the contract with every error at once; by default the "
        "fake answers like Runware, with one error: the first failing check in Runware's order",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        help="seed for UUIDs and result seeds (deterministic answers)",
    )
    parser.add_argument(
        "--base-url",
        default=None,
        help="public base URL for result links (default: the request's host)",
    )
    parser.add_argument(
        "--control-token",
        default=None,
        metavar="TOKEN",
        help="require TOKEN on the control API (header 'X-Testkit-Token: TOKEN' or "
        f"'Authorization: Bearer TOKEN'); default: ${TOKEN_ENV}, else none",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow binding an address other than loopback; with --control-token the control "
        "API then answers other hosts that send the token (never without a token)",
    )
    parser.add_argument(
        "--max-body-mb",
        type=_megabytes,
        default=None,
        metavar="N",
        help=f"largest REST request body in MiB (default {DEFAULT_MAX_MB}); bigger bodies get "
        "413 maxPayloadSizeExceeded",
    )
    parser.add_argument(
        "--max-frame-mb",
        type=_megabytes,
        default=None,
        metavar="N",
        help=f"largest WebSocket message in MiB (default {DEFAULT_MAX_MB}); bigger ones get a "
        "maxPayloadSizeExceeded error frame",
    )
    parser.add_argument(
        "--replay",
        nargs="+",
        default=None,
        metavar="CASSETTE",
        help="answer from these recorded cassettes (docs/cassettes.md): a task matching a "
        "recorded request gets the recorded answers, with the client's own taskUUIDs; others "
        "go to the contract-driven fake",
    )
    parser.add_argument(
        "--replay-strict",
        action="store_true",
        help="with --replay, refuse a task no recording matches (error replayNoMatch naming the "
        "closest recorded request and the difference) instead of answering it from the contract",
    )
    parser.add_argument(
        "--replay-timing",
        choices=("compressed", "real"),
        default="compressed",
        help="with --replay: compressed (default; each poll gets the next recorded state, "
        "webhooks go out 1000x sooner) or real (the recorded times)",
    )
    parser.add_argument(
        "--max-tasks",
        type=_positive_int,
        default=None,
        metavar="N",
        help=f"most tasks in one request array or WebSocket message (default "
        f"{Limits().max_tasks_per_request}); more get 400 maxTasksPerRequestExceeded",
    )
    parser.add_argument(
        "--log-level",
        default="info",
        choices=("critical", "error", "warning", "info", "debug"),
        help="how much the server logs (default info: start-up, shutdown and errors; "
        "requests are in the journal)",
    )
    parser.set_defaults(run=run)


def _megabytes(text: str) -> int:
    """A positive whole number of MiB, as bytes (argparse type)."""
    return _positive_int(text, what="a whole number of MiB") * MIB


def _positive_int(text: str, *, what: str = "a whole number") -> int:
    """A whole number >= 1 (argparse type); `what` names it in the error."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected {what} >= 1, got {text!r}")
    return value


def _limits(args: argparse.Namespace) -> Limits:
    """The size limits asked for; input downloads may be as large as the larger of the two."""
    body = args.max_body_mb or DEFAULT_MAX_BYTES
    frame = args.max_frame_mb or DEFAULT_MAX_BYTES
    return Limits(
        max_tasks_per_request=args.max_tasks or Limits().max_tasks_per_request,
        max_body_bytes=body,
        max_ws_frame_bytes=frame,
        max_media_bytes=max(body, frame, DEFAULT_MAX_BYTES),
    )


def _replay(args: argparse.Namespace):  # -> ReplaySession | None
    """The replay session of ``--replay`` (a `CassetteError`, a ValueError, names the file and
    line of a bad cassette)."""
    if not args.replay:
        if args.replay_strict:
            raise ValueError("--replay-strict needs --replay CASSETTE...")
        return None
    from ..fake_server.replay.load import load_session

    return load_session(args.replay, strict=args.replay_strict, timing=args.replay_timing)


def _replay_line(args: argparse.Namespace) -> str:
    if not args.replay:
        return ""
    mode = "strict" if args.replay_strict else "unmatched tasks to the fake"
    return f"  replay     {', '.join(args.replay)} ({args.replay_timing}, {mode})\n"


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; 0 on a clean stop, 2 on bad usage."""
    if not is_loopback_host(args.host) and not args.allow_remote:
        print(
            f"runware-testkit serve: refusing to bind {args.host}: the fake accepts a published "
            "development key and its control API can reset or rewrite its state, so anyone who "
            "can reach the port could use it. Bind 127.0.0.1, or pass --allow-remote if you "
            "really mean to expose it.",
            file=sys.stderr,
        )
        return 2

    import uvicorn

    from ..fake_server.config import DEV_API_KEY, SERVE_PROGRESSION, ServerConfig
    from ..fake_server.namespaces import create_shared_app
    from ..fake_server.uvicorn_thread import bind_socket, uvicorn_config

    state_path = None
    if not args.memory:
        state_path = args.state
        state_path.parent.mkdir(parents=True, exist_ok=True)
    token = args.control_token or os.environ.get(TOKEN_ENV, "").strip() or None
    keys: frozenset[str] = frozenset()
    if not args.any_key:
        keys = frozenset(args.api_keys or [DEV_API_KEY])
    try:
        config = ServerConfig(
            api_keys=keys,
            progression=args.progression or SERVE_PROGRESSION,
            state_path=state_path,
            base_url=args.base_url,
            seed=args.seed,
            control_token=token,
            control_loopback_only=not (args.allow_remote and token),
            report_progress=args.report_progress,
            error_reply="all" if args.every_error else "first",
            limits=_limits(args),
        )
        replay = _replay(args)
        sock = bind_socket(args.host, args.port)
    except (ValueError, OSError) as exc:
        print(f"runware-testkit serve: {exc}", file=sys.stderr)
        return 2
    app = create_shared_app(config)
    app.root_state.replay = replay
    port = sock.getsockname()[1]
    host = f"[{args.host}]" if ":" in args.host else args.host
    base = f"http://{host}:{port}"
    if config.control_loopback_only:
        control_text = "loopback clients" + (", with the token" if token else "")
        if args.allow_remote:
            control_text += "; give --control-token to open it to other hosts"
    else:
        control_text = "any host, with the token"
    key_text = "any non-empty key" if args.any_key else ", ".join(sorted(keys))
    print(
        "runware-testkit fake Runware server\n"
        f"  REST       {base}/v1\n"
        f"  WebSocket  {base.replace('http://', 'ws://', 1)}/v1\n"
        f"  media      {base}/media/\n"
        f"  schemas    {base}/resolve/<AIR>\n"
        f"  control    {base}/__testkit/  ({control_text}; the Inspector in a browser)\n"
        f"  namespaces {base}/__testkit/namespaces  (one isolated fake per test run)\n"
        f"  API key    {key_text}\n"
        f"  state      {state_path if state_path is not None else 'memory'}\n"
        f"  tasks      {config.progression}"
        f"{' with progress' if config.report_progress else ''}\n"
        f"  errors     {'every error' if config.error_reply == 'all' else 'one per task'}\n"
        f"{_replay_line(args)}"
        "Press Ctrl+C to stop.",
        flush=True,
    )
    server = uvicorn.Server(uvicorn_config(app, log_level=args.log_level))
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises Ctrl+C after shutting down
        server.run(sockets=[sock])
    return 0
