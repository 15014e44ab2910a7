import uuid

import pytest

from runware_testkit.fake_server.engine.ids import UINT32_MAX, IdSource


def _is_v4(text: str) -> bool:
    parsed = uuid.UUID(text)
    return parsed.version == 4 and parsed.variant == uuid.RFC_4122 and str(parsed) == text


def test_uuid4_gives_valid_version_4_strings():
    source = IdSource(1)
    assert all(_is_v4(source.uuid4()) for _ in range(200))


def test_unseeded_source_gives_valid_ids():
    source = IdSource(None)
    assert source.seed is None
    assert _is_v4(source.uuid4())
    assert 0 <= source.seed32() <= UINT32_MAX


def test_uuids_are_distinct():
    source = IdSource(3)
    ids = {source.uuid4() for _ in range(2000)}
    assert len(ids) == 2000


def test_same_seed_gives_the_same_sequence():
    a, b = IdSource(42), IdSource(42)
    assert [a.uuid4() for _ in range(5)] == [b.uuid4() for _ in range(5)]
    assert [a.seed32() for _ in range(5)] == [b.seed32() for _ in range(5)]


def test_different_seeds_differ():
    assert IdSource(1).uuid4() != IdSource(2).uuid4()


def test_unseeded_sources_differ():
    assert IdSource().uuid4() != IdSource().uuid4()


def test_reseed_restarts_the_sequence():
    source = IdSource(9)
    first = [source.uuid4(), source.seed32()]
    source.uuid4()
    source.reseed(9)
    assert [source.uuid4(), source.seed32()] == first
    assert source.seed == 9


def test_seed32_stays_in_the_uint32_range():
    source = IdSource(5)
    values = [source.seed32() for _ in range(1000)]
    assert all(0 <= v <= UINT32_MAX for v in values)
    assert len(set(values)) > 990


@pytest.mark.parametrize("bad", ["1", 1.5, True])
def test_reseed_rejects_non_integers(bad):
    with pytest.raises(TypeError):
        IdSource(bad)
