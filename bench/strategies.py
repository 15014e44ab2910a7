"""Valid requests per second: runware-testkit's ``requests()`` vs hypothesis-jsonschema.

Both draw ``runway:2@1`` tasks from the same generated request schema
(``schemas/models/runway-aleph/request.schema.json``) under the same Hypothesis settings
(generate phase only, no database, no deadline, health checks off). Every example is then checked
with ``validate_request``; "valid/s" counts only the examples it accepts.

A second measurement does the same for one model imported from Runware's published per-model
OpenAPI documents (``--imported``, default ``bytedance:seedance@2.5``, whose task object carries
exclusions, if/then rules and width/height presets), drawn from the kit's imported request
schema. Those examples are checked with plain jsonschema (``Draft202012Validator`` with the
kit's ``uuid``/``uri`` format checks) on the document's ``components.schemas.RequestBody.items``
as Runware publishes it (``contract/schemas/``), an oracle independent of the kit's importer and
validator; hypothesis-jsonschema draws from that same published schema.

hypothesis-jsonschema 0.23.1 does not run on current Hypothesis, so its side runs in an isolated
virtualenv (``.venv-bench-hjs``, created on first use with hypothesis 6.98.0) as a subprocess
(``bench/hjs_worker.py``) that prints its examples as JSON; validation happens here.

Usage: ``.venv/bin/python bench/strategies.py [--examples N] [--model AIR] [--imported AIR]
[--quick] [--json PATH]``
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
from typing import Any

import hypothesis
from common import OUT, write_json
from hypothesis import HealthCheck, Phase, given, settings
from jsonschema import Draft202012Validator

from runware_testkit import validate_request
from runware_testkit.contract import Contract, load_contract
from runware_testkit.resources import contract_dir
from runware_testkit.strategies import requests
from runware_testkit.validation.formats import format_checker

ROOT = Path(__file__).resolve().parent.parent
IMPORTED = "bytedance:seedance@2.5"
HJS_VENV = ROOT / ".venv-bench-hjs"
HJS_PINS = ["hypothesis==6.98.0", "hypothesis-jsonschema==0.23.1", "jsonschema"]
WORKER = Path(__file__).resolve().parent / "hjs_worker.py"
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


def run_kit(
    model: str, count: int, contract: Contract | None = None
) -> tuple[float, list[dict[str, Any]]]:
    """Seconds spent drawing ``count`` examples of ``requests(model)``, and the examples."""
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

    started = time.perf_counter()
    collect()
    return time.perf_counter() - started, drawn


def run_hjs(
    schema_file: Path, count: int, timeout: float = TIMEOUT_S
) -> tuple[float, float, list[Any]]:
    """Setup seconds, drawing seconds and examples of hypothesis-jsonschema's ``from_schema``."""
    python = ensure_hjs_venv()
    done = subprocess.run(
        [str(python), str(WORKER), str(schema_file), str(count)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    report = json.loads(done.stdout)
    return report["setup_s"], report["elapsed_s"], report["examples"]


def rejected(examples: list[Any]) -> tuple[int, int, collections.Counter[str]]:
    """How many examples the validator rejects, how many for more than a bad taskUUID, and
    its error codes over them."""
    codes: collections.Counter[str] = collections.Counter()
    bad = beyond_uuid = 0
    for example in examples:
        errors = validate_request(example)
        if errors:
            bad += 1
            codes.update({e.code for e in errors})
            beyond_uuid += any(e.parameter != "taskUUID" for e in errors)
    return bad, beyond_uuid, codes


def published_items(air: str) -> tuple[dict[str, Any], str]:
    """The task object schema of ``air`` as Runware publishes it, and where it was read."""
    for path in sorted((contract_dir() / "schemas").glob("*.schema.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("info", {}).get("x-air-id") == air:
            items = document["components"]["schemas"]["RequestBody"]["items"]
            return items, f"contract/schemas/{path.name} (components.schemas.RequestBody.items)"
    raise SystemExit(f"no published document of {air} in {contract_dir() / 'schemas'}")


def rejected_by_schema(
    schema: dict[str, Any], examples: list[Any]
) -> tuple[int, collections.Counter[str]]:
    """How many examples plain jsonschema rejects on ``schema``, and the failing keywords."""
    validator = Draft202012Validator(schema, format_checker=format_checker())
    keywords: collections.Counter[str] = collections.Counter()
    bad = 0
    for example in examples:
        errors = list(validator.iter_errors(example))
        if errors:
            bad += 1
            keywords.update({str(e.validator) for e in errors})
    return bad, keywords


def measure_imported(air: str, count: int) -> dict[str, Any]:
    """Kit and hypothesis-jsonschema on the imported model ``air``, checked by jsonschema on
    the published schema."""
    contract: Contract = load_contract()
    if contract.model(air) is None:
        raise SystemExit(f"unknown model {air}")
    schema, source = published_items(air)
    kit_s, kit_examples = run_kit(air, count, contract)
    out: dict[str, Any] = {"model": air, "schema": source, "examples": count, "rows": {}}
    sides: list[tuple[str, float, list[Any]]] = [
        ("runware_testkit.strategies.requests", kit_s, kit_examples)
    ]
    schema_file = OUT / "imported-request.schema.json"
    schema_file.parent.mkdir(parents=True, exist_ok=True)
    schema_file.write_text(json.dumps(schema), encoding="utf-8")
    try:
        setup_s, hjs_s, hjs_examples = run_hjs(schema_file, count, IMPORTED_TIMEOUT_S)
        sides.append(("hypothesis_jsonschema.from_schema", hjs_s, hjs_examples))
        out["hjs_setup_s"] = setup_s
    except (subprocess.SubprocessError, OSError, ValueError) as error:
        out["peer_error"] = f"{type(error).__name__}: {str(error)[:200]}"
    for name, seconds, examples in sides:
        bad, keywords = rejected_by_schema(schema, examples)
        out["rows"][name] = {
            "examples": len(examples),
            "examples_per_s": len(examples) / seconds if seconds else 0.0,
            "rejected": bad,
            "valid_per_s": (len(examples) - bad) / seconds if seconds else 0.0,
            "keywords": dict(keywords),
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
    """Run both sides and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=300)
    parser.add_argument("--model", default="runway:2@1")
    parser.add_argument("--imported", default=IMPORTED, help="a model of the published documents")
    parser.add_argument("--quick", action="store_true", help="smoke run: 30 examples")
    parser.add_argument("--json", help="write the figures to this JSON file")
    args = parser.parse_args()
    if args.quick:
        args.examples = 30
    contract = load_contract()
    model = contract.model(args.model)
    if model is None:
        parser.error(f"unknown model {args.model}")
    schema_file = contract.root / "models" / model.slug / "request.schema.json"

    kit_s, kit_examples = run_kit(args.model, args.examples)
    hjs_setup, hjs_s, hjs_examples = run_hjs(schema_file, args.examples)
    rows = []
    for name, seconds, examples in (
        ("runware_testkit.strategies.requests", kit_s, kit_examples),
        ("hypothesis_jsonschema.from_schema", hjs_s, hjs_examples),
    ):
        bad, beyond_uuid, codes = rejected(examples)
        rate = len(examples) / seconds
        valid_rate = (len(examples) - bad) / seconds
        rows.append((name, len(examples), rate, bad, beyond_uuid, valid_rate, codes))

    print(f"{args.model}, {args.examples} examples per side; {machine()}")
    print(f"hypothesis-jsonschema setup (from_schema + validate): {hjs_setup:.2f} s")
    print()
    print("| strategy | examples | examples/s | rejected | rejected, not only taskUUID | valid/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, count, rate, bad, beyond, valid_rate, _ in rows:
        share = 100 * bad / count if count else 0.0
        other = 100 * beyond / count if count else 0.0
        print(
            f"| `{name}` | {count} | {rate:,.0f} | {bad} ({share:.0f} %) "
            f"| {beyond} ({other:.0f} %) | {valid_rate:,.0f} |"
        )
    print()
    for name, *_, codes in rows:
        if codes:
            common = ", ".join(f"{code} {n}" for code, n in codes.most_common(8))
            print(f"{name}: error codes over rejected examples: {common}")

    imported = measure_imported(args.imported, args.examples)
    print()
    print(f"{args.imported}, {args.examples} examples per side; schema {imported['schema']};")
    print("checked with jsonschema Draft202012Validator (kit uuid/uri format checks)")
    if "hjs_setup_s" in imported:
        print(
            f"hypothesis-jsonschema setup (from_schema + validate): {imported['hjs_setup_s']:.2f} s"
        )
    print()
    print("| strategy | examples | examples/s | rejected by jsonschema | valid/s |")
    print("|---|---:|---:|---:|---:|")
    for name, row in imported["rows"].items():
        share = 100 * row["rejected"] / row["examples"] if row["examples"] else 0.0
        print(
            f"| `{name}` | {row['examples']} | {row['examples_per_s']:,.0f} "
            f"| {row['rejected']} ({share:.0f} %) | {row['valid_per_s']:,.0f} |"
        )
    if "peer_error" in imported:
        print(f"hypothesis_jsonschema.from_schema: {imported['peer_error']}")
    write_json(
        args.json,
        {
            "model": args.model,
            "examples": args.examples,
            "hjs_setup_s": hjs_setup,
            "versions": {
                "hypothesis": hypothesis.__version__,
                "hypothesis-jsonschema": HJS_PINS[1].split("==")[1],
                "hypothesis (hypothesis-jsonschema side)": HJS_PINS[0].split("==")[1],
            },
            "rows": {
                name: {
                    "examples": count,
                    "examples_per_s": rate,
                    "rejected": bad,
                    "rejected_beyond_uuid": beyond,
                    "valid_per_s": valid_rate,
                    "codes": dict(codes),
                }
                for name, count, rate, bad, beyond, valid_rate, codes in rows
            },
            "imported": imported,
        },
    )


if __name__ == "__main__":
    main()
