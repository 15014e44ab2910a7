"""Requests per second: the kit's validator against a compiled jsonschema validator.

The baseline is jsonschema's `Draft202012Validator` built once, listing the raw errors of a
request (``list(validator.iter_errors(request))``): what a hand-tuned check in Python costs.
The kit answers with Runware-shaped errors: `Validator.check_task` gives Runware's answer (the
one error of the first failing check in Runware's order), `Validator.validate_request` every
error. Also shown: the kit with its Python engine only, jsonschema's first raw error alone,
and plain `jsonschema.validate(instance, schema)`, which re-checks the schema against its
metaschema on every call (so it is not a fair baseline for anything that validates twice).

Two models: runway:2@1 (generated from its page; the valid request is the page's first
example, the invalid one a copy with three violations: an unknown outputFormat, a negative
seed, no inputs.video) and bytedance:seedance@2.5 (imported from Runware's published OpenAPI
document, whose cross-field rules, `allOf` of `not`/`if`/`then`, both engines evaluate; the
invalid copy has a bad duration, an unknown outputFormat and resolution together with
width/height). All contenders are measured in this one process, interleaved: ``--rounds``
rounds, each giving every contender ``--seconds / --rounds`` per request; a cell is the best
round (the least disturbed by other work on the machine). Rates are per CPU second of this
process by default (``--clock wall`` for wall-clock seconds).

    python bench/validate.py [--seconds 1.0] [--rounds 5] [--clock cpu|wall] [--quick]
        [--json PATH]
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


BASELINE = "jsonschema Draft202012Validator, compiled once (raw errors)"
FIRST = "check_task (Runware's answer: first error)"
EVERY = "validate_request (every error)"
SLOW = "validate_request, Python engine only"
BASE_FIRST = "jsonschema compiled, first raw error only"
PLAIN = "jsonschema.validate(instance, schema), schema re-checked per call"


def contenders(
    fast: Validator, slow: Validator, schema: dict[str, Any]
) -> dict[str, Callable[[Any], Any]]:
    """Every contender, the baseline first."""
    return {
        BASELINE: compiled(schema),
        FIRST: fast.check_task,
        EVERY: fast.validate_request,
        SLOW: slow.validate_request,
        BASE_FIRST: first_raw(schema),
        PLAIN: plain(schema),
    }


def measure(
    checks: dict[str, Callable[[Any], Any]],
    valid: dict,
    invalid: dict,
    seconds: float,
    rounds: int,
) -> dict[str, dict[str, float]]:
    """Best-round rates of every contender on one model's valid and invalid request."""
    best = {name: {"valid": 0.0, "invalid": 0.0} for name in checks}
    for _ in range(rounds):
        for case, instance in (("valid", valid), ("invalid", invalid)):
            for name, check in checks.items():
                got = rate(check, instance, seconds / rounds)
                best[name][case] = max(best[name][case], got)
    return best


CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
clock = CLOCKS["cpu"]


def rate(check: Callable[[Any], Any], instance: Any, seconds: float) -> float:
    """Calls per second of ``check(instance)`` on `clock`, measured for about ``seconds``."""
    check(instance)  # warm up
    calls, batch = 0, 1
    start = clock()
    deadline = start + seconds
    while True:
        for _ in range(batch):
            check(instance)
        calls += batch
        now = clock()
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
    """A Draft202012Validator built once, listing every raw error (the baseline). Without a
    format checker, as jsonschema builds it by default: it does less than the kit, which
    also checks the ``uuid`` and ``uri`` formats."""
    validator = jsonschema.Draft202012Validator(schema)
    return lambda instance: list(validator.iter_errors(instance))


def first_raw(schema: dict[str, Any]) -> Callable[[Any], Any]:
    """The same validator stopping at its first raw error (not Runware's first: that needs
    every error, sorted into Runware's order)."""
    validator = jsonschema.Draft202012Validator(schema)
    return lambda instance: next(validator.iter_errors(instance), None)


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    """Run the benchmark, print the tables and the ratios; return the Aleph rates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per cell (default 1)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 0.05 s per cell")
    parser.add_argument("--json", help="write the rates to this JSON file")
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="cpu",
        help="per CPU second of this process (default; what other work disturbs least) or wall",
    )
    args = parser.parse_args(argv)
    global clock
    clock = CLOCKS[args.clock]
    if args.quick:
        args.seconds, args.rounds = 0.05, 1

    fast, slow = Validator(), Validator(fast=False)
    measured = {}
    for air, (schema, valid, invalid) in ((AIR, cases()), (IMPORTED, imported_cases())):
        assert fast.validate_request(valid) == [], fast.validate_request(valid)
        assert len(fast.validate_request(invalid)) == 3, fast.validate_request(invalid)
        assert len(fast.check_task(invalid).errors) == 1
        assert fast.validate_request(invalid) == slow.validate_request(invalid)
        checks = contenders(fast, slow, schema)
        measured[air] = measure(checks, valid, invalid, args.seconds, args.rounds)
    print(
        f"Python {platform.python_version()}, jsonschema {_version('jsonschema')}, "
        f"jsonschema-rs {_version('jsonschema-rs')}; best of {args.rounds} interleaved rounds, "
        f"{args.seconds:g} s per cell in all; requests per {args.clock} second"
    )
    for air, table in measured.items():
        _print_table(air, table)
    versions = {d: _version(d) for d in ("jsonschema", "jsonschema-rs")}
    write_json(
        args.json,
        {
            "seconds_per_cell": args.seconds,
            "rounds": args.rounds,
            "clock": args.clock,
            "versions": versions,
            "baseline": BASELINE,
            "kit": {"first": FIRST, "every": EVERY},
            "rates": measured[AIR],
            "imported": {"model": IMPORTED, "rates": measured[IMPORTED]},
        },
    )
    return measured[AIR]


def _print_table(air: str, rates: dict[str, dict[str, float]]) -> None:
    width = max(map(len, rates))
    base = rates[BASELINE]
    print(f"\nschema: {air} request; ratio = contender / compiled Draft202012Validator")
    header = f"{'':{width}}  {'valid req/s':>12}  {'ratio':>7}  {'invalid req/s':>13}  {'ratio':>7}"
    print(header)
    for name, row in rates.items():
        print(
            f"{name:{width}}  {row['valid']:>12,.0f}  x{row['valid'] / base['valid']:>6.2f}  "
            f"{row['invalid']:>13,.0f}  x{row['invalid'] / base['invalid']:>6.2f}"
        )


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "absent"


if __name__ == "__main__":
    main()
