import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlsquiz.sm2 import MAX_INTERVAL, CardState, review

DAY = datetime.date(2026, 3, 2)


def days(n: int) -> datetime.date:
    return DAY + datetime.timedelta(days=n)


@pytest.mark.parametrize(
    "grade, ease",
    [(5, 2.6), (4, 2.5), (3, 2.36), (2, 2.18), (1, 1.96), (0, 1.7)],
)
def test_first_review_ease_change_per_grade(grade, ease):
    after = review(CardState(), grade, DAY)
    assert after.ease == pytest.approx(ease)


def test_hand_computed_sequence():
    steps = [  # (day offset, grade) -> (repetitions, ease, interval, due offset)
        ((0, 5), (1, 2.6, 1, 1)),
        ((1, 4), (2, 2.6, 6, 7)),
        ((7, 3), (3, 2.46, 16, 23)),  # ceil(6 * 2.6) = 16, with the ease before the update
        ((23, 2), (0, 2.14, 1, 24)),  # a lapse restarts repetitions
        ((24, 0), (0, 1.34, 1, 25)),
        ((25, 0), (0, 1.3, 1, 26)),  # floored at 1.3
        ((26, 4), (1, 1.3, 1, 27)),
        ((27, 5), (2, 1.4, 6, 33)),
        ((33, 5), (3, 1.5, 9, 42)),  # ceil(6 * 1.4) = 9
    ]
    state = CardState()
    for (offset, grade), (repetitions, ease, interval, due) in steps:
        state = review(state, grade, days(offset))
        assert (state.repetitions, state.interval, state.due) == (repetitions, interval, days(due))
        assert state.ease == pytest.approx(ease)


def test_grade_below_three_restarts_repetitions():
    state = CardState(repetitions=4, ease=2.5, interval=40, due=days(0))
    after = review(state, 2, DAY)
    assert (after.repetitions, after.interval, after.due) == (0, 1, days(1))


def test_late_review_counts_interval_from_review_day():
    state = CardState(repetitions=2, ease=2.5, interval=6, due=days(0))
    after = review(state, 4, days(10))  # ten days late
    assert after.interval == 15 and after.due == days(25)


def test_ease_has_no_upper_cap_but_interval_stops_at_a_century():
    state = CardState()
    for n in range(30):
        state = review(state, 5, days(n))
    assert state.ease == pytest.approx(2.5 + 30 * 0.1)
    assert state.interval == MAX_INTERVAL == 36_500


@pytest.mark.parametrize("grade", [-1, 6, 3.0, "4", None, True])
def test_grade_outside_zero_to_five_is_rejected(grade):
    with pytest.raises(ValueError):
        review(CardState(), grade, DAY)


def test_review_returns_a_new_state_and_leaves_the_old_one():
    state = CardState()
    review(state, 5, DAY)
    assert state == CardState()


grades = st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=40)


@given(grades)
def test_ease_never_below_floor_and_interval_at_least_one(sequence):
    state = CardState()
    for n, grade in enumerate(sequence):
        state = review(state, grade, days(n))
        assert state.ease >= 1.3
        assert state.interval >= 1
        assert state.due == days(n + state.interval)


@given(grades, st.lists(st.integers(min_value=3, max_value=5), min_size=1, max_size=15))
def test_passing_grades_never_shrink_the_interval(prefix, passes):
    state = CardState()
    for n, grade in enumerate(prefix):
        state = review(state, grade, days(n))
    previous = state.interval if state.repetitions else 0
    for grade in passes:
        state = review(state, grade, days(0))
        assert state.interval >= previous
        previous = state.interval
