"""Draw examples of a JSON Schema with hypothesis-jsonschema and print them as JSON.

Runs inside the isolated venv bench/strategies.py creates (hypothesis 6.98.0 and
hypothesis-jsonschema 0.23.1, which fail on current Hypothesis); it imports nothing from
runware-testkit. hypothesis-jsonschema draws ``uri`` strings itself but has no strategy for
the ``uuid`` format (it would draw any string), so it gets one through ``custom_formats``:
Hypothesis' own ``uuids()``, as a user of the library would write it. Usage:
hjs_worker.py SCHEMA_FILE EXAMPLES
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

#: Formats of Runware's schemas that hypothesis-jsonschema does not draw by itself.
CUSTOM_FORMATS = {"uuid": st.uuids().map(str)}


def main() -> None:
    """Time ``EXAMPLES`` draws of ``from_schema(schema)``; print rates and the examples."""
    schema = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    count = int(sys.argv[2])
    started = time.perf_counter()
    strategy = from_schema(schema, custom_formats=CUSTOM_FORMATS)
    strategy.validate()
    setup = time.perf_counter() - started
    drawn: list[object] = []

    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: object) -> None:
        drawn.append(value)

    started, cpu = time.perf_counter(), time.process_time()
    collect()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    report = {
        "setup_s": setup,
        "elapsed_s": elapsed,
        "cpu_s": cpu,
        "custom_formats": sorted(CUSTOM_FORMATS),
        "examples": drawn,
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
