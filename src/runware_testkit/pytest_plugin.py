"""The pytest face of runware-testkit (registered through the ``pytest11`` entry point).

Fixtures
    ``runware_server``: the fake on 127.0.0.1 (HTTP + WebSocket), started once per session
    (per xdist worker) and reset before each test; any client library works.
    ``runware_mock``: the fake in-process behind respx (no sockets), for httpx clients aimed
    at ``https://api.runware.ai/v1``.
    Both yield a `FakeControl` (URLs, API key, control mirror, assertions).

Marker
    ``@pytest.mark.runware(progression="polls:2", scenarios=[...], api_keys=[...], seed=7,
    clock="manual", base_urls=[...], live=True)`` configures either fixture for one test
    (or a class/module through ``pytestmark``); ``cassette="path.jsonl"`` (relative to the
    test file) makes the fake answer from a recorded cassette first (``replay="strict"``,
    ``replay_timing="real"``; see `runware_testkit.fake_server.replay`).

Options
    ``--runware-progression SPEC`` and ``--runware-seed N`` (or the ini keys
    ``runware_progression`` / ``runware_seed``) set defaults for every test;
    ``--runware-contract DIR`` (repeatable, or the ini key ``runware_contracts``, one directory
    per line, relative to the rootdir) adds user contract directories to the model registry
    of both fixtures, the validator and the strategies, like ``RUNWARE_TESTKIT_CONTRACTS``;
    ``--runware-live`` runs marked tests against the real API when ``RUNWARE_API_KEY`` is set
    (fake-only calls then skip), and skips them with the reason when it is not;
    ``--runware-record`` with ``--runware-live`` records the cassette of each test marked with
    one through the recording proxy (without ``--runware-live`` the cassette is replayed);
    ``--runware-url URL`` (or ``RUNWARE_TESTKIT_URL``) makes ``runware_server`` a namespace of
    its own, per test, on the fake running at URL (``runware-testkit serve``), driven over its
    control API (``--runware-token`` / ``RUNWARE_TESTKIT_CONTROL_TOKEN`` when it wants one).

This module imports only pytest at load time: everything else loads when a fixture is used.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .testing.live_api import LiveRunware
    from .testing.mock_fixture import RunwareMock
    from .testing.options import FakeOptions
    from .testing.remote import RemoteFake
    from .testing.server_fixture import RunwareServer

MARKER = "runware"
API_KEY_ENV = "RUNWARE_API_KEY"
URL_ENV = "RUNWARE_TESTKIT_URL"
TOKEN_ENV = "RUNWARE_TESTKIT_CONTROL_TOKEN"
_MARKER_HELP = (
    "runware(progression='immediate', scenarios=(), api_keys=None, seed=None, clock='system', "
    "base_urls=('https://api.runware.ai/v1',), live=True, passthrough=True, clients=None, "
    "cassette=None, replay='fallback', replay_timing='compressed'): "
    "configure the runware_server / "
    "runware_mock fake for this test; see runware_testkit.testing.FakeOptions"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ``--runware-*`` options and their ini counterparts."""
    group = parser.getgroup("runware", "runware-testkit (fake Runware API)")
    group.addoption(
        "--runware-progression",
        dest="runware_progression",
        default=None,
        metavar="SPEC",
        help="default progression of fake tasks: immediate (default), polls:N or time:S",
    )
    group.addoption(
        "--runware-seed",
        dest="runware_seed",
        type=int,
        default=None,
        metavar="N",
        help="seed the fake's UUIDs and result seeds (default: fresh per test)",
    )
    group.addoption(
        "--runware-live",
        dest="runware_live",
        action="store_true",
        default=False,
        help=f"run tests marked @pytest.mark.runware against the real Runware API "
        f"(needs {API_KEY_ENV}; calls that need the fake skip)",
    )
    group.addoption(
        "--runware-record",
        dest="runware_record",
        action="store_true",
        default=False,
        help="with --runware-live, record each test marked @pytest.mark.runware(cassette=PATH) "
        "into its cassette through the recording proxy; without --runware-live such tests "
        "replay their cassettes (which they do by default anyway)",
    )
    group.addoption(
        "--runware-contract",
        dest="runware_contracts",
        action="append",
        default=[],
        metavar="DIR",
        help="a contract directory made by `runware-testkit generate ... --out DIR` whose "
        "models the fake, the validator and the strategies know (repeatable)",
    )
    group.addoption(
        "--runware-url",
        dest="runware_url",
        default=None,
        metavar="URL",
        help="use the fake already running at URL (`runware-testkit serve`, a CI service) for "
        "runware_server instead of starting one; each test gets a namespace of its own there, "
        f"so parallel runs never see each other's tasks (default: ${URL_ENV})",
    )
    group.addoption(
        "--runware-token",
        dest="runware_token",
        default=None,
        metavar="TOKEN",
        help=f"control token of the fake at --runware-url (default: ${TOKEN_ENV})",
    )
    parser.addini("runware_progression", "default progression of fake tasks", default="")
    parser.addini(
        "runware_contracts",
        "contract directories (one per line, relative to the rootdir) added to the model registry",
        type="linelist",
        default=[],
    )
    parser.addini("runware_seed", "default seed of the fake's UUIDs and result seeds", default="")


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker; refuse a malformed default progression or seed early."""
    config.addinivalue_line("markers", _MARKER_HELP)
    progression = _default_progression(config)
    if progression is not None:
        from .fake_server.engine.progression import parse_progression

        try:
            parse_progression(progression)
        except ValueError as exc:
            raise pytest.UsageError(f"--runware-progression: {exc}") from None
    _default_seed(config)
    _use_contracts(config)


def _use_contracts(config: pytest.Config) -> None:
    given = list(config.getoption("runware_contracts") or [])
    given += [str(config.rootpath / line) for line in config.getini("runware_contracts")]
    if not given:
        return
    from .contract import ContractError, use_contracts

    try:
        use_contracts(given)
    except ContractError as exc:
        raise pytest.UsageError(f"--runware-contract / runware_contracts: {exc}") from None


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say so in the header when marked tests go to the real API or to a fake elsewhere."""
    lines = []
    url = _remote_url(config)
    if url:
        lines.append(f"runware: runware_server uses the fake at {url}, a namespace per test")
    if not config.getoption("runware_live"):
        return lines
    if os.environ.get(API_KEY_ENV, "").strip():
        return [
            *lines,
            "runware: --runware-live, marked tests run against https://api.runware.ai/v1",
        ]
    return [*lines, f"runware: --runware-live without {API_KEY_ENV}: marked tests will be skipped"]


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _runware_session_server() -> Iterator[RunwareServer]:
    """The session's live fake (one per xdist worker), started on first use."""
    from .testing.server_fixture import RunwareServer

    server = RunwareServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def _runware_remote(request: pytest.FixtureRequest) -> Iterator[RemoteFake]:
    """The fake at ``--runware-url``, connected once per session (per xdist worker)."""
    from .testing.remote import RemoteFakeError, connect

    config = request.config
    url = _remote_url(config)
    token = config.getoption("runware_token") or os.environ.get(TOKEN_ENV, "").strip() or None
    try:
        remote = connect(url, token)
    except (RemoteFakeError, ValueError) as exc:
        pytest.fail(f"--runware-url {url}: {exc}", pytrace=False)
    try:
        yield remote
    finally:
        remote.close()


@pytest.fixture(scope="session")
def _runware_session_mock() -> Iterator[RunwareMock]:
    """The session's in-process fake and its event-loop thread, opened on first use."""
    from .testing.mock_fixture import RunwareMock

    fake = RunwareMock().open()
    try:
        yield fake
    finally:
        fake.close()


@pytest.fixture
def runware_server(
    request: pytest.FixtureRequest,
) -> Iterator[RunwareServer | RemoteFake | LiveRunware]:
    """A fake Runware API on 127.0.0.1 (``base_url``, ``ws_url``, ``api_key``), reset for
    this test, with the control mirror (``journal``, ``advance``, ``fail_next`` ...) and the
    assertions. Configure it with ``@pytest.mark.runware(...)``. Under ``--runware-url`` it is
    a namespace of its own on that fake, closed when the test ends."""
    options = _options(request)
    live = _live_target(request, options)
    if live is not None:
        yield live
        return
    if _remote_url(request.config) and not options.cassette:
        remote: RemoteFake = request.getfixturevalue("_runware_remote")
        namespace = remote.open_namespace(options)
        try:
            yield namespace
        finally:
            _note_spend(request.config, namespace)
            namespace.close()
        return
    if options.cassette:
        _no_remote_replay(request)
    server: RunwareServer = request.getfixturevalue("_runware_session_server")
    _apply(server.reset, options)
    try:
        yield server
    finally:
        server.drain()
        _note_spend(request.config, server)


@pytest.fixture
def runware_mock(request: pytest.FixtureRequest) -> Iterator[RunwareMock | LiveRunware]:
    """The fake Runware API in-process: httpx requests to ``https://api.runware.ai/v1``
    (respx) are answered by the fake, no sockets. Same control mirror and assertions as
    ``runware_server``; configure it with ``@pytest.mark.runware(...)``."""
    options = _options(request)
    live = _live_target(request, options)
    if live is not None:
        yield live
        return
    fake: RunwareMock = request.getfixturevalue("_runware_session_mock")
    _apply(fake.activate, options)
    try:
        yield fake
    finally:
        _note_spend(request.config, fake)
        fake.deactivate()


# -- helpers -----------------------------------------------------------------------------------


def _apply(apply: Any, options: FakeOptions) -> None:
    """Apply `options` to a fake; a cassette that cannot be read fails the test with the
    reader's message (file and line), never a traceback."""
    from .cassettes import CassetteError

    try:
        apply(options)
    except CassetteError as exc:
        problem = f"@pytest.mark.runware(cassette=...): {exc}"
    else:
        return
    pytest.fail(problem, pytrace=False)


def _no_remote_replay(request: pytest.FixtureRequest) -> None:
    """Replay runs in this process's fake; say so when the run points at another one."""
    if _remote_url(request.config):
        request.node.warn(
            pytest.PytestWarning(
                "@pytest.mark.runware(cassette=...) replays in this process's fake, not in the "
                "one at --runware-url"
            )
        )


def _with_cassette_paths(request: pytest.FixtureRequest, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The marker's keywords with ``cassette`` paths made relative to the test file."""
    cassette = kwargs.get("cassette")
    if cassette is None:
        return kwargs
    paths = [cassette] if isinstance(cassette, str | os.PathLike) else list(cassette)
    base = request.node.path.parent
    return {**kwargs, "cassette": tuple(str(base / os.fspath(p)) for p in paths)}


def _note_spend(config: pytest.Config, fake: Any) -> None:
    from .testing.spend import note_spend

    note_spend(config, fake)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under xdist, hand this worker's spend to the controller."""
    from .testing.spend import hand_over

    hand_over(session.config)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """Under xdist, add a finished worker's spend to the session's."""
    from .testing.spend import take_over

    take_over(node)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """One line: what the session's tasks on the fakes would have cost on the live API."""
    from .testing.spend import summary_line

    if line := summary_line(config):
        terminalreporter.write_line(line)


def _options(request: pytest.FixtureRequest) -> FakeOptions:
    """Defaults (options, ini), then the closest ``runware`` marker."""
    from .testing.options import FakeOptions

    config = request.config
    defaults: dict[str, Any] = {}
    progression = _default_progression(config)
    if progression is not None:
        defaults["progression"] = progression
    seed = _default_seed(config)
    if seed is not None:
        defaults["seed"] = seed
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None and marker.args:
        pytest.fail(
            f"@pytest.mark.runware takes keyword arguments only, got {marker.args!r}",
            pytrace=False,
        )
    try:
        options = FakeOptions(**defaults)
        if marker is not None:
            kwargs = _with_cassette_paths(request, dict(marker.kwargs))
            options = options.merged(kwargs, where="@pytest.mark.runware option")
    except (TypeError, ValueError) as exc:
        problem = str(exc)
    else:
        return options
    # Failed outside the except block, so the report shows the message once (not the
    # ValueError, then "during handling of the above exception", then the same text again).
    prefix = "" if problem.startswith("unknown @pytest.mark.runware") else "@pytest.mark.runware: "
    pytest.fail(f"{prefix}{problem}", pytrace=False)


def _live_target(request: pytest.FixtureRequest, options: FakeOptions) -> LiveRunware | None:
    """The real API under ``--runware-live`` for a marked test; None to use the fake."""
    if not request.config.getoption("runware_live"):
        return None
    if request.node.get_closest_marker(MARKER) is None or not options.live:
        return None
    key = os.environ.get(API_KEY_ENV, "").strip()
    if not key:
        pytest.skip(
            f"--runware-live: {API_KEY_ENV} is not set, so this test cannot run against the "
            "real Runware API"
        )
    if options.scenarios:
        pytest.skip(
            "--runware-live: this test queues scenarios (@pytest.mark.runware(scenarios=...)), "
            "which only the fake can play; it runs only against the fake"
        )
    from .testing.live_api import LiveRunware

    if options.cassette and request.config.getoption("runware_record"):
        return _recording(request, options.cassette[0], key)
    return LiveRunware(key)


def _record_upstream() -> tuple[str, str]:
    """The REST and WebSocket URLs ``--runware-record`` records from: Runware's own."""
    from .proxy import DEFAULT_UPSTREAM_REST, DEFAULT_UPSTREAM_WS

    return DEFAULT_UPSTREAM_REST, DEFAULT_UPSTREAM_WS


def _recording(request: pytest.FixtureRequest, cassette: str, key: str) -> LiveRunware:
    """The real API behind the recording proxy, writing `cassette` (replaced) for this test."""
    from pathlib import Path

    from .cassettes import CassetteError
    from .proxy import ProxyServer
    from .testing.live_api import LiveRunware

    rest, websocket = _record_upstream()
    try:
        Path(cassette).parent.mkdir(parents=True, exist_ok=True)
        Path(cassette).unlink(missing_ok=True)
        proxy = ProxyServer(upstream_rest=rest, upstream_ws=websocket, cassette=cassette).start()
    except (CassetteError, OSError, ValueError) as exc:
        problem = f"--runware-record: cannot record {cassette}: {exc}"
    else:
        request.addfinalizer(proxy.stop)
        return LiveRunware(key, base_url=proxy.rest_url, ws_url=proxy.ws_url)
    pytest.fail(problem, pytrace=False)


def _remote_url(config: pytest.Config) -> str | None:
    url = config.getoption("runware_url") or os.environ.get(URL_ENV, "")
    return url.strip() or None


def _default_progression(config: pytest.Config) -> str | None:
    value = config.getoption("runware_progression") or config.getini("runware_progression")
    text = str(value or "").strip()
    return text or None


def _default_seed(config: pytest.Config) -> int | None:
    value = config.getoption("runware_seed")
    if value is not None:
        return int(value)
    raw = str(config.getini("runware_seed") or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise pytest.UsageError(f"ini runware_seed must be an integer, got {raw!r}") from None


__all__ = ["API_KEY_ENV", "MARKER", "runware_mock", "runware_server"]
