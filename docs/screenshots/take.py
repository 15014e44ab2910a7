"""Take the Inspector screenshots shown in the README (``make screenshots``).

Starts a fake on loopback with a manual clock, sends it a few tasks over REST (a video, an
image, one refused by the contract, one left processing, one whose webhook receiver fails
once), then drives Debian's headless Chromium through Playwright and writes
``docs/screenshots/{tasks,contract-error,models,journal}.png``.
"""

from __future__ import annotations

import shutil
import sys
import uuid
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

from runware_testkit.fake_server.app import create_app
from runware_testkit.fake_server.config import DEV_API_KEY, ServerConfig
from runware_testkit.fake_server.engine.clock import ManualClock
from runware_testkit.fake_server.state import ServerState
from runware_testkit.fake_server.uvicorn_thread import LiveServer

OUT = Path(__file__).resolve().parent
VIEWPORT = {"width": 1400, "height": 860}


def task(model: str, task_type: str = "videoInference", **fields) -> dict:
    return {
        "taskType": task_type,
        "taskUUID": str(uuid.uuid4()),
        "model": model,
        "positivePrompt": "a paper boat on a rainy street",
        "includeCost": True,
        **fields,
    }


def main() -> int:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("no chromium: apt-get install chromium", file=sys.stderr)
        return 2
    state = ServerState(ServerConfig(seed=7, progression="time:8"), clock=ManualClock())
    server = LiveServer(create_app(state=state)).start()
    base = server.base_url
    auth = {"Authorization": f"Bearer {DEV_API_KEY}"}

    def send(*tasks: dict) -> None:
        httpx.post(base + "/v1", json=list(tasks), headers=auth, timeout=30)

    video = task(
        "runway:2@1",
        inputs={"video": "https://example.com/source.mp4"},
        webhookURL=base + "/__testkit/sink/hooks",
    )
    image = task("bfl:flux@3-image", "imageInference", width=1024, height=1024)
    refused = task("runway:2@1", inputs={"video": "https://example.com/a.mp4"}, outputQuality=500)
    waiting = task("runway:aleph@2.0", inputs={"video": "https://example.com/b.mp4"})
    try:
        httpx.post(base + "/__testkit/sink/hooks/fail", json={"times": 1, "status": 503})
        send(video)
        send(image)
        state.clock.advance(10)
        send({"taskType": "getResponse", "taskUUID": video["taskUUID"]})
        send(refused)
        send(waiting)
        send({"taskType": "getResponse", "taskUUID": waiting["taskUUID"]})
        httpx.post(base + "/__testkit/drain?timeout=30")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium)
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(base + "/__testkit/")
            page.click(f"#tasks tr[data-uuid='{video['taskUUID']}']")
            page.wait_for_function("document.querySelector('#media video')?.readyState >= 2")
            page.wait_for_selector("#media .size:not(:has-text('…'))")
            page.screenshot(path=OUT / "tasks.png")
            page.click(f"#tasks tr[data-uuid='{refused['taskUUID']}']")
            page.wait_for_selector("#request .param.blamed")
            page.screenshot(path=OUT / "contract-error.png")
            page.click("button[data-tab='models']")
            page.wait_for_selector("#models tbody tr")
            page.screenshot(path=OUT / "models.png")
            page.click("button[data-tab='journal']")
            page.wait_for_selector("#journal tbody tr")
            page.screenshot(path=OUT / "journal.png")
            browser.close()
    finally:
        server.stop()
    for name in ("tasks", "contract-error", "models", "journal"):
        print(OUT / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
