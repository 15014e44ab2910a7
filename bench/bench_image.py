"""Image media timings: rendering, probing and upscaling a 1024x1024 picture per format.

For each of Runware's image output formats (JPG, PNG, WEBP) at ``--size`` (default 1024x1024)
and ``outputQuality`` 95:

- render, uncached: ``render_image`` with its result cache cleared before every call (draw the
  synthetic picture + encode), the figure a new seed costs;
- render, cached: the same call answered from the cache;
- probe: ``probe_image`` on the rendered bytes (header read + full decode);
- upscale x2: ``upscale_image(factor=2)`` on the rendered bytes (decode, bicubic scale,
  re-encode at twice the size).

Each cell is the median of at most ``--runs`` timings and at most ``--seconds`` of running,
after one warm-up call; the whole script takes a few seconds.

    python bench/bench_image.py [--size 1024] [--runs 50] [--seconds 1.0] [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

import av
from common import write_json

from runware_testkit.fake_server.media import image
from runware_testkit.fake_server.media.upscale import upscale_image

QUALITY = 95


def measure(step: Callable[[], Any], runs: int, seconds: float) -> tuple[float, int]:
    """(median seconds, number of runs) of ``step()`` after one warm-up call."""
    step()
    times: list[float] = []
    deadline = time.perf_counter() + seconds
    while len(times) < runs and time.perf_counter() < deadline:
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(times)


def bench_format(fmt: str, size: int, runs: int, seconds: float) -> dict[str, Any]:
    """The four timings and the file size of one format."""
    seed = iter(range(10**9))

    def uncached() -> bytes:
        image._render.cache_clear()
        return image.render_image(fmt, size, size, quality=QUALITY, seed=next(seed))

    data = image.render_image(fmt, size, size, quality=QUALITY, seed=1)
    cells = {
        "render, uncached": measure(uncached, runs, seconds),
        "render, cached": measure(
            lambda: image.render_image(fmt, size, size, quality=QUALITY, seed=1), runs, seconds
        ),
        "probe": measure(lambda: image.probe_image(data), runs, seconds),
        "upscale x2": measure(lambda: upscale_image(data, factor=2), runs, seconds),
    }
    return {
        "bytes": len(data),
        "cells": {
            name: {"median_ms": 1000 * median, "runs": n} for name, (median, n) in cells.items()
        },
    }


def main() -> None:
    """Time every cell, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1024, help="side of the square picture")
    parser.add_argument("--runs", type=int, default=50, help="most timings per cell")
    parser.add_argument("--seconds", type=float, default=1.0, help="most seconds per cell")
    parser.add_argument("--quick", action="store_true", help="smoke run: 5 runs, 0.2 s")
    parser.add_argument("--json", help="write the medians to this JSON file")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.seconds = 5, 0.2
    runs, seconds = max(1, args.runs), max(0.05, args.seconds)

    results = {fmt: bench_format(fmt, args.size, runs, seconds) for fmt in image.IMAGE_FORMATS}

    print(
        f"Python {platform.python_version()}, PyAV {av.__version__} (FFmpeg "
        f"{av.ffmpeg_version_info}); {args.size}x{args.size}, outputQuality {QUALITY}; "
        f"median of at most {runs} runs / {seconds:g} s per cell"
    )
    names = list(next(iter(results.values()))["cells"])
    print(f"{'format':<6}  {'bytes':>8}  " + "  ".join(f"{name:>17}" for name in names))
    for fmt, row in results.items():
        cells = "  ".join(f"{row['cells'][name]['median_ms']:>14.3f} ms" for name in names)
        print(f"{fmt:<6}  {row['bytes']:>8}  {cells}")
    write_json(args.json, {"size": args.size, "quality": QUALITY, "formats": results})


if __name__ == "__main__":
    main()
