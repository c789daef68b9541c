"""The FSRS memory model (src/mlsquiz/memory.py) against py-fsrs, the reference implementation."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fsrs_oracle import START, noon, oracle_card
from mlsquiz.scheduling import memory
from mlsquiz.scheduling.schedulers import Scheduling
from mlsquiz.scheduling.sm2 import CardState

DEFAULTS = memory.DEFAULT_PARAMETERS
# fsrs-rs computes in 32-bit floats, py-fsrs in 64-bit: they agree to about 1e-5 relative.
CLOSE = dict(rel=1e-4, abs=1e-4)

gaps = st.one_of(st.just(0), st.integers(1, 10), st.integers(11, 400), st.integers(401, 5000))
histories = st.lists(st.tuples(gaps, st.integers(0, 5)), min_size=1, max_size=15).map(
    lambda steps: days_and_grades(steps))


def days_and_grades(steps) -> list:
    day, history = START, []
    for gap, grade in steps:
        day += datetime.timedelta(days=gap)
        history.append((day, grade))
    return history


def test_grades_map_to_ratings_again_hard_good_easy():
    assert [memory.rating(g) for g in range(6)] == [1, 1, 1, 2, 3, 4]


def test_defaults_are_the_engines():
    import fsrs
    import fsrs_rs_python

    assert memory.DEFAULT_PARAMETERS == pytest.approx(fsrs_rs_python.DEFAULT_PARAMETERS, rel=1e-6)
    assert memory.DEFAULT_PARAMETERS == fsrs.scheduler.DEFAULT_PARAMETERS


def test_good_good_a_day_apart_gives_the_known_state_and_recall():
    day = datetime.date(2026, 3, 1)
    [_, second] = memory.memory_histories(memory.engine(DEFAULTS), [[(day, 4), (day + datetime.timedelta(1), 4)]])[0]
    assert (second.stability, second.difficulty) == pytest.approx((7.3153, 2.1112), abs=1e-4)
    assert memory.recall(DEFAULTS, second.stability, 17) == pytest.approx(0.8327, abs=1e-4)


@settings(max_examples=150, deadline=None)
@given(histories)
def test_stability_difficulty_and_recall_match_py_fsrs(history):
    ours = memory.memory_histories(memory.engine(DEFAULTS), [history])[0][-1]
    card, reference = oracle_card(DEFAULTS, history)
    assert ours.stability == pytest.approx(card.stability, **CLOSE)
    assert ours.difficulty == pytest.approx(card.difficulty, **CLOSE)
    for later in (0, 1, 17, 400):
        day = history[-1][0] + datetime.timedelta(days=later)
        expected = reference.get_card_retrievability(card, noon(day))
        assert memory.recall_on(DEFAULTS, ours, history[-1][0], day) == pytest.approx(expected, abs=1e-5)


@settings(max_examples=60, deadline=None)
@given(histories)
def test_answer_by_answer_equals_replaying_the_whole_history(history):
    model = memory.engine(DEFAULTS)
    state, previous, steps = None, None, []
    for day, grade in history:
        state = memory.next_memory(model, state, grade, memory.elapsed(previous, day))
        previous = day
        steps.append(state)
    assert steps == memory.memory_histories(model, [history])[0]


def test_same_day_reviews_long_gaps_and_lapses_are_covered():
    day = START
    history = [(day, 4), (day, 1), (day, 4), (day + datetime.timedelta(3000), 0), (day + datetime.timedelta(3000), 5)]
    ours = memory.memory_histories(memory.engine(DEFAULTS), [history])[0]
    card, _ = oracle_card(DEFAULTS, history)
    assert ours[-1].stability == pytest.approx(card.stability, **CLOSE)
    assert ours[1].stability < ours[0].stability  # a same-day lapse lowers stability
    assert ours[3].stability < ours[2].stability  # so does a lapse after a long gap


@pytest.mark.parametrize("retention", [0.7, 0.8, 0.9, 0.95, 0.99])
@pytest.mark.parametrize("stability", [0.05, 0.8, 3.3, 47.0, 2000.0, 90_000.0])
def test_fsrs_interval_is_py_fsrs_interval(retention, stability):
    from fsrs_oracle import scheduler

    assert memory.interval(DEFAULTS, stability, retention) == scheduler(DEFAULTS, retention)._next_interval(
        stability=stability)


def test_recall_at_the_interval_is_near_the_desired_retention():
    days = memory.interval(DEFAULTS, 30.0, 0.85)
    assert memory.recall(DEFAULTS, 30.0, days) == pytest.approx(0.85, abs=0.01)


def test_a_card_never_reviewed_has_no_recall():
    assert memory.recall_on(DEFAULTS, None, None, START) is None


def test_elapsed_days_never_go_negative_when_the_clock_went_backwards():
    assert memory.elapsed(START, START - datetime.timedelta(days=3)) == 0


@pytest.mark.parametrize("damaged", [None, "x", [1.0] * 20, [1.0] * 22, [float("nan")] + [1.0] * 20,
                                     [True] * 21, list(DEFAULTS[:20]) + [0.0], [-1.0] + list(DEFAULTS[1:])])
def test_damaged_parameters_are_refused(damaged):
    assert memory.valid_parameters(damaged) is None


def test_fsrs_scheduling_keeps_sm2_repetitions_and_ease_but_sets_its_own_interval():
    day = START
    sm2_state, sm2_memory = Scheduling("sm2").next_state(CardState(), None, None, 4, day)
    fsrs_state, fsrs_memory = Scheduling("fsrs", 0.9).next_state(CardState(), None, None, 4, day)
    assert sm2_memory == fsrs_memory
    assert (fsrs_state.repetitions, fsrs_state.ease) == (sm2_state.repetitions, sm2_state.ease)
    assert fsrs_state.interval == memory.interval(DEFAULTS, fsrs_memory.stability, 0.9)
    assert fsrs_state.due == day + datetime.timedelta(days=fsrs_state.interval)
    longer, _ = Scheduling("fsrs", 0.7).next_state(CardState(), None, None, 4, day)
    assert longer.interval > fsrs_state.interval


@pytest.mark.parametrize("command", [["due"], ["due", "--json"], ["--help"]])
def test_due_and_help_never_load_the_fsrs_engine(mini_collection, command):
    import os
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "mlsquiz", *command], capture_output=True,
                          text=True, env={**os.environ}, check=True)
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "mlsquiz.cli" in imported or "mlsquiz.__main__" in imported
    assert imported & {"fsrs_rs_python", "fsrs", "mlsquiz.scheduling.memory", "mlsquiz.scheduling.schedulers", "mlsquiz.scheduling.replay"} == set()
