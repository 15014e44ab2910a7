"""Every code block of README.md is run or checked here, and its tables match the code.

Each test takes its block with `snippet(...)`, which records the block as exercised;
`test_every_snippet_is_exercised` fails when a block of the README is claimed by no test, so a
new snippet needs a test before it can land. Blocks are run as written, except that a server's
real port replaces ``8765``. The ``pip install`` lines are exercised by ``tests/distribution/``,
which installs the built wheel exactly that way.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

from runware_testkit import __version__
from runware_testkit.cli import build_parser, main
from runware_testkit.fake_server.config import DEV_API_KEY
from runware_testkit.fake_server.faults.scenarios import _ALL_TOKENS
from runware_testkit.fake_server.journal import KINDS
from runware_testkit.fake_server.namespaces import create_shared_app
from runware_testkit.testing import RunwareMock, RunwareServer
from runware_testkit.testing.options import OPTION_NAMES, FakeOptions

REPO_ROOT = Path(__file__).resolve().parents[1]
README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
README_PORT = "8765"
START_TIMEOUT = 30.0


@dataclass(frozen=True)
class Block:
    """One fenced code block: its language tag, text and first line in README.md."""

    lang: str
    text: str
    line: int


def _blocks(text: str) -> list[Block]:
    found = []
    for match in re.finditer(r"^```(\w*)\n(.*?)^```$", text, re.M | re.S):
        found.append(Block(match.group(1), match.group(2), text.count("\n", 0, match.start()) + 1))
    return found


BLOCKS = _blocks(README)
_CLAIMED: dict[int, str] = {}


def snippet(marker: str, lang: str | None = None) -> Block:
    """The one README block holding `marker` (and tagged `lang`), marked as exercised."""
    hits = [
        i
        for i, block in enumerate(BLOCKS)
        if marker in block.text and (lang is None or block.lang == lang)
    ]
    assert len(hits) == 1, f"{len(hits)} README blocks hold {marker!r}"
    _CLAIMED[hits[0]] = marker
    return BLOCKS[hits[0]]


def section(title: str) -> str:
    """The README text from the heading `title` to the next heading of the same or higher level."""
    match = re.search(rf"^(#+) {re.escape(title)}\n", README, re.M)
    assert match, title
    level = len(match.group(1))
    rest = README[match.end() :]
    end = re.search(rf"^#{{1,{level}}} ", rest, re.M)
    return rest[: end.start()] if end else rest


def table_rows(text: str, first_header: str) -> list[list[str]]:
    """The body rows of the markdown table whose header starts with `first_header`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header} |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return rows


INSTALL = snippet("pip install runware-testkit\n", "sh")
QUICK_START = snippet("make serve", "sh")
CONTRACT = snippet("make schemas", "sh")
EDIT_JSON = snippet('"widht": 720', "json")
IMAGE_JSON = snippet('"acme:paint@1"', "json")
LINT_CONSOLE = snippet("$ runware-testkit lint requests/", "console")
ACTIONS = snippet("runware-testkit lint --format github", "yaml")
PRE_COMMIT_LOCAL = snippet("repo: local", "yaml")
PRE_COMMIT_REMOTE = snippet("rev: v", "yaml")
BANNER = snippet("runware-testkit fake Runware server")
CURL = snippet("curl -s $URL", "sh")
WEBSOCKET = snippet("websockets.connect", "python")
STRATEGIES = snippet("def test_valid_tasks_pass", "python")
CONNECT = snippet("server = connect(", "python")
CI_RECIPE = snippet("--runware-url", "yaml")
SDK_REST_WS = snippet('transport="rest"', "python")
SDK_LEGACY = snippet("RUNWARE_VIDEO_INITIAL_TIMEOUT", "python")
SDK_JS = snippet('from "@runware/sdk-js"', "js")
PLUGIN_BLOCKS = [
    snippet("def test_edit(runware_mock)", "python"),
    snippet("def test_progress(runware_server)", "python"),
    snippet("def test_out_of_credits(runware_mock)", "python"),
    snippet("def test_webhook_arrives(runware_server)", "python"),
    snippet("def test_any_edit(task)", "python"),
]


def test_every_snippet_is_exercised() -> None:
    unclaimed = [
        f"line {b.line}: {b.text[:60]!r}" for i, b in enumerate(BLOCKS) if i not in _CLAIMED
    ]
    assert unclaimed == []


# -- install and quick start --------------------------------------------------------------------


def _run(
    *args: str, cwd: Path | None = None, timeout: float = 120.0
) -> subprocess.CompletedProcess:
    return subprocess.run(
        list(args), cwd=cwd, capture_output=True, text=True, check=False, timeout=timeout
    )


def test_install_block_commands(capsys: pytest.CaptureFixture[str]) -> None:
    lines = [line.split("#")[0].strip() for line in INSTALL.text.splitlines()]
    assert lines == ["pip install runware-testkit", "runware-testkit --version"]
    with pytest.raises(SystemExit):
        main(shlex.split(lines[1])[1:])
    printed = capsys.readouterr().out
    assert printed == f"runware-testkit {__version__}\n"
    alias = re.search(r"the same as: (python -m runware_testkit --version)", INSTALL.text)
    assert alias
    module = _run(sys.executable, *shlex.split(alias.group(1))[1:])
    assert module.stdout == printed


@pytest.mark.parametrize("block", [QUICK_START, CONTRACT], ids=["quick-start", "contract"])
def test_make_targets_exist(block: Block) -> None:
    targets = re.findall(r"^make (\w+)", block.text, re.M)
    assert targets
    for target in targets:
        dry = _run("make", "-n", target, cwd=REPO_ROOT)
        assert dry.returncode == 0, f"make {target}: {dry.stderr}"


def test_generate_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    commands = re.findall(r"^(runware-testkit generate .*?)\s+#", CONTRACT.text, re.M)
    assert commands == [
        "runware-testkit generate SOURCE... --out DIR",
        "runware-testkit generate PAGE --url URL --out DIR",
    ]
    page = str(REPO_ROOT / "contract/pages/runway-aleph.md")
    flat = str(REPO_ROOT / "contract/pages/runway-aleph-2-0.txt")
    document = str(REPO_ROOT / "contract/schemas/minimax-h3.schema.json")
    url = "https://runware.ai/docs/models/runway-aleph"
    assert main(["generate", page, flat, document, "--out", str(tmp_path / "one")]) == 0
    assert main(["generate", page, "--url", url, "--out", str(tmp_path / "two")]) == 0
    assert len(list((tmp_path / "one/models").iterdir())) == 3
    assert [p.name for p in (tmp_path / "two/models").iterdir()] == ["runway-aleph"]
    capsys.readouterr()


# -- lint -------------------------------------------------------------------------------------


@pytest.fixture
def requests_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding the README's ``requests/edit.json`` and ``image.json``."""
    (tmp_path / "requests").mkdir()
    (tmp_path / "requests/edit.json").write_text(EDIT_JSON.text, encoding="utf-8")
    (tmp_path / "requests/image.json").write_text(IMAGE_JSON.text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _elided(line: str) -> re.Pattern[str]:
    """A pattern for a README output line in which ``...`` stands for any shortened text."""
    return re.compile(".*?".join(re.escape(part) for part in line.split("...")) + "$")


def test_lint_console_output(requests_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    command, *expected = LINT_CONSOLE.text.splitlines()
    assert command.startswith("$ ")
    code = main(shlex.split(command[2:])[1:])
    printed = capsys.readouterr()
    got = printed.err.splitlines() + printed.out.splitlines()  # a terminal shows both
    assert len(got) == len(expected), got
    for line, want in zip(got, expected, strict=True):
        assert _elided(want).match(line), (line, want)
    assert code == 1


def test_github_actions_steps(requests_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    steps = [step["run"] for step in yaml.safe_load(ACTIONS.text)]
    assert steps[0] == "pip install runware-testkit"
    assert main(shlex.split(steps[1])[1:]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("::error file=requests/edit.json,line=6,col=12,title=missingHeight::")
    assert len([line for line in out if line.startswith("::error ")]) == 3


def _shipped_hook() -> dict:
    (hook,) = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    return hook


def test_pre_commit_hook_sees_only_request_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (local,) = yaml.safe_load(PRE_COMMIT_LOCAL.text)["repos"]
    (hook,) = local["hooks"]
    shipped = _shipped_hook()
    for key in ("id", "name", "entry", "files", "require_serial"):
        assert hook[key] == shipped[key], key
    task = json.loads(EDIT_JSON.text)
    del task["widht"], task["width"], task["safety"]
    task["outputFormat"] = "MP4"
    files = {
        "package.json": {"name": "app", "version": "1.0.0"},
        "tsconfig.json": {"compilerOptions": {}},
        "requests.json": {"not": "a task"},
        "src/myrequests/x.json": {"not": "a task"},
        "requests/edit.json": task,
        "api/requests/more.jsonl": {**task, "taskUUID": "0b1f3c1e-5c8e-4d2a-9f57-3f1d2b9e4c11"},
        "requests/notes.txt": "not JSON",
    }
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    # pre-commit passes the staged files whose path matches `files` (re.search), in one run.
    chosen = sorted(name for name in files if re.search(hook["files"], name))
    assert chosen == ["api/requests/more.jsonl", "requests/edit.json"]
    monkeypatch.chdir(tmp_path)
    assert main([*shlex.split(hook["entry"])[1:], *chosen]) == 0
    assert capsys.readouterr().out == "No problems (2 tasks in 2 files checked).\n"


def test_pre_commit_remote_form_names_a_real_hook_and_version() -> None:
    (remote,) = yaml.safe_load(PRE_COMMIT_REMOTE.text)["repos"]
    assert "placeholder" in PRE_COMMIT_REMOTE.text
    assert remote["rev"] == f"v{__version__}"
    assert re.search(
        rf"^## {re.escape(__version__)}$", (REPO_ROOT / "CHANGELOG.md").read_text(), re.M
    )
    (hook,) = remote["hooks"]
    assert hook["id"] == _shipped_hook()["id"]
    assert re.search(hook["files"], "fixtures/runware/edit.json")


def test_lint_options_are_all_documented() -> None:
    lint = section("Lint stored requests in CI")
    for option in _options_of("lint"):
        assert f"`{option}" in lint or f"/ `{option}" in lint, option


def _options_of(command: str) -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if hasattr(a, "choices") and a.choices)
    return [
        option
        for action in sub.choices[command]._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    ]


# -- the server -------------------------------------------------------------------------------


class ServeProcess:
    """``runware-testkit serve`` started as the README says, on a free port, in `cwd`."""

    def __init__(self, cwd: Path, *extra: str) -> None:
        command = [sys.executable, "-m", "runware_testkit", "serve", "--port", "0", *extra]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
        )
        self.banner = self._read_banner()
        match = re.search(r"REST\s+http://127\.0\.0\.1:(\d+)/v1", "".join(self.banner))
        assert match, self.banner
        self.port = match.group(1)
        self.origin = f"http://127.0.0.1:{self.port}"
        self._wait_healthy()

    def _read_banner(self) -> list[str]:
        lines: list[str] = []
        stdout = self.proc.stdout
        assert stdout is not None

        def read() -> None:
            for line in stdout:
                lines.append(line)
                if line.startswith("Press Ctrl+C"):
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(START_TIMEOUT)
        assert lines and lines[-1].startswith("Press Ctrl+C"), lines
        return lines

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                answer = httpx.get(f"{self.origin}/__testkit/health", trust_env=False)
            except httpx.TransportError:
                time.sleep(0.05)
                continue
            assert answer.json() == {"status": "ok"}
            return
        raise AssertionError("serve never answered /__testkit/health")

    def readme(self, text: str) -> str:
        """`text` with the README's port replaced by this server's."""
        return text.replace(f"127.0.0.1:{README_PORT}", f"127.0.0.1:{self.port}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    """``serve`` with its defaults (time:8 progression, state file under the working directory)."""
    server = ServeProcess(tmp_path_factory.mktemp("serve"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def served_immediate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    """``serve --memory --progression immediate``: the first poll already answers success."""
    server = ServeProcess(
        tmp_path_factory.mktemp("serve"), "--memory", "--progression", "immediate"
    )
    yield server
    server.stop()


def test_serve_banner(served: ServeProcess) -> None:
    assert "".join(served.banner) == served.readme(BANNER.text)
    for path in ("/resolve/runway:2@1", "/registry.json", "/docs/models/runway-aleph/schema.json"):
        assert httpx.get(served.origin + path, trust_env=False).status_code == 200, path


def _commented_answers(block: str) -> list[dict]:
    """The JSON answers written as comments in a shell block (continuation lines joined)."""
    docs: list[str] = []
    for line in block.splitlines():
        if not line.startswith("# "):
            continue
        body = line[2:]
        if body.startswith("{"):
            docs.append(body)
        elif body.startswith("  ") and docs:
            docs[-1] += body.strip()
    return [json.loads(doc) for doc in docs]


def _answers(output: str) -> list[dict]:
    decoder, found, at = json.JSONDecoder(), [], 0
    while at < len(output):
        value, at = decoder.raw_decode(output, at)
        found.append(value)
        while at < len(output) and output[at].isspace():
            at += 1
    return found


def test_curl_walkthrough(served: ServeProcess, tmp_path: Path) -> None:
    script = served.readme(CURL.text)
    download = script.splitlines()[-1]
    assert download.startswith("curl -s -o result.mp4 ")
    poll = re.search(r"^curl -s \$URL .*?\n.*getResponse.*$", script, re.M)
    assert poll
    # Run it as written up to the download; then finish the task (the README waits 8 s), poll
    # again with the same command and download the real link.
    script = "\n".join(script.splitlines()[:-1])
    script += f"\ncurl -s -X POST {served.origin}/__testkit/tasks/$TASK/complete > /dev/null\n"
    script += poll.group(0) + "\n"
    done = _run("bash", "-c", script, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    answers = _answers(done.stdout)
    expected = _commented_answers(CURL.text)
    assert len(answers) == len(expected) == 3
    for got, want in zip(answers, expected, strict=True):
        assert set(got["data"][0]) == set(want["data"][0]), got
    acked, processing, finished = (a["data"][0] for a in answers)
    assert acked["taskUUID"] == processing["taskUUID"] == finished["taskUUID"]
    assert (processing["status"], finished["status"]) == ("processing", "success")
    assert finished["cost"] == 0.7563
    *fetch, placeholder = shlex.split(download.split("#")[0])
    assert placeholder.endswith("....mp4")
    fetched = _run(*fetch, finished["videoURL"], cwd=tmp_path)
    assert fetched.returncode == 0
    assert (tmp_path / "result.mp4").read_bytes()[4:8] == b"ftyp"


def test_websocket_snippet(served_immediate: ServeProcess) -> None:
    done = _run(sys.executable, "-c", served_immediate.readme(WEBSOCKET.text), timeout=60)
    assert done.returncode == 0, done.stderr
    auth, ack, final = done.stdout.splitlines()
    assert json.loads(auth)["data"][0]["connectionSessionUUID"]
    assert set(json.loads(ack)["data"][0]) == {"taskType", "taskUUID"}
    result = ast.literal_eval(final)  # printed as a Python dict
    (item,) = result["data"]
    assert item["status"] == "success" and item["videoURL"] and item["videoUUID"]


def test_connect_snippet(served_immediate: ServeProcess) -> None:
    done = _run(sys.executable, "-c", served_immediate.readme(CONNECT.text), timeout=60)
    assert done.returncode == 0, done.stderr


def test_js_sdk_snippet(served_immediate: ServeProcess) -> None:
    from sdk.node_env import node, sdk_dir

    where = sdk_dir()  # skips (fails under CI) without node; installs @runware/sdk-js once
    script = where / "readme_snippet.mjs"
    code = served_immediate.readme(SDK_JS.text)
    marker = "await runware.disconnect();"
    assert marker in code
    code = code.replace(marker, "console.log(JSON.stringify(videos));\n" + marker)
    script.write_text(code, encoding="utf-8")
    done = _run(node(), str(script), cwd=where, timeout=90)
    assert done.returncode == 0, done.stdout + done.stderr
    videos = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(videos) == 2 and all(v["status"] == "success" and v["videoURL"] for v in videos)


def test_blocks_run_by_other_tests_are_the_ones_they_read() -> None:
    """The CI recipe runs in tests/test_ci_recipe.py, the Python SDK calls in
    tests/sdk/test_readme_sdk_calls.py, each read from this README."""
    from sdk.test_readme_sdk_calls import sdk_blocks
    from test_ci_recipe import recipe_steps

    assert recipe_steps() == yaml.safe_load(CI_RECIPE.text)
    assert sdk_blocks() == [SDK_REST_WS.text, SDK_LEGACY.text]


def test_serve_options_are_all_documented() -> None:
    server = section("Offline server")
    for option in _options_of("serve"):
        assert f"`{option}" in server, option


# -- forcing failures and the control API ----------------------------------------------------


def test_token_table_lists_every_token() -> None:
    rows = table_rows(section("Forcing failures"), "token")
    names = {re.match(r"`\[\[testkit:([a-z-]+)", row[0]).group(1) for row in rows}
    assert names == set(_ALL_TOKENS)


def test_control_table_matches_the_routes() -> None:
    documented = set()
    for method_cell, path_cell, _ in table_rows(section("Control API"), "method"):
        path = re.match(r"`([^`?]+)", path_cell).group(1)
        documented |= {(m.strip(), "/__testkit" + path) for m in method_cell.split(",")}
    app = create_shared_app()  # what serve runs: the app and the namespace routes
    served_routes = {
        (method, route.path.rstrip("/") or "/")
        for route in [*app.root.routes, *app._routes()]
        if route.path.startswith("/__testkit")
        for method in getattr(route, "methods", None) or ()
        if method != "HEAD"
    }
    assert {(m, p.rstrip("/")) for m, p in documented} == served_routes


def test_journal_kinds_are_the_real_ones() -> None:
    for text in (section("Control API"), section("pytest plugin")):
        listed = re.search(r"`request`, `response`, `frame_in`.*", text)
        assert listed, "journal kinds not listed"
        assert re.findall(r"`([a-z_]+)`", listed.group(0))[: len(KINDS)] == list(KINDS)


# -- strategies and the pytest plugin ---------------------------------------------------------


def _run_as_pytest_project(tmp_path: Path, blocks: list[Block]) -> None:
    """Write each block as a test module of a fresh project and run it with pytest; every test
    function of the blocks must pass (Hypothesis seeded, so a run is repeatable)."""
    for index, block in enumerate(blocks):
        (tmp_path / f"test_readme_{index}.py").write_text(block.text, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    # A loaded machine (the suite runs beside other work) can make Hypothesis's generation
    # health check fire; what the blocks assert is unchanged.
    (tmp_path / "conftest.py").write_text(
        "from hypothesis import HealthCheck, settings\n"
        'settings.register_profile("readme", suppress_health_check=[HealthCheck.too_slow])\n'
        'settings.load_profile("readme")\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "--hypothesis-seed=0"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    tests = sum(len(re.findall(r"^def test_", block.text, re.M)) for block in blocks)
    assert done.returncode == 0, done.stdout[-5000:]
    assert re.search(rf"^{tests} passed", done.stdout.splitlines()[-1]), done.stdout[-500:]


def test_plugin_snippets_pass(tmp_path: Path) -> None:
    _run_as_pytest_project(tmp_path, PLUGIN_BLOCKS)


def test_strategies_snippet_passes(tmp_path: Path) -> None:
    _run_as_pytest_project(tmp_path, [STRATEGIES])


def test_fixture_table_names_every_public_attribute() -> None:
    rows = table_rows(section("pytest plugin"), "attribute")
    documented = {name for row in rows for name in re.findall(r"`(\w+)", row[0])}
    for cls in (RunwareMock, RunwareServer):
        with cls() as fake:
            public = {n for n in dir(fake) if not n.startswith("_")} | set(vars(fake))
        missing = {n for n in public if not n.startswith("_")} - documented
        assert missing == set(), f"{cls.__name__}: {sorted(missing)}"


def test_plugin_defaults_and_marker_keywords() -> None:
    plugin = section("pytest plugin")
    defaults = FakeOptions()
    assert defaults.progression == "immediate" and "progression `immediate`" in plugin
    assert defaults.seed is None and "a fresh seed" in plugin
    assert defaults.clock == "system" and "the wall clock" in plugin
    assert f"`{DEV_API_KEY}`" in plugin
    listed = re.search(r"Marker keywords: (.*?)\.\n", plugin, re.S)
    assert listed
    keywords = re.findall(r"(?:^|, )`(\w+)`", listed.group(1))
    assert keywords == list(OPTION_NAMES)


def test_pytest_options_are_all_documented() -> None:
    from runware_testkit import pytest_plugin

    class Recorder:
        def __init__(self) -> None:
            self.names: list[str] = []

        def getgroup(self, *args: object) -> Recorder:
            return self

        def addoption(self, *names: str, **kwargs: object) -> None:
            self.names += names

        def addini(self, name: str, *args: object, **kwargs: object) -> None:
            self.names.append(name)

    recorder = Recorder()
    pytest_plugin.pytest_addoption(recorder)  # type: ignore[arg-type]
    assert recorder.names
    for name in recorder.names:
        assert re.search(rf"`[^`]*{re.escape(name)}\b", README), name


# -- Add a model --------------------------------------------------------------------------------


ADD_A_MODEL = snippet("runware-testkit generate flux-3-image.schema.json", "sh")


def test_add_a_model_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every line of the block, in order, on a published document re-labelled as a new model."""
    lines = [line for line in ADD_A_MODEL.text.splitlines() if line.strip()]
    source = (REPO_ROOT / "contract" / "schemas" / "bfl-flux-3-image.schema.json").read_text()
    source = source.replace("bfl:flux@3-image", "acme:flux@9").replace("bfl-flux-3-image", "acme-9")
    (tmp_path / "flux-3-image.schema.json").write_text(source, encoding="utf-8")
    task = {
        "taskType": "imageInference",
        "taskUUID": "6a1f0c52-1e9a-4f6b-8d0e-2c3b4a5d6e7f",
        "model": "acme:flux@9",
        "positivePrompt": "a lighthouse at dawn",
        "outputFormat": "png",
    }
    (tmp_path / "requests").mkdir()
    (tmp_path / "requests" / "lighthouse.json").write_text(json.dumps(task), encoding="utf-8")
    (tmp_path / "test_model.py").write_text(
        "import httpx\n"
        "from runware_testkit.validation import validate_request\n\n"
        f"TASK = {task!r}\n\n"
        "def test_the_added_model_runs(runware_mock):\n"
        "    assert validate_request(TASK) == []\n"
        "    auth = {'Authorization': f'Bearer {runware_mock.api_key}'}\n"
        "    url = 'https://api.runware.ai/v1'\n"
        "    assert httpx.post(url, json=[TASK], headers=auth).status_code == 200\n"
        "    poll = [{'taskType': 'getResponse', 'taskUUID': TASK['taskUUID']}]\n"
        "    (item,) = httpx.post(url, json=poll, headers=auth).json()['data']\n"
        "    assert item['imageURL'].endswith('.png')\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RUNWARE_TESTKIT_CONTRACTS", raising=False)
    generate, models, lint, run_tests, serve = lines

    assert main(shlex.split(generate)[1:]) == 0
    assert (tmp_path / "contracts" / "index.json").is_file()
    out = subprocess.run(
        [sys.executable, "-m", "runware_testkit", *shlex.split(models)[1:], "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = {row["air"]: row for row in json.loads(out)}
    assert rows["acme:flux@9"]["origin"] == str((tmp_path / "contracts").resolve())
    linted = subprocess.run(
        [sys.executable, "-m", "runware_testkit", *shlex.split(lint)[1:]],
        capture_output=True,
        text=True,
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert "warning" in linted.stdout  # "png" is spelled "PNG" in the contract
    variable, *command = shlex.split(run_tests)
    name, value = variable.split("=", 1)
    assert command[:3] == ["python", "-m", "pytest"]
    ran = subprocess.run(
        [sys.executable, *command[1:], "-p", "no:cacheprovider", "test_model.py"],
        env={**os.environ, name: value},
        capture_output=True,
        text=True,
    )
    assert ran.returncode == 0, ran.stdout[-3000:]
    served = ServeProcess(tmp_path, *shlex.split(serve)[2:])
    try:
        answer = httpx.post(
            f"{served.origin}/v1",
            json=[{**task, "taskUUID": "7b2e1d63-2f0a-4a7c-9e1f-3d4c5b6e7f80"}],
            headers={"Authorization": f"Bearer {DEV_API_KEY}"},
            trust_env=False,
        )
        assert answer.status_code == 200, answer.text
    finally:
        served.stop()


# -- Record once, replay forever ------------------------------------------------------------------


RECORD_REPLAY = snippet("def test_recorded_edit(runware_server)", "python")
RECORD_COMMANDS = snippet("runware-testkit verify cassettes/edit.jsonl", "sh")


@pytest.fixture(scope="module")
def recorded_edit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project folder holding ``cassettes/edit.jsonl``: the README's edit recorded through the
    proxy from a fake whose tasks stay processing for two polls."""
    import uuid

    from runware_testkit.proxy import ProxyServer

    namespace: dict[str, object] = {}
    exec(RECORD_REPLAY.text.split("@pytest.mark")[0], namespace)  # imports and EDIT
    edit = namespace["EDIT"]
    root = tmp_path_factory.mktemp("record")
    cassette = root / "cassettes" / "edit.jsonl"
    cassette.parent.mkdir()
    upstream = RunwareServer(FakeOptions(progression="polls:2")).start()
    try:
        with (
            ProxyServer(
                upstream_rest=upstream.base_url, upstream_ws=upstream.ws_url, cassette=cassette
            ) as proxy,
            httpx.Client(trust_env=False) as http,
        ):
            headers = {"Authorization": f"Bearer {upstream.api_key}"}
            task = {**edit, "taskUUID": str(uuid.uuid4())}  # type: ignore[dict-item]
            http.post(proxy.rest_url, json=[task], headers=headers)
            poll = [{"taskType": "getResponse", "taskUUID": task["taskUUID"]}]
            while (
                http.post(proxy.rest_url, json=poll, headers=headers).json()["data"][0]["status"]
                == "processing"
            ):
                pass
    finally:
        upstream.stop()
    return root


def test_record_replay_snippet_passes(recorded_edit: Path, tmp_path: Path) -> None:
    shutil.copytree(recorded_edit / "cassettes", tmp_path / "cassettes")
    _run_as_pytest_project(tmp_path, [RECORD_REPLAY])


def test_record_replay_commands(
    recorded_edit: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    record, serve, verify = [
        line.split("#")[0].split() for line in RECORD_COMMANDS.text.splitlines()
    ]
    from runware_testkit import pytest_plugin

    registered: list[str] = []

    class Recorder:
        def getgroup(self, *args: object) -> Recorder:
            return self

        def addoption(self, *names: str, **kwargs: object) -> None:
            registered.extend(names)

        def addini(self, *args: object, **kwargs: object) -> None:
            pass

    pytest_plugin.pytest_addoption(Recorder())  # type: ignore[arg-type]
    assert record[0] == "pytest"
    assert {o for o in record if o.startswith("--")} <= set(registered)
    served = ServeProcess(recorded_edit, *serve[2:])
    try:
        banner = "".join(served.banner)
        assert "replay     cassettes/edit.jsonl (compressed, strict)" in banner
        headers = {"Authorization": f"Bearer {DEV_API_KEY}"}
        stranger = {
            "taskType": "videoInference",
            "taskUUID": "0b1f3c1e-5c8e-4d2a-9f57-3f1d2b9e4c11",
            "model": "runway:2@1",
            "positivePrompt": "nothing the cassette holds",
            "inputs": {"video": "https://cdn.example.com/other.mp4"},
        }
        refused = httpx.post(
            f"{served.origin}/v1", json=[stranger], headers=headers, trust_env=False
        )
        assert refused.json()["errors"][0]["code"] == "replayNoMatch"
    finally:
        served.stop()
    monkeypatch.chdir(recorded_edit)
    assert main(verify[1:]) == 0
    assert capsys.readouterr().out == ""
    log = json.loads((recorded_edit / "drift.sarif").read_text())
    assert log["version"] == "2.1.0" and log["runs"][0]["results"] == []


# -- recording real traffic -------------------------------------------------------------------

PROXY_COMMAND = snippet("runware-testkit proxy --cassette", "sh")
PROXY_PYTHON = snippet("with ProxyServer(", "python")
SPEND_TEST = snippet("def test_edit_stays_cheap(runware_mock)", "python")


def test_proxy_options_are_all_documented() -> None:
    recording = section("Record real traffic")
    for option in _options_of("proxy"):
        assert f"`{option}" in recording, option


def test_proxy_command_parses_and_names_its_defaults() -> None:
    (command,) = PROXY_COMMAND.text.splitlines()
    args = build_parser().parse_args(shlex.split(command, comments=True)[1:])
    assert (args.command, str(args.cassette), args.budget) == ("proxy", "runs/edit.jsonl", 5.0)
    from runware_testkit.commands.proxy import DEFAULT_PORT

    assert f"http://127.0.0.1:{DEFAULT_PORT}/v1" in PROXY_COMMAND.text
    assert f"127.0.0.1:{DEFAULT_PORT}" in section("Record real traffic")


def test_proxy_python_block_runs_against_a_fake_upstream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import functools
    import uuid

    import runware_testkit.proxy as proxy_package
    from runware_testkit.cassettes import read_cassette
    from runware_testkit.proxy import ProxyServer

    monkeypatch.chdir(tmp_path)
    with RunwareServer() as fake:
        upstream = functools.partial(
            ProxyServer, upstream_rest=fake.base_url, upstream_ws=fake.ws_url
        )
        monkeypatch.setattr(proxy_package, "ProxyServer", upstream)
        task = {
            "taskType": "videoInference",
            "taskUUID": str(uuid.uuid4()),
            "model": "runway:2@1",
            "positivePrompt": "make it snow",
            "inputs": {"video": "https://cdn.example.com/in.mp4"},
        }
        namespace = {"task": task, "api_key": fake.api_key}
        exec(compile(PROXY_PYTHON.text, "README.md", "exec"), namespace)
        assert fake.tasks()[0]["request"] == task
    assert namespace["answer"].status_code == 200
    assert namespace["proxy"].ledger.total_usd == 0.7563
    (line,) = read_cassette(tmp_path / "runs/edit.jsonl").interactions
    assert line.task == "t1"


def test_spend_snippet_passes(tmp_path: Path) -> None:
    _run_as_pytest_project(tmp_path, [SPEND_TEST])
