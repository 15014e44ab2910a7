"""A validating, recording proxy with a spend cap, between a client and Runware's API.

Each task is checked against the contract (the fake's own checker) and priced (the fake's
pricing rule) before it leaves; invalid tasks and tasks past the budget are refused locally
with Runware-shaped errors. Traffic is recorded to a cassette (docs/cassettes.md).
"""

from .app import create_proxy_app
from .config import DEFAULT_UPSTREAM_REST, DEFAULT_UPSTREAM_WS, ProxyConfig
from .gate import BUDGET_EXCEEDED_CODE, TaskGate, Verdict
from .ledger import Charge, SpendLedger, key_label
from .server import ProxyServer
from .state import UPSTREAM_UNREACHABLE_CODE, ProxyState

__all__ = [
    "BUDGET_EXCEEDED_CODE",
    "DEFAULT_UPSTREAM_REST",
    "DEFAULT_UPSTREAM_WS",
    "UPSTREAM_UNREACHABLE_CODE",
    "Charge",
    "ProxyConfig",
    "ProxyServer",
    "ProxyState",
    "SpendLedger",
    "TaskGate",
    "Verdict",
    "create_proxy_app",
    "key_label",
]
