"""The official ``runware-sdk`` (unmodified) through the proxy, over REST and WebSocket.

The upstream is a fake on a loopback socket; the SDK keeps its own poll schedule (its first
poll comes after about a second), so each run takes a second or two.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
from pathlib import Path
from typing import Any

import pytest

from runware_testkit.cassettes import read_cassette

from .conftest import ALEPH, ALEPH_PRICE, SOURCE, upstream_tasks

pytestmark = pytest.mark.sdk

try:
    importlib.metadata.version("runware-sdk")
except importlib.metadata.PackageNotFoundError:
    pytest.skip("runware-sdk is not installed in this environment", allow_module_level=True)

from runware import Runware  # noqa: E402  (runware-sdk, checked above)


def task(**fields: Any) -> dict[str, Any]:
    return {
        "taskType": "videoInference",
        "model": ALEPH,
        "positivePrompt": "the same street at night, neon rain",
        "deliveryMethod": "async",
        "inputs": {"video": SOURCE},
        **fields,
    }


async def run_sdk(proxy: Any, api_key: str, transport: str, *tasks: dict[str, Any]) -> list[Any]:
    client = Runware(
        api_key=api_key,
        transport=transport,
        http_base_url=proxy.rest_url,
        ws_base_url=proxy.ws_url,
        validate=False,
        max_retries=0,
    )
    await client.connect()
    outcomes: list[Any] = []
    try:
        for one in tasks:
            try:
                outcomes.append(await client.run(one))
            except Exception as exc:
                outcomes.append(exc)
    finally:
        await client.close()
    return outcomes


@pytest.mark.parametrize("transport", ["rest", "websocket"])
def test_the_sdk_runs_through_the_proxy_and_is_recorded(
    transport: str, start_proxy, upstream, tmp_path: Path
) -> None:
    cassette = tmp_path / f"sdk-{transport}.jsonl"
    proxy = start_proxy(cassette=cassette, budget_usd=1.0)
    good, invalid, over = task(includeCost=True), task(positivePrompt=""), task()
    results, refused, over_budget = asyncio.run(
        run_sdk(proxy, upstream.api_key, transport, good, invalid, over)
    )
    assert not isinstance(results, Exception), results
    assert results[0]["cost"] == ALEPH_PRICE
    assert isinstance(refused, Exception) and isinstance(over_budget, Exception)
    assert "budget" in str(over_budget).lower()
    inference = [t for t in upstream_tasks(upstream) if t.get("taskType") == "videoInference"]
    assert len(inference) == 1
    proxy.stop()
    lines = read_cassette(cassette).interactions
    transports = {line.transport for line in lines}
    assert transports == {transport}
    submitted = [line for line in lines if line.task_type == "videoInference" and line.request]
    # Only the task the upstream answered: the contract error and budgetExceeded were the
    # proxy's own answers, which a cassette does not hold.
    assert [line.task for line in submitted] == ["t1"]
    assert "errors" not in submitted[0].response
