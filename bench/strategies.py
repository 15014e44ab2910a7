"""Valid requests per second: runware-testkit's ``requests()`` vs hypothesis-jsonschema.

Two models, each drawn by both generators from the same schema under the same Hypothesis
settings (generate phase only, no database, no deadline, health checks off):

- ``runway:2@1`` (``--model``): the kit's generated request schema
  (``schemas/models/runway-aleph/request.schema.json``);
- ``bytedance:seedance@2.5`` (``--imported``): the task object as Runware publishes it
  (``components.schemas.RequestBody.items`` of its document in ``contract/schemas/``); the kit
  draws from its own import of that document.

hypothesis-jsonschema gets the ``custom_formats`` it lacks (``uuid``: Hypothesis' ``uuids()``;
it draws ``uri`` itself), see ``bench/hjs_worker.py``. Both generators' examples are judged by
the same independent check: plain jsonschema (``Draft202012Validator`` with jsonschema's own
``FormatChecker``) on that same schema; "valid/s" counts the examples it accepts. Beside it,
the kit's own stricter check (``validate_request``: the kit's format functions, including
``uri``, which jsonschema's checker skips without the ``rfc3987`` package, plus the rules
hypothesis-jsonschema cannot know, such as ``x-uuid-version`` and ``x-step``).

hypothesis-jsonschema 0.23.1 does not run on current Hypothesis, so its side runs in an isolated
virtualenv (``.venv-bench-hjs``, created on first use with hypothesis 6.98.0) as a subprocess
(``bench/hjs_worker.py``) that prints its examples as JSON; checking happens here.

Usage: ``.venv/bin/python bench/strategies.py [--examples N] [--model AIR] [--imported AIR]
[--imported-examples N] [--quick] [--json PATH]``
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, NamedTuple

import hypothesis
from common import OUT, write_json
from hypothesis import HealthCheck, Phase, given, settings
from jsonschema import Draft202012Validator

from runware_testkit import validate_request
from runware_testkit.contract import Contract, load_contract
from runware_testkit.resources import contract_dir
from runware_testkit.strategies import requests

ROOT = Path(__file__).resolve().parent.parent
IMPORTED = "bytedance:seedance@2.5"
HJS_VENV = ROOT / ".venv-bench-hjs"
HJS_PINS = ["hypothesis==6.98.0", "hypothesis-jsonschema==0.23.1", "jsonschema"]
WORKER = Path(__file__).resolve().parent / "hjs_worker.py"
KIT = "runware_testkit.strategies.requests"
HJS = "hypothesis_jsonschema.from_schema"
INDEPENDENT = "jsonschema Draft202012Validator + jsonschema FormatChecker, same schema"
KIT_CHECK = "runware_testkit validate_request"
TIMEOUT_S = 50
#: hypothesis-jsonschema spends ~45 s setting up the Seedance 2.5 schema (its allOf of rules).
IMPORTED_TIMEOUT_S = 300


def ensure_hjs_venv() -> Path:
    """The isolated interpreter for hypothesis-jsonschema, created if missing."""
    python = HJS_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {HJS_VENV.name} ({', '.join(HJS_PINS)}) ...", file=sys.stderr)
        subprocess.run(["python3.11", "-m", "venv", str(HJS_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *HJS_PINS], check=True)
    return python


class Timing(NamedTuple):
    """Wall-clock and CPU seconds of one side's drawing (CPU time is what the machine's other
    work disturbs least; both sides run one process each)."""

    wall: float
    cpu: float


def run_kit(
    model: str, count: int, contract: Contract | None = None
) -> tuple[Timing, list[dict[str, Any]]]:
    """Time spent drawing ``count`` examples of ``requests(model)``, and the examples."""
    drawn: list[dict[str, Any]] = []

    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(requests(model, contract=contract))
    def collect(task: dict[str, Any]) -> None:
        drawn.append(task)

    started, cpu = time.perf_counter(), time.process_time()
    collect()
    return Timing(time.perf_counter() - started, time.process_time() - cpu), drawn


def run_hjs(
    schema_file: Path, count: int, timeout: float = TIMEOUT_S
) -> tuple[float, Timing, list[Any]]:
    """Setup seconds, drawing time and examples of hypothesis-jsonschema's ``from_schema``."""
    python = ensure_hjs_venv()
    done = subprocess.run(
        [str(python), str(WORKER), str(schema_file), str(count)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    report = json.loads(done.stdout)
    timing = Timing(report["elapsed_s"], report.get("cpu_s", report["elapsed_s"]))
    return report["setup_s"], timing, report["examples"]


def independent_check(
    schema: dict[str, Any], examples: list[Any]
) -> tuple[int, collections.Counter[str]]:
    """How many examples plain jsonschema rejects on ``schema`` (Draft 2020-12 with
    jsonschema's own FormatChecker), and the failing keywords."""
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    keywords: collections.Counter[str] = collections.Counter()
    bad = 0
    for example in examples:
        errors = list(validator.iter_errors(example))
        if errors:
            bad += 1
            keywords.update({str(e.validator) for e in errors})
    return bad, keywords


def kit_check(examples: list[Any]) -> tuple[int, collections.Counter[str]]:
    """How many examples the kit's validator rejects, and its error codes over them."""
    codes: collections.Counter[str] = collections.Counter()
    bad = 0
    for example in examples:
        errors = validate_request(example)
        if errors:
            bad += 1
            codes.update({e.code for e in errors})
    return bad, codes


def published_items(air: str) -> tuple[dict[str, Any], str]:
    """The task object schema of ``air`` as Runware publishes it, and where it was read."""
    for path in sorted((contract_dir() / "schemas").glob("*.schema.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("info", {}).get("x-air-id") == air:
            items = document["components"]["schemas"]["RequestBody"]["items"]
            return items, f"contract/schemas/{path.name} (components.schemas.RequestBody.items)"
    raise SystemExit(f"no published document of {air} in {contract_dir() / 'schemas'}")


def generated_request(air: str) -> tuple[dict[str, Any], str]:
    """The kit's generated request schema of ``air``, and where it was read."""
    contract = load_contract()
    model = contract.model(air)
    if model is None:
        raise SystemExit(f"unknown model {air}")
    path = contract.root / "models" / model.slug / "request.schema.json"
    return json.loads(path.read_text(encoding="utf-8")), f"schemas/models/{model.slug}/{path.name}"


def measure(
    air: str, schema: dict[str, Any], source: str, count: int, timeout: float
) -> dict[str, Any]:
    """Both generators on ``schema`` of ``air``; every example judged by both checks."""
    kit_s, kit_examples = run_kit(air, count, load_contract())
    out: dict[str, Any] = {"model": air, "schema": source, "examples": count, "rows": {}}
    sides: list[tuple[str, Timing, list[Any]]] = [(KIT, kit_s, kit_examples)]
    schema_file = OUT / f"{air.replace(':', '-').replace('@', '-')}.request.schema.json"
    schema_file.parent.mkdir(parents=True, exist_ok=True)
    schema_file.write_text(json.dumps(schema), encoding="utf-8")
    try:
        setup_s, hjs_s, hjs_examples = run_hjs(schema_file, count, timeout)
        sides.append((HJS, hjs_s, hjs_examples))
        out["hjs_setup_s"] = setup_s
    except (subprocess.SubprocessError, OSError, ValueError) as error:
        out["peer_error"] = f"{type(error).__name__}: {str(error)[:200]}"
    for name, timing, examples in sides:
        bad, keywords = independent_check(schema, examples)
        kit_bad, codes = kit_check(examples)
        wall, cpu = timing.wall or 1e-9, timing.cpu or 1e-9
        out["rows"][name] = {
            "examples": len(examples),
            "seconds": timing.wall,
            "cpu_seconds": timing.cpu,
            "examples_per_s": len(examples) / wall,
            "rejected": bad,
            "valid_per_s": (len(examples) - bad) / wall,
            "valid_per_cpu_s": (len(examples) - bad) / cpu,
            "keywords": dict(keywords),
            "kit_rejected": kit_bad,
            "kit_valid_per_s": (len(examples) - kit_bad) / wall,
            "codes": dict(codes),
        }
    return out


def machine() -> str:
    """nproc, CPU model and Python version of this machine."""
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()}"


def main() -> None:
    """Run both generators on both models and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=300)
    parser.add_argument("--model", default="runway:2@1")
    parser.add_argument("--imported", default=IMPORTED, help="a model of the published documents")
    parser.add_argument(
        "--imported-examples",
        type=int,
        default=100,
        help="examples per side for --imported (hypothesis-jsonschema draws ~1-3/s there)",
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 30 examples")
    parser.add_argument("--json", help="write the figures to this JSON file")
    args = parser.parse_args()
    if args.quick:
        args.examples = args.imported_examples = 30
    imported = published_items(args.imported)
    measured = [
        measure(args.model, *generated_request(args.model), args.examples, TIMEOUT_S),
        measure(args.imported, *imported, args.imported_examples, IMPORTED_TIMEOUT_S),
    ]
    print(
        f"{args.examples} examples per side ({args.imported_examples} for {args.imported}); "
        f"{machine()}"
    )
    print(f"independent check: {INDEPENDENT}; kit check: {KIT_CHECK}")
    for figures in measured:
        _print_model(figures)
    write_json(
        args.json,
        {
            "examples": args.examples,
            "versions": {
                "hypothesis": hypothesis.__version__,
                "hypothesis-jsonschema": HJS_PINS[1].split("==")[1],
                "hypothesis (hypothesis-jsonschema side)": HJS_PINS[0].split("==")[1],
            },
            "checks": {"independent": INDEPENDENT, "kit": KIT_CHECK},
            "models": measured,
        },
    )


def _print_model(figures: dict[str, Any]) -> None:
    print()
    print(f"{figures['model']}: {figures['schema']}")
    if "hjs_setup_s" in figures:
        print(
            f"hypothesis-jsonschema setup (from_schema + validate): {figures['hjs_setup_s']:.2f} s"
        )
    if "peer_error" in figures:
        print(f"hypothesis_jsonschema.from_schema: {figures['peer_error']}")
    print()
    print(
        "| strategy | examples | examples/s | rejected by jsonschema | valid/s | valid/CPU s "
        "| rejected by the kit's check | valid/s (kit's check) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, row in figures["rows"].items():
        count = row["examples"] or 1
        print(
            f"| `{name}` | {row['examples']} | {row['examples_per_s']:,.0f} "
            f"| {row['rejected']} ({100 * row['rejected'] / count:.0f} %) "
            f"| {row['valid_per_s']:,.0f} | {row['valid_per_cpu_s']:,.0f} "
            f"| {row['kit_rejected']} ({100 * row['kit_rejected'] / count:.0f} %) "
            f"| {row['kit_valid_per_s']:,.0f} |"
        )
    rows = figures["rows"]
    if HJS in rows and rows[HJS]["valid_per_s"]:
        ratio = rows[KIT]["valid_per_s"] / rows[HJS]["valid_per_s"]
        cpu = rows[KIT]["valid_per_cpu_s"] / max(rows[HJS]["valid_per_cpu_s"], 1e-9)
        print(
            "valid examples, kit / hypothesis-jsonschema (independent check): "
            f"x{ratio:.1f} per second, x{cpu:.1f} per CPU second"
        )
    for name, row in rows.items():
        for label, counts in (
            ("jsonschema keywords", row["keywords"]),
            ("kit codes", row["codes"]),
        ):
            if counts:
                common = sorted(counts.items(), key=lambda item: -item[1])[:8]
                print(f"{name}: {label} over rejected examples: {common}")


if __name__ == "__main__":
    main()
