"""Pure: what a learner compares before an exam. The kept plan's workload and exam-day recall at several desired
retentions (forecast.recall_if_kept at each), and whether to trust the memory model's predicted practice score
or the actual practice scores."""

import datetime
import math

from .forecast import recall_range
from .kept import Queue, kept_values


def workload(parameters, queue: Queue, today: datetime.date, exam_day: datetime.date, new_days: list,
             retentions: list[float], shift: float = 0.0) -> list[dict]:
    """For each desired retention: the kept plan's expected reviews from today to exam day, in all and per day on
    average (planned reviews before the window at the memory model's interval for that retention, a seen card's
    next one too, as if rescheduled by FSRS at it; each answered right with the calibrated recall at that moment;
    plus the window's one review; introducing a new card is not a review), and the expected recall on exam day
    with its 10th-90th percentile range (see forecast.recall_if_kept). `queue`: kept.window_queue's answer for
    the deck, shared by every retention."""
    days, rows = (exam_day - today).days + 1, []
    for retention in retentions:
        recalls, counts = kept_values(parameters, queue, today.toordinal(), exam_day.toordinal(), retention, shift,
                                      reschedule=True)
        total = sum(counts)
        rows.append({"desired_retention": retention, "reviews": round(total),
                     "reviews_per_day": round(total / days, 1),
                     "new_cards": sum(count for _, count in new_days),
                     "if_plan_kept": sum(recalls) / queue.cards if queue.cards else None,
                     "if_plan_kept_range": recall_range(recalls, queue.cards)})
    return rows


MIN_PRACTICE_ANSWERS = 30  # fewer answered practice questions than this: the prediction is the better guide


def practice_verdict(predicted: float | None, right: int, questions: int) -> tuple[str, str]:
    """Which to trust, the model's predicted share right or the practice exams' (`right` of `questions` over the
    recent attempts), and why: they disagree when the gap is more than twice the chance spread of a score on that
    many questions (binomial, at the predicted share)."""
    if predicted is None:
        return "practice", "nothing of the pool has been studied yet, so the model predicts nothing but zero."
    if not questions:
        return "prediction", "no practice exam yet: take one ('mlsquiz exam practice') to check the prediction."
    p = min(0.95, max(0.05, predicted))
    spread = 2 * math.sqrt(p * (1 - p) / questions)
    if questions < MIN_PRACTICE_ANSWERS:
        return "prediction", (f"only {questions} practice answers: a score on so few questions moves by "
                              f"{spread:.0%} of the scale either way by chance alone.")
    gap = right / questions - predicted
    if abs(gap) <= spread:
        return "either", f"they agree within what chance explains ({spread:.0%} of the scale either way)."
    if gap < 0:
        return "practice", ("your practice scores are below the prediction by more than chance explains: recall "
                            "of the cards you drilled overstates how well it carries over to exam questions.")
    return "practice", ("your practice scores are above the prediction by more than chance explains: the model "
                        "counts cards you never studied as forgotten, yet you answered some of them.")
