import pytest

from runware_testkit.fake_server.engine.progression import (
    Immediate,
    Polls,
    ProgressState,
    Time,
    parse_progression,
)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("immediate", Immediate()),
        ("  IMMEDIATE ", Immediate()),
        ("polls:0", Polls(0)),
        ("polls:3", Polls(3)),
        ("Polls: 12", Polls(12)),
        ("time:10", Time(10.0)),
        ("time:2.5", Time(2.5)),
        ("time:.5", Time(0.5)),
        ("time:1e-3", Time(0.001)),
        ("time:0", Time(0.0)),
    ],
)
def test_parse_valid_specs(spec, expected):
    assert parse_progression(spec) == expected


@pytest.mark.parametrize(
    "spec",
    [
        "polls:-1",
        "polls:1.5",
        "polls:",
        "polls",
        "polls:x",
        "time:abc",
        "time:-1",
        "time:nan",
        "time:inf",
        "time:1e999",
        "time:",
        "time",
        "soon",
        "",
        "immediate:3",
        "polls:3:4",
    ],
)
def test_parse_rejects_bad_specs_with_a_clear_message(spec):
    with pytest.raises(ValueError, match="progression"):
        parse_progression(spec)


def test_parse_rejects_non_strings():
    with pytest.raises(ValueError):
        parse_progression(3)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "spec", ["immediate", "polls:0", "polls:7", "time:10", "time:2.5", "time:1e-07"]
)
def test_canonical_spec_round_trips(spec):
    policy = parse_progression(spec)
    assert parse_progression(str(policy)) == policy


def test_str_gives_the_canonical_spec():
    assert str(parse_progression(" Polls:3 ")) == "polls:3"
    assert str(parse_progression("time:10.0")) == "time:10"
    assert str(parse_progression("time:2.5")) == "time:2.5"


def test_direct_construction_validates():
    with pytest.raises(ValueError):
        Polls(-1)
    with pytest.raises(ValueError):
        Time(-0.5)


def test_immediate_is_done_at_once():
    assert Immediate().state(polls=0, elapsed=0.0) == ProgressState(True, 100)
    assert Immediate().state(polls=1, elapsed=0.0) == ProgressState(True, 100)


def test_polls_reports_climbing_progress_then_success_on_poll_n_plus_one():
    policy = Polls(3)
    states = [policy.state(polls=k, elapsed=0.0) for k in range(6)]
    assert [s.done for s in states] == [False, False, False, False, True, True]
    assert [s.progress for s in states] == [0, 25, 50, 75, 100, 100]


def test_polls_ignores_time():
    assert Polls(2).state(polls=1, elapsed=1e9).done is False


def test_polls_zero_succeeds_on_the_first_poll():
    assert Polls(0).state(polls=0, elapsed=0.0).done is False
    assert Polls(0).state(polls=1, elapsed=0.0).done is True


def test_polls_progress_stays_in_range_for_many_polls():
    policy = Polls(500)
    progress = [policy.state(polls=k, elapsed=0).progress for k in range(501)]
    assert progress == sorted(progress)
    assert min(progress) == 0 and max(progress) == 99


def test_time_progress_follows_elapsed_time():
    policy = Time(10.0)
    assert policy.state(polls=0, elapsed=0.0) == ProgressState(False, 0)
    assert policy.state(polls=0, elapsed=2.5) == ProgressState(False, 25)
    assert policy.state(polls=0, elapsed=9.999) == ProgressState(False, 99)
    assert policy.state(polls=0, elapsed=10.0) == ProgressState(True, 100)
    assert policy.state(polls=99, elapsed=1.0).done is False


def test_time_progress_is_clamped_when_the_clock_went_back():
    assert Time(10.0).state(polls=0, elapsed=-5.0) == ProgressState(False, 0)


def test_time_zero_is_done_at_once():
    assert Time(0.0).state(polls=0, elapsed=0.0).done is True


def test_finish_after_says_when_no_poll_is_needed():
    assert parse_progression("immediate").finish_after() == 0.0
    assert parse_progression("polls:0").finish_after() == 0.0
    assert parse_progression("polls:3").finish_after() is None
    assert parse_progression("time:2.5").finish_after() == 2.5
    # Consistent with state(): finished at that age with no poll, not just before it.
    timed = parse_progression("time:2.5")
    assert timed.state(polls=0, elapsed=2.5).done
    assert not timed.state(polls=0, elapsed=2.49).done
