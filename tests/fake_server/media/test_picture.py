"""The synthetic picture: deterministic, exact sizes, chroma planes aligned with luma."""

from __future__ import annotations

import av
import pytest

from runware_testkit.fake_server.media.picture import PIXEL_FORMATS, synthetic_frame


@pytest.mark.parametrize("pix_fmt", PIXEL_FORMATS)
@pytest.mark.parametrize(("width", "height"), [(1, 1), (5, 3), (1001, 333)])
def test_frames_have_the_requested_size_and_chroma_rounds_up(
    pix_fmt: str, width: int, height: int
) -> None:
    frame = synthetic_frame(width, height, pix_fmt, seed=1)
    assert (frame.width, frame.height, frame.format.name) == (width, height, pix_fmt)
    if pix_fmt != "rgb24":
        chroma = frame.planes[1]
        assert (chroma.width, chroma.height) == (-(-width // 2), -(-height // 2))


def test_same_seed_same_samples_other_seed_other_samples() -> None:
    def samples(seed: int) -> bytes:
        frame = synthetic_frame(320, 240, "yuv420p", seed)
        return b"".join(bytes(plane) for plane in frame.planes)

    assert samples(3) == samples(3)
    assert samples(3) != samples(4)


@pytest.mark.parametrize("seed", range(4))
def test_floor_tile_edges_in_chroma_fall_on_the_luma_edges(seed: int) -> None:
    frame = synthetic_frame(640, 480, "yuvj420p", seed)
    luma_edges = _edges(_row(frame, 0, 479))
    chroma_edges = _edges(_row(frame, 1, 239))
    assert luma_edges, "the floor has tile edges"
    assert [2 * x for x in chroma_edges] == luma_edges


def test_other_pixel_formats_are_refused() -> None:
    with pytest.raises(ValueError, match="unsupported pixel format"):
        synthetic_frame(8, 8, "nv12", seed=0)


def _row(frame: av.VideoFrame, plane_index: int, y: int) -> bytes:
    plane = frame.planes[plane_index]
    return bytes(plane)[y * plane.line_size : y * plane.line_size + plane.width]


def _edges(row: bytes) -> list[int]:
    return [x for x in range(1, len(row)) if row[x] != row[x - 1]]
