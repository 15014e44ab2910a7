"""Read basic facts (duration, size, container) from video bytes."""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass
from fractions import Fraction

import av

# Demuxers that read still images rather than video.
_IMAGE_DEMUXERS = frozenset({"image2", "gif", "apng"})


class ProbeError(ValueError):
    """The input is not a readable video."""


@dataclass(frozen=True)
class VideoFacts:
    """What ``probe_video`` learned; a field is ``None`` when the file does not say."""

    duration: float | None
    width: int | None
    height: int | None
    container: str | None


def probe_video(data: bytes) -> VideoFacts:
    """Return duration (seconds), frame size and container name of a video file.

    ``container`` is a short name such as ``mp4``, ``mov``, ``webm`` or ``mkv``.
    Duration comes from the container header, else the video stream header,
    else the stream's frame count and rate, else the timestamps of its packets.
    Raises ``ProbeError`` for empty input, unreadable bytes, still images and
    files without a video stream.
    """
    if not data:
        raise ProbeError("empty input: expected video bytes")
    try:
        container = av.open(io.BytesIO(data), mode="r")
    except av.FFmpegError as exc:
        raise ProbeError(f"not a readable video: {exc}") from exc
    with container:
        demuxer = container.format.name
        if demuxer in _IMAGE_DEMUXERS or demuxer.endswith("_pipe"):
            raise ProbeError(f"input is a still image ({demuxer}), not a video")
        stream = _video_stream(container)
        if stream is None:
            raise ProbeError(f"no video stream in {demuxer} input")
        try:
            duration = _duration(container, stream)
        except av.FFmpegError as exc:
            raise ProbeError(f"not a readable video: {exc}") from exc
        return VideoFacts(
            duration=duration,
            width=stream.codec_context.width or None,
            height=stream.codec_context.height or None,
            container=_container_name(demuxer, container.metadata, data),
        )


def decode_data_uri(uri: str) -> bytes:
    """Return the payload of a base64 ``data:`` URI such as ``data:video/mp4;base64,...``.

    Raises ``ProbeError`` if the URI is not a base64 data URI, the payload is not
    valid base64, or the payload is empty.
    """
    if not isinstance(uri, str) or not uri[:5].lower() == "data:":
        raise ProbeError("not a data URI: expected it to start with 'data:'")
    header, sep, payload = uri[5:].partition(",")
    if not sep:
        raise ProbeError("malformed data URI: missing ',' before the payload")
    if header.split(";")[-1].strip().lower() != "base64":
        raise ProbeError("unsupported data URI: payload must be base64-encoded")
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ProbeError(f"malformed data URI: invalid base64 payload ({exc})") from exc
    if not data:
        raise ProbeError("malformed data URI: empty payload")
    return data


def _video_stream(container: av.container.InputContainer) -> av.VideoStream | None:
    for stream in container.streams.video:
        if not stream.disposition & av.stream.Disposition.attached_pic:
            return stream
    return None


def _duration(container: av.container.InputContainer, stream: av.VideoStream) -> float | None:
    if container.duration is not None and container.duration > 0:
        return container.duration / av.time_base
    if stream.duration is not None and stream.duration > 0 and stream.time_base:
        return float(stream.duration * stream.time_base)
    rate = stream.average_rate or stream.guessed_rate
    if stream.frames > 0 and rate:
        return float(Fraction(stream.frames) / rate)
    return _duration_from_packets(container, stream)


def _duration_from_packets(
    container: av.container.InputContainer, stream: av.VideoStream
) -> float | None:
    start: int | None = None
    end: int | None = None
    for packet in container.demux(stream):
        if packet.pts is None:
            continue
        start = packet.pts if start is None else min(start, packet.pts)
        tail = packet.pts + (packet.duration or 0)
        end = tail if end is None else max(end, tail)
    if start is None or end is None or end <= start or not stream.time_base:
        return None
    return float((end - start) * stream.time_base)


def _container_name(demuxer: str, metadata: dict[str, str], data: bytes) -> str:
    if demuxer.startswith("mov,mp4"):
        brand = metadata.get("major_brand", "").strip().lower()
        if brand == "qt":
            return "mov"
        return "3gp" if brand.startswith("3g") else "mp4"
    if demuxer.startswith("matroska"):
        return "webm" if _ebml_doctype(data) == "webm" else "mkv"
    return demuxer.split(",")[0]


def _ebml_doctype(data: bytes) -> str | None:
    head = data[:64]
    at = head.find(b"\x42\x82")
    if at < 0 or at + 3 > len(head) or not head[at + 2] & 0x80:
        return None
    size = head[at + 2] & 0x7F
    return head[at + 3 : at + 3 + size].decode("ascii", "replace")
