"""Run one videoInference through the legacy ``runware`` 0.5.24 SDK (WebSocket only).

Usage: ``<venv>/bin/python legacy_ws.py --url ws://127.0.0.1:PORT/v1 --api-key K --model M
--prompt P --video URL``. Prints exactly one JSON line on stdout and exits 0, whether the SDK
succeeded or raised; a non-zero exit means the driver itself broke.

Speed knobs. The SDK reads its timings from environment variables when it is imported, so
they are set here before the import:

* ``RUNWARE_VIDEO_POLLING_DELAY`` (ms, default 3000): sleep between two ``getResponse``
  polls (``--poll-delay-ms``, default 50).
* ``RUNWARE_VIDEO_INITIAL_TIMEOUT`` (ms, default 30000): how long it waits for the ack of
  the ``videoInference`` task and for the reply to each poll (``--response-timeout-ms``,
  default 1000). A poll answered only by ``status: "processing"`` items does not complete
  the wait, so every still-running poll costs this long: keep it small in tests.
* ``RUNWARE_MAX_POLLS_VIDEO_GENERATION`` / ``RUNWARE_MAX_POLLS`` (default 480).

The SDK pings every 5 s and has no knob for that; ``--timeout`` bounds the whole run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import os
import sys
from typing import Any

from driver_common import add_task_arguments, bypass_proxy, print_outcome, within_deadline

REQUIRED_RESULT_KEYS = ("videoUUID", "videoURL", "seed")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True, help="WebSocket URL, e.g. ws://127.0.0.1:PORT/v1")
    add_task_arguments(p)
    p.add_argument("--timeout", type=float, default=60.0, help="overall deadline in seconds")
    p.add_argument("--poll-delay-ms", type=int, default=50)
    p.add_argument("--response-timeout-ms", type=int, default=1000)
    p.add_argument("--max-polls", type=int, default=None)
    p.add_argument("--log-level", default="CRITICAL", help="SDK log level (logs go to stderr)")
    return p.parse_args(argv)


def configure_env(args: argparse.Namespace) -> None:
    """Set the SDK's timing environment variables; must run before ``import runware``."""
    os.environ["RUNWARE_VIDEO_POLLING_DELAY"] = str(max(args.poll_delay_ms, 0))
    os.environ["RUNWARE_VIDEO_INITIAL_TIMEOUT"] = str(max(args.response_timeout_ms, 1))
    if args.max_polls is not None:
        for name in ("RUNWARE_MAX_POLLS_VIDEO_GENERATION", "RUNWARE_MAX_POLLS"):
            os.environ[name] = str(args.max_polls)


def result_to_dict(item: Any) -> dict[str, Any]:
    """Turn an ``IVideo`` (or a plain dict) into a JSON-ready dict."""
    raw = dataclasses.asdict(item) if dataclasses.is_dataclass(item) else dict(item)
    out = {k: v for k, v in raw.items() if v is not None}
    for key in REQUIRED_RESULT_KEYS:
        out.setdefault(key, None)
    return out


def error_to_dict(exc: BaseException) -> dict[str, Any]:
    """Describe an SDK exception.

    ``sdk_code`` is ``RunwareAPIError.code`` (the top-level ``code`` of the error object);
    ``code`` falls back to the nested ``error.code`` of a ``status: "error"`` poll item.
    """
    code = getattr(exc, "code", None)
    data = getattr(exc, "error_data", None)
    message = str(exc)
    out: dict[str, Any] = {"ok": False, "error_type": type(exc).__name__}
    if hasattr(exc, "code"):
        out["sdk_code"] = exc.code
    if isinstance(data, dict):
        nested = data.get("error") if isinstance(data.get("error"), dict) else {}
        code = code or nested.get("code")
        message = data.get("message") or nested.get("message") or message
        out["details"] = data
    out["code"] = code if isinstance(code, str) else None
    out["message"] = message
    return out


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Connect, submit the task, poll with ``getResponse`` and return the outcome."""
    import logging

    from runware import Runware
    from runware.types import IAsyncTaskResponse, IVideoInference, IVideoInputs

    level = getattr(logging, str(args.log_level).upper(), logging.CRITICAL)
    client = Runware(api_key=args.api_key, url=args.url, log_level=level)
    inputs = IVideoInputs(
        video=args.video,
        frameImages=list(args.frame_image) if args.frame_image else None,
        referenceImages=list(args.reference_image) if args.reference_image else None,
    )
    request = IVideoInference(
        model=args.model,
        positivePrompt=args.prompt,
        width=args.width,
        height=args.height,
        numberResults=args.number_results,
        seed=args.seed,
        includeCost=True if args.include_cost else None,
        deliveryMethod="async",
        taskUUID=args.task_uuid,
        inputs=inputs,
    )
    try:
        await client.connect()
        first = await client.videoInference(requestVideo=request)
        task_uuid = request.taskUUID
        if isinstance(first, IAsyncTaskResponse):
            task_uuid = first.taskUUID or task_uuid
            videos = await client.getResponse(
                taskUUID=task_uuid, numberResults=args.number_results or 1
            )
        else:
            videos = first
        return {
            "ok": True,
            "taskUUID": task_uuid,
            "results": [result_to_dict(v) for v in videos or []],
        }
    finally:
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(client.disconnect(), timeout=3)


def main(argv: list[str] | None = None) -> int:
    """Entry point: one JSON line on the real stdout, everything else on stderr."""
    args = parse_args(argv)
    configure_env(args)
    bypass_proxy(args.url)
    return print_outcome(lambda: within_deadline(run(args), args.timeout, error_to_dict))


if __name__ == "__main__":
    sys.exit(main())
