"""SM-2 (SuperMemo 2, Wozniak) as pure code: a card's state and what one graded review does to it.

The arithmetic is exact: ease is worked in whole hundredths, so `ceil(interval × ease)` never picks up a day
from float noise (140 × 3.0 is 420, not 421)."""

import datetime
from dataclasses import dataclass

MIN_EASE = 1.3
INITIAL_EASE = 2.5
# Anki's ceiling too: without one, a long run of passes overflows the calendar (year 9999).
MAX_INTERVAL = 36_500
_MIN_EASE_HUNDREDTHS = round(MIN_EASE * 100)


@dataclass(frozen=True)
class CardState:
    repetitions: int = 0
    ease: float = INITIAL_EASE  # always a whole number of hundredths (2.36, 1.3)
    interval: int = 0  # days
    due: datetime.date | None = None


def hundredths(ease: float) -> int:
    """An ease as an exact whole number of hundredths (stored eases are floats like 2.36)."""
    return round(ease * 100)


def next_ease_hundredths(ease: int, grade: int) -> int:
    """SM-2's EF' = EF + (0.1 - (5 - q)(0.08 + (5 - q) 0.02)), in hundredths: all integers, no rounding."""
    miss = 5 - grade
    ease += 10 - miss * (8 + 2 * miss)
    return ease if ease > _MIN_EASE_HUNDREDTHS else _MIN_EASE_HUNDREDTHS


def next_values(repetitions: int, ease: int, interval: int, grade: int) -> tuple[int, int, int]:
    """(repetitions, ease in hundredths, interval in days) after answering `grade` (0..5, not checked here):
    the whole of SM-2's arithmetic, on plain integers so that a replay of a long log stays fast."""
    if grade >= 3:
        if repetitions == 0:
            interval = 1
        elif repetitions == 1:
            interval = 6
        else:
            # The ease before this review's update, as SM-2 prescribes; ceil(a / 100) as -(-a // 100).
            interval = -(-interval * ease // 100)
            interval = MAX_INTERVAL if interval > MAX_INTERVAL else interval if interval > 1 else 1
        repetitions += 1
    else:
        repetitions, interval = 0, 1
    return repetitions, next_ease_hundredths(ease, grade), interval


def check_grade(grade) -> None:
    if isinstance(grade, bool) or not isinstance(grade, int) or not 0 <= grade <= 5:
        raise ValueError(f"grade must be an integer from 0 to 5, not {grade!r}")


def review(state: CardState, grade: int, today: datetime.date) -> CardState:
    """The state after answering with `grade` (0..5) on study day `today`."""
    check_grade(grade)
    repetitions, ease, interval = next_values(state.repetitions, hundredths(state.ease), state.interval, grade)
    return CardState(repetitions, ease / 100, interval, today + datetime.timedelta(days=interval))
