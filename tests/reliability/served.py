"""A ``runware-testkit serve`` subprocess on 127.0.0.1 for tests that need a real process.

`Served` starts the server on port 0, reads the URL it prints, waits until it answers, and can
be stopped gracefully or killed with SIGKILL (the crash tests).
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from runware_testkit.fake_server.config import DEV_API_KEY

__all__ = ["AUTH", "START_TIMEOUT", "Served"]

AUTH = {"Authorization": f"Bearer {DEV_API_KEY}"}
START_TIMEOUT = 30.0


class Served:
    """A ``runware-testkit serve`` subprocess and its base URL (``http://127.0.0.1:PORT``).

    `state` is the SQLite file, or None for ``--memory``; `extra` is appended to the command.
    """

    def __init__(
        self,
        state: Path | None,
        *,
        progression: str = "polls:1",
        seed: int | None = None,
        extra: Sequence[str] = (),
    ) -> None:
        command = [sys.executable, "-m", "runware_testkit.cli", "serve", "--port", "0"]
        command += ["--memory"] if state is None else ["--state", str(state)]
        command += ["--progression", progression, "--log-level", "warning"]
        if seed is not None:
            command += ["--seed", str(seed)]
        command += list(extra)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        self._stderr: list[str] = []
        stderr = self.proc.stderr
        assert stderr is not None
        self._readers = [threading.Thread(target=lambda: self._stderr.extend(stderr), daemon=True)]
        self._readers[0].start()
        self.base_url = self._read_base_url()
        self._wait_ready()

    @property
    def rest_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``."""
        return f"{self.base_url}/v1"

    @property
    def ws_url(self) -> str:
        """``ws://127.0.0.1:PORT/v1``."""
        return self.base_url.replace("http://", "ws://", 1) + "/v1"

    def stderr_tail(self, chars: int = 2000) -> str:
        """The end of what the server wrote to stderr (for failure messages)."""
        return "".join(self._stderr)[-chars:]

    def _read_base_url(self) -> str:
        assert self.proc.stdout is not None
        lines: queue.Queue[str] = queue.Queue()
        stdout = self.proc.stdout
        reader = threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True)
        reader.start()
        self._readers.append(reader)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            match = re.search(r"REST\s+(http://\S+)/v1", line)
            if match:
                return match.group(1)
        self.proc.kill()
        self.proc.wait(10)
        raise AssertionError(f"serve did not print its URL: {self.stderr_tail()}")

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.base_url}/__testkit/health", trust_env=False, timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        self.kill_hard()
        raise AssertionError(f"serve never answered: {self.stderr_tail()}")

    def call(self, *tasks: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST the tasks to ``/v1`` with the dev key; (status, JSON body)."""
        response = httpx.post(
            self.rest_url, json=list(tasks), headers=AUTH, trust_env=False, timeout=10
        )
        return response.status_code, response.json()

    def control(self, path: str) -> Any:
        """GET ``/__testkit/<path>``; the JSON body (AssertionError unless 200)."""
        response = httpx.get(f"{self.base_url}/__testkit/{path}", trust_env=False, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    def kill_hard(self) -> None:
        """SIGKILL the process (no shutdown code runs) and reap it."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self._close_streams()

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM, wait (bounded; SIGKILL after `timeout`), and return the exit status."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._close_streams()
        return self.proc.returncode

    def _close_streams(self) -> None:
        for reader in self._readers:
            reader.join(5)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
