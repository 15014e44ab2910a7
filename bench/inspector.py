"""The Inspector page on loopback: its size, how fast it shows the task list, how fast it is live.

Runs ``runware-testkit serve`` (in memory, immediate progression) on 127.0.0.1, fills it with
``--tasks`` tasks over REST, and drives Debian's headless Chromium through Playwright:

- transferred: the page as loaded (``PerformanceNavigationTiming.transferSize``: headers and
  the HTML with its inlined CSS and JS), plus the JSON the page fetches before it shows the
  list (``/errors``, ``/inspector/tasks``); budget 200 KB;
- request -> list rendered: from the navigation's start (``performance.timeOrigin``) to the
  moment the list holds every row (a MutationObserver installed before the page's own
  script); median of ``--loads`` loads of the page in one tab, after one unmeasured warm-up
  load (the tab's first load pays for starting its renderer); budget 300 ms;
- submit -> visible: one task at a time is POSTed to ``/v1``; the time from just before the
  POST (Python's wall clock) to its row appearing (the page's ``timeOrigin + now()``, the same
  wall clock) while the page stays open, over ``--submits`` tasks; budget 100 ms.

Nothing leaves the machine. Without a Chromium the script reports the figures as unavailable.

    python bench/inspector.py [--tasks 50] [--loads 10] [--submits 30] [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import time
import uuid
from typing import Any

import httpx
from common import HEADERS, serve_subprocess, video_task, write_json

BUDGET = {"transferred_kb": 200, "list_ms": 300, "live_ms": 100}
WATCH = """
window.__seen = {};
window.__listAt = null;
new MutationObserver(() => {
  const rows = document.querySelectorAll('#tasks tbody tr[data-uuid]');
  for (const row of rows) {
    if (!(row.dataset.uuid in window.__seen)) {
      window.__seen[row.dataset.uuid] = performance.timeOrigin + performance.now();
    }
  }
  if (window.__listAt === null && rows.length >= window.__expect) {
    window.__listAt = performance.now();
  }
}).observe(document, {subtree: true, childList: true});
"""


def chromium() -> str | None:
    """Debian's Chromium, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def submit(client: httpx.Client, base: str, task: dict[str, Any]) -> None:
    answer = client.post(f"{base}/v1", content=json.dumps([task]), headers=HEADERS)
    answer.raise_for_status()


def measure(binary: str, base: str, tasks: int, loads: int, submits: int) -> dict[str, Any]:
    """The three figures against the server at `base` (already holding `tasks` tasks)."""
    from playwright.sync_api import sync_playwright

    page_url = f"{base}/__testkit/"
    results: dict[str, Any] = {}
    with sync_playwright() as playwright, httpx.Client(trust_env=False, timeout=10) as client:
        browser = playwright.chromium.launch(executable_path=binary)
        context = browser.new_context()
        context.add_init_script(f"window.__expect = {tasks};\n{WATCH}")
        list_ms, transferred = [], []
        page = context.new_page()
        for load in range(loads + 1):
            page.goto(page_url)
            page.wait_for_function("window.__listAt !== null", timeout=10_000)
            if load == 0:
                continue
            list_ms.append(page.evaluate("window.__listAt"))
            transferred.append(
                page.evaluate(
                    """() => {
                      const nav = performance.getEntriesByType('navigation')[0];
                      const api = performance.getEntriesByType('resource')
                        .filter(e => !e.name.includes('/events'));
                      return {page: nav.transferSize,
                              api: api.reduce((n, e) => n + e.transferSize, 0)};
                    }"""
                )
            )
        page.goto(page_url)
        page.wait_for_function("window.__listAt !== null", timeout=10_000)
        page.wait_for_selector("#live:not(.off)")
        live_ms = []
        for _ in range(submits):
            task = video_task(str(uuid.uuid4()))
            sent = time.time() * 1000
            submit(client, base, task)
            found = f"window.__seen[{json.dumps(task['taskUUID'])}]"
            page.wait_for_function(f"{found} !== undefined", timeout=10_000, polling=5)
            live_ms.append(page.evaluate(found) - sent)
        page.close()
        browser.close()
    live_sorted = sorted(live_ms)
    results["transferred"] = {
        "page_bytes": statistics.median(t["page"] for t in transferred),
        "api_bytes": statistics.median(t["api"] for t in transferred),
    }
    results["list_rendered"] = {"median_ms": statistics.median(list_ms), "runs": list_ms}
    results["submit_to_visible"] = {
        "median_ms": statistics.median(live_ms),
        "p95_ms": live_sorted[max(0, round(0.95 * len(live_sorted)) - 1)],
        "max_ms": live_sorted[-1],
        "runs": live_ms,
    }
    return results


def main() -> None:
    """Serve, fill, measure, print and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=50, help="tasks in the list when it loads")
    parser.add_argument("--loads", type=int, default=10, help="fresh page loads timed")
    parser.add_argument("--submits", type=int, default=30, help="tasks submitted one at a time")
    parser.add_argument("--quick", action="store_true", help="smoke run: 3 loads, 5 submits")
    parser.add_argument("--json", help="write the figures to this JSON file")
    args = parser.parse_args()
    if args.quick:
        args.loads, args.submits = 3, 5
    binary = chromium()
    if binary is None:
        print("no Chromium (apt-get install chromium): nothing measured")
        write_json(args.json, {"unavailable": "no Chromium", "budget": BUDGET})
        return
    with serve_subprocess() as (base, _), httpx.Client(trust_env=False, timeout=10) as client:
        for _ in range(args.tasks):
            submit(client, base, video_task())
        data = measure(binary, base, args.tasks, max(1, args.loads), max(1, args.submits))
    data["tasks"] = args.tasks
    data["budget"] = BUDGET
    kb = (data["transferred"]["page_bytes"] + data["transferred"]["api_bytes"]) / 1024
    live = data["submit_to_visible"]
    print(f"Inspector on loopback, {args.tasks} tasks held; Chromium {binary}")
    print(
        f"transferred: page {data['transferred']['page_bytes'] / 1024:.1f} KB + first JSON "
        f"{data['transferred']['api_bytes'] / 1024:.1f} KB = {kb:.1f} KB "
        f"(budget {BUDGET['transferred_kb']} KB)"
    )
    print(
        f"request -> list rendered: median {data['list_rendered']['median_ms']:.1f} ms over "
        f"{len(data['list_rendered']['runs'])} loads (budget {BUDGET['list_ms']} ms)"
    )
    print(
        f"submit -> visible: median {live['median_ms']:.1f} ms, p95 {live['p95_ms']:.1f} ms, "
        f"max {live['max_ms']:.1f} ms over {len(live['runs'])} tasks "
        f"(budget {BUDGET['live_ms']} ms)"
    )
    write_json(args.json, data)


if __name__ == "__main__":
    main()
