"""`mlsquiz due`: one line for a shell prompt, a status bar or cron. The fastest command: stdlib and SQL only."""

import datetime

from ..store.study import any_exam_date, any_requeued, count_due, count_new, next_due_date, studied_on


def due_figures(collection, today: datetime.date, settings: dict, deck_id: str | None) -> dict:
    """What is due on `today`: cards to review (within the daily limit) and new cards still allowed."""
    new_done, reviews_done = studied_on(collection, today)
    due = count_due(collection, today, deck_id)
    new_allowed = max(0, settings["new_per_day"] - new_done)
    new = count_new(collection, deck_id, new_allowed, today) if new_allowed else 0
    next_due = next_due_date(collection, deck_id, today) if not due else today
    exam = {}
    if any_exam_date(collection):  # paced new cards, the final window, days to the exam
        from .exam_queue import due_counts

        exam = due_counts(collection, deck_id, today, settings, due) or {}
    due, new = exam.get("due", due), exam.get("new", new)
    if any_requeued(collection):  # cards a practice exam sent to the quiz come with today's reviews
        from .exam_queue import requeued_count

        due += requeued_count(collection, deck_id, today, new, exam.get("window_ids", frozenset()))
    return {
        "study_day": today.isoformat(),
        "due": due,
        "due_within_limit": min(due, max(0, settings["reviews_per_day"] - reviews_done)),
        "new": new,
        "next_due": next_due.isoformat() if next_due else None,
        "days_until_next": (next_due - today).days if next_due else None,
        **{key: exam[key] for key in ("exam_deck", "exam_day", "days_to_exam") if key in exam},
        **({"new_paced": True} if exam.get("paced") else {}),
    }


def due_line(figures: dict) -> str:
    """What can be studied today, as the quiz would count it; with an exam date, `· exam in 78 days`."""
    if "days_to_exam" not in figures:
        return _study_line(figures)
    from .exam_queue import exam_suffix

    return _study_line(figures) + exam_suffix(figures)


def _study_line(figures: dict) -> str:
    """What can be studied today, as the quiz would count it: reviews within reviews_per_day, then new cards."""
    if figures["due"] or figures["new"]:
        over = figures["due"] - figures["due_within_limit"]
        beyond = f" ({over} more over today's limit)" if over else ""
        return f"{figures['due_within_limit']} due{beyond}, {figures['new']} new today"
    days = figures["days_until_next"]
    if days is None:
        return "nothing due; nothing scheduled"
    return "nothing due; next tomorrow" if days <= 1 else f"nothing due; next in {days} days"


def run(args, context) -> int:
    collection = context.open_collection(sync_bundled=False)
    try:
        if args.deck:
            from .collection import require_deck

            require_deck(collection, args.deck)
        figures = due_figures(collection, context.today(collection), context.settings(collection), args.deck)
    finally:
        collection.close()
    if args.json:
        import json

        print(json.dumps(figures))
    else:
        print(due_line(figures))
    return 0
