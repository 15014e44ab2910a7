"""Reading the media a request points at: by UUID, data URI, base64 or URL.

What the fake can read it probes (duration, size, container), so that Aleph 2.0's source
duration rule is enforced and its output takes the source's size:

- a UUID of this server's media (an upload, or a result of an earlier task) that the caller's
  API key may use: its own media, or shared media (records older versions stored without an
  owner). Another key's media answers ``mediaNotFound``, exactly as an unknown UUID;
- a URL of this server's own ``/media/...`` route (resolved without a network round trip);
- a ``data:`` URI or raw base64;
- an ``http(s)`` URL whose host is on the allowlist (loopback by default), downloaded with
  httpx (bounded by ``limits.max_media_bytes`` and ``fetch_timeout``).

A URL on any other host is accepted **unprobed**: the fake never reaches the internet, so such
a source gets the model's defaults (5 s, 1280x720) and no duration check. Failures are
`MediaInputError` with a Runware code: ``mediaNotFound`` / ``mediaExpired`` for a UUID this
server does not hold (or no longer), ``downloadFailed`` when an allowlisted URL cannot be
fetched, ``invalidVideo`` (or ``invalid<Param>``) when the bytes are not a readable video.

Uploads (``mediaStorage``, ``imageUpload``): `read_upload` gets the bytes (an unreachable URL is
``downloadFailed`` there, nothing can be stored without them) and `identify_upload` tells what
they are (``invalidMedia`` for neither a video nor a JPEG/PNG/WebP/BMP/GIF image).
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
from .errors import MediaError, invalid_code
from .files import media_bytes
from .image import extension as image_extension
from .image_header import looks_like_image, read_image_header
from .probe import ProbeError, decode_data_uri, probe_video

if TYPE_CHECKING:
    from ..state import ServerState

__all__ = [
    "MediaInputError",
    "SourceVideo",
    "Upload",
    "identify_upload",
    "load_media",
    "own_media",
    "read_upload",
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
class Upload:
    """Media bytes identified: file ``extension``, ``kind`` (``image`` or ``video``), size in
    pixels and, for a video, length in seconds (None where the file does not say)."""

    data: bytes
    extension: str
    kind: str
    width: int | None = None
    height: int | None = None
    duration: float | None = None


@dataclass(frozen=True, slots=True)
class SourceVideo:
    """What the server learnt about a source video (None fields: not known)."""

    duration: float | None
    width: int | None
    height: int | None
    container: str | None


async def resolve_video(
    state: ServerState,
    value: str,
    *,
    parameter: str,
    api_key: str | None,
    request_base: str | None = None,
) -> SourceVideo | None:
    """Facts about the video `value` refers to; None when it is a URL the fake cannot reach.
    `api_key` is the caller's (media of other keys is not found; None: the server itself)."""
    record = own_media(
        state, value, parameter=parameter, api_key=api_key, request_base=request_base
    )
    if record is not None:
        if record.data is None:
            return SourceVideo(record.duration, record.width, record.height, record.format)
        return await _probe(record.data, parameter)
    data = await load_media(
        state, value, parameter=parameter, api_key=api_key, request_base=request_base
    )
    if data is None:
        return None
    return await _probe(data, parameter)


async def load_media(
    state: ServerState,
    value: str,
    *,
    parameter: str,
    api_key: str | None,
    request_base: str | None = None,
) -> bytes | None:
    """The bytes of a data URI, raw base64, own media (of `api_key`, or shared) or allowlisted
    URL; None for a URL the fake cannot reach (not allowlisted). Raises `MediaInputError`."""
    if not isinstance(value, str) or not value:
        raise MediaInputError(
            invalid_code(parameter), f"{parameter} must be a non-empty string", parameter
        )
    record = own_media(
        state, value, parameter=parameter, api_key=api_key, request_base=request_base
    )
    if record is not None:
        if record.data is not None:
            return record.data
        return await asyncio.to_thread(media_bytes, record)
    if value[:5].lower() == "data:":
        try:
            return decode_data_uri(value)
        except ProbeError as exc:
            raise MediaInputError(
                invalid_code(parameter), f"{parameter}: {exc}", parameter
            ) from exc
    if value.lower().startswith(("http://", "https://")):
        return await _download(state, value, parameter)
    if _BASE64_RE.match(value):
        try:
            return base64.b64decode("".join(value.split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise MediaInputError(
                invalid_code(parameter), f"{parameter} is not valid base64: {exc}", parameter
            ) from exc
    raise MediaInputError(
        invalid_code(parameter),
        f"{parameter} must be a media UUID, an http(s) URL, a data URI or base64 data",
        parameter,
    )


async def read_upload(
    state: ServerState,
    value: str,
    *,
    parameter: str,
    api_key: str | None,
    request_base: str | None = None,
) -> bytes:
    """The bytes `value` names (as `load_media`), for a task that stores them: a URL the fake
    may not fetch is ``downloadFailed`` here, since there is nothing to store without it."""
    data = await load_media(
        state, value, parameter=parameter, api_key=api_key, request_base=request_base
    )
    if data is None:
        raise MediaInputError(
            "downloadFailed",
            f"{parameter}: the fake server does not fetch from this host; allowed hosts: "
            f"{', '.join(state.allowlist.entries)}",
            parameter,
        )
    return data


def identify_upload(data: bytes, *, parameter: str) -> Upload:
    """What uploaded bytes are (CPU-bound: a video is probed); `MediaInputError`
    ``invalidMedia`` for bytes that are neither a readable video nor a JPEG, PNG, WebP, BMP or
    GIF image."""
    try:
        extension, kind = sniff_format(data)
    except ValueError as exc:
        raise MediaInputError(
            "invalidMedia",
            f"{parameter} is neither a readable video nor a PNG/JPEG/WEBP/BMP/GIF image: {exc}",
            parameter,
        ) from exc
    if kind == "image":
        facts = read_image_header(data, parameter=parameter)
        return Upload(data, extension, kind, facts.width, facts.height)
    try:
        video = probe_video(data)
    except ProbeError:  # sniff_format already read it as a video; keep it without facts
        return Upload(data, extension, kind)
    return Upload(data, extension, kind, video.width, video.height, video.duration)


def sniff_format(data: bytes) -> tuple[str, str]:
    """(extension, kind) of media bytes, kind ``video`` or ``image``; ValueError if unknown."""
    if looks_like_image(data):
        try:
            return image_extension(read_image_header(data).format), "image"
        except MediaError as exc:
            raise ValueError(str(exc)) from exc
    try:
        facts = probe_video(data)
    except ProbeError as exc:
        raise ValueError(str(exc)) from exc
    return (facts.container or "mp4"), "video"


def own_media(
    state: ServerState,
    value: str,
    *,
    parameter: str,
    api_key: str | None,
    request_base: str | None,
) -> MediaRecord | None:
    """The record when `value` names this server's media (a UUID, or a URL of its own
    ``/media`` route); None when it names none. `MediaInputError` ``mediaNotFound`` /
    ``mediaExpired`` for a UUID or own URL this server does not (or no longer) hold, or that
    belongs to another key than `api_key` (None: any key; see `Engine.media`)."""
    media_uuid: str | None = None
    if _UUID_RE.match(value):
        media_uuid = value.lower()
    elif value.lower().startswith(("http://", "https://")):
        try:
            parts = urllib.parse.urlsplit(value)
        except ValueError:  # e.g. a bracketed host that is no IPv6 address: not ours
            return None
        match = _MEDIA_PATH_RE.match(parts.path)
        if match and _is_own_host(state, parts.netloc, request_base):
            media_uuid = match["uuid"].lower()
    if media_uuid is None:
        return None
    try:
        return state.engine.media(media_uuid, api_key=api_key)
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
    try:
        host = urllib.parse.urlsplit(url).hostname
    except ValueError:  # a bracketed host that is no IP address: never fetched, as a remote URL
        return None
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
            invalid_code(parameter), f"{parameter} is not a readable video: {exc}", parameter
        ) from exc
    return SourceVideo(facts.duration, facts.width, facts.height, facts.container)
