"""Drift between recorded traffic and the contract-driven fake (``runware-testkit verify``).

`verify_cassette(path)` replays a cassette's requests into a fresh fake in this process and
compares the answers (`compare`); `report` renders the drifts as text, JSON or SARIF 2.1.0.
"""
