"""Reading the media a request points at: by UUID, data URI, base64 or URL.

What the fake can read it probes (duration, size, container), so that Aleph 2.0's source
duration rule is enforced and its output takes the source's size:

- a UUID of this server's media (an upload, or a result of an earlier task);
- a URL of this server's own ``/media/...`` route (resolved without a network round trip);
- a ``data:`` URI or raw base64;
- an ``http(s)`` URL whose host is on the allowlist (loopback by default), downloaded with
  httpx (bounded by ``limits.max_media_bytes`` and ``fetch_timeout``).

A URL on any other host is accepted **unprobed**: the fake never reaches the internet, so such
a source gets the model's defaults (5 s, 1280x720) and no duration check. Failures are
`MediaInputError` with a Runware code: ``mediaNotFound`` / ``mediaExpired`` for a UUID this
server does not hold (or no longer), ``downloadFailed`` when an allowlisted URL cannot be
fetched, ``invalidVideo`` (or ``invalid<Param>``) when the bytes are not a readable video.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import re
import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from ..config import IN_PROCESS_HOST
from ..engine.errors import MediaExpired, MediaNotFound
from ..engine.records import MediaRecord
from ..media.probe import ProbeError, decode_data_uri, probe_video

if TYPE_CHECKING:
    from ..state import ServerState

__all__ = [
    "MediaInputError",
    "SourceVideo",
    "load_media",
    "resolve_video",
    "sniff_format",
]

_UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
_MEDIA_PATH_RE = re.compile(r"^/media/(?P<uuid>[0-9a-fA-F-]{36})(?:\.[A-Za-z0-9]+)?$")
_BASE64_RE = re.compile(r"^[A-Za-z0-9+/\s]+={0,2}$")


class MediaInputError(Exception):
    """A media reference the server could not use; carries the Runware error to answer."""

    def __init__(self, code: str, message: str, parameter: str, http_status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.parameter = parameter
        self.http_status = http_status

    def to_error(self) -> dict[str, object]:
        """The Runware error object (without task fields)."""
        return {"code": self.code, "message": self.message, "parameter": self.parameter}


@dataclass(frozen=True, slots=True)
class SourceVideo:
    """What the server learnt about a source video (None fields: not known)."""

    duration: float | None
    width: int | None
    height: int | None
    container: str | None


async def resolve_video(
    state: ServerState, value: str, *, parameter: str, request_base: str | None = None
) -> SourceVideo | None:
    """Facts about the video `value` refers to; None when it is a URL the fake cannot reach."""
    record = _own_media(state, value, parameter=parameter, request_base=request_base)
    if record is not None:
        if record.data is None:
            return SourceVideo(record.duration, record.width, record.height, record.format)
        return await _probe(record.data, parameter)
    data = await load_media(state, value, parameter=parameter, request_base=request_base)
    if data is None:
        return None
    return await _probe(data, parameter)


async def load_media(
    state: ServerState, value: str, *, parameter: str, request_base: str | None = None
) -> bytes | None:
    """The bytes of a data URI, raw base64, own media or allowlisted URL; None for a URL the
    fake cannot reach (not allowlisted). Raises `MediaInputError`."""
    if not isinstance(value, str) or not value:
        raise MediaInputError(
            _invalid(parameter), f"{parameter} must be a non-empty string", parameter
        )
    record = _own_media(state, value, parameter=parameter, request_base=request_base)
    if record is not None:
        if record.data is not None:
            return record.data
        from ..media.files import media_bytes

        return await asyncio.to_thread(media_bytes, record)
    if value[:5].lower() == "data:":
        try:
            return decode_data_uri(value)
        except ProbeError as exc:
            raise MediaInputError(_invalid(parameter), f"{parameter}: {exc}", parameter) from exc
    if value.lower().startswith(("http://", "https://")):
        return await _download(state, value, parameter)
    if _BASE64_RE.match(value):
        try:
            return base64.b64decode("".join(value.split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise MediaInputError(
                _invalid(parameter), f"{parameter} is not valid base64: {exc}", parameter
            ) from exc
    raise MediaInputError(
        _invalid(parameter),
        f"{parameter} must be a media UUID, an http(s) URL, a data URI or base64 data",
        parameter,
    )


def sniff_format(data: bytes) -> tuple[str, str]:
    """(extension, kind) of media bytes, kind ``video`` or ``image``; ValueError if unknown."""
    head = data[:32]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", "image"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg", "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp", "image"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif", "image"
    try:
        facts = probe_video(data)
    except ProbeError as exc:
        raise ValueError(str(exc)) from exc
    return (facts.container or "mp4"), "video"


def _own_media(
    state: ServerState, value: str, *, parameter: str, request_base: str | None
) -> MediaRecord | None:
    """The record when `value` names this server's media (UUID or own /media URL)."""
    media_uuid: str | None = None
    if _UUID_RE.match(value):
        media_uuid = value.lower()
    elif value.lower().startswith(("http://", "https://")):
        parts = urllib.parse.urlsplit(value)
        match = _MEDIA_PATH_RE.match(parts.path)
        if match and _is_own_host(state, parts.netloc, request_base):
            media_uuid = match["uuid"].lower()
    if media_uuid is None:
        return None
    try:
        return state.engine.media(media_uuid)
    except MediaExpired as exc:
        raise MediaInputError(
            "mediaExpired", f"{parameter}: media {media_uuid} has expired", parameter
        ) from exc
    except MediaNotFound as exc:
        raise MediaInputError(
            "mediaNotFound",
            f"{parameter}: no media {media_uuid} on this server (upload it with a mediaStorage"
            " task first)",
            parameter,
        ) from exc


def _is_own_host(state: ServerState, netloc: str, request_base: str | None) -> bool:
    netloc = netloc.lower()
    own = {IN_PROCESS_HOST}
    for base in (request_base, state.config.base_url, state.base_url):
        if base:
            own.add(urllib.parse.urlsplit(base).netloc.lower())
    return netloc in own


async def _download(state: ServerState, url: str, parameter: str) -> bytes | None:
    host = urllib.parse.urlsplit(url).hostname
    if host is None or not state.allowlist.allows(host):
        return None
    limit = state.config.limits.max_media_bytes
    try:
        async with state.http_client() as client, client.stream("GET", url) as response:
            if not 200 <= response.status_code < 300:
                raise MediaInputError(
                    "downloadFailed",
                    f"{parameter}: downloading {url} failed with HTTP {response.status_code}",
                    parameter,
                )
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise MediaInputError(
                        "downloadFailed",
                        f"{parameter}: {url} is larger than {limit} bytes",
                        parameter,
                    )
                chunks.append(chunk)
    except httpx.HTTPError as exc:
        raise MediaInputError(
            "downloadFailed", f"{parameter}: downloading {url} failed: {exc}", parameter
        ) from exc
    return b"".join(chunks)


async def _probe(data: bytes, parameter: str) -> SourceVideo:
    try:
        facts = await asyncio.to_thread(probe_video, data)
    except ProbeError as exc:
        raise MediaInputError(
            _invalid(parameter), f"{parameter} is not a readable video: {exc}", parameter
        ) from exc
    return SourceVideo(facts.duration, facts.width, facts.height, facts.container)


def _invalid(parameter: str) -> str:
    leaf = parameter.rsplit(".", 1)[-1]
    return "invalid" + leaf[:1].upper() + leaf[1:]
