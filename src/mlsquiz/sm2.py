"""SM-2 (SuperMemo 2, Wozniak) as pure code: a card's state and what one graded review does to it."""

import datetime
import math
from dataclasses import dataclass

MIN_EASE = 1.3
# Anki's ceiling too: without one, a long run of passes overflows the calendar (year 9999).
MAX_INTERVAL = 36_500


@dataclass(frozen=True)
class CardState:
    repetitions: int = 0
    ease: float = 2.5
    interval: int = 0  # days
    due: datetime.date | None = None


def next_ease(ease: float, grade: int) -> float:
    miss = 5 - grade
    return max(MIN_EASE, ease + 0.1 - miss * (0.08 + miss * 0.02))


def review(state: CardState, grade: int, today: datetime.date) -> CardState:
    """The state after answering with `grade` (0..5) on study day `today`."""
    if isinstance(grade, bool) or not isinstance(grade, int) or not 0 <= grade <= 5:
        raise ValueError(f"grade must be an integer from 0 to 5, not {grade!r}")
    if grade >= 3:
        if state.repetitions == 0:
            interval = 1
        elif state.repetitions == 1:
            interval = 6
        else:
            # The ease before this review's update, as SM-2 prescribes.
            interval = min(MAX_INTERVAL, max(1, math.ceil(state.interval * state.ease)))
        repetitions = state.repetitions + 1
    else:
        repetitions, interval = 0, 1
    return CardState(
        repetitions=repetitions,
        ease=next_ease(state.ease, grade),
        interval=interval,
        due=today + datetime.timedelta(days=interval),
    )
