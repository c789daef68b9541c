import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlsquiz.scheduling.sm2 import MAX_INTERVAL, CardState, review

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


def exact_review(state: tuple, grade: int) -> tuple:
    """SM-2 on fractions: (repetitions, ease, interval) with ease a Fraction; the reference for the float code."""
    import math
    from fractions import Fraction

    repetitions, ease, interval = state
    if grade >= 3:
        interval = 1 if repetitions == 0 else 6 if repetitions == 1 else min(MAX_INTERVAL, max(1, math.ceil(interval * ease)))
        repetitions += 1
    else:
        repetitions, interval = 0, 1
    miss = 5 - grade
    ease = max(Fraction(13, 10), ease + Fraction(1, 10) - miss * (Fraction(8, 100) + miss * Fraction(2, 100)))
    return repetitions, ease, interval


def test_six_perfect_answers_give_exact_intervals():
    state, intervals = CardState(), []
    for n in range(6):
        state = review(state, 5, days(n))
        intervals.append(state.interval)
    assert intervals == [1, 6, 17, 48, 140, 420]  # 140 x 3.0 is 420, not 421


def test_ease_one_and_a_half_is_exact():
    state = CardState()
    for grade in (1, 2, 3, 4):
        state = review(state, grade, DAY)
    state = review(state, 4, days(6))
    assert (state.interval, state.ease) == (9, 1.5)  # 6 x 1.5 is 9, not 10


def test_every_grade_sequence_up_to_seven_matches_exact_arithmetic():
    from fractions import Fraction

    checked = 0
    stack = [(CardState(), (0, Fraction(5, 2), 0), 0)]
    while stack:
        state, exact, depth = stack.pop()
        if depth == 7:
            continue
        for grade in range(6):
            after, reference = review(state, grade, DAY), exact_review(exact, grade)
            assert (after.repetitions, after.interval) == (reference[0], reference[2])
            assert Fraction(round(after.ease * 100), 100) == reference[1] and after.ease == round(after.ease, 2)
            checked += 1
            stack.append((after, reference, depth + 1))
    assert checked == sum(6 ** n for n in range(1, 8)) == 335_922


@given(st.lists(st.integers(0, 5), min_size=8, max_size=60))
def test_long_random_histories_match_exact_arithmetic(grades):
    from fractions import Fraction

    state, exact = CardState(), (0, Fraction(5, 2), 0)
    for grade in grades:
        state, exact = review(state, grade, DAY), exact_review(exact, grade)
        assert (state.repetitions, Fraction(round(state.ease * 100), 100), state.interval) == exact
