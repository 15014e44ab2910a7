"""Write a cassette: the header first, then one interaction per line, each flushed at once.

Values are written as given: scrub and substitute placeholders first (``CassetteRecorder`` does
both). A ``CassetteWriter`` may be shared by threads; each line is written whole under a lock.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO

from runware_testkit.cassettes.errors import CassetteError
from runware_testkit.cassettes.format import CassetteHeader, Interaction, MediaMode
from runware_testkit.cassettes.reader import media_dir_for


class CassetteWriter:
    """Creates (or replaces) the cassette at ``path`` and writes ``header`` as line 1.

    Raises ``CassetteError`` when the file cannot be created. Use as a context manager or call
    ``close()``; ``write()`` after ``close()`` raises ``CassetteError``.
    """

    def __init__(self, path: str | Path, header: CassetteHeader) -> None:
        self.path = Path(path)
        self.header = header
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file: IO[str] | None = self.path.open("w", encoding="utf-8", newline="\n")
        except OSError as error:
            raise CassetteError(f"cannot be written ({error.strerror})", path=self.path) from None
        self._write_line(header.to_json())

    @property
    def media_dir(self) -> Path:
        """``<cassette>.media/``, where ``store_media`` keeps bodies (created on first use)."""
        return media_dir_for(self.path)

    def write(self, interaction: Interaction) -> None:
        """Append one interaction line and flush it to the disk."""
        self._write_line(interaction.to_json())

    def store_media(self, body: bytes) -> str:
        """Keep ``body`` once, named by its sha256 (hex), in ``media_dir``; returns the sha256."""
        digest = hashlib.sha256(body).hexdigest()
        target = self.media_dir / digest
        with self._lock:
            if not target.exists():
                self.media_dir.mkdir(parents=True, exist_ok=True)
                partial = target.with_name(digest + ".partial")
                partial.write_bytes(body)
                os.replace(partial, target)
        return digest

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def __enter__(self) -> CassetteWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _write_line(self, obj: dict[str, object]) -> None:
        text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        with self._lock:
            if self._file is None:
                raise CassetteError("already closed", path=self.path)
            self._file.write(text + "\n")
            self._file.flush()


def new_header(
    *,
    upstream_rest: str | None = None,
    upstream_websocket: str | None = None,
    media: MediaMode = "none",
) -> CassetteHeader:
    """A header stamped now (UTC, whole seconds) with this kit's version."""
    from runware_testkit._version import __version__

    recorded_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return CassetteHeader(
        recorded_at=recorded_at,
        kit_version=__version__,
        upstream_rest=upstream_rest,
        upstream_websocket=upstream_websocket,
        media=media,
    )
