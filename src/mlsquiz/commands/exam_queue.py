"""How an exam date shapes today's study: the paced new-card count and, in the final-review window, the cards
shown once more. `quiz` and `due` call in here; both count the same way. Light imports: `due` runs in prompts."""

import datetime

from ..exam import pacing


class Pace:
    """Today under an exam date: the deck, the exam day, the window, and today's paced new-card allowance."""

    __slots__ = ("deck", "exam_day", "final_days", "new_today", "in_window", "window_start")

    def __init__(self, deck: str, exam_day: datetime.date, final_days: int, new_today: int, today: datetime.date):
        self.deck, self.exam_day, self.final_days, self.new_today = deck, exam_day, final_days, new_today
        self.window_start = pacing.window_start(exam_day, final_days)
        self.in_window = pacing.in_window(today, exam_day, final_days)


def exam_of(collection, deck_id: str | None, today: datetime.date) -> tuple[str, datetime.date] | None:
    """(deck, exam day) for the deck a command means on `today` (--deck, else store.exam.default_deck), if it has
    one."""
    from ..store.exam import default_deck, exam_day

    deck = deck_id or default_deck(collection, today)
    day = exam_day(collection, deck) if deck else None
    return (deck, day) if day else None


def pace(collection, deck_id: str | None, today: datetime.date, settings: dict, found=False) -> Pace | None:
    """Today's pace, or None without an exam date or once the exam day has passed (normal scheduling).
    `found`: exam_of's answer when the caller already has it."""
    from ..store.exam import introduced_on, new_remaining

    found = exam_of(collection, deck_id, today) if found is False else found
    if found is None or not pacing.exam_active(today, found[1]):
        return None
    deck, exam_day = found
    final_days = settings.get("exam_final_days", 7)
    remaining = new_remaining(collection, deck)
    new_today = pacing.new_cards_today(today, exam_day, final_days, remaining, introduced_on(collection, deck, today))
    return Pace(deck, exam_day, final_days, new_today, today)


def window_rows(collection, p: Pace, today: datetime.date) -> list:
    """In the window: cards that lapsed there and are due, then today's share of the cards not yet reviewed in it
    (at least those due anyway), most forgotten first."""
    from ..store import exam

    waiting, waiting_due = exam.window_counts(collection, p.deck, p.window_start, today)
    share = max(waiting_due, pacing.window_share(today, p.exam_day, waiting))
    lapsed = exam.lapsed_in_window_rows(collection, p.deck, p.window_start, today)
    return lapsed + (exam.window_rows(collection, p.deck, p.window_start, today, share) if share else [])


def window_today(collection, deck_id: str | None, today: datetime.date, settings: dict) -> int | None:
    """How many of the exam deck's cards the final-review window shows today, as the quiz queues them and `due`
    counts them (the lapsed ones due again, then today's share, at least the cards due anyway); None outside the
    window. `exam plan` must show this for today, not the bare even share."""
    p = pace(collection, deck_id, today, settings)
    return len(window_rows(collection, p, today)) if p is not None and p.in_window else None


def session_rows(collection, deck_id: str | None, today: datetime.date, settings: dict, review_limit: int,
                 new_override: int | None, new_done: int):
    """(due rows, new rows, Pace or None) for the quiz when an exam date shapes today or a practice exam sent
    cards to it; None otherwise (the plain queue). Under an exam date new cards come from the exam's deck and
    `--new N` (new_override) still replaces the paced count for this session."""
    from ..study.session import todays_allowance
    from ..store import study
    from ..store.exam import requeued_rows

    p = pace(collection, deck_id, today, settings)
    requeued = requeued_rows(collection, deck_id, today)
    if p is None and not requeued:
        return None
    if p is None:
        new_limit = todays_allowance(settings["new_per_day"] if new_override is None else new_override, new_done)
    else:
        new_limit = p.new_today if new_override is None else todays_allowance(new_override, new_done)
    new = study.new_card_rows(collection, p.deck if p else deck_id, new_limit, today) if new_limit else []
    due = study.due_card_rows(collection, today, deck_id, review_limit) if review_limit else []
    if p is not None and p.in_window:
        due = window_rows(collection, p, today) + [row for row in due if row["deck"] != p.deck]
    queued = {row["id"] for row in due} | {row["id"] for row in new}
    due = (due + [row for row in requeued if row["id"] not in queued])[:review_limit]
    return due, new, p


def requeued_count(collection, deck_id: str | None, today: datetime.date, new: int,
                   window_ids: frozenset = frozenset()) -> int:
    """How many cards a practice exam sent to today's quiz come on top of the due ones, as `session_rows` adds
    them: those not due anyway, not among the `new` new cards the quiz takes first and not among `window_ids`
    (the final-review window's cards of today, already counted)."""
    from ..store import study
    from ..store.exam import requeued_rows

    taken_as_new = {row["id"] for row in study.new_card_rows(collection, deck_id, new, today)} if new else set()
    return sum(1 for row in requeued_rows(collection, deck_id, today)
               if row["id"] not in taken_as_new and row["id"] not in window_ids)


def due_counts(collection, deck_id: str | None, today: datetime.date, settings: dict, due: int) -> dict | None:
    """For `mlsquiz due`: {new, due, exam_day, days_to_exam, paced} under an exam date (None without one); `due` is
    the plain count, replaced inside the window by what the window will show."""
    found = exam_of(collection, deck_id, today)
    if found is None:
        return None
    figures = {"exam_deck": found[0], "exam_day": found[1].isoformat(), "days_to_exam": (found[1] - today).days}
    p = pace(collection, deck_id, today, settings, found)
    if p is not None:
        from ..store.study import count_due

        figures["new"] = min(p.new_today, _count_new(collection, p.deck, p.new_today, today))
        figures["paced"] = True
        if p.in_window:
            shown = window_rows(collection, p, today)
            figures["due"] = len(shown) + due - count_due(collection, today, p.deck)
            figures["window_ids"] = frozenset(row["id"] for row in shown)  # for requeued_count; not printed
    return figures


def _count_new(collection, deck: str, at_most: int, today: datetime.date) -> int:
    from ..store.study import count_new

    return count_new(collection, deck, at_most, today) if at_most else 0


def exam_suffix(figures: dict) -> str:
    """` · mla-c01: exam in 78 days (new cards paced for it)` after `due`'s line (the deck whose date it is: with
    several decks, the nearest exam's); `exam was on …` once it has passed."""
    if "days_to_exam" not in figures:
        return ""
    day = datetime.date.fromisoformat(figures["exam_day"])
    today = day - datetime.timedelta(days=figures["days_to_exam"])
    return (f" · {figures['exam_deck']}: {pacing.days_until(today, day)}"
            + (" (new cards paced for it)" if figures.get("new_paced") else ""))


def pace_notes(collection, deck_id: str | None, today: datetime.date, settings: dict, new_override) -> list[str]:
    """What the quiz says under its first card when an exam date shapes the session."""
    p = pace(collection, deck_id, today, settings)
    if p is None:
        return []
    when = pacing.days_until(today, p.exam_day)
    if p.in_window:
        return [f"Final review before your exam ({when}): every card not reviewed since {p.window_start.isoformat()} "
                "comes once more, most forgotten first."]
    if new_override is not None:
        return [f"Exam pacing ({when}) would introduce {p.new_today} new today; --new {new_override} "
                "overrides it for this session."]
    if p.new_today == settings["new_per_day"]:
        return []
    return [f"Paced for your exam ({when}): {p.new_today} new card{'' if p.new_today == 1 else 's'} today "
            f"(new_per_day is "
            f"{settings['new_per_day']}), so every card is introduced before the final review."]


def summary_line(collection, deck_id: str | None, today: datetime.date) -> list[tuple[str, str]]:
    found = exam_of(collection, deck_id, today)
    if found is None:
        return []
    return [("exam", f"{found[1].isoformat()} ({pacing.days_until(today, found[1])})")]
