"""Pure: the days around an exam date. New cards are spread evenly over the days before the final-review window;
the window is the last `final_days` days before the exam, and the exam day itself catches up what is left."""

import datetime
import math

DAY = datetime.timedelta(days=1)


def window_start(exam_day: datetime.date, final_days: int) -> datetime.date:
    return exam_day - final_days * DAY


def exam_active(today: datetime.date, exam_day: datetime.date | None) -> bool:
    """An exam date shapes the schedule until the exam day; afterwards the deck is back to normal."""
    return exam_day is not None and today <= exam_day


def in_window(today: datetime.date, exam_day: datetime.date, final_days: int) -> bool:
    return window_start(exam_day, final_days) <= today <= exam_day


def new_cards_today(today: datetime.date, exam_day: datetime.date, final_days: int, remaining: int,
                    introduced_today: int) -> int:
    """Today's new-card allowance: what introduces every remaining card before the window, spread evenly over the
    days left (a skipped day raises the rest's share); inside the window, everything still new."""
    days_left = (window_start(exam_day, final_days) - today).days
    if days_left <= 0:
        return remaining
    return max(0, math.ceil((remaining + introduced_today) / days_left) - introduced_today)


def introductions(today: datetime.date, exam_day: datetime.date, final_days: int, remaining: int,
                  introduced_today: int) -> list[tuple[datetime.date, int]]:
    """(day, new cards) for every day from today until all remaining cards are introduced, if the plan is kept."""
    days, day = [], today
    while remaining > 0:
        count = min(remaining, new_cards_today(day, exam_day, final_days, remaining,
                                               introduced_today if day == today else 0))
        days.append((day, count))
        remaining -= count
        day += DAY
    return days


def window_days_left(today: datetime.date, exam_day: datetime.date) -> int:
    """Days (today included) over which the window spreads what it has left to show: up to the day before the
    exam, or the exam day alone once it has come."""
    return max(1, (exam_day - today).days)


def window_share(today: datetime.date, exam_day: datetime.date, not_yet_shown: int) -> int:
    """How many cards not yet reviewed in the window today's session shows (at least the ones due anyway)."""
    return math.ceil(not_yet_shown / window_days_left(today, exam_day))


def days_until(today: datetime.date, exam_day: datetime.date) -> str:
    """`exam in 78 days`, `exam tomorrow`, `exam today`, or `exam was on 2027-02-15` once past."""
    days = (exam_day - today).days
    if days < 0:
        return f"exam was on {exam_day.isoformat()}"
    return {0: "exam today", 1: "exam tomorrow"}.get(days, f"exam in {days} days")
