"""The Inspector in headless Chromium: one test per panel, each against a live fake."""

from __future__ import annotations

import httpx

from ..harness import poll_task, video_task
from .conftest import WAIT_MS


def test_a_task_submitted_over_rest_appears_without_reload(inspect):
    inspected = inspect(progression="time:30")
    page = inspected.page
    page.evaluate("window.stillTheSamePage = true")
    task = video_task(includeCost=True)
    assert inspected.call(task)[0] == 200
    row = inspected.row(task["taskUUID"], "processing")
    assert "runway:2@1" in row.inner_text()
    assert "videoInference" in row.inner_text()
    assert page.evaluate("window.stillTheSamePage") is True
    page.select_option("#filter-status", "success")
    page.wait_for_selector(f"#tasks tr[data-uuid='{task['taskUUID']}']", state="detached")
    page.select_option("#filter-status", "processing")
    inspected.row(task["taskUUID"])


def test_the_result_video_plays_in_the_page(inspect):
    inspected = inspect()
    task = video_task()
    inspected.call(task)
    inspected.row(task["taskUUID"], "success").click()
    page = inspected.page
    page.wait_for_selector("#media video")
    page.wait_for_function(
        "document.querySelector('#media video').readyState >= 2", timeout=WAIT_MS
    )
    start = page.evaluate("document.querySelector('#media video').currentTime")
    page.wait_for_function(
        f"document.querySelector('#media video').currentTime > {start}", timeout=WAIT_MS
    )
    page.wait_for_selector("#media .size:has-text('KB')")
    caption = page.inner_text("#media figcaption")
    assert "mp4" in caption and "KB" in caption


def test_a_contract_error_is_highlighted_on_its_parameter(inspect):
    inspected = inspect()
    task = video_task(outputQuality=5000)
    status, body = inspected.call(task)
    assert status == 400
    [error] = body["errors"]
    inspected.row(task["taskUUID"], "rejected").click()
    page = inspected.page
    page.wait_for_selector("#request .param.blamed")
    blamed = page.eval_on_selector_all(
        "#request .param.blamed", "els => els.map(e => e.dataset.path)"
    )
    assert blamed == [error["parameter"]] == ["outputQuality"]
    assert error["code"] in page.inner_text("#request .param.blamed")
    assert page.get_attribute("#errors .rt-error", "data-parameter") == "outputQuality"


def test_the_fail_action_makes_the_next_poll_see_the_error(inspect):
    inspected = inspect(progression="time:600")
    task = video_task()
    inspected.call(task)
    inspected.row(task["taskUUID"], "processing").click()
    page = inspected.page
    page.wait_for_selector("#act-fail:not([disabled])")
    page.select_option("#fail-code", "timeoutProvider")
    page.click("#act-fail")
    inspected.row(task["taskUUID"], "error")
    _, body = inspected.call(poll_task(task["taskUUID"]))
    assert body["errors"][0]["code"] == "timeoutProvider"
    assert body["data"][0]["status"] == "error"
    page.wait_for_selector("#timeline li[data-label='finished'][data-status='error']")


def test_the_clock_action_finishes_a_time_task(inspect):
    inspected = inspect(progression="time:5")
    task = video_task()
    inspected.call(task)
    inspected.row(task["taskUUID"], "processing")
    page = inspected.page
    page.click("button[data-tab='controls']")
    page.fill("#clock-seconds", "6")
    page.click("#act-advance")
    page.click("button[data-tab='tasks']")
    inspected.row(task["taskUUID"], "success")
    status, body = inspected.call(poll_task(task["taskUUID"]))
    assert (status, body["data"][0]["status"]) == (200, "success")


def test_scenarios_and_a_failing_receiver_from_the_controls(inspect):
    inspected = inspect()
    page = inspected.page
    page.click("button[data-tab='controls']")
    page.fill("#scenario-json", '{"error_code": "insufficientCredits"}')
    page.click("#act-add-scenario")
    page.wait_for_selector("#scenarios button[data-remove='0']")
    assert len(inspected.state.scenarios) == 1
    page.click("#scenarios button[data-remove='0']")
    page.wait_for_selector("#scenarios li.dim")
    assert len(inspected.state.scenarios) == 0
    page.fill("#sink-name", "hooks")
    page.fill("#sink-status", "503")
    page.click("#act-sink-fail")
    page.wait_for_selector("#message:has-text('receiver fails: done')")
    answer = httpx.post(inspected.base_url + "/__testkit/sink/hooks", json={"data": []})
    assert answer.status_code == 503


def test_models_journal_and_spend_panels(inspect):
    inspected = inspect()
    task = video_task(includeCost=True)
    inspected.call(task)
    inspected.row(task["taskUUID"], "success")
    page = inspected.page
    page.click("button[data-tab='models']")
    model = page.locator("#models tr[data-air='runway:2@1']")
    assert model.locator(".source-kind").inner_text() in ("page", "official schema")
    link = model.locator("a").first.get_attribute("href")
    assert httpx.get(inspected.base_url + link).status_code == 200
    page.click("button[data-tab='journal']")
    page.wait_for_selector("#journal tbody tr")
    page.select_option("#journal-kind", "request")
    page.wait_for_function(
        "[...document.querySelectorAll('#journal tbody tr td:nth-child(3)')]"
        ".every(td => td.textContent === 'request')"
    )
    page.click("button[data-tab='spend']")
    spend = page.locator("#spend tbody tr").first.inner_text()
    assert "$" in spend and "rw-t..." in spend
