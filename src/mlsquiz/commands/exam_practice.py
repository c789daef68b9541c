"""`mlsquiz exam practice`: draw the questions, run the timed sitting, store every answer as it is given (kind
'exam': the schedule never changes), then score it on the exam's scale and list what was missed."""

import datetime
import json
import sys

from ..errors import MlsquizError, NotATerminalError, UsageError


def run_practice(args, context) -> int:
    import random

    from ..exam import practice
    from ..store import practice as attempts
    from ..store.decks import deck_meta
    from .exam_deck import exam_deck
    from .quiz import card_dict, section_titles

    collection = context.open_collection()
    try:
        deck = exam_deck(collection, args.deck)
        facts = practice.ExamFacts.from_meta(deck_meta(collection, deck))
        cards = [card_dict(row) for row in attempts.practice_cards(collection, deck)]
        if not cards:
            raise MlsquizError(f"{deck} has no auto-checked cards (choice, multi, order, typed) for a practice exam")
        count = args.questions or min(facts.questions, len(cards))
        if count > len(cards):
            raise UsageError(f"--questions {count} is more than the {len(cards)} auto-checked cards of {deck}")
        minutes = args.minutes or facts.minutes_for(count)
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise NotATerminalError("exam practice needs a terminal: run it in one")
        for row in attempts.abandon_running(collection, deck):
            print(f"An earlier practice exam (started {row['started_at']}) was not finished; its "
                  f"{row['answered']} answers are kept, and it is marked unfinished.")
        weights = _section_weights(collection, deck)
        questions = practice.draw(cards, count, weights, random.Random(args.seed))
        titles = section_titles(collection)
        order = [s for d, s in titles if d == deck]
        outcome, attempt, seconds_used, sitting = _sit(collection, context, deck, questions, minutes, titles)
        result = practice.score([(q["section"], sitting.answers[p][1] if p in sitting.answers else None)
                                 for p, q in enumerate(questions)], facts, order)
        attempts.finish_attempt(collection, attempt, outcome, seconds_used, result)
        print_result(outcome, result, facts, seconds_used, minutes, questions, sitting, titles, collection, deck)
        missed = [q["id"] for p, q in enumerate(questions) if not (p in sitting.answers and sitting.answers[p][1])]
        if outcome != "unfinished" and missed and (args.requeue or _ask_requeue(len(missed))):
            attempts.requeue(collection, missed, context.today(collection) + datetime.timedelta(days=1))
            print(f"{len(missed)} missed card{'' if len(missed) == 1 else 's'} sent to tomorrow's quiz.")
    finally:
        collection.close()
    return 0


def _section_weights(collection, deck: str) -> dict | None:
    """The deck's section weights when it declares any (`weight` in [[sections]]), else None (card counts)."""
    from ..store.decks import deck_row

    sections = json.loads(deck_row(collection, deck)["sections"] or "[]")
    weights = {s["id"]: s["weight"] for s in sections if isinstance(s.get("weight"), (int, float))}
    return weights or None


def _sit(collection, context, deck: str, questions: list[dict], minutes: float, titles: dict):
    import time

    from .. import clock
    from ..exam.sitting import Sitting
    from ..terminal.prompter import Prompter
    from ..store import practice as attempts

    today = context.today(collection)
    origin = time.monotonic()
    attempt = attempts.start_attempt(collection, deck, clock.utc_timestamp(context.now), today, round(minutes * 60),
                                 [(q["id"], q["section"]) for q in questions])

    def save(position: int, card: dict, given, right: bool, answer_ms: int) -> None:
        moment = context.now + datetime.timedelta(seconds=time.monotonic() - origin)
        attempts.save_practice_answer(collection, attempt, position, card["id"], given, right,
                                  clock.utc_timestamp(moment), today, answer_ms)

    def flag(position: int, flagged: bool) -> None:
        attempts.set_flag(collection, attempt, position, flagged)

    sitting = Sitting(questions, Prompter(clear=True), origin + minutes * 60, save, flag,
                      lambda card: titles.get((card["deck"], card["section"]), card["section"]))
    outcome = sitting.run()
    return outcome, attempt, min(round(time.monotonic() - origin), round(minutes * 60)), sitting


def _ask_requeue(missed: int) -> bool:
    import questionary

    from ..terminal.prompter import Quit, Prompter

    try:
        return bool(Prompter()._ask(questionary.confirm(
            f"Send the {missed} missed card{'' if missed == 1 else 's'} to tomorrow's quiz?", default=False,
            qmark="?")))
    except Quit:
        return False


def minutes_text(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}m {rest:02d}s"


def print_result(outcome: str, result, facts, seconds_used: int, minutes: float, questions, sitting, titles,
                 collection, deck: str) -> None:
    import textwrap

    from ..deckfile.model import answer_text
    from ..terminal.render import table, terminal_safe
    from .exam_deck import retired_note

    print()
    ended = {"submitted": "submitted", "timed_out": "time ran out: submitted as it stood",
             "unfinished": "left unfinished (the answers given are kept)"}[outcome]
    print(f"Practice exam {ended}.")
    for line in retired_note(collection, deck)[:1]:
        print(textwrap.fill(line + " This rehearses its historical format.", width=79))
    verdict = "PASS" if result.passed else "FAIL"
    if outcome == "unfinished":
        verdict = "not scored as a sitting"
    print(textwrap.fill(
        f"Score: {result.scaled} on {facts.score_min}-{facts.score_max} (pass mark {facts.pass_mark}): {verdict}"
        f" - {result.right} of {result.questions} right, {result.answered} answered, time used "
        f"{minutes_text(seconds_used)} of {minutes_text(minutes * 60)}", width=79, subsequent_indent="  "))
    print("(the share right mapped linearly onto the scale; AWS's own scaling is not public)")
    rows = [[titles.get((deck, s["section"]), s["section"]), s["questions"], s["right"], s["scaled"]]
            for s in result.sections]
    print(table(rows, ["section", "questions", "right", "scaled"]))
    # unfinished: only the questions answered wrongly (the rest were never reached)
    missed = [(p, q) for p, q in enumerate(questions) if not (p in sitting.answers and sitting.answers[p][1])
              and (outcome != "unfinished" or p in sitting.answers)]
    if missed:
        print("\nMissed questions:")
    from ..exam.sitting import shown_answer

    for p, q in missed:
        given = shown_answer(sitting.answers[p][0]) if p in sitting.answers else "(unanswered)"
        for label, text in ((f"{p + 1}.", q["prompt"]), ("   your answer:", given),
                            ("   right answer:", answer_text(q["type"], q["content"])),
                            ("   why:", q["content"]["explanation"])):
            print(textwrap.fill(f"{label} {terminal_safe(text, keep_newlines=False)}", width=79,
                                subsequent_indent="      "))
