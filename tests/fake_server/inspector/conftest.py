"""A shared headless Chromium (one per test session) and a live fake per test for the page.

Chromium is Debian's (``apt-get install chromium``; ``make test`` installs it where it can),
driven by Playwright's Python API through ``executable_path``: Playwright's own browser builds
are never downloaded. ``RUNWARE_TESTKIT_CHROMIUM`` names another binary. Without a Chromium
the browser tests are skipped with that reason.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from runware_testkit.fake_server.app import create_app
from runware_testkit.fake_server.config import DEV_API_KEY
from runware_testkit.fake_server.state import ServerState
from runware_testkit.fake_server.uvicorn_thread import LiveServer

from ..harness import make_state

CHROMIUM_ENV = "RUNWARE_TESTKIT_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
WAIT_MS = 10_000
"""Longest wait (ms) for anything the page is expected to show."""


def find_chromium() -> str | None:
    """The Chromium binary to drive: ``$RUNWARE_TESTKIT_CHROMIUM``, else the first one on PATH."""
    named = os.environ.get(CHROMIUM_ENV)
    if named:
        return named if os.path.exists(named) else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium shared by the browser tests (each test gets its own page).

    Module-scoped, and every browser test lives in one module (test_page.py), so a run starts
    it once: Playwright's sync API keeps its event loop marked running on this thread while it
    is started, which would stop pytest-asyncio from running async tests in between.
    """
    path = find_chromium()
    if path is None:
        pytest.skip(
            f"Chromium not found (apt-get install chromium, or set {CHROMIUM_ENV} to a binary)"
        )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=path, headless=True)
        yield launched
        launched.close()
    finally:
        playwright.stop()


@dataclass
class Inspected:
    """A live fake, a client of its REST API and an Inspector page open on it."""

    state: ServerState
    base_url: str
    page: Any

    def call(self, *tasks: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST `tasks` to ``/v1`` with the dev key; (HTTP status, body)."""
        answer = httpx.post(
            self.base_url + "/v1",
            json=list(tasks),
            headers={"Authorization": f"Bearer {DEV_API_KEY}"},
            timeout=30,
        )
        return answer.status_code, answer.json()

    def row(self, task_uuid: str, status: str | None = None) -> Any:
        """Wait for the task's row (in `status`, if given); a locator of it (found again on
        every use: the live list redraws its rows)."""
        selector = f"#tasks tr[data-uuid='{task_uuid}']"
        if status is not None:
            selector += f"[data-status='{status}']"
        self.page.wait_for_selector(selector, timeout=WAIT_MS)
        return self.page.locator(selector)


@pytest.fixture
def inspect(browser: Any) -> Iterator[Callable[..., Inspected]]:
    """``inspect(**config)``: start a fake (manual clock) and open the Inspector on it."""
    opened: list[tuple[LiveServer, Any]] = []

    def factory(**config: Any) -> Inspected:
        state = make_state(**config)
        server = LiveServer(create_app(state=state)).start()
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        opened.append((server, page))
        page.set_default_timeout(WAIT_MS)
        page.goto(server.base_url + "/__testkit/")
        page.wait_for_selector("#live:not(.off)")
        return Inspected(state, server.base_url, page)

    yield factory
    for server, page in opened:
        page.close()
        server.stop()
