"""Pure: Anki's review log as mlsquiz reviews. Buttons become SM-2 grades, a day's learning steps one review."""

import datetime
import time
from collections import Counter
from typing import NamedTuple

from ..clock import study_day

GRADE_OF_BUTTON = {1: 2, 2: 3, 3: 4, 4: 5}  # Again, Hard, Good, Easy: Hard is a pass in Anki and stays one
NOT_ANSWERS = {4: "manual schedule changes", 5: "reschedulings"}
MANUAL = 4  # a manual row with no button and ease factor 0 is a reset to new ("Forget"): mlsquiz's `forget`
# Anki reads a log row's duration as an unsigned 32-bit number of ms and takes 0 for anything else
# (rslib storage/revlog: `taken_millis: row.get(7).unwrap_or_default()`); so does mlsquiz, so 2^62 ms cannot
# overflow a day's total later.
MAX_ANSWER_MS = 2**32 - 1
EARLIEST_MS, LATEST_MS = 946_684_800_000, 4_102_444_800_000  # 2000 to 2100: a log id is the answer's time in ms


# The tail of a UTC timestamp: "MM:SS" for each second of an hour, ".mmm+00:00" for each millisecond.
_MINUTES_SECONDS = tuple(f"{second // 60:02d}:{second % 60:02d}" for second in range(3600))
_MILLISECONDS = tuple(f".{ms:03d}+00:00" for ms in range(1000))


class ImportedReview(NamedTuple):
    # The first six are a review row's, after its card, as store.replay.add_reviews takes them.
    reviewed_at: str
    study_day: str
    grade: int
    kind: str  # review (the day's first answer) | drill (later learning steps that day) | forget (a reset)
    answer_ms: int
    uid: str  # `anki-<revlog id>`: the same Anki answer is the same mlsquiz review, however often imported
    anki_card: int
    moment_ms: int


def reviews_from_log(entries, rollover_hour: int, latest_ms: int = LATEST_MS) -> tuple[list[ImportedReview], Counter]:
    """Map log entries (in time order) to reviews; also count what was skipped, and why. Answers after
    `latest_ms` (now, plus a slack for clocks that disagree) have not happened yet: refused and counted."""
    reviews, skipped = [], Counter()
    # (study day, UTC text of the hour up to the minutes) per quarter hour: every zone's offset changes on one.
    quarters: dict[int, tuple[str, str]] = {}
    answered: set[tuple[int, str]] = set()  # (card, study day) of the answers so far
    append = reviews.append
    for moment, anki_card, ease, time_ms, log_type, factor in entries:  # anki.collection.LogEntry's fields
        grade = GRADE_OF_BUTTON.get(ease)
        reset = log_type == MANUAL and ease == 0 and factor == 0 and type(factor) is int
        if (grade is None or log_type in NOT_ANSWERS) and not reset:
            skipped[NOT_ANSWERS.get(log_type, "log rows without an answer")] += 1
            continue
        if not EARLIEST_MS <= moment < LATEST_MS:
            skipped["log rows with an impossible time"] += 1
            continue
        if moment > latest_ms:
            skipped["log rows later than now"] += 1
            continue
        quarter = quarters.get(moment // 900_000)
        if quarter is None:
            local = datetime.datetime.fromtimestamp(moment // 1000, datetime.timezone.utc)
            quarter = quarters[moment // 900_000] = (study_day(local, rollover_hour).isoformat(),
                                                     time.strftime("%Y-%m-%dT%H:", time.gmtime(moment // 1000)))
        day, hour = quarter
        # The first answer of a study day is the review SM-2 schedules by; learning steps after it are re-drills.
        card_day = (anki_card, day)
        if reset:  # back to new, history kept, as `mlsquiz forget` logs it: the next answer introduces it again
            answered.discard(card_day)
            grade, kind, time_ms = 0, "forget", 0
        elif card_day in answered:
            kind = "drill"
        else:
            kind = "review"
            answered.add(card_day)
        # clock.utc_timestamp's form ('2026-03-01T09:00:00.000+00:00'), without a datetime per log row.
        within_hour = moment % 3_600_000
        reviewed_at = hour + _MINUTES_SECONDS[within_hour // 1000] + _MILLISECONDS[within_hour % 1000]
        duration = time_ms if 0 < time_ms <= MAX_ANSWER_MS else 0
        # tuple.__new__: the NamedTuple's own constructor is a Python-level call, a third of this loop's time.
        append(_new_tuple(ImportedReview, (reviewed_at, day, grade, kind, duration,
                                           f"anki-{moment}", anki_card, moment)))
    return reviews, skipped


_new_tuple = tuple.__new__


def reviews_by_card(reviews: list[ImportedReview]) -> dict[int, list[ImportedReview]]:
    """The reviews of each Anki card, each card's in the order given (time order)."""
    by_card: dict[int, list[ImportedReview]] = {}
    for review in reviews:
        answers = by_card.get(review[6])  # anki_card: by position, faster than a NamedTuple's field name
        if answers is None:
            by_card[review[6]] = [review]
        else:
            answers.append(review)
    return by_card


def folds_ahead(by_card: dict[int, list[ImportedReview]], cards) -> dict[int, tuple[int, tuple]]:
    """For each of the given Anki cards: (how many reviews, replay.fold of them with snapshots), as
    store.replay.add_reviews folds a card answered only in what an import brings (its `folded_ahead`)."""
    from ..scheduling.replay import fold

    return {card: (len(by_card[card]), fold(by_card[card], True)) for card in cards if card in by_card}
