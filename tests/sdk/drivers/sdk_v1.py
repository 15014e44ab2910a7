"""Run one videoInference through ``runware-sdk`` 1.8.0 over REST or WebSocket.

Usage: ``<venv>/bin/python sdk_v1.py --transport rest|websocket --url ws://HOST:PORT/v1
--http-url http://HOST:PORT/v1 --api-key K --model M --prompt P --video URL``. Prints exactly
one JSON line on stdout and exits 0, whether the SDK succeeded or raised; a non-zero exit
means the driver itself broke.

Knobs the SDK exposes and how they are set here:

* ``timeout`` / ``poll_timeout`` (ms) come from ``--timeout``; ``auth_timeout`` is
  ``min(--timeout, 15 s)``. ``RunOptions.timeout`` bounds the polling of this one call.
* ``max_retries`` (``--max-retries``, default 0 here, SDK default 3) and ``retry_delay=0``:
  REST retries on 408/429/5xx, timeouts and connection errors; each retry still sleeps a
  random 0-1 s of jitter.
* ``validate=False`` (no schema fetch) and an explicit ``taskType`` (no registry lookup).

The poll schedule (1 s, then 0.5 s growing x1.5 up to 10 s) and the 30 s ack window are
hard-coded in ``runware/client.py``. ``--max-poll-delay S`` caps every polling sleep at S
seconds by wrapping ``runware.client._interruptible_sleep``; without it the SDK runs
unmodified. ``RunwareError.code`` is a coarse category (``validation``, ``auth``, ...); the
raw code the SDK saw is reported as ``raw_code``, recorded by an observe-only wrapper around
``create_runware_error``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from typing import Any

from driver_common import add_task_arguments, bypass_proxy, print_outcome, within_deadline


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--transport", choices=("rest", "websocket"), default="websocket")
    p.add_argument("--url", default=None, help="WebSocket URL, e.g. ws://127.0.0.1:PORT/v1")
    p.add_argument("--http-url", default=None, help="REST URL, e.g. http://127.0.0.1:PORT/v1")
    add_task_arguments(p)
    p.add_argument(
        "--extra-json", default=None, help="JSON object merged into the task (overrides fields)"
    )
    p.add_argument("--timeout", type=float, default=60.0, help="overall deadline in seconds")
    p.add_argument("--max-retries", type=int, default=0)
    p.add_argument("--max-poll-delay", type=float, default=None)
    p.add_argument("--debug", action="store_true", help="SDK debug log to stderr")
    args = p.parse_args(argv)
    if args.transport == "websocket" and not args.url:
        p.error("--url is required with --transport websocket")
    if args.transport == "rest" and not args.http_url:
        p.error("--http-url is required with --transport rest")
    return args


def build_task(args: argparse.Namespace) -> dict[str, Any]:
    """Build the ``videoInference`` task as the SDK will put it on the wire."""
    task: dict[str, Any] = {
        "taskType": "videoInference",
        "model": args.model,
        "deliveryMethod": "async",
    }
    if args.task_uuid:
        task["taskUUID"] = args.task_uuid
    if args.prompt is not None:
        task["positivePrompt"] = args.prompt
    for key, value in (
        ("width", args.width),
        ("height", args.height),
        ("numberResults", args.number_results),
        ("seed", args.seed),
    ):
        if value is not None:
            task[key] = value
    if args.include_cost:
        task["includeCost"] = True
    inputs: dict[str, Any] = {}
    if args.video is not None:
        inputs["video"] = args.video
    if args.frame_image:
        inputs["frameImages"] = list(args.frame_image)
    if args.reference_image:
        inputs["referenceImages"] = list(args.reference_image)
    if inputs:
        task["inputs"] = inputs
    if args.extra_json:
        extra = json.loads(args.extra_json)
        if not isinstance(extra, dict):
            raise SystemExit("--extra-json must be a JSON object")
        task.update(extra)
    return task


def install_observers(max_poll_delay: float | None) -> None:
    """Record raw error codes on ``RunwareError``; optionally cap polling sleeps."""
    import runware.client as rc
    import runware.errors as re_

    original = re_.create_runware_error

    def recording_create(raw_code: str, message: str, **kwargs: Any) -> Any:
        err = original(raw_code, message, **kwargs)
        err.raw_code = raw_code
        return err

    for name, module in list(sys.modules.items()):
        if (name == "runware" or name.startswith("runware.")) and getattr(
            module, "create_runware_error", None
        ) is original:
            module.create_runware_error = recording_create

    if max_poll_delay is not None:
        sleep = rc._interruptible_sleep
        cap = max(max_poll_delay, 0.0)

        async def capped_sleep(seconds: float, cancel_event: Any) -> None:
            await sleep(min(seconds, cap), cancel_event)

        rc._interruptible_sleep = capped_sleep


def error_to_dict(exc: BaseException) -> dict[str, Any]:
    """Describe an SDK exception: class name, code, raw code and context fields."""
    out: dict[str, Any] = {
        "ok": False,
        "error_type": type(exc).__name__,
        "code": getattr(exc, "code", None),
        "message": getattr(exc, "message", None) or str(exc),
    }
    for attr in ("raw_code", "parameter", "task_type", "task_uuid", "status_code", "retryable"):
        if hasattr(exc, attr):
            out[attr] = getattr(exc, attr)
    return out


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Open the client, run the task with the SDK's own polling, return the outcome."""
    from runware import RunOptions, Runware

    timeout_ms = max(int(args.timeout * 1000), 1)
    config: dict[str, Any] = {
        "transport": args.transport,
        "validate": False,
        "timeout": timeout_ms,
        "poll_timeout": timeout_ms,
        "auth_timeout": min(timeout_ms, 15_000),
        "max_retries": max(args.max_retries, 0),
        "retry_delay": 0,
        "debug": bool(args.debug),
    }
    if args.debug:
        config["log_sink"] = lambda entry: print(
            f"[{entry.category}] {entry.message} {entry.data or ''}", file=sys.stderr
        )
    if args.url:
        config["ws_base_url"] = args.url
    if args.http_url:
        config["http_base_url"] = args.http_url
    task = build_task(args)
    client = Runware(api_key=args.api_key, **config)
    try:
        await client.connect()
        results = await client.run(task, RunOptions(timeout=timeout_ms))
        task_uuid = results[0].get("taskUUID") if results else task.get("taskUUID")
        return {"ok": True, "taskUUID": task_uuid, "results": [dict(r) for r in results]}
    finally:
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(client.close(), timeout=3)


def main(argv: list[str] | None = None) -> int:
    """Entry point: one JSON line on the real stdout, everything else on stderr."""
    args = parse_args(argv)
    bypass_proxy(args.url, args.http_url)
    install_observers(args.max_poll_delay)
    return print_outcome(lambda: within_deadline(run(args), args.timeout + 5, error_to_dict))


if __name__ == "__main__":
    sys.exit(main())
