"""Milliseconds for `generate`: every page and document in the repository to schemas/ files.

Times the generator in this one process over the pinned sources (`contract/sources.json`: the
model pages and Runware's OpenAPI documents, as `make schemas` reads them), then over the pages
alone, the documents alone, and the schema service reply fixture of the tests alone. Each figure
is the median of several runs of read + parse + emit (`schemagen.generate.generate`), plus one
timing of writing the result into an empty directory. The whole run takes a few seconds.

    python bench/bench_generate.py [--runs 20] [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from common import ROOT, fmt, machine, write_json

from runware_testkit.schemagen.generate import (
    DOCUMENT_FORMATS,
    SourceInput,
    generate,
    inputs_from_sources,
    write,
)

SOURCES = ROOT / "contract" / "sources.json"
PLATFORM = ROOT / "contract" / "platform.json"
REPLIES = sorted((ROOT / "tests" / "schemagen" / "fixtures").glob("*.resolve.json"))


def sets() -> dict[str, list[SourceInput]]:
    """The source sets to time, by label."""
    pinned = inputs_from_sources(SOURCES)
    replies = [SourceInput(path=p, display=str(p.relative_to(ROOT))) for p in REPLIES]
    return {
        "all pinned sources (make schemas)": pinned,
        "model pages": [s for s in pinned if s.format not in DOCUMENT_FORMATS],
        "OpenAPI documents": [s for s in pinned if s.format in DOCUMENT_FORMATS],
        "schema service replies": replies,
    }


def timed(sources: list[SourceInput], runs: int) -> dict[str, Any]:
    """Median, min and max ms of ``generate`` over ``sources``, and the output size."""
    generate(sources, PLATFORM)  # warm up (imports, regex compilation)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        files = generate(sources, PLATFORM)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "sources": len(sources),
        "source_bytes": sum(s.path.stat().st_size for s in sources),
        "files": len(files),
        "output_bytes": sum(len(t.encode("utf-8")) for t in files.values()),
        "median_ms": statistics.median(times),
        "min_ms": min(times),
        "max_ms": max(times),
        "runs": runs,
    }


def write_ms(sources: list[SourceInput]) -> float:
    """Ms to write the generated files of ``sources`` into an empty directory."""
    files = generate(sources, PLATFORM)
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        write(files, Path(out))
        return (time.perf_counter() - start) * 1000


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Time every set, print the table; return (and optionally write) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timings per figure (default 20)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 3 timings each")
    parser.add_argument("--json", help="write the figures to this JSON file")
    args = parser.parse_args(argv)
    runs = 3 if args.quick else max(1, args.runs)
    print(machine())
    rows = {label: timed(sources, runs) for label, sources in sets().items() if sources}
    pinned = sets()["all pinned sources (make schemas)"]
    result = {"rows": rows, "write_ms": write_ms(pinned)}
    width = max(map(len, rows))
    print(
        f"{'generate':<{width}}  {'sources':>7}  {'in KiB':>7}  {'files':>5}  {'out KiB':>7}  "
        f"{'median ms':>9}  {'min ms':>7}  {'max ms':>7}"
    )
    for label, row in rows.items():
        print(
            f"{label:<{width}}  {row['sources']:>7}  {row['source_bytes'] / 1024:>7.0f}  "
            f"{row['files']:>5}  {row['output_bytes'] / 1024:>7.0f}  "
            f"{fmt(row['median_ms'], 1):>9}  {fmt(row['min_ms'], 1):>7}  {fmt(row['max_ms'], 1):>7}"
        )
    files = rows["all pinned sources (make schemas)"]["files"]
    print(f"writing those {files} files into an empty directory: {fmt(result['write_ms'], 1)} ms")
    write_json(args.json, result)
    return result


if __name__ == "__main__":
    main()
