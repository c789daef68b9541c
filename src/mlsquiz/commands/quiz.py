"""`mlsquiz quiz`: build today's queue, run the questionary loop, save every answer, print a summary."""

import datetime
import json
import sys

from ..errors import NotATerminalError


def card_dict(row) -> dict:
    card = dict(row)
    card["content"] = json.loads(card["content"])
    card["tags"] = json.loads(card["tags"])
    return card


def build_session(collection, args, today: datetime.date, settings: dict):
    """Due cards within what is left of reviews_per_day, then new cards within what is left of new_per_day
    (both counted over every session of the study day, as `mlsquiz due` counts them); or the cram cards."""
    from ..session import Session, todays_allowance
    from ..store import study

    if args.cram:
        rows = study.cram_card_rows(collection, args.deck, args.section, args.tag)
        return Session.build([card_dict(r) for r in rows[:args.limit]], [], cram=True)  # limit None: all
    new_done, reviews_done = study.studied_on(collection, today)
    review_limit = todays_allowance(settings["reviews_per_day"] if args.limit is None else args.limit, reviews_done)
    new_limit = todays_allowance(settings["new_per_day"] if args.new is None else args.new, new_done)
    due = study.due_card_rows(collection, today, args.deck, review_limit) if review_limit else []
    new = study.new_card_rows(collection, args.deck, new_limit) if new_limit else []
    return Session.build([card_dict(r) for r in due], [card_dict(r) for r in new])


def section_titles(collection) -> dict:
    from ..store.stats import decks_with_sections

    titles = {}
    for deck in decks_with_sections(collection, None):
        for section in json.loads(deck["sections"] or "[]"):
            titles[(deck["id"], section["id"])] = section.get("title", section["id"])
    return titles


def when(day: datetime.date, today: datetime.date) -> str:
    days = (day - today).days
    if days <= 0:
        return "today"
    return f"tomorrow ({day.isoformat()})" if days == 1 else f"in {days} days ({day.isoformat()})"


def nothing_to_do(next_due: datetime.date | None, today: datetime.date, new_waiting: bool) -> str:
    """The one line shown when today's queue is empty."""
    if next_due is not None and next_due <= today:
        return "Nothing more to study today: the daily review limit is reached ('--limit N' raises it)."
    line = f"Nothing to study today. Next card due {when(next_due, today)}." if next_due else \
        "Nothing to study today, and no card is scheduled."
    if new_waiting:
        line += " Today's new cards are done ('--new N' raises the limit)."
    return line


def run(args, context) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise NotATerminalError("mlsquiz quiz needs a terminal: run it in one")
    from ..quiz import Prompter, run_session
    from ..store import study
    from .collection import require_deck

    collection = context.open_collection()
    try:
        require_deck(collection, args.deck)
        if args.cram and (args.section or args.tag) and not study.cram_card_rows(
                collection, args.deck, args.section, args.tag):
            from ..errors import UsageError

            raise UsageError(f"no cards in section or with tag {args.section or args.tag!r}")
        today = context.today(collection)
        session = build_session(collection, args, today, context.settings(collection))
        if not session.queue and args.cram:
            print("No cards to cram.")
            return 0
        if not session.queue:
            print(nothing_to_do(study.next_due_date(collection, args.deck), today,
                                study.count_new(collection, args.deck, 1) > 0))
            return 0
        titles = section_titles(collection)
        spent = run_session(session, Prompter(), answer_saver(collection, context.now, today),
                            lambda review_id: study.undo_review(collection, review_id),
                            lambda card: titles.get((card["deck"], card["section"]), card["section"]))
        print_summary(session.summary(), spent, today, collection, args.deck)
    finally:
        collection.close()
    return 0


def answer_saver(collection, now: datetime.datetime, today: datetime.date):
    """`save(step, grade, answer_ms) -> review id`, stamping each answer at `now` plus the session's elapsed time."""
    import time

    from .. import clock, sm2
    from ..store import study

    origin = time.monotonic()

    def save(step, grade: int, answer_ms: int) -> int:
        moment = now + datetime.timedelta(seconds=time.monotonic() - origin)
        schedule = (lambda state: sm2.review(state, grade, today)) if step.kind == "review" else None
        return study.record_answer(collection, step.card["id"], grade, step.kind, clock.utc_timestamp(moment),
                                   today, answer_ms, schedule).review_id

    return save


def print_summary(summary: dict, spent: float, today: datetime.date, collection, deck: str | None) -> None:
    from ..stats import streaks
    from ..store.study import next_due_date
    from ..store.summary import all_study_days, due_on_or_before

    reviewed, right = summary["reviewed"], summary["right_first_try"]
    minutes, seconds = divmod(round(spent), 60)
    next_due = next_due_date(collection, deck)
    lines = [
        ("right on the first try", f"{right} of {reviewed} ({right / reviewed:.0%}; graded 3 or better)" if reviewed
         else "-"),
        ("re-drilled", plural(summary["redrilled"], "card") + (
            f" ({summary['redrill_left']} not finished)" if summary["redrill_left"] else "")),
        ("due by tomorrow", plural(due_on_or_before(collection, today + datetime.timedelta(days=1), deck), "card")),
        ("next card due", when(next_due, today) if next_due else "none scheduled"),
        ("streak", plural(streaks(all_study_days(collection), today)["current"], "study day")),
    ]
    print()
    print(f"Session done: {plural(reviewed, 'card')} reviewed in {minutes}m {seconds:02d}s.")
    for label, value in lines:
        print(f"  {label:<25}{value}")


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
