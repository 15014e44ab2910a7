"""Lint throughput: ``runware-testkit lint`` against ``check-jsonschema`` on the same files.

``--files`` (10,000) request files are generated deterministically from the runway:2@1 page
examples and cached under ``.bench-out/lint/`` (file n is always the same, so a cache of at
least as many files is reused, and a new one written when the generator changes). Each file
holds one request array ``[task]``, as the API takes it. Nine files in ten
are valid (a page example with its own taskUUID, seed and prompt suffix); every tenth carries
one mutation, in turn: an unknown outputFormat, a negative seed, no inputs.video, an unknown
property, a taskUUID that is not a UUID, an empty positivePrompt, or an inputs.video that is
not a URI.

Both tools check every file against the same schema, the contract's request schema of
runway:2@1 (``schemas/models/runway-aleph/request.schema.json``, the model every file names),
and each runs once as one process over the same list of paths (relative to the cache
directory), with JSON output, timed from start to exit:

- ``runware-testkit lint --format json --no-summary PATHS``: reads each task's ``model``, picks
  that model's schema from the contract (runway:2@1 for every file here) and validates with the
  kit's validator, which adds its own ``uuid``/``uri`` format checks, maps each problem to its
  Runware error code and reports it at its line and column;
- ``check-jsonschema -o json --schemafile runway-aleph.request-array.json PATHS``: the same
  model schema as the items of a request array (``{"type": "array", "minItems": 1, "items":
  <schema>}``, written to the cache directory, nothing fetched), with check-jsonschema's default
  format checks (date, date-time, email, ipv4, ipv6, regex, uuid; not ``uri``) and its raw
  jsonschema errors.

Neither side gets the multi-model ``schemas/request-array.schema.json``: its ``anyOf`` over every
shipped model would make check-jsonschema try each branch for every task, a cost the kit never
pays, so the ratio would measure the bundle rather than the tools.

The verdicts (file valid or not) of the two tools are compared file by file.

    python bench/lint.py [--files 10000] [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from random import Random
from typing import Any

from common import AIR, OUT, dist_version, fmt, machine, write_json

from runware_testkit.contract import load_contract

LINT_DIR = OUT / "lint"
GENERATOR_VERSION = 1
MUTATIONS = (
    "outputFormat AVI",
    "seed -1",
    "no inputs.video",
    "unknown property",
    "taskUUID not a UUID",
    "empty positivePrompt",
    "inputs.video not a URI",
)
TIMEOUT_S = 600


def mutate(task: dict[str, Any], kind: str) -> None:
    """Apply one of `MUTATIONS` to ``task`` in place."""
    if kind == "outputFormat AVI":
        task["outputFormat"] = "AVI"
    elif kind == "seed -1":
        task["seed"] = -1
    elif kind == "no inputs.video":
        del task["inputs"]["video"]
    elif kind == "unknown property":
        task["fps"] = 24
    elif kind == "taskUUID not a UUID":
        task["taskUUID"] = "task-" + task["taskUUID"][:8]
    elif kind == "empty positivePrompt":
        task["positivePrompt"] = ""
    elif kind == "inputs.video not a URI":
        task["inputs"]["video"] = "source clip.mp4"


def generate(count: int) -> tuple[list[str], dict[str, str]]:
    """Write (or reuse) the files; their relative paths and the mutation of each invalid one.

    File n is the same whatever the count, so a cache of at least ``count`` files is reused
    (its first ``count`` files).
    """
    files_dir = LINT_DIR / "files"
    manifest_path = LINT_DIR / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("generator") == GENERATOR_VERSION and len(manifest["paths"]) >= count:
            paths = manifest["paths"][:count]
            mutated = {p: kind for p, kind in manifest["mutated"].items() if p in set(paths)}
            return paths, mutated
    shutil.rmtree(files_dir, ignore_errors=True)
    files_dir.mkdir(parents=True)
    examples = [e["request"] for e in load_contract().model(AIR).examples]
    rng = Random(20261121)
    paths, mutated = [], {}
    for n in range(count):
        task = copy.deepcopy(examples[n % len(examples)])
        task["taskUUID"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        task["seed"] = rng.randrange(0, 2**31)
        task["positivePrompt"] += f" Shot {n}."
        path = f"files/{n:05d}.json"
        if n % 10 == 9:
            kind = MUTATIONS[(n // 10) % len(MUTATIONS)]
            mutate(task, kind)
            mutated[path] = kind
        (LINT_DIR / path).write_text(json.dumps([task], indent=2) + "\n", encoding="utf-8")
        paths.append(path)
    manifest = {"generator": GENERATOR_VERSION, "paths": paths, "mutated": mutated}
    manifest_path.write_text(json.dumps(manifest))
    return paths, mutated


def model_array_schema() -> Path:
    """A request array whose items are the contract's request schema of `AIR`, written for
    check-jsonschema (the schema the kit checks these files with)."""
    array = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "array",
        "minItems": 1,
        "items": load_contract().model(AIR).request,
    }
    out = LINT_DIR / "runway-aleph.request-array.json"
    out.write_text(json.dumps(array), encoding="utf-8")
    return out


def timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run ``command`` in the cache directory; its wall time and result."""
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=LINT_DIR, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
    )
    return time.perf_counter() - start, done


def kit_verdicts(paths: list[str]) -> tuple[float, set[str]]:
    """Seconds of ``runware-testkit lint`` over ``paths`` and the files it found problems in."""
    cli = Path(sys.executable).with_name("runware-testkit")
    seconds, done = timed([str(cli), "lint", "--format", "json", "--no-summary", *paths])
    if done.returncode not in (0, 1):
        raise RuntimeError(f"lint exited {done.returncode}: {done.stderr[-300:]}")
    bad = {str(Path(d["file"])) for d in json.loads(done.stdout or "[]")}
    return seconds, bad


def peer_verdicts(paths: list[str], schema: Path) -> tuple[float, set[str]]:
    """Seconds of ``check-jsonschema`` over ``paths`` and the files it rejected."""
    cli = Path(sys.executable).with_name("check-jsonschema")
    command = [str(cli), "-o", "json", "--schemafile", str(schema), *paths]
    seconds, done = timed(command)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"check-jsonschema exited {done.returncode}: {done.stderr[-300:]}")
    report = json.loads(done.stdout)
    bad = {str(Path(e["filename"])) for e in report.get("errors", [])}
    bad |= {str(Path(e["filename"])) for e in report.get("parse_errors", [])}
    return seconds, bad


def main() -> None:
    """Parse arguments, generate the files, time both tools, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000, help="request files to lint")
    parser.add_argument("--quick", action="store_true", help="smoke run: 500 files")
    parser.add_argument("--json", help="write the figures to this JSON file")
    args = parser.parse_args()
    count = 500 if args.quick else args.files
    print(machine())
    started = time.perf_counter()
    paths, mutated = generate(count)
    generated = time.perf_counter() - started
    schema = model_array_schema()
    kit_s, kit_bad = kit_verdicts(paths)
    peer_s, peer_bad = peer_verdicts(paths, schema)
    expected = set(mutated)
    by_mutation = {
        kind: {
            "files": sum(1 for k in mutated.values() if k == kind),
            "kit_rejects": sum(1 for p, k in mutated.items() if k == kind and p in kit_bad),
            "peer_rejects": sum(1 for p, k in mutated.items() if k == kind and p in peer_bad),
        }
        for kind in MUTATIONS
    }
    result = {
        "files": len(paths),
        "invalid_files": len(expected),
        "model": AIR,
        "generate_s": generated,
        "kit": {"seconds": kit_s, "files_per_s": len(paths) / kit_s, "rejected": len(kit_bad)},
        "peer": {
            "name": "check-jsonschema",
            "version": dist_version("check-jsonschema"),
            "seconds": peer_s,
            "files_per_s": len(paths) / peer_s,
            "rejected": len(peer_bad),
        },
        "agree": sum(1 for p in paths if (p in kit_bad) == (p in peer_bad)),
        "kit_matches_intent": sum(1 for p in paths if (p in kit_bad) == (p in expected)),
        "peer_matches_intent": sum(1 for p in paths if (p in peer_bad) == (p in expected)),
        "by_mutation": by_mutation,
    }
    print(f"\n{len(paths)} files ({len(expected)} mutated), generated/reused in {generated:.1f} s")
    print(f"{'tool':<34} {'seconds':>8} {'files/s':>8} {'rejected':>8}")
    for label, row in (
        ("runware-testkit lint", result["kit"]),
        (f"check-jsonschema {result['peer']['version']}", result["peer"]),
    ):
        print(
            f"{label:<34} {row['seconds']:>8.2f} {fmt(row['files_per_s']):>8} {row['rejected']:>8}"
        )
    print(f"verdicts agree on {result['agree']} of {len(paths)} files")
    print(f"{'mutation':<24} {'files':>6} {'kit rejects':>12} {'peer rejects':>13}")
    for kind, row in by_mutation.items():
        print(f"{kind:<24} {row['files']:>6} {row['kit_rejects']:>12} {row['peer_rejects']:>13}")
    write_json(args.json, result)


if __name__ == "__main__":
    main()
