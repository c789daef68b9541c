"""Pure: Anki's review log as mlsquiz reviews. Buttons become SM-2 grades, a day's learning steps one review."""

import datetime
import time
from collections import Counter
from typing import NamedTuple

from ..clock import study_day

GRADE_OF_BUTTON = {1: 2, 2: 3, 3: 4, 4: 5}  # Again, Hard, Good, Easy: Hard is a pass in Anki and stays one
NOT_ANSWERS = {4: "manual schedule changes", 5: "reschedulings"}
EARLIEST_MS, LATEST_MS = 946_684_800_000, 4_102_444_800_000  # 2000 to 2100: a log id is the answer's time in ms


class ImportedReview(NamedTuple):
    uid: str  # `anki-<revlog id>`: the same Anki answer is the same mlsquiz review, however often imported
    anki_card: int
    moment_ms: int
    reviewed_at: str
    study_day: str
    grade: int
    kind: str  # review (the day's first answer) | drill (later learning steps that day)
    answer_ms: int


def reviews_from_log(entries, rollover_hour: int) -> tuple[list[ImportedReview], Counter]:
    """Map log entries (sorted by card, then time) to reviews; also count what was skipped, and why."""
    reviews, skipped = [], Counter()
    seen_days: set[tuple[int, str]] = set()
    days: dict[int, str] = {}  # study day per quarter hour: every zone's offset changes on a quarter hour
    for entry in entries:
        if entry.type in NOT_ANSWERS or entry.ease not in GRADE_OF_BUTTON:
            skipped[NOT_ANSWERS.get(entry.type, "log rows without an answer")] += 1
            continue
        if not EARLIEST_MS <= entry.id < LATEST_MS:
            skipped["log rows with an impossible time"] += 1
            continue
        quarter = entry.id // 900_000
        day = days.get(quarter)
        if day is None:
            moment = datetime.datetime.fromtimestamp(entry.id // 1000, datetime.timezone.utc)
            day = days[quarter] = study_day(moment, rollover_hour).isoformat()
        # The first answer of a study day is the review SM-2 schedules by; learning steps after it are re-drills.
        kind = "drill" if (entry.card, day) in seen_days else "review"
        seen_days.add((entry.card, day))
        reviews.append(ImportedReview(f"anki-{entry.id}", entry.card, entry.id, _utc_text(entry.id), day,
                                      GRADE_OF_BUTTON[entry.ease], kind, max(0, entry.time_ms or 0)))
    return reviews, skipped


def _utc_text(moment_ms: int) -> str:
    """clock.utc_timestamp's form ('2026-03-01T09:00:00.000+00:00'), without a datetime per log row."""
    seconds, ms = divmod(moment_ms, 1000)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03d+00:00" % (*time.gmtime(seconds)[:6], ms)
