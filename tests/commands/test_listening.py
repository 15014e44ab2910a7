"""Where serve and proxy listen: ports and the loopback rule."""

from __future__ import annotations

import argparse

import pytest

from runware_testkit.commands.listening import is_loopback_host, port_number


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("10.0.0.1", False),
        ("host.lan", False),
    ],
)
def test_loopback_detection(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


@pytest.mark.parametrize("text", ["0", "8765", "65535"])
def test_ports_in_range_are_taken(text: str) -> None:
    assert port_number(text) == int(text)


@pytest.mark.parametrize("text", ["65536", "-1", "eighty"])
def test_other_ports_are_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        port_number(text)
