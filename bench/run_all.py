"""Run every bench script, each in its own process, and print ONE table of all the figures.

Each script writes its figures as JSON (``--json``) into ``.bench-out/results/`` and its own
human tables into ``.bench-out/results/<name>.log``; this script then prints a header (date,
OS, CPU, cores, RAM, Python, load average, versions of the peers) and one Markdown table:
area, figure, runware-testkit, peer (name), ratio. The ratio is always runware-testkit divided
by the peer, so above 1 means "more" for rates and "slower" for times. A script that fails or
a peer that cannot run shows "n/a (reason)" instead of stopping the run. The table is also
written to ``.bench-out/results/table.md``.

    python bench/run_all.py [--quick] [--only NAME,NAME]

A full run takes about 7 minutes on 2 cores; ``--quick`` (a smoke run of every script) a
minute or two once Prism and the hypothesis-jsonschema virtualenv are installed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import OUT, dist_version, fmt, machine
from common import fmt as fmt_number
from prism import prism_version

BENCH = Path(__file__).resolve().parent
RESULTS = OUT / "results"
SCRIPTS = {
    "validate": 120,
    "strategies": 600,
    "plugin": 120,
    "startup": 300,
    "server": 300,
    "lint": 900,
    "memory": 900,
    "bench_generate": 120,
    "bench_image": 300,
    "inspector": 180,
}
"""Script name (bench/NAME.py) -> timeout in seconds."""

Row = tuple[str, str, str, str, str]


def run_script(name: str, quick: bool, timeout: int) -> dict[str, Any] | str:
    """Run bench/NAME.py; its JSON, or the reason it gave none."""
    out = RESULTS / f"{name}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, str(BENCH / f"{name}.py"), "--json", str(out)]
    if quick:
        command.append("--quick")
    started = time.perf_counter()
    print(f"running bench/{name}.py ...", end="", file=sys.stderr, flush=True)
    with open(RESULTS / f"{name}.log", "w", encoding="utf-8") as log:
        try:
            done = subprocess.run(
                command, stdout=log, stderr=subprocess.STDOUT, timeout=timeout, check=False
            )
            reason = None if done.returncode == 0 else f"exit {done.returncode}"
        except subprocess.TimeoutExpired:
            reason = f"timed out after {timeout} s"
    print(f" {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    if reason is None and out.exists():
        return json.loads(out.read_text(encoding="utf-8"))
    return f"{reason or 'no JSON'}; see {RESULTS.relative_to(OUT.parent)}/{name}.log"


def ratio(kit: float | None, peer: float | None) -> str:
    """kit / peer as ``x1.23`` (``-`` when either is missing, "peer 0" when the peer is 0)."""
    if kit is None or peer is None or peer != peer or kit != kit:
        return "-"
    if peer == 0:
        return "- (peer 0)"
    value = kit / peer
    return f"x{value:,.0f}" if value >= 100 else f"x{value:.2f}"


def compare(
    area: str, figure: str, kit: float | None, peer: float | None, name: str, digits: int = 0
) -> Row:
    """One row comparing the kit with a peer."""
    return (area, figure, fmt(kit, digits), f"{fmt(peer, digits)} ({name})", ratio(kit, peer))


def alone(area: str, figure: str, value: str) -> Row:
    """One row of a kit-only figure."""
    return (area, figure, value, "-", "-")


def server_rows(data: dict[str, Any]) -> list[Row]:
    """Submit rate and latency against Prism; the kit's full round trip."""
    unavailable = data["peer"].get("unavailable")
    peer = "Prism" if not unavailable else f"n/a ({unavailable})"
    rows: list[Row] = []
    for clients, kit in data["submit"]["kit"].items():
        prism = data["submit"]["prism"].get(clients, {})
        for key, label, digits in (("rps", "req/s", 0), ("p50_ms", "p50 ms", 1)):
            figure = f"submit {label}, {clients} client{'s' if clients != '1' else ''}"
            rows.append(compare("server", figure, kit[key], prism.get(key), peer, digits))
        figure = f"submit p99 ms, {clients} client{'s' if clients != '1' else ''}"
        rows.append(compare("server", figure, kit["p99_ms"], prism.get("p99_ms"), peer, 1))
    for clients, kit in data["submit"].get("kit_sqlite", {}).items():
        prism = data["submit"]["prism"].get(clients, {})
        for key, label, digits in (("rps", "req/s", 0), ("p99_ms", "p99 ms", 1)):
            figure = f"submit {label}, {clients} client{'s' if clients != '1' else ''}, SQLite"
            rows.append(compare("server", figure, kit[key], prism.get(key), peer, digits))
    live = data["round_trip"]["live"]
    for seed, label in (("fresh seed", "new video"), ("fixed seed", "cached video")):
        figure = f"round trip submit+poll+download, {label}, median ms"
        rows.append(alone("server", figure, fmt(live[seed]["median_ms"], 1)))
    return rows


def startup_rows(data: dict[str, Any]) -> list[Row]:
    """Import times and start -> first 200, against Prism."""
    imp = data["import"]
    unavailable = data["peer"].get("unavailable")
    peer = "Prism" if not unavailable else f"n/a ({unavailable})"
    prism = (data.get("prism") or {}).get("median_ms")
    return [
        alone("startup", "import runware_testkit, ms", fmt(imp["import_ms"], 1)),
        alone("startup", "import the server (fake_server.app), ms", fmt(imp["server_import_ms"])),
        compare(
            "startup", "start -> first 200, median ms", data["serve"]["median_ms"], prism, peer
        ),
    ]


def lint_rows(data: dict[str, Any]) -> list[Row]:
    """Files per second against check-jsonschema, and how often the verdicts agree."""
    files, peer = data["files"], data["peer"]
    name = "check-jsonschema"
    return [
        compare(
            "lint",
            f"files/s over {files:,} files",
            data["kit"]["files_per_s"],
            peer["files_per_s"],
            name,
        ),
        (
            "lint",
            f"rejected files ({data['invalid_files']:,} mutated)",
            fmt(data["kit"]["rejected"]),
            f"{fmt(peer['rejected'])} ({name})",
            f"agree on {data['agree']:,}/{files:,}",
        ),
    ]


def validate_rows(data: dict[str, Any]) -> list[Row]:
    """The kit's validator against a compiled Draft202012Validator listing raw errors (the
    baseline), on the Aleph page model and (when measured) on one model imported from
    Runware's documents; jsonschema.validate (schema re-checked per call) last."""
    tables = [("validator", data["rates"])]
    if "imported" in data:
        tables.append((f"validator ({data['imported']['model']})", data["imported"]["rates"]))
    baseline = data.get("baseline", "jsonschema Draft202012Validator, compiled once")
    kit = data.get("kit", {})
    first = kit.get("first", "validate_request (jsonschema_rs valid path)")
    every = kit.get("every", first)
    peer = "compiled Draft202012Validator, raw errors"
    rows = []
    for area, rates in tables:
        base = rates[baseline]
        rows.append(compare(area, "valid requests/s", rates[first]["valid"], base["valid"], peer))
        rows.append(
            compare(
                area,
                "invalid requests/s, Runware's answer (first error)",
                rates[first]["invalid"],
                base["invalid"],
                peer,
            )
        )
        if every != first:
            rows.append(
                compare(
                    area,
                    "invalid requests/s, every error",
                    rates[every]["invalid"],
                    base["invalid"],
                    peer,
                )
            )
        plain = next((rates[k] for k in rates if k.startswith("jsonschema.validate")), None)
        if plain is not None:
            rows.append(
                compare(
                    area,
                    "valid requests/s (peer re-checks the schema per call)",
                    rates[first]["valid"],
                    plain["valid"],
                    "jsonschema.validate",
                )
            )
    return rows


def strategies_rows(data: dict[str, Any]) -> list[Row]:
    """requests() against hypothesis-jsonschema (given a uuid strategy) on each model, both
    judged by plain jsonschema with its FormatChecker; the kit's stricter check beside it."""
    kit_name, peer_name = "runware_testkit.strategies.requests", "hypothesis_jsonschema.from_schema"
    name = "hypothesis-jsonschema"

    def share(row: dict[str, Any], key: str = "rejected") -> str:
        return f"{100 * row[key] / max(1, row['examples']):.0f} %"

    rows: list[Row] = []
    for figures in data["models"]:
        air = figures["model"]
        kit, peer = figures["rows"][kit_name], figures["rows"].get(peer_name)
        label = f"valid examples/s, {air} (jsonschema's check)"
        if peer is None:
            reason = figures.get("peer_error", "not run").split(":")[0]
            rows.append(("strategies", label, fmt(kit["valid_per_s"]), f"n/a ({reason})", "-"))
            continue
        rows.append(compare("strategies", label, kit["valid_per_s"], peer["valid_per_s"], name))
        if "valid_per_cpu_s" in kit and "valid_per_cpu_s" in peer:
            rows.append(
                compare(
                    "strategies",
                    f"valid examples per CPU s, {air}",
                    kit["valid_per_cpu_s"],
                    peer["valid_per_cpu_s"],
                    name,
                )
            )
        rows.append(
            (
                "strategies",
                f"rejected by jsonschema / by the kit's check, {air}",
                f"{share(kit)} / {share(kit, 'kit_rejected')}",
                f"{share(peer)} / {share(peer, 'kit_rejected')} ({name})",
                "-",
            )
        )
    return rows


def plugin_rows(data: dict[str, Any]) -> list[Row]:
    """The pytest plugin's fakes (kit only)."""
    rows = data["rows"]
    picks = (
        ("round trip, runware_mock, httpx.Client", "round trip, runware_mock, median ms"),
        ("round trip, runware_server, httpx.Client", "round trip, runware_server, median ms"),
        ("mock() built, started and closed", "mock() built, started, closed, median ms"),
    )
    return [alone("plugin", label, fmt(rows[key]["median_ms"], 2)) for key, label in picks]


def memory_rows(data: dict[str, Any]) -> list[Row]:
    """Peak RSS holding the finished tasks (kit only)."""
    rows = []
    for store, label in (("memory", "in memory"), ("sqlite", "SQLite")):
        row = data[store]
        held = f"{row['tasks']:,} tasks" + ("" if row["complete"] else " (fill cut short)")
        rows.append(alone("memory", f"peak RSS MiB, {held}, {label}", fmt(row["peak_mib"], 1)))
        rows.append(alone("memory", f"bytes per task, {label}", fmt(row["bytes_per_task"])))
    return rows


def generate_rows(data: dict[str, Any]) -> list[Row]:
    """The schema generator over every pinned page and document (kit only)."""
    rows = data["rows"]
    picks = (
        ("all pinned sources (make schemas)", "generate, all pinned pages and documents"),
        ("OpenAPI documents", "generate, the OpenAPI documents alone"),
    )
    return [
        alone(
            "schemagen",
            f"{label} ({rows[key]['sources']} sources), median ms",
            fmt(rows[key]["median_ms"], 1),
        )
        for key, label in picks
        if key in rows
    ]


def image_rows(data: dict[str, Any]) -> list[Row]:
    """Still images the fake renders for imageInference (kit only: no peer renders media)."""
    side = data["size"]
    return [
        alone(
            "media",
            f"render {fmt} {side}x{side}, uncached, median ms",
            fmt_number(row["cells"]["render, uncached"]["median_ms"], 2),
        )
        for fmt, row in data["formats"].items()
    ]


def inspector_rows(data: dict[str, Any]) -> list[Row]:
    """The Inspector page in headless Chromium (kit only), each figure with its budget."""
    if "unavailable" in data:
        return [alone("inspector", "(not measured)", f"n/a ({data['unavailable']})")]
    sizes, live = data["transferred"], data["submit_to_visible"]
    budget = data["budget"]
    kb = (sizes["page_bytes"] + sizes["api_bytes"]) / 1024
    return [
        alone(
            "inspector",
            f"page + first JSON transferred, KB (budget {budget['transferred_kb']})",
            fmt_number(kb, 1),
        ),
        alone(
            "inspector",
            f"request -> list of {data['tasks']} tasks rendered, median ms "
            f"(budget {budget['list_ms']})",
            fmt_number(data["list_rendered"]["median_ms"], 1),
        ),
        alone(
            "inspector",
            f"submit -> task visible, median ms (budget {budget['live_ms']})",
            fmt_number(live["median_ms"], 1),
        ),
        alone("inspector", "submit -> task visible, p95 ms", fmt_number(live["p95_ms"], 1)),
    ]


BUILDERS = {
    "server": server_rows,
    "startup": startup_rows,
    "lint": lint_rows,
    "validate": validate_rows,
    "strategies": strategies_rows,
    "plugin": plugin_rows,
    "memory": memory_rows,
    "bench_generate": generate_rows,
    "bench_image": image_rows,
    "inspector": inspector_rows,
}


def header(results: dict[str, Any]) -> list[str]:
    """The lines above the table: machine and peer versions."""
    facts = machine()
    strategies = results.get("strategies")
    hjs = "0.23.1"
    if isinstance(strategies, dict):
        versions = strategies["versions"]
        hjs = (
            f"{versions['hypothesis-jsonschema']} (hypothesis "
            f"{versions['hypothesis (hypothesis-jsonschema side)']}, own venv)"
        )
    ram = f"{facts['ram_gib']:.1f} GiB RAM" if facts["ram_gib"] else "RAM unknown"
    return [
        f"{facts['date']}; {facts['os']}; {facts['cpu']}, {facts['cores']} cores, {ram}; "
        f"Python {facts['python']}; load average {tuple(facts['loadavg'])}",
        f"peers: Prism {prism_version()}, check-jsonschema {dist_version('check-jsonschema')}, "
        f"jsonschema {dist_version('jsonschema')}, hypothesis-jsonschema {hjs}; "
        f"runware-testkit {dist_version('runware-testkit')}, "
        f"hypothesis {dist_version('hypothesis')}",
    ]


def table(rows: list[Row]) -> list[str]:
    """A Markdown table with aligned columns (numbers right-aligned)."""
    titles = ("area", "figure", "runware-testkit", "peer (name)", "ratio")
    widths = [max(len(r[i]) for r in [titles, *rows]) for i in range(5)]
    right = (False, False, True, True, True)

    def line(cells: tuple[str, ...]) -> str:
        parts = [
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)
        ]
        return "| " + " | ".join(parts) + " |"

    rule = (
        "|"
        + "|".join("-" * (w + 1) + (":" if r else "-") for w, r in zip(widths, right, strict=True))
        + "|"
    )
    return [line(titles), rule, *(line(r) for r in rows)]


def main() -> None:
    """Run the scripts and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run of every script")
    parser.add_argument("--only", help="comma-separated script names (default: all)")
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(SCRIPTS)
    unknown = set(names) - set(SCRIPTS)
    if unknown:
        parser.error(f"unknown script(s): {', '.join(sorted(unknown))}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    os.chdir(OUT.parent)
    started = time.perf_counter()
    results = {name: run_script(name, args.quick, SCRIPTS[name]) for name in names}
    rows: list[Row] = []
    for name, build in BUILDERS.items():
        if name not in results:
            continue
        data = results[name]
        if isinstance(data, str):
            rows.append((name, "(script failed)", f"n/a ({data})", "-", "-"))
            continue
        rows.extend(build(data))
    note = "ratio = runware-testkit / peer; " + ("QUICK smoke run, " if args.quick else "")
    note += f"{time.perf_counter() - started:.0f} s in all"
    lines = [*header(results), note, "", *table(rows)]
    print("\n".join(lines))
    (RESULTS / "table.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (RESULTS / "all.json").write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
