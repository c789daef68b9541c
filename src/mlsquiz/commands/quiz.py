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
    from ..session import Session, todays_allowance
    from ..store import study

    if args.cram:
        rows = study.cram_card_rows(collection, args.deck, args.section, args.tag)
        return Session.build([card_dict(r) for r in rows], [], cram=True)
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


def when(day: datetime.date | None, today: datetime.date) -> str:
    if day is None:
        return "nothing is scheduled"
    days = (day - today).days
    if days <= 0:
        return "today"
    return "tomorrow" if days == 1 else f"in {days} days ({day.isoformat()})"


def run(args, context) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise NotATerminalError("the quiz needs a terminal: run 'mlsquiz quiz' in one")
    from .. import clock, sm2
    from ..quiz import Prompter, run_session
    from ..stats import streaks
    from ..store import study
    from ..store.summary import all_study_days, due_on_or_before
    from .collection import require_deck

    collection = context.open_collection()
    try:
        require_deck(collection, args.deck)
        if args.cram and (args.section or args.tag) and not study.cram_card_rows(collection, args.deck, args.section,
                                                                                   args.tag):
            from ..errors import UsageError

            raise UsageError(f"no cards in section or with tag {args.section or args.tag!r}")
        today = context.today(collection)
        session = build_session(collection, args, today, context.settings(collection))
        if not session.queue:
            print(f"Nothing to study today. Next card due {when(study.next_due_date(collection, args.deck), today)}.")
            return 0
        titles = section_titles(collection)
        import time

        origin = time.monotonic()

        def save(step, grade, answer_ms):
            moment = context.now + datetime.timedelta(seconds=time.monotonic() - origin)
            schedule = (lambda state: sm2.review(state, grade, today)) if step.kind == "review" else None
            saved = study.record_answer(collection, step.card["id"], grade, step.kind, clock.utc_timestamp(moment),
                                        today, answer_ms, schedule)
            return saved.review_id

        spent = run_session(session, Prompter(), save, lambda review_id: study.undo_review(collection, review_id),
                            lambda card: titles.get((card["deck"], card["section"]), card["section"]))
        print_summary(session.summary(), spent, today, collection, args.deck,
                      streaks(all_study_days(collection), today), due_on_or_before, study.next_due_date)
    finally:
        collection.close()
    return 0


def print_summary(summary, spent, today, collection, deck, streak, due_on_or_before, next_due_date) -> None:
    reviewed = summary["reviewed"]
    share = f"{summary['right_first_try'] / reviewed:.0%}" if reviewed else "-"
    minutes, seconds = divmod(round(spent), 60)
    tomorrow = today + datetime.timedelta(days=1)
    print()
    print(f"Session done: {reviewed} card{'s' if reviewed != 1 else ''} reviewed, {share} right on the first try, "
          f"{summary['redrilled']} re-drilled, {minutes}m {seconds:02d}s.")
    print(f"Due tomorrow: {due_on_or_before(collection, tomorrow, deck)}. "
          f"Next card due {when(next_due_date(collection, deck), today)}. "
          f"Streak: {streak['current']} study day{'s' if streak['current'] != 1 else ''}.")
