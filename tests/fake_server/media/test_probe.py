"""probe_video reads real facts from video bytes and rejects everything else."""

from __future__ import annotations

import base64
import io
import random
import struct
import zlib

import av
import pytest

from runware_testkit.fake_server.media.probe import (
    ProbeError,
    VideoFacts,
    decode_data_uri,
    probe_video,
)
from runware_testkit.fake_server.media.video import render_video

FORMATS = ["MP4", "WEBM", "MOV"]


class _Sink:
    """A write-only, non-seekable output, like a live stream."""

    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, chunk: bytes) -> int:
        self.data += chunk
        return len(chunk)


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + bytes(3 * width) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _wav(seconds: float) -> bytes:
    buf = io.BytesIO()
    with av.open(buf, mode="w", format="wav") as container:
        stream = container.add_stream("pcm_s16le", rate=8000, layout="mono")
        frame = av.AudioFrame(format="s16", layout="mono", samples=int(8000 * seconds))
        frame.sample_rate = 8000
        frame.planes[0].update(bytes(frame.planes[0].buffer_size))
        frame.pts = 0
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return buf.getvalue()


def _remux_unseekable(data: bytes, fmt: str) -> bytes:
    sink = _Sink()
    with av.open(io.BytesIO(data)) as source, av.open(sink, mode="w", format=fmt) as target:
        in_stream = source.streams.video[0]
        out_stream = target.add_stream_from_template(in_stream)
        for packet in source.demux(in_stream):
            if packet.dts is None:
                continue
            packet.stream = out_stream
            target.mux(packet)
    return bytes(sink.data)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("seconds", "fps"), [(3.0, 4), (31.0, 2)])
def test_long_clips_probe_right(fmt: str, seconds: float, fps: int) -> None:
    facts = probe_video(render_video(fmt, 64, 64, duration=seconds, fps=fps))
    assert facts == VideoFacts(
        duration=pytest.approx(seconds, abs=1 / fps),  # type: ignore[arg-type]
        width=64,
        height=64,
        container=fmt.lower(),
    )


def test_webm_without_header_duration_falls_back_to_packets() -> None:
    live = _remux_unseekable(render_video("WEBM", 64, 64, duration=3.0, fps=4), "webm")
    with av.open(io.BytesIO(live)) as container:
        assert container.duration is None
        assert not container.streams.video[0].duration
    facts = probe_video(live)
    assert facts.duration == pytest.approx(3.0, abs=1 / 4)
    assert (facts.width, facts.height, facts.container) == (64, 64, "webm")


def test_matroska_that_is_not_webm_is_reported_as_mkv() -> None:
    mkv = _remux_unseekable(render_video("WEBM", 64, 64), "matroska")
    assert probe_video(mkv).container == "mkv"


def test_empty_bytes_raise() -> None:
    with pytest.raises(ProbeError, match="empty"):
        probe_video(b"")


@pytest.mark.parametrize("size", [1, 16, 4096, 65536])
def test_random_bytes_raise(size: int) -> None:
    garbage = random.Random(size).randbytes(size)
    with pytest.raises(ProbeError):
        probe_video(garbage)


def test_text_raises() -> None:
    with pytest.raises(ProbeError, match="not a readable video"):
        probe_video(b"hello, this is not a video")


def test_still_image_raises() -> None:
    with pytest.raises(ProbeError, match="still image"):
        probe_video(_png(16, 16))


def test_audio_only_file_raises() -> None:
    with pytest.raises(ProbeError, match="no video stream"):
        probe_video(_wav(0.5))


def test_truncated_mp4_raises() -> None:
    data = render_video("MP4", 64, 64)
    with pytest.raises(ProbeError):
        probe_video(data[: len(data) // 2])


def test_probe_error_is_a_value_error() -> None:
    assert issubclass(ProbeError, ValueError)


@pytest.mark.parametrize(
    "prefix",
    ["data:video/mp4;base64,", "DATA:video/mp4;BASE64,", "data:video/mp4;codecs=avc1;base64,"],
)
def test_decode_data_uri_round_trips(prefix: str) -> None:
    data = render_video("MP4", 64, 64)
    decoded = decode_data_uri(prefix + base64.b64encode(data).decode())
    assert decoded == data
    assert probe_video(decoded).container == "mp4"


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("AAAAIGZ0eXBpc29t", "start with 'data:'"),
        ("https://example.com/clip.mp4", "start with 'data:'"),
        ("data:video/mp4;base64", "missing ','"),
        ("data:video/mp4,%00%00", "base64-encoded"),
        ("data:video/mp4;base64,@@@not-base64@@@", "invalid base64"),
        ("data:video/mp4;base64,AAA", "invalid base64"),
        ("data:video/mp4;base64,", "empty payload"),
    ],
)
def test_decode_data_uri_rejects_malformed(uri: str, message: str) -> None:
    with pytest.raises(ProbeError, match=message):
        decode_data_uri(uri)
