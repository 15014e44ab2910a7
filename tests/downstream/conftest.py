"""Fixtures of the example project: its client aimed at whichever fake the test uses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .videoedit import VideoEditClient

SOURCE = "https://cdn.example.com/source.mp4"


@pytest.fixture
def sleeps() -> list[float]:
    """The waits the client asked for (the client never sleeps for real in these tests)."""
    return []


@pytest.fixture
def mock_client(runware_mock, sleeps: list[float]) -> Iterator[VideoEditClient]:
    """The app's client against the in-process fake (same URL as production)."""
    client = VideoEditClient(
        runware_mock.api_key, base_url=runware_mock.base_url, sleep=sleeps.append
    )
    yield client
    client.close()


@pytest.fixture
def server_client(runware_server, sleeps: list[float]) -> Iterator[VideoEditClient]:
    """The app's client against the live fake on 127.0.0.1."""
    client = VideoEditClient(
        runware_server.api_key, base_url=runware_server.base_url, sleep=sleeps.append
    )
    yield client
    client.close()
