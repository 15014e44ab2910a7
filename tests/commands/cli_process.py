"""A ``runware-testkit`` command run as its own process, the way a user starts it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading

START_TIMEOUT = 30.0


class CliProcess:
    """``python -m runware_testkit ARGS...`` with its banner read up to "Press Ctrl+C".

    `rest_url` is the banner's REST address; `interrupt()` sends Ctrl+C and returns what the
    process wrote (stdout, stderr; with ``merge_stderr`` stderr is in stdout).
    """

    def __init__(self, *args: str, merge_stderr: bool = False) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "runware_testkit", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.banner = self._read_banner()

    @property
    def banner_text(self) -> str:
        return "".join(self.banner)

    @property
    def rest_url(self) -> str:
        match = re.search(r"REST\s+(\S+)", self.banner_text)
        assert match, self.banner
        return match.group(1)

    def interrupt(self) -> tuple[str, str]:
        """Ctrl+C, then everything the process wrote after its banner."""
        self.proc.send_signal(signal.SIGINT)
        out, err = self.proc.communicate(timeout=START_TIMEOUT)
        return out, err or ""

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
        if not (lines and lines[-1].startswith("Press Ctrl+C")):
            self.proc.kill()
            raise AssertionError(f"no banner from {self.proc.args}: {lines}")
        return lines
