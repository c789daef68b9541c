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
    from ..study.session import Session, todays_allowance
    from ..store import study

    if args.cram:
        rows = study.cram_card_rows(collection, args.deck, args.section, args.tag)
        return Session.build([card_dict(r) for r in rows[:args.limit]], [], cram=True)  # limit None: all
    new_done, reviews_done = study.studied_on(collection, today)
    review_limit = todays_allowance(settings["reviews_per_day"] if args.limit is None else args.limit, reviews_done)
    from .exam_queue import session_rows  # exam date: paced new cards, final window; practice misses requeued

    exam = session_rows(collection, args.deck, today, settings, review_limit, args.new, new_done)
    if exam is not None:
        due, new, _ = exam
        return Session.build([card_dict(r) for r in due], [card_dict(r) for r in new])
    new_limit = todays_allowance(settings["new_per_day"] if args.new is None else args.new, new_done)
    due = study.due_card_rows(collection, today, args.deck, review_limit) if review_limit else []
    new = study.new_card_rows(collection, args.deck, new_limit, today) if new_limit else []
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
        raise NotATerminalError("quiz needs a terminal: run it in one")
    from ..study.quiz import Prompter, run_session
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
            print(nothing_to_do(study.next_due_date(collection, args.deck, today), today,
                                study.count_new(collection, args.deck, 1, today) > 0))
            return 0
        titles = section_titles(collection)
        prompter = Prompter(clear=not args.scroll)
        for line in exam_notices(collection, {step.card["deck"] for step in session.queue}):
            prompter.note_for_next_card(line)  # on the first card's screen, which is cleared before it is drawn
        settings = context.settings(collection)
        if not args.cram:
            from .exam_queue import pace_notes

            for line in pace_notes(collection, args.deck, today, settings, args.new):
                prompter.note_for_next_card(line)

        def leech_found(card: dict, lapses: int) -> None:
            suspended = settings["leech_action"] == "suspend"
            if suspended:
                session.drop_card(card["id"])  # its re-drill too: a suspended card is out of this session
            prompter.note_for_next_card(
                f"Leech: {card['deck']}:{card['card_id']} has lapsed {lapses} times; it is tagged a leech"
                + (f" and suspended ('mlsquiz unsuspend {card['card_id']}' brings it back)." if suspended else "."))

        run_session(session, prompter, answer_saver(collection, context.now, today, settings, leech_found),
                    answer_undoer(collection, settings),
                    lambda card: titles.get((card["deck"], card["section"]), card["section"]))
        for note in prompter.take_notes():  # a leech found on the last card
            prompter.say(note, "note")
        from ..study.session import redrill_reasons

        print_summary(session.summary() | redrill_reasons(session), today, collection, args.deck, prompter.width)
    finally:
        collection.close()
    return 0


def exam_notices(collection, deck_ids: set) -> list[str]:
    """For decks never studied: their exam's status (e.g. that the exam was retired), shown before the first card."""
    from ..exam.status import exam_notice
    from ..store.decks import deck_has_reviews, deck_meta

    from ..terminal.render import terminal_safe

    # deck text ([deck.exam] name, code, successors, note): made terminal-safe here, where the notice is made
    return [terminal_safe(line, keep_newlines=False) for deck_id in sorted(deck_ids)
            if not deck_has_reviews(collection, deck_id) for line in exam_notice(deck_meta(collection, deck_id))]


def answer_saver(collection, now: datetime.datetime, today: datetime.date, settings: dict, leech_found):
    """`save(step, grade, answer_ms) -> review id`, stamping each answer at `now` plus the session's elapsed time;
    a scheduled answer that brings a card's lapses to `leech_lapses` tags it a leech and calls `leech_found`."""
    import time

    from .. import clock
    from ..scheduling import sm2
    from ..store import study

    origin = time.monotonic()
    leech = (settings["leech_lapses"], settings["leech_action"] == "suspend")

    def save(step, grade: int, answer_ms: int) -> int:
        moment = now + datetime.timedelta(seconds=time.monotonic() - origin)
        schedule = (lambda state: sm2.review(state, grade, today)) if step.kind == "review" else None
        # One transaction with the leech tag: a busy collection leaves nothing half-saved to give again.
        with collection.waiting_at_most(ANSWER_LOCK_WAIT_MS):
            saved = study.record_answer(collection, step.card["id"], grade, step.kind, clock.utc_timestamp(moment),
                                        today, answer_ms, schedule, leech)
        if saved.leech_lapses is not None:
            leech_found(step.card, saved.leech_lapses)
        return saved.review_id

    return save


# How long one try to save an answer waits for another program's write lock before the quiz says so and tries
# again (study/quiz.py): the learner hears of a busy collection within seconds, not after the busy timeout.
ANSWER_LOCK_WAIT_MS = 2_000


def answer_undoer(collection, settings: dict):
    """`undo(review id)`: the answer taken back, and the leech tag it may have brought with it."""
    from ..store import study

    def undo(review_id: int) -> str | None:
        with collection.waiting_at_most(ANSWER_LOCK_WAIT_MS):
            # a line when another terminal answered the card since
            return study.undo_review(collection, review_id, settings["leech_lapses"])

    return undo


def print_summary(summary: dict, today: datetime.date, collection, deck: str | None, width: int = 80) -> None:
    """The session's figures, in the words `stats` uses for the day; wrapped to the terminal."""
    from ..study.quiz import wrapped
    from ..study.session import studied_phrase
    from ..study.stats import streaks
    from ..store.study import next_due_date
    from ..store.summary import all_study_days, due_on_or_before

    reviewed, right = summary["reviewed"], summary["right_first_try"]
    next_due = next_due_date(collection, deck, today)
    lines = [
        ("right on the first try", f"{right} of {reviewed} ({right / reviewed:.0%}; graded 3 or better)" if reviewed
         else "-"),
        ("sent back to re-drill", plural(summary["redrilled"], "card") + redrill_detail(summary)),
        ("due by tomorrow", plural(due_on_or_before(collection, today + datetime.timedelta(days=1), deck), "card")),
        ("next card due", when(next_due, today) if next_due else "none scheduled"),
        ("streak", plural(streaks(all_study_days(collection), today)["current"], "study day")),
    ]
    from .exam_queue import summary_line

    lines += summary_line(collection, deck, today)  # ("exam", "2027-02-15 (exam in 78 days)") with an exam date
    print()
    for line in wrapped(f"Session done: {studied_phrase(reviewed, summary['answers'], summary['answer_ms'])}.",
                        width - 1, 2):
        print(line)
    label_width = max(len(label) for label, _ in lines) + 2
    aligned = all(2 + label_width + len(value) <= width - 1 for _, value in lines)
    for label, value in lines:
        text = f"  {label:<{label_width}}{value}" if aligned else f"  {label}: {value}"
        for line in wrapped(text, width - 1, 4):
            print(line)


def redrill_detail(summary: dict) -> str:
    """Which re-drilled cards were wrong and which right (graded 3: right on the first try, yet re-drilled, as
    every grade below 4 is), and how many re-drills were left unfinished."""
    parts = []
    right = summary.get("redrilled_right", 0)
    if right:
        wrong = summary["redrilled"] - right
        parts.append(f"{wrong} wrong, {right} right but graded 3" if wrong else "all right but graded 3")
    if summary["redrill_left"]:
        parts.append(f"{summary['redrill_left']} not finished")
    return f" ({'; '.join(parts)})" if parts else ""


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
