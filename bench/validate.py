"""Requests per second: `validate_request` against plain `jsonschema.validate`.

Both check the same generated schema. Two models: runway:2@1 (generated from its page; the valid
request is the page's first example, the invalid one a copy with three violations: an unknown
outputFormat, a negative seed, no inputs.video) and bytedance:seedance@2.5 (imported from
Runware's published OpenAPI document, whose cross-field rules, `allOf` of `not`/`if`/`then`,
both engines evaluate; the invalid copy has a bad duration, a lower-case-unknown outputFormat
and resolution together with width/height). Each cell runs for a fixed time in this one
process; the whole run takes a few seconds.

    python bench/validate.py [--seconds 0.4] [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import platform
import time
from collections.abc import Callable
from typing import Any

import jsonschema
from common import write_json

from runware_testkit.contract import load_contract
from runware_testkit.validation import Validator

AIR = "runway:2@1"
IMPORTED = "bytedance:seedance@2.5"


def cases() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The schema, a valid request and an invalid one."""
    model = load_contract().model(AIR)
    valid = copy.deepcopy(model.examples[0]["request"])
    invalid = copy.deepcopy(valid)
    invalid["outputFormat"] = "AVI"
    invalid["seed"] = -1
    del invalid["inputs"]["video"]
    return model.request, valid, invalid


def imported_cases() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The imported model's schema, a valid request and one with three violations."""
    model = load_contract().model(IMPORTED)
    valid = {
        "taskType": "videoInference",
        "taskUUID": "8d3c2a52-4c1b-4d6e-9f3a-2b1c0d9e8f7a",
        "model": IMPORTED,
        "positivePrompt": "a paper boat drifting down a rainy street at dusk",
        "duration": 5,
        "resolution": "720p",
        "outputFormat": "MP4",
    }
    invalid = {**valid, "duration": 99, "outputFormat": "AVI", "width": 1280, "height": 720}
    return model.request, valid, invalid


def measure(
    validator: Validator, slow: Validator, schema: dict, valid: dict, invalid: dict, seconds: float
) -> dict[str, dict[str, float]]:
    """Rates of every contender on one model's valid and invalid request."""
    contenders = {
        "validate_request (jsonschema_rs valid path)": validator.validate_request,
        "validate_request (Python engine only)": slow.validate_request,
        "jsonschema.validate(instance, schema)": plain(schema),
        "jsonschema Draft202012Validator, compiled once": compiled(schema),
    }
    return {
        name: {"valid": rate(check, valid, seconds), "invalid": rate(check, invalid, seconds)}
        for name, check in contenders.items()
    }


def rate(check: Callable[[Any], Any], instance: Any, seconds: float) -> float:
    """Calls per second of ``check(instance)``, measured for about ``seconds``."""
    check(instance)  # warm up
    calls, batch = 0, 1
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(batch):
            check(instance)
        calls += batch
        now = time.perf_counter()
        if now >= deadline:
            return calls / (now - start)
        batch = min(batch * 2, 4096)


def plain(schema: dict[str, Any]) -> Callable[[Any], Any]:
    """``jsonschema.validate(instance, schema)``, catching the error of an invalid instance."""

    def check(instance: Any) -> None:
        with contextlib.suppress(jsonschema.ValidationError):
            jsonschema.validate(instance, schema)

    return check


def compiled(schema: dict[str, Any]) -> Callable[[Any], Any]:
    """A Draft202012Validator built once, listing every error (the usual tuned baseline)."""
    validator = jsonschema.Draft202012Validator(schema)
    return lambda instance: list(validator.iter_errors(instance))


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    """Run the benchmark, print the table and the ratios; return the rates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.4, help="time per cell (default 0.4)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 0.05 s per cell")
    parser.add_argument("--json", help="write the rates to this JSON file")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds = 0.05

    schema, valid, invalid = cases()
    fast, slow = Validator(), Validator(fast=False)
    assert fast.validate_request(valid) == [] and len(fast.validate_request(invalid)) == 3
    rates = measure(fast, slow, schema, valid, invalid, args.seconds)
    i_schema, i_valid, i_invalid = imported_cases()
    assert fast.validate_request(i_valid) == [], fast.validate_request(i_valid)
    assert len(fast.validate_request(i_invalid)) >= 3
    imported = measure(fast, slow, i_schema, i_valid, i_invalid, args.seconds)
    print(
        f"Python {platform.python_version()}, jsonschema {_version('jsonschema')}, "
        f"jsonschema-rs {_version('jsonschema-rs')}"
    )
    for air, table in ((AIR, rates), (IMPORTED, imported)):
        _print_table(air, table)
    versions = {d: _version(d) for d in ("jsonschema", "jsonschema-rs")}
    write_json(
        args.json,
        {
            "seconds_per_cell": args.seconds,
            "versions": versions,
            "rates": rates,
            "imported": {"model": IMPORTED, "rates": imported},
        },
    )
    return rates


def _print_table(air: str, rates: dict[str, dict[str, float]]) -> None:
    width = max(map(len, rates))
    print(f"\nschema: {air} request")
    print(f"{'':{width}}  {'valid req/s':>12}  {'invalid req/s':>13}")
    for name, row in rates.items():
        print(f"{name:{width}}  {row['valid']:>12,.0f}  {row['invalid']:>13,.0f}")
    base = rates["jsonschema Draft202012Validator, compiled once"]
    for name in list(rates)[:2]:
        print(
            f"{name} / compiled Draft202012Validator: "
            f"valid x{rates[name]['valid'] / base['valid']:.1f}, "
            f"invalid x{rates[name]['invalid'] / base['invalid']:.1f}"
        )


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "absent"


if __name__ == "__main__":
    main()
