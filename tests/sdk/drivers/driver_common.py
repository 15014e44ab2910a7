"""What both SDK drivers share: proxy bypass, task arguments, deadline and the one-line outcome.

Stdlib only: the drivers run inside the SDKs' own virtual environments, with this directory
first on ``sys.path``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from typing import Any

Outcome = dict[str, Any]


def bypass_proxy(*urls: str | None) -> None:
    """Add the target hosts to ``no_proxy``: websockets honours proxy variables by default."""
    hosts = {urllib.parse.urlsplit(u).hostname for u in urls if u} - {None}
    for var in ("no_proxy", "NO_PROXY"):
        current = [h.strip() for h in os.environ.get(var, "").split(",") if h.strip()]
        os.environ[var] = ",".join(current + sorted(h for h in hosts if h not in current))


def add_task_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments that describe the videoInference task, the same for every driver."""
    p.add_argument("--api-key", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--prompt", default=None)
    p.add_argument("--video", default=None, help="inputs.video (URL or UUID)")
    p.add_argument("--width", type=int, default=None)
    p.add_argument("--height", type=int, default=None)
    p.add_argument("--number-results", type=int, default=None)
    p.add_argument(
        "--frame-image", action="append", default=None, help="inputs.frameImages item; repeatable"
    )
    p.add_argument(
        "--reference-image", action="append", default=None, help="inputs.referenceImages item"
    )
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--include-cost", action="store_true")
    p.add_argument("--task-uuid", default=None, help="fixed taskUUID (default: random)")


async def within_deadline(
    work: Awaitable[Outcome], seconds: float, error_to_dict: Callable[[BaseException], Outcome]
) -> Outcome:
    """Await ``work`` for at most ``seconds``; an exception becomes an ``ok: false`` outcome."""
    try:
        return await asyncio.wait_for(work, timeout=seconds)
    except TimeoutError:
        return {
            "ok": False,
            "error_type": "TimeoutError",
            "code": None,
            "message": f"driver deadline of {seconds}s exceeded",
        }
    except Exception as exc:
        return error_to_dict(exc)


def print_outcome(run: Callable[[], Awaitable[Outcome]]) -> int:
    """Run ``run()`` with its prints sent to stderr; write its outcome as one JSON line."""
    real_stdout = sys.stdout
    sys.stdout = sys.stderr
    started = time.monotonic()
    try:
        outcome = asyncio.run(run())
    finally:
        sys.stdout = real_stdout
    outcome["elapsed"] = round(time.monotonic() - started, 3)
    real_stdout.write(json.dumps(outcome, default=str) + "\n")
    real_stdout.flush()
    return 0
